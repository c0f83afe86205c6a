/**
 * Numbered schema migrations for one user's OpenClawUser storage. Each entry runs once, in
 * order, in one transaction with the version bump. Never edit a shipped entry: add one.
 */
const migrations: ReadonlyArray<string> = [
  // 1: instance, gateway, balance, devices, DM pairing, sessions, idempotency, faults, request log.
  `
  CREATE TABLE instance (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    status TEXT NOT NULL,
    runtime_name TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_ready_at INTEGER,
    ready_at INTEGER
  );
  CREATE TABLE gateway (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    status TEXT NOT NULL,
    starting_until INTEGER,
    last_backup TEXT
  );
  CREATE TABLE billing (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    balance_usd REAL NOT NULL
  );
  CREATE TABLE devices (
    request_id TEXT PRIMARY KEY,
    device_id TEXT,
    platform TEXT,
    mode TEXT,
    requested_at INTEGER,
    paired_at INTEGER
  );
  CREATE TABLE pairing_requests (
    channel TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    code TEXT NOT NULL,
    meta TEXT,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    PRIMARY KEY (channel, sender_id)
  );
  CREATE TABLE pairing_allowed (
    channel TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    approved_at INTEGER NOT NULL,
    PRIMARY KEY (channel, sender_id)
  );
  CREATE TABLE sessions (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    channel TEXT,
    display_name TEXT,
    session_id TEXT NOT NULL,
    model TEXT,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE session_messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    session_key TEXT NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    tool_name TEXT,
    timestamp INTEGER NOT NULL
  );
  CREATE INDEX session_messages_by_key ON session_messages (session_key, seq);
  CREATE TABLE idempotency (
    key TEXT PRIMARY KEY,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE faults (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    method TEXT NOT NULL,
    path_prefix TEXT NOT NULL,
    kind TEXT NOT NULL,
    status INTEGER NOT NULL,
    message TEXT,
    ms INTEGER,
    remaining INTEGER,
    phase TEXT NOT NULL
  );
  CREATE TABLE request_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    query TEXT NOT NULL,
    idempotency_key TEXT,
    status INTEGER,
    replayed INTEGER NOT NULL,
    fault TEXT,
    effect TEXT,
    at INTEGER NOT NULL,
    duration_ms INTEGER
  );
  `,
  // 2: simulated arrivals (SIMULATE_ARRIVALS): what reaches a runtime without anyone asking, once per readiness.
  `
  CREATE TABLE arrivals (
    kind TEXT PRIMARY KEY,
    instance_ready_at INTEGER NOT NULL,
    due_at INTEGER NOT NULL,
    arrived_at INTEGER
  );
  `,
];

/** Every table a user reset empties (the schema version stays). */
export const USER_TABLES = [
  "instance",
  "gateway",
  "billing",
  "devices",
  "pairing_requests",
  "pairing_allowed",
  "sessions",
  "session_messages",
  "idempotency",
  "faults",
  "request_log",
  "arrivals",
] as const;

export function migrateUserSchema(storage: DurableObjectStorage): void {
  const sql = storage.sql;
  storage.transactionSync(() => {
    sql.exec("CREATE TABLE IF NOT EXISTS user_schema (version INTEGER NOT NULL)");
    const row = sql.exec<{ version: number }>("SELECT version FROM user_schema").toArray()[0];
    if (!row) sql.exec("INSERT INTO user_schema (version) VALUES (0)");
    const from = row?.version ?? 0;
    if (from >= migrations.length) return;
    for (const step of migrations.slice(from)) sql.exec(step);
    sql.exec("UPDATE user_schema SET version = ?", migrations.length);
  });
}
