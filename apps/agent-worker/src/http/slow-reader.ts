/**
 * Bounds on what a stream may hold for a reader that does not read. A response body queues
 * bytes only while its reader lags; past `MAX_QUEUED_BYTES` the reader is dropped (its stream
 * errors, the connection closes) instead of growing the process. An EventSource reconnects with
 * Last-Event-ID and a chat client resumes, so a dropped reader loses nothing.
 */
export const HIGH_WATER_BYTES = 64 * 1024;
export const MAX_QUEUED_BYTES = 1024 * 1024;

/** Counts bytes, not chunks: `desiredSize` then says how many bytes the reader is behind. */
export function byteQueue(highWaterMark = HIGH_WATER_BYTES): QueuingStrategy<Uint8Array> {
  return { highWaterMark, size: (chunk) => chunk.byteLength };
}

/** Bytes enqueued and not yet taken by the reader. */
export function queuedBytes(controller: ReadableStreamDefaultController<Uint8Array>, highWaterMark = HIGH_WATER_BYTES): number {
  return highWaterMark - (controller.desiredSize ?? highWaterMark);
}

/** How often a stream checks for a stalled reader: four times per `stallMs`, but no more often than every 50 ms. */
export function stallCheckEveryMs(stallMs: number): number {
  return Math.max(50, Math.floor(stallMs / 4));
}

/** Process-wide counters (diagnostics and tests): open streams' queued bytes, and readers dropped. */
export const slowReaderStats = {
  dropped: 0,
  /** One getter per open stream, so the current backlog can be read at any moment. */
  open: new Set<() => number>(),
  /** The largest backlog currently held by one stream. */
  maxQueuedNow(): number {
    let max = 0;
    for (const queued of this.open) max = Math.max(max, queued());
    return max;
  },
  totalQueuedNow(): number {
    let total = 0;
    for (const queued of this.open) total += queued();
    return total;
  },
};
