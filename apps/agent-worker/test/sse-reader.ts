export type SseFrame = { id: string | null; data: string };

/** Reads SSE frames incrementally until `stop` says so (or the stream ends); then cancels. */
export async function readFramesUntil(response: Response, stop: (frame: SseFrame, all: SseFrame[]) => boolean): Promise<SseFrame[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const frames: SseFrame[] = [];
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return frames;
      buffer += decoder.decode(value, { stream: true });
      let boundary: number;
      while ((boundary = buffer.indexOf("\n\n")) >= 0) {
        const raw = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const lines = raw.split("\n");
        const data = lines.filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n");
        if (data === "") continue; // comments (heartbeats)
        const id = lines.find((line) => line.startsWith("id: "))?.slice(4) ?? null;
        const frame = { id, data };
        frames.push(frame);
        if (stop(frame, frames)) return frames;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** A feed read in the background while the test acts; `until` waits for a frame matching. */
export type LiveFeed<E> = {
  events: E[];
  until(match: (event: E) => boolean, timeoutMs?: number): Promise<E>;
  close(): Promise<void>;
};

export function liveFeed<E = any>(response: Response): LiveFeed<E> {
  const events: E[] = [];
  const waiters = new Set<() => void>();
  const reader = response.body!.getReader();
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let boundary: number;
      while ((boundary = buffer.indexOf("\n\n")) >= 0) {
        const data = buffer
          .slice(0, boundary)
          .split("\n")
          .filter((line) => line.startsWith("data: "))
          .map((line) => line.slice(6))
          .join("\n");
        buffer = buffer.slice(boundary + 2);
        if (data !== "") events.push(JSON.parse(data) as E);
      }
      for (const wake of waiters) wake();
    }
  })().catch(() => {});
  return {
    events,
    async until(match, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching event; got ${JSON.stringify(events.map((e: any) => e.type))}`);
        await new Promise<void>((resolve) => {
          const wake = () => (waiters.delete(wake), resolve());
          waiters.add(wake);
          setTimeout(wake, 50);
        });
      }
    },
    async close() {
      await reader.cancel().catch(() => {});
      await reading;
    },
  };
}
