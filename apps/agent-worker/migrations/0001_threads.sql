-- The thread index: one row per thread, kept current by its ThreadAgent (title, status, activity).
CREATE TABLE threads (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'chat' CHECK (kind IN ('chat', 'project', 'openclaw')),
  title TEXT,
  status TEXT NOT NULL DEFAULT 'idle' CHECK (status IN ('idle', 'running', 'awaiting_approval', 'error')),
  preview TEXT,
  pending_approvals INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_event_at INTEGER NOT NULL,
  archived INTEGER NOT NULL DEFAULT 0,
  pinned INTEGER NOT NULL DEFAULT 0,
  -- Monotonic per thread: an older write never overwrites a newer one.
  version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX threads_by_user_activity ON threads (user_id, archived, last_event_at DESC, id DESC);
CREATE INDEX threads_by_user_created ON threads (user_id, created_at DESC, id DESC);
