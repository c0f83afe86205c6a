import type { UIMessageChunk } from "ai";

/**
 * Coalesces a run's UI chunks for storage: at most one write per `intervalMs`, plus a final
 * flush. Live subscribers never wait for it.
 */
export class ChunkWriter {
  private buffer: UIMessageChunk[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly write: (chunks: UIMessageChunk[]) => void,
    private readonly intervalMs = 50,
  ) {}

  add(chunk: UIMessageChunk): void {
    this.buffer.push(chunk);
    if (this.timer === null) this.timer = setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.buffer.length === 0) return;
    const chunks = this.buffer;
    this.buffer = [];
    this.write(chunks);
  }
}
