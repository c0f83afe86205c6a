import { migrate } from "./migrate.ts";

/**
 * Numbered schema migrations for a UserAgent's SQLite storage (same rules as the thread's:
 * never edit a shipped entry, add one).
 */
const migrations: ReadonlyArray<string> = [
  // 1: the user's feed, the last known state of each of their threads, the approval inbox.
  `
  CREATE TABLE feed (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE feed_meta (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    compacted_through INTEGER NOT NULL DEFAULT 0
  );
  INSERT INTO feed_meta (singleton) VALUES (1);
  CREATE TABLE threads (
    id TEXT PRIMARY KEY,
    row TEXT,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    deleted_at INTEGER
  );
  CREATE TABLE inbox (
    id TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX inbox_by_status ON inbox (status, created_at);
  CREATE INDEX inbox_by_thread ON inbox (thread_id);
  `,
  // 2: quota slots (see quota-store.ts): one row per thread, schedule, job, run or feed held.
  `
  CREATE TABLE leases (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    thread_id TEXT,
    acquired_at INTEGER NOT NULL,
    expires_at INTEGER,
    PRIMARY KEY (kind, id)
  );
  CREATE INDEX leases_by_thread ON leases (thread_id);
  -- Threads that existed before quotas hold their slot from the start.
  INSERT INTO leases (kind, id, thread_id, acquired_at, expires_at)
    SELECT 'thread', id, id, created_at, NULL FROM threads WHERE deleted_at IS NULL AND row IS NOT NULL;
  `,
  // 3: full-text search over the user's messages (search-index.ts): FTS5 rows, found by (thread, message).
  // No stemming: the last word is matched as a prefix while typing ("runn" finds "running"), which a stemmed index misses.
  `
  CREATE VIRTUAL TABLE message_search USING fts5(
    text,
    thread_id UNINDEXED,
    message_id UNINDEXED,
    role UNINDEXED,
    created_at UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
  );
  CREATE TABLE message_search_docs (
    doc_rowid INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    UNIQUE (thread_id, message_id)
  );
  `,
];

export function migrateUserSchema(storage: DurableObjectStorage): void {
  migrate(storage, "user_schema", migrations);
}
