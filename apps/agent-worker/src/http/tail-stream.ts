import { createUIMessageStreamResponse, type UIMessageChunk } from "ai";
import type { RunFollower, RunHub } from "../runs/run-hub.ts";
import { HEARTBEAT_MS, STALL_MS } from "./event-feed.ts";
import { byteQueue, MAX_QUEUED_BYTES, queuedBytes, slowReaderStats, stallCheckEveryMs } from "./slow-reader.ts";
import { sseDone, sseFrame, uiMessageStreamResponse } from "./sse.ts";

/** Chunks read from the hub per step of a catch-up. */
const CATCH_UP_PAGE = 64;

export type TailOptions = {
  /** Only what the run produces after its continuation began (the client holds the rest). */
  continuationOnly?: boolean;
  /** Bytes a reader may fall behind the live run before it is dropped. */
  maxQueuedBytes?: number;
  /** How long a reader may hold bytes without taking any before it is dropped. */
  stallMs?: number;
  heartbeatMs?: number;
  /** Each heartbeat of a tail still open (its quota slot stays held). */
  onHeartbeat?: () => void;
  /** Once, when the tail ends: the run ended, the reader left or was dropped. */
  onClose?: () => void;
};

/**
 * An SSE body that follows one run through the hub; closing it unsubscribes and cancels nothing.
 * Like the event feed, memory stays flat whatever the run's length or the reader's speed:
 * - the chunks the reader missed are read from the hub only as it takes bytes (`pull`), so a
 *   late tail of a long run queues about one high-water mark, not the run so far;
 * - once caught up, new chunks are queued as they come, in the same synchronous turn as the
 *   last catch-up read, so none is skipped or sent twice;
 * - a reader that stops reading is dropped once it is `maxQueuedBytes` behind or has taken
 *   nothing for `stallMs`: the client resumes with `GET …/stream` and gets the whole message.
 */
export function tailRunResponse(hub: RunHub, runId: string, options: TailOptions = {}): Response {
  const { continuationOnly = false, maxQueuedBytes = MAX_QUEUED_BYTES, stallMs = STALL_MS, heartbeatMs = HEARTBEAT_MS } = options;
  let follower: RunFollower | null = null;
  let cursor: number | null = null;
  let live = false;
  let closed = false;
  let stop = () => {};
  let catchUp = () => {};
  let lastPull = Date.now();
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const timers: ReturnType<typeof setInterval>[] = [];
        const backlog = () => queuedBytes(controller);
        const close = () => {
          if (closed) return;
          closed = true;
          for (const timer of timers) clearInterval(timer);
          follower?.unsubscribe();
          slowReaderStats.open.delete(backlog);
          options.onClose?.();
        };
        stop = close;
        const drop = () => {
          slowReaderStats.dropped++;
          close();
          controller.error(new Error("the reader fell too far behind; resume the stream"));
        };
        const finish = () => {
          close();
          controller.enqueue(sseDone);
          controller.close();
        };
        /** Queues up to `limit` unread chunks; true once nothing is left to read. */
        const readOn = (limit: number): boolean => {
          cursor ??= follower!.startIndex();
          if (cursor === null) return true; // the continuation has not begun
          const chunks = follower!.read(cursor, limit);
          cursor += chunks.length;
          for (const chunk of chunks) controller.enqueue(sseFrame(JSON.stringify(chunk)));
          return chunks.length < limit;
        };
        const deliver = () => {
          if (closed || !live) return;
          readOn(Number.MAX_SAFE_INTEGER);
          if (backlog() > maxQueuedBytes) drop();
          else if (follower!.ended()) finish();
        };
        follower = hub.follow(runId, deliver, deliver, continuationOnly);
        if (!follower) {
          closed = true;
          options.onClose?.();
          controller.enqueue(sseDone);
          controller.close();
          return;
        }
        if (continuationOnly) controller.enqueue(sseFrame(JSON.stringify({ type: "start", messageId: follower.messageId })));
        catchUp = () => {
          if (closed || live) return;
          // A page at a time while the reader has room; caught up, the hub's appends deliver.
          while (!live && (controller.desiredSize ?? 0) > 0) if (readOn(CATCH_UP_PAGE)) live = true;
          if (live) deliver();
        };
        timers.push(
          setInterval(() => {
            if (!closed) options.onHeartbeat?.();
          }, heartbeatMs),
          setInterval(() => {
            if (!closed && backlog() > 0 && Date.now() - lastPull > stallMs) drop();
          }, stallCheckEveryMs(stallMs)),
        );
        slowReaderStats.open.add(backlog);
      },
      pull() {
        lastPull = Date.now();
        try {
          catchUp();
        } catch (error) {
          stop();
          throw error;
        }
      },
      cancel() {
        stop();
      },
    },
    byteQueue(),
  );
  return uiMessageStreamResponse(body);
}

/** An SSE body for chunks that are already known (a retried request whose answer exists). */
export function replayResponse(chunks: UIMessageChunk[]): Response {
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  return createUIMessageStreamResponse({ stream });
}
