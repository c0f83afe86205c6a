import type { UIMessageChunk } from "ai";

type Tail = {
  onChunk: (chunk: UIMessageChunk) => void;
  onEnd: () => void;
  continuationOnly: boolean;
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
    if (run) run.continuationFrom = run.chunks.length;
  }

  isLive(runId: string): boolean {
    const run = this.runs.get(runId);
    return run !== undefined && !run.ended;
  }

  push(runId: string, chunk: UIMessageChunk): void {
    const run = this.runs.get(runId);
    if (!run || run.ended) return;
    run.chunks.push(chunk);
    for (const tail of run.tails) {
      if (tail.continuationOnly && run.continuationFrom === null) continue; // still the replayed prefix
      tail.onChunk(chunk);
    }
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
   * Replays what the run produced so far, then follows it. With `continuationOnly` a client that
   * already holds the message (it just sent its approval) gets only what is new.
   */
  tail(runId: string, onChunk: Tail["onChunk"], onEnd: Tail["onEnd"], continuationOnly = false): (() => void) | null {
    const run = this.runs.get(runId);
    if (!run) return null;
    if (continuationOnly) {
      onChunk({ type: "start", messageId: run.messageId });
      if (run.continuationFrom !== null) for (const chunk of run.chunks.slice(run.continuationFrom)) onChunk(chunk);
    } else {
      for (const chunk of run.chunks) onChunk(chunk);
    }
    const tail: Tail = { onChunk, onEnd, continuationOnly };
    run.tails.add(tail);
    return () => run.tails.delete(tail);
  }
}
