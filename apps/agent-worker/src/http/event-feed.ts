import { byteQueue, MAX_QUEUED_BYTES, queuedBytes, slowReaderStats, stallCheckEveryMs } from "./slow-reader.ts";
import { sseComment, sseFrame } from "./sse.ts";

export const HEARTBEAT_MS = 15_000;
/** Events read from storage per pull: a replay holds at most about one page beyond the reader. */
export const REPLAY_PAGE = 200;
/** A reader that has taken nothing for this long while bytes wait for it is gone or stuck. */
export const STALL_MS = 30_000;

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
  /** Bytes a reader may fall behind before it is dropped. */
  maxQueuedBytes?: number;
  /** How long a reader may hold bytes without taking any before it is dropped. */
  stallMs?: number;
  /** Each heartbeat of a feed still open (its quota slot stays held). */
  onHeartbeat?: () => void;
  /** Once, when the feed ends: the reader left or was dropped. */
  onClose?: () => void;
};

/**
 * SSE replay of every event after `after`, then the live tail, holding memory flat whatever the
 * log's length or the reader's speed:
 * - the replay is pulled from storage a page at a time, only as the reader takes bytes;
 * - while replaying, live events are not buffered: the replay reads on by seq until it has
 *   caught up and switches to live in the same synchronous turn as its last read, so no event
 *   can slip between them (and none arrives twice: anything at or below the cursor is skipped);
 * - a reader that stops reading is dropped once it is `maxQueuedBytes` behind or has taken
 *   nothing for `stallMs` (a stalled replay holds only a page, but also a connection and a slot).
 */
export function eventFeedResponse<E extends { seq: number }>(options: EventFeedOptions<E>): Response {
  const { source, after, snapshot, heartbeatMs = HEARTBEAT_MS, maxQueuedBytes = MAX_QUEUED_BYTES, stallMs = STALL_MS } = options;
  let cursor = after;
  let live = false;
  let closed = false;
  let stop = () => {};
  let fail = (_error: unknown) => {};
  /** When the reader last asked for more (every read that leaves room calls `pull`). */
  let lastPull = Date.now();

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let unsubscribe = () => {};
        const timers: ReturnType<typeof setInterval>[] = [];
        const backlog = () => queuedBytes(controller);
        const close = () => {
          if (closed) return;
          closed = true;
          for (const timer of timers) clearInterval(timer);
          unsubscribe();
          slowReaderStats.open.delete(backlog);
          options.onClose?.();
        };
        stop = close;
        // A storage read that throws ends the feed like a drop: its slot and timers go with it.
        fail = (error) => {
          close();
          controller.error(error);
        };
        const drop = () => {
          slowReaderStats.dropped++;
          close();
          controller.error(new Error("the reader fell too far behind; reconnect with Last-Event-ID"));
        };
        const enqueue = (chunk: Uint8Array) => {
          controller.enqueue(chunk);
          if (backlog() > maxQueuedBytes) drop();
        };
        if (after < source.compactedThrough()) {
          const last = source.lastSeq();
          enqueue(sseFrame(JSON.stringify(snapshot(last)), last));
          cursor = last;
        }
        unsubscribe = source.subscribe((event) => {
          if (closed || !live || event.seq <= cursor) return;
          cursor = event.seq;
          enqueue(sseFrame(JSON.stringify(event), event.seq));
        });
        timers.push(
          setInterval(() => {
            if (closed) return;
            options.onHeartbeat?.();
            enqueue(sseComment("heartbeat"));
          }, heartbeatMs),
          setInterval(() => {
            if (!closed && backlog() > 0 && Date.now() - lastPull > stallMs) drop();
          }, stallCheckEveryMs(stallMs)),
        );
        slowReaderStats.open.add(backlog);
      },
      pull(controller) {
        lastPull = Date.now();
        if (live || closed) return;
        try {
          const page = source.after(cursor, REPLAY_PAGE);
          for (const event of page) controller.enqueue(sseFrame(JSON.stringify(event), event.seq));
          if (page.length > 0) cursor = page[page.length - 1]!.seq;
          // Caught up: from here on the subscription delivers, starting right after `cursor`.
          if (page.length < REPLAY_PAGE) live = true;
        } catch (error) {
          fail(error);
        }
      },
      cancel() {
        stop();
      },
    },
    byteQueue(),
  );
  return new Response(body, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" },
  });
}
