import { createParser } from "eventsource-parser";

/** `connecting` until the stream first opens; `reconnecting` after it dropped, until it is back. */
export type LiveStatus = "connecting" | "live" | "reconnecting";

export type LiveSourceOptions = {
  /** The stream's address, resuming after `after` (the last event id seen; null: from the start). */
  url: (after: number | null) => string;
  after?: number | null;
  onMessage: (data: string) => void;
  onStatus?: (status: LiveStatus) => void;
  /** Each time the stream opens; `again` after a drop: what changed while it was down must be re-read. */
  onOpen?: (again: boolean) => void;
  /** No byte (not even a heartbeat) for this long: the connection is dead even if no error says so. */
  stallMs?: number;
};

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 5_000;
const STALL_MS = 45_000;

/** 0.5 s doubling to 5 s, ±25 % so a hundred tabs do not come back in the same millisecond. */
export function backoffDelay(attempt: number): number {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/** Calls `fn` when the browser is back online or the tab becomes visible; returns the unsubscribe. */
export function onWake(fn: () => void): () => void {
  const wake = () => {
    if (document.visibilityState === "visible" && navigator.onLine !== false) fn();
  };
  window.addEventListener("online", wake);
  document.addEventListener("visibilitychange", wake);
  return () => {
    window.removeEventListener("online", wake);
    document.removeEventListener("visibilitychange", wake);
  };
}

/**
 * A server-sent event stream that comes back by itself. Native EventSource gives up for good on
 * any answer but 200 (a 502 while the agent restarts), so this reads the stream with fetch and
 * reconnects with backoff from the last `id:` it saw — at once when the browser comes back online
 * or the tab becomes visible.
 */
export class LiveSource {
  private after: number | null;
  private status: LiveStatus = "connecting";
  private attempt = 0;
  private opened = false;
  private closed = false;
  private abort: AbortController | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly unwake: () => void;

  constructor(private readonly options: LiveSourceOptions) {
    this.after = options.after ?? null;
    this.unwake = onWake(() => this.reconnectNow());
    void this.connect();
  }

  close(): void {
    this.closed = true;
    this.unwake();
    if (this.timer) clearTimeout(this.timer);
    this.abort?.abort();
  }

  /** Retries now instead of waiting out the backoff (a connection that is live is left alone). */
  reconnectNow(): void {
    if (this.closed || this.status === "live") return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort?.abort();
    this.attempt = 0;
    void this.connect();
  }

  private setStatus(status: LiveStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.options.onStatus?.(status);
  }

  private async connect(): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    let stall: ReturnType<typeof setTimeout> | null = null;
    const feed = () => {
      if (stall) clearTimeout(stall);
      stall = setTimeout(() => abort.abort(), this.options.stallMs ?? STALL_MS);
    };
    try {
      feed();
      const response = await fetch(this.options.url(this.after), {
        credentials: "same-origin",
        headers: { accept: "text/event-stream" },
        signal: abort.signal,
      });
      if (!response.ok || !response.body || !(response.headers.get("content-type") ?? "").includes("text/event-stream")) {
        await response.body?.cancel().catch(() => undefined);
        throw new Error(`the stream answered ${response.status}`);
      }
      const again = this.opened;
      this.opened = true;
      this.attempt = 0;
      this.setStatus("live");
      this.options.onOpen?.(again);
      await this.read(response.body, feed);
    } catch {
      // Dropped, refused or stalled: the same way back for all of them.
    } finally {
      if (stall) clearTimeout(stall);
    }
    if (this.closed || this.abort !== abort) return;
    this.setStatus("reconnecting");
    this.timer = setTimeout(
      () => {
        this.timer = null;
        void this.connect();
      },
      backoffDelay(this.attempt++),
    );
  }

  /** Parses the SSE frames (eventsource-parser) and hands each event's data on, keeping its `id:`. */
  private async read(body: ReadableStream<Uint8Array>, onBytes: () => void): Promise<void> {
    const parser = createParser({
      onEvent: (event) => {
        if (event.id !== undefined && /^\d+$/.test(event.id)) this.after = Number(event.id);
        // Like EventSource's `message`: unnamed events only, and only those that carry data.
        if (event.event === undefined && event.data !== "" && !this.closed) this.options.onMessage(event.data);
      },
    });
    const reader = body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      onBytes();
      parser.feed(decoder.decode(value, { stream: true }));
    }
  }
}
