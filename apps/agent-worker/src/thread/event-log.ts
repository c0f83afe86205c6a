import type { NewThreadEvent, ThreadEvent } from "@oa/protocol";

type EventRow = { seq: number; type: string; data: string; created_at: number };

function toEvent(row: EventRow): ThreadEvent {
  return { ...(JSON.parse(row.data) as object), type: row.type, seq: row.seq, at: new Date(row.created_at).toISOString() } as ThreadEvent;
}

export type EventListener = (event: ThreadEvent) => void;

/**
 * The thread's append-only log. Appends happen inside the caller's transaction; listeners hear
 * about them only after `publish()`, i.e. once the transaction committed, so nobody sees an
 * event that was rolled back.
 */
export class EventLog {
  private readonly listeners = new Set<EventListener>();
  private pending: ThreadEvent[] = [];

  constructor(private readonly sql: SqlStorage) {}

  append(event: NewThreadEvent, now: number): ThreadEvent {
    const { type, ...data } = event;
    const runId = "runId" in event ? event.runId : null;
    const { seq } = this.sql
      .exec<{ seq: number }>(
        "INSERT INTO events (type, run_id, data, created_at) VALUES (?, ?, ?, ?) RETURNING seq",
        type,
        runId,
        JSON.stringify(data),
        now,
      )
      .one();
    const stored = { ...event, seq, at: new Date(now).toISOString() } as ThreadEvent;
    this.pending.push(stored);
    return stored;
  }

  publish(): void {
    const events = this.pending;
    this.pending = [];
    for (const event of events) for (const listener of this.listeners) listener(event);
  }

  discardPending(): void {
    this.pending = [];
  }

  after(seq: number, limit: number): ThreadEvent[] {
    return this.sql
      .exec<EventRow>("SELECT seq, type, data, created_at FROM events WHERE seq > ? ORDER BY seq LIMIT ?", seq, limit)
      .toArray()
      .map(toEvent);
  }

  lastSeq(): number {
    return this.sql.exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM events").one().seq ?? 0;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
