import type { NewUserEvent, StoredUserEvent } from "@oa/protocol";
import type { FeedSource } from "../http/event-feed.ts";
import { CommittedEvents } from "./committed-events.ts";

type FeedRow = { seq: number; type: string; data: string; created_at: number };

/** How many events the feed keeps; a reader further behind gets a `snapshot` and refetches. */
export const FEED_KEEP = 5_000;
const TRIM_EVERY = 250;

/** The user's feed: append-only, trimmed to the newest FEED_KEEP events. */
export class FeedLog extends CommittedEvents<StoredUserEvent> implements FeedSource<StoredUserEvent> {
  constructor(private readonly sql: SqlStorage) {
    super();
  }

  /** Inside the caller's transaction; listeners hear it after `publish()`. */
  append(event: NewUserEvent, now: number): StoredUserEvent {
    const { type, threadId, ...data } = event;
    const { seq } = this.sql
      .exec<{ seq: number }>(
        "INSERT INTO feed (type, thread_id, data, created_at) VALUES (?, ?, ?, ?) RETURNING seq",
        type,
        threadId,
        JSON.stringify(data),
        now,
      )
      .one();
    if (seq % TRIM_EVERY === 0 && seq > FEED_KEEP) {
      const through = seq - FEED_KEEP;
      this.sql.exec("DELETE FROM feed WHERE seq <= ?", through);
      this.sql.exec("UPDATE feed_meta SET compacted_through = MAX(compacted_through, ?)", through);
    }
    const stored = { ...event, seq, at: new Date(now).toISOString() } as StoredUserEvent;
    this.stage(stored);
    return stored;
  }

  after(seq: number, limit: number): StoredUserEvent[] {
    return this.sql
      .exec<FeedRow & { thread_id: string }>(
        "SELECT seq, type, thread_id, data, created_at FROM feed WHERE seq > ? ORDER BY seq LIMIT ?",
        seq,
        limit,
      )
      .toArray()
      .map(
        (row) =>
          ({
            ...(JSON.parse(row.data) as object),
            type: row.type,
            threadId: row.thread_id,
            seq: row.seq,
            at: new Date(row.created_at).toISOString(),
          }) as StoredUserEvent,
      );
  }

  lastSeq(): number {
    return this.sql.exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM feed").one().seq ?? 0;
  }

  compactedThrough(): number {
    return this.sql.exec<{ c: number }>("SELECT compacted_through AS c FROM feed_meta").one().c;
  }
}
