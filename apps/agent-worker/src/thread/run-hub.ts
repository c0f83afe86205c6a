import type { UIMessageChunk } from "ai";

type Tail = {
  onChunk: (chunk: UIMessageChunk) => void;
  onEnd: () => void;
};

type LiveRun = {
  chunks: UIMessageChunk[];
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

  open(runId: string): void {
    if (!this.runs.has(runId)) this.runs.set(runId, { chunks: [], tails: new Set(), ended: false });
  }

  isLive(runId: string): boolean {
    const run = this.runs.get(runId);
    return run !== undefined && !run.ended;
  }

  push(runId: string, chunk: UIMessageChunk): void {
    const run = this.runs.get(runId);
    if (!run || run.ended) return;
    run.chunks.push(chunk);
    for (const tail of run.tails) tail.onChunk(chunk);
  }

  end(runId: string): void {
    const run = this.runs.get(runId);
    if (!run) return;
    run.ended = true;
    for (const tail of run.tails) tail.onEnd();
    this.runs.delete(runId);
  }

  /** Replays what the run produced so far, then follows it. Returns an unsubscribe function. */
  tail(runId: string, onChunk: Tail["onChunk"], onEnd: Tail["onEnd"]): (() => void) | null {
    const run = this.runs.get(runId);
    if (!run) return null;
    for (const chunk of run.chunks) onChunk(chunk);
    const tail: Tail = { onChunk, onEnd };
    run.tails.add(tail);
    return () => run.tails.delete(tail);
  }
}
