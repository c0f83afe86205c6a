export type LogProjectionOptions = {
  /** How long a catch-up waits to gather a burst of committed events into one. */
  delayMs: number;
  waitUntil: (promise: Promise<unknown>) => void;
  /** Brings the projection up to date; it handles its own failures (and retries them later). */
  catchUp: () => Promise<unknown>;
};

/**
 * Keeps a projection of the log outside this Durable Object (the D1 index row, the owner's feed,
 * the owner's search) current: requests after commits coalesce into one catch-up `delayMs`
 * later, run in waitUntil, never inside a turn; once stopped (the thread is being deleted)
 * nothing starts again.
 */
export class LogProjection {
  private scheduled = false;
  private isStopped = false;

  constructor(private readonly options: LogProjectionOptions) {}

  get stopped(): boolean {
    return this.isStopped;
  }

  stop(): void {
    this.isStopped = true;
  }

  request(): void {
    if (this.scheduled || this.isStopped) return;
    this.scheduled = true;
    this.options.waitUntil(
      new Promise<void>((resolve) => {
        setTimeout(() => {
          this.scheduled = false;
          void this.options.catchUp().finally(resolve);
        }, this.options.delayMs);
      }),
    );
  }
}
