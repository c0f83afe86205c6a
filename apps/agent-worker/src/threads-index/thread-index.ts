/** One row of the D1 thread index, as the sidebar lists it. */
export type ThreadIndexRow = {
  id: string;
  userId: string;
  kind: "chat" | "project" | "openclaw";
  title: string | null;
  status: "idle" | "running" | "awaiting_approval" | "error";
  preview: string | null;
  pendingApprovals: number;
  createdAt: number;
  updatedAt: number;
  lastEventAt: number;
  /** Monotonic per thread: a late, older write never overwrites a newer one. */
  version: number;
};

/**
 * The ThreadAgent's write to the index: small, idempotent, ordered by version. The agent's
 * title only fills an empty one, so a title the person chose is never replaced.
 */
export async function upsertThreadRow(db: D1Database, row: ThreadIndexRow): Promise<void> {
  await db
    .prepare(
      `INSERT INTO threads (id, user_id, kind, title, status, preview, pending_approvals, created_at, updated_at, last_event_at, version)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
       ON CONFLICT (id) DO UPDATE SET
         title = COALESCE(threads.title, excluded.title),
         status = excluded.status,
         preview = excluded.preview,
         pending_approvals = excluded.pending_approvals,
         updated_at = excluded.updated_at,
         last_event_at = excluded.last_event_at,
         version = excluded.version
       WHERE excluded.version > threads.version AND threads.user_id = excluded.user_id`,
    )
    .bind(row.id, row.userId, row.kind, row.title, row.status, row.preview, row.pendingApprovals, row.createdAt, row.updatedAt, row.lastEventAt, row.version)
    .run();
}

/** What only the person sets: a chosen title (replacing the agent's), archived, pinned. */
export async function patchIndexRow(
  db: D1Database,
  id: string,
  userId: string,
  patch: { title?: string; archived?: boolean; pinned?: boolean },
  now: number,
): Promise<void> {
  await db
    .prepare(
      `UPDATE threads SET title = COALESCE(?1, title), archived = COALESCE(?2, archived), pinned = COALESCE(?3, pinned), updated_at = ?4
       WHERE id = ?5 AND user_id = ?6`,
    )
    .bind(patch.title ?? null, patch.archived === undefined ? null : Number(patch.archived), patch.pinned === undefined ? null : Number(patch.pinned), now, id, userId)
    .run();
}

export type ThreadListQuery = {
  cursor?: string;
  limit: number;
  status?: ThreadIndexRow["status"];
  kind?: ThreadIndexRow["kind"];
  archived: boolean;
  q?: string;
};

export type ThreadListItem = {
  id: string;
  kind: ThreadIndexRow["kind"];
  title: string | null;
  status: ThreadIndexRow["status"];
  preview: string | null;
  pendingApprovals: number;
  createdAt: string;
  updatedAt: string;
  lastEventAt: string;
  archived: boolean;
  pinned: boolean;
};

type ListRow = {
  id: string;
  kind: string;
  title: string | null;
  status: string;
  preview: string | null;
  pending_approvals: number;
  created_at: number;
  updated_at: number;
  last_event_at: number;
  archived: number;
  pinned: number;
};

/** Keyset cursor over (created_at, id): pages never repeat or skip a thread while others change. */
export function encodeCursor(createdAt: number, id: string): string {
  return btoa(JSON.stringify([createdAt, id])).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

export function decodeCursor(cursor: string): [number, string] | null {
  try {
    const value = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/"))) as unknown;
    if (Array.isArray(value) && typeof value[0] === "number" && typeof value[1] === "string") return [value[0], value[1]];
  } catch {
    // fall through
  }
  return null;
}

/** One user's threads, newest first; only that user's rows can ever match. */
export async function listThreads(db: D1Database, userId: string, query: ThreadListQuery, after: [number, string] | null) {
  const where = ["user_id = ?", "archived = ?"];
  const bindings: unknown[] = [userId, query.archived ? 1 : 0];
  if (query.status) (where.push("status = ?"), bindings.push(query.status));
  if (query.kind) (where.push("kind = ?"), bindings.push(query.kind));
  if (query.q) {
    where.push("title LIKE ? ESCAPE '\\'");
    bindings.push(`%${query.q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`);
  }
  if (after) (where.push("(created_at < ? OR (created_at = ? AND id < ?))"), bindings.push(after[0], after[0], after[1]));
  const { results } = await db
    .prepare(`SELECT * FROM threads WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT ?`)
    .bind(...bindings, query.limit + 1)
    .all<ListRow>();
  const page = results.slice(0, query.limit);
  const last = page[page.length - 1];
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    threads: page.map(
      (row): ThreadListItem => ({
        id: row.id,
        kind: row.kind as ThreadListItem["kind"],
        title: row.title,
        status: row.status as ThreadListItem["status"],
        preview: row.preview,
        pendingApprovals: row.pending_approvals,
        createdAt: iso(row.created_at),
        updatedAt: iso(row.updated_at),
        lastEventAt: iso(row.last_event_at),
        archived: row.archived === 1,
        pinned: row.pinned === 1,
      }),
    ),
    nextCursor: results.length > query.limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}
