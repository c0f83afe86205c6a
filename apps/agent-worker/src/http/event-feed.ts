import { sseComment, sseFrame } from "./sse.ts";

export const HEARTBEAT_MS = 15_000;
const REPLAY_PAGE = 500;

/** An append-only log with integer seqs that a feed can replay and then follow. */
export type FeedSource<E extends { seq: number }> = {
  after(seq: number, limit: number): E[];
  lastSeq(): number;
  /** The highest seq retention removed; a reader positioned before it may have missed events. */
  compactedThrough(): number;
  /** Listeners hear events only once their transaction committed. Returns the unsubscribe. */
  subscribe(listener: (event: E) => void): () => void;
};

export type EventFeedOptions<E extends { seq: number }> = {
  source: FeedSource<E>;
  after: number;
  /** Sent instead of events that retention compacted away, stating where the reader now is. */
  snapshot: (seq: number) => E;
  heartbeatMs?: number;
};

/**
 * SSE replay of every event after `after`, then the live tail. Replay and subscription happen
 * in one synchronous turn of the Durable Object, so no event can slip between them.
 */
export function eventFeedResponse<E extends { seq: number }>({ source, after, snapshot, heartbeatMs = HEARTBEAT_MS }: EventFeedOptions<E>): Response {
  let cleanup = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const send = (event: E) => {
        if (!closed) controller.enqueue(sseFrame(JSON.stringify(event), event.seq));
      };
      let cursor = after;
      if (after < source.compactedThrough()) {
        const last = source.lastSeq();
        send(snapshot(last));
        cursor = last;
      }
      for (;;) {
        const page = source.after(cursor, REPLAY_PAGE);
        for (const event of page) send(event);
        if (page.length < REPLAY_PAGE) break;
        cursor = page[page.length - 1]!.seq;
      }
      const unsubscribe = source.subscribe(send);
      const heartbeat = setInterval(() => {
        if (!closed) controller.enqueue(sseComment("heartbeat"));
      }, heartbeatMs);
      cleanup = () => {
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
      };
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" },
  });
}
