-- Server-side sessions of the web worker: the signed cookie names a row here, so a session can be
-- revoked (sign out, sign out everywhere, the per-user cap) before its cookie expires.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  via TEXT NOT NULL CHECK (via IN ('dev', 'workos')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);

CREATE INDEX sessions_by_user ON sessions (user_id, created_at);
