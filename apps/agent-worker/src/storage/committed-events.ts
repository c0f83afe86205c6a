/**
 * Events appended inside a storage transaction reach listeners only after `publish()`, i.e. once
 * the transaction committed, so nobody sees an event that was rolled back.
 */
export class CommittedEvents<E> {
  private readonly listeners = new Set<(event: E) => void>();
  private pending: E[] = [];

  stage(event: E): void {
    this.pending.push(event);
  }

  publish(): void {
    const events = this.pending;
    this.pending = [];
    for (const event of events) for (const listener of this.listeners) listener(event);
  }

  discardPending(): void {
    this.pending = [];
  }

  subscribe(listener: (event: E) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
