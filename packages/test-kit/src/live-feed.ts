import { vi } from "vitest";
import { sseDataPayloads } from "./sse.ts";

/** A feed read in the background while the test acts; `until` waits for a frame matching. */
export type LiveFeed<E> = {
  events: E[];
  until(match: (event: E) => boolean, timeoutMs?: number): Promise<E>;
  close(): Promise<void>;
};

export function liveFeed<E = any>(response: Response): LiveFeed<E> {
  const events: E[] = [];
  const reader = response.body!.getReader();
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      const end = buffer.lastIndexOf("\n\n");
      if (end < 0) continue;
      for (const data of sseDataPayloads(buffer.slice(0, end + 2))) events.push(JSON.parse(data) as E);
      buffer = buffer.slice(end + 2);
    }
  })().catch(() => {});
  return {
    events,
    until(match, timeoutMs = 10_000) {
      return vi.waitFor(
        () => {
          const found = events.find(match);
          if (!found) throw new Error(`no matching event; got ${JSON.stringify(events.map((e: any) => e.type))}`);
          return found;
        },
        { timeout: timeoutMs, interval: 20 },
      );
    },
    async close() {
      await reader.cancel().catch(() => {});
      await reading;
    },
  };
}
