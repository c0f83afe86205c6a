import type { ThreadEvent } from "@oa/protocol";
import { sseComment, sseFrame } from "../http/sse.ts";
import type { EventLog } from "./event-log.ts";

export const HEARTBEAT_MS = 15_000;
const REPLAY_PAGE = 500;

export type EventFeedOptions = {
  log: EventLog;
  after: number;
  /** The thread's state, sent when the reader's position was compacted away. */
  snapshot: (seq: number) => ThreadEvent;
  heartbeatMs?: number;
};

/**
 * SSE replay of every event after `after`, then the live tail. Replay and subscription happen
 * in one synchronous turn of the Durable Object, so no event can slip between them.
 */
export function eventFeedResponse({ log, after, snapshot, heartbeatMs = HEARTBEAT_MS }: EventFeedOptions): Response {
  let cleanup = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const send = (event: ThreadEvent) => {
        if (!closed) controller.enqueue(sseFrame(JSON.stringify(event), event.seq));
      };
      let cursor = after;
      if (after < log.compactedThrough()) {
        const last = log.lastSeq();
        send(snapshot(last));
        cursor = last;
      }
      for (;;) {
        const page = log.after(cursor, REPLAY_PAGE);
        for (const event of page) send(event);
        if (page.length < REPLAY_PAGE) break;
        cursor = page[page.length - 1]!.seq;
      }
      const unsubscribe = log.subscribe(send);
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
