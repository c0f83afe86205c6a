import { migrate } from "./migrate.ts";

/** Numbered schema migrations for a ThreadAgent's SQLite storage (see storage/migrate.ts). */
/** Exported for the migration tests (an old-schema thread is built from a prefix of it). */
export const migrations: ReadonlyArray<string> = [
  // 1: thread meta, transcript, append-only event log, runs.
  `
  CREATE TABLE thread_meta (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    thread_id TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    title TEXT,
    message_count INTEGER NOT NULL DEFAULT 0,
    summary TEXT NOT NULL DEFAULT '',
    summary_through INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_message_at INTEGER
  );
  CREATE TABLE messages (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    parts TEXT NOT NULL,
    metadata TEXT,
    run_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    run_id TEXT,
    data TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX events_by_run ON events (run_id, seq);
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    user_message_id TEXT NOT NULL,
    assistant_message_id TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    finished_at INTEGER
  );
  CREATE INDEX runs_by_status ON runs (status, created_at);
  CREATE INDEX runs_by_user_message ON runs (user_message_id);
  `,
  // 2: retention watermark: the highest seq ever removed by compaction.
  `ALTER TABLE thread_meta ADD COLUMN compacted_through INTEGER NOT NULL DEFAULT 0;`,
  // 3: a queued run holds its user message until it starts, so the transcript stays in turn order.
  `ALTER TABLE runs ADD COLUMN pending_message TEXT;`,
  // 4: server-side approvals and tool receipts (the audit trail of every side effect).
  `
  CREATE TABLE approvals (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    tool_call_id TEXT NOT NULL UNIQUE,
    tool TEXT NOT NULL,
    args TEXT NOT NULL,
    args_hash TEXT NOT NULL,
    summary TEXT NOT NULL,
    risk TEXT NOT NULL,
    cost TEXT,
    status TEXT NOT NULL,
    reason TEXT,
    decided_by TEXT,
    decided_via TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    decided_at INTEGER
  );
  CREATE INDEX approvals_by_status ON approvals (status, created_at);
  CREATE INDEX approvals_by_run ON approvals (run_id);
  CREATE TABLE receipts (
    tool_call_id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL,
    tool TEXT NOT NULL,
    args TEXT NOT NULL,
    status TEXT NOT NULL,
    result_summary TEXT,
    result TEXT,
    approval_id TEXT,
    decided_by TEXT,
    attempts INTEGER NOT NULL DEFAULT 1,
    started_at INTEGER NOT NULL,
    finished_at INTEGER
  );
  CREATE INDEX receipts_by_start ON receipts (started_at);
  `,
  // 5: a receipt whose step was lost in a crash is claimed by the model's repeat of that call.
  `
  ALTER TABLE receipts ADD COLUMN claimed_by TEXT;
  CREATE INDEX receipts_by_run_tool ON receipts (run_id, tool);
  `,
  // 6: background jobs (alarm-driven steps) and scheduled follow-ups.
  `
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    message TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    next_run_at INTEGER,
    input TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT '{}',
    result TEXT,
    error TEXT,
    idempotency_key TEXT NOT NULL UNIQUE,
    run_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    deadline_at INTEGER NOT NULL
  );
  CREATE INDEX jobs_due ON jobs (status, next_run_at);
  CREATE TABLE schedules (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    prompt TEXT NOT NULL,
    cron TEXT,
    timezone TEXT,
    next_run_at INTEGER,
    status TEXT NOT NULL,
    fired_count INTEGER NOT NULL DEFAULT 0,
    last_fired_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    tool_call_id TEXT UNIQUE
  );
  CREATE INDEX schedules_due ON schedules (status, next_run_at);
  `,
  // 7: the kind of thread (chat, project, openclaw), for the index.
  `ALTER TABLE thread_meta ADD COLUMN kind TEXT NOT NULL DEFAULT 'chat';`,
  // 8: what only the person sets, kept with the thread so the index and the user feed project it.
  `
  ALTER TABLE thread_meta ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE thread_meta ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
  `,
  // 9: the exact OpenClaw request (method, path, body hash) an approval allows; null for older ones.
  `ALTER TABLE approvals ADD COLUMN request TEXT;`,
  // 10: the transcript is a tree: each message's parent, the active leaf, where a run's message
  // goes (runs.parent_set = 1: under runs.parent_id, null = first; 0: at the active leaf when the
  // run starts), and one summary per fold keyed by the message it runs through (valid on every
  // path through it). Backfill: the linear transcript becomes one path ending at its last message.
  `
  ALTER TABLE messages ADD COLUMN parent_id TEXT;
  UPDATE messages SET parent_id = (SELECT previous.id FROM messages AS previous
    WHERE previous.position < messages.position ORDER BY previous.position DESC LIMIT 1);
  CREATE INDEX messages_by_parent ON messages (parent_id, position);
  ALTER TABLE thread_meta ADD COLUMN active_leaf TEXT;
  UPDATE thread_meta SET active_leaf = (SELECT id FROM messages ORDER BY position DESC LIMIT 1);
  ALTER TABLE runs ADD COLUMN parent_id TEXT;
  ALTER TABLE runs ADD COLUMN parent_set INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE summaries (
    through_id TEXT PRIMARY KEY,
    through_position INTEGER NOT NULL,
    summary TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  INSERT INTO summaries (through_id, through_position, summary, created_at)
    SELECT messages.id, messages.position, thread_meta.summary, thread_meta.updated_at
    FROM thread_meta JOIN messages ON messages.position = thread_meta.summary_through
    WHERE thread_meta.summary_through > 0;
  `,
  // 11: files attached to the thread's messages; the bytes live in R2 under r2_key, message_id is
  // the first message that refers to one (null while it waits in the composer).
  `
  CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    r2_key TEXT NOT NULL,
    message_id TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX attachments_created ON attachments (created_at, id);
  `,
  // 12: how far the owner's search index has read this thread's log (search/search-sync.ts).
  `
  CREATE TABLE search_sync (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    synced_through INTEGER NOT NULL DEFAULT 0
  );
  INSERT INTO search_sync (singleton) VALUES (1);
  `,
];

export function migrateThreadSchema(storage: DurableObjectStorage): void {
  migrate(storage, "thread_schema", migrations);
}
