import type { NewThreadEvent, StoredThreadEvent, ThreadEvent } from "@oa/protocol";
import { CommittedEvents } from "./committed-events.ts";

type EventRow = { seq: number; type: string; data: string; created_at: number };

function toEvent(row: EventRow): StoredThreadEvent {
  return {
    ...(JSON.parse(row.data) as object),
    type: row.type,
    seq: row.seq,
    at: new Date(row.created_at).toISOString(),
  } as StoredThreadEvent;
}

/**
 * The thread's append-only log. Appends happen inside the caller's transaction; listeners hear
 * about them only after `publish()`, i.e. once the transaction committed, so nobody sees an
 * event that was rolled back.
 */
export class EventLog extends CommittedEvents<ThreadEvent> {
  constructor(private readonly sql: SqlStorage) {
    super();
  }

  append(event: NewThreadEvent, now: number): StoredThreadEvent {
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
    const stored = { ...event, seq, at: new Date(now).toISOString() } as StoredThreadEvent;
    this.stage(stored);
    return stored;
  }

  after(seq: number, limit: number): StoredThreadEvent[] {
    return this.sql
      .exec<EventRow>("SELECT seq, type, data, created_at FROM events WHERE seq > ? ORDER BY seq LIMIT ?", seq, limit)
      .toArray()
      .map(toEvent);
  }

  lastSeq(): number {
    return this.sql.exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM events").one().seq ?? 0;
  }

  /** The highest seq retention ever removed; a reader positioned before it may have missed events. */
  compactedThrough(): number {
    return this.sql.exec<{ c: number }>("SELECT compacted_through AS c FROM thread_meta WHERE singleton = 1").toArray()[0]?.c ?? 0;
  }

  /**
   * Retention: a finished run's chunk events go (its stored message is the durable record);
   * its boundaries stay. Returns how many events were removed.
   */
  compactRunChunks(runId: string): number {
    const { top, count } = this.sql
      .exec<{ top: number | null; count: number }>(
        "SELECT MAX(seq) AS top, COUNT(*) AS count FROM events WHERE run_id = ? AND type = 'ui.chunks'",
        runId,
      )
      .one();
    if (top === null) return 0;
    this.sql.exec("DELETE FROM events WHERE run_id = ? AND type = 'ui.chunks'", runId);
    this.sql.exec("UPDATE thread_meta SET compacted_through = MAX(compacted_through, ?) WHERE singleton = 1", top);
    return count;
  }
}
