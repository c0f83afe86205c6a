import type { UIMessageChunk } from "ai";

type Tail = {
  /** A chunk was appended, or the run's continuation began. */
  onAppend: () => void;
  onEnd: () => void;
};

/**
 * A tail's view of one run: the chunks stay in the hub, the tail reads them from its own cursor
 * at its own pace, so catching up costs no copy.
 */
export type RunFollower = {
  messageId: string;
  /** Up to `limit` chunks from `index` on (fewer when the run has not produced them yet). */
  read(index: number, limit: number): UIMessageChunk[];
  /** Where a continuation-only reader starts; null while the replayed prefix is still coming. */
  startIndex(): number | null;
  /** The run ended: no chunk is appended any more. */
  ended(): boolean;
  unsubscribe(): void;
};

type LiveRun = {
  messageId: string;
  chunks: UIMessageChunk[];
  /** Where a resumed run's new chunks begin, after the replayed earlier parts. */
  continuationFrom: number | null;
  tails: Set<Tail>;
  ended: boolean;
};

/**
 * In-memory fan-out of a run's UI chunks. Every chunk reaches every tail the moment it is
 * produced; storage happens elsewhere and never delays this path. A late tail first receives
 * the chunks it missed, so it can rebuild the whole in-flight message.
 */
export class RunHub {
  private readonly runs = new Map<string, LiveRun>();

  open(runId: string, messageId: string): void {
    if (!this.runs.has(runId)) this.runs.set(runId, { messageId, chunks: [], continuationFrom: null, tails: new Set(), ended: false });
  }

  /** Marks the end of the replayed prefix: what a client that already holds the message still needs. */
  markContinuation(runId: string): void {
    const run = this.runs.get(runId);
    if (!run) return;
    run.continuationFrom = run.chunks.length;
    for (const tail of run.tails) tail.onAppend();
  }

  isLive(runId: string): boolean {
    const run = this.runs.get(runId);
    return run !== undefined && !run.ended;
  }

  push(runId: string, chunk: UIMessageChunk): void {
    const run = this.runs.get(runId);
    if (!run || run.ended) return;
    run.chunks.push(chunk);
    for (const tail of run.tails) tail.onAppend();
  }

  /** Something that concerns every open response (job progress): sent to each live run. */
  broadcast(chunk: UIMessageChunk): void {
    for (const runId of this.runs.keys()) this.push(runId, chunk);
  }

  end(runId: string): void {
    const run = this.runs.get(runId);
    if (!run) return;
    run.ended = true;
    for (const tail of run.tails) tail.onEnd();
    this.runs.delete(runId);
  }

  /**
   * Follows a run from its first chunk (or, with `continuationOnly`, from where its continuation
   * begins: a client that just sent its approval already holds the rest). Listeners only hear
   * that something is there to read; the reader takes it when it has room.
   */
  follow(runId: string, onAppend: Tail["onAppend"], onEnd: Tail["onEnd"], continuationOnly = false): RunFollower | null {
    const run = this.runs.get(runId);
    if (!run) return null;
    const tail: Tail = { onAppend, onEnd };
    run.tails.add(tail);
    return {
      messageId: run.messageId,
      read: (index, limit) => run.chunks.slice(index, index + limit),
      startIndex: () => (continuationOnly ? run.continuationFrom : 0),
      ended: () => run.ended,
      unsubscribe: () => run.tails.delete(tail),
    };
  }
}
