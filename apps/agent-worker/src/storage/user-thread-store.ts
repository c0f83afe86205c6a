import type { ThreadIndexRow } from "../threads-index/thread-index.ts";

/** What a UserAgent last heard of one of its user's threads (`row` is null once the thread is deleted). */
export type UserThreadState = { id: string; row: string | null; version: number; created_at: number; deleted_at: number | null };

/**
 * The UserAgent's `threads` table: the last row each of the user's threads pushed, and when a
 * thread was deleted, so late pushes from before the deletion can be told apart.
 */
export class UserThreadStore {
  constructor(private readonly sql: SqlStorage) {}

  get(threadId: string): UserThreadState | null {
    return this.sql.exec<UserThreadState>("SELECT * FROM threads WHERE id = ?", threadId).toArray()[0] ?? null;
  }

  titleOf(threadId: string): string | null {
    const state = this.get(threadId);
    return state?.row ? (JSON.parse(state.row) as ThreadIndexRow).title : null;
  }

  /** A thread heard of for the first time, or again after its deletion. */
  insert(row: ThreadIndexRow): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO threads (id, row, version, created_at, deleted_at) VALUES (?, ?, ?, ?, NULL)",
      row.id,
      JSON.stringify(row),
      row.version,
      row.createdAt,
    );
  }

  update(row: ThreadIndexRow): void {
    this.sql.exec("UPDATE threads SET row = ?, version = ? WHERE id = ?", JSON.stringify(row), row.version, row.id);
  }

  /** A tombstone whose version no push can pass. */
  markDeleted(threadId: string, createdAt: number, now: number): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO threads (id, row, version, created_at, deleted_at) VALUES (?, NULL, ?, ?, ?)",
      threadId,
      Number.MAX_SAFE_INTEGER,
      createdAt,
      now,
    );
  }

  /** The rows of the threads that are not deleted. */
  live(): ThreadIndexRow[] {
    return this.sql
      .exec<{ row: string }>("SELECT row FROM threads WHERE deleted_at IS NULL AND row IS NOT NULL")
      .toArray()
      .map((state) => JSON.parse(state.row) as ThreadIndexRow);
  }
}
