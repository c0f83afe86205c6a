import type { ThreadKind, ThreadListItem, ThreadStatus } from "@oa/protocol";

/** One row of the D1 thread index, as the sidebar lists it. The ThreadAgent is its source. */
export type ThreadIndexRow = {
  id: string;
  userId: string;
  kind: ThreadKind;
  title: string | null;
  status: ThreadStatus;
  preview: string | null;
  pendingApprovals: number;
  createdAt: number;
  updatedAt: number;
  lastEventAt: number;
  archived: boolean;
  pinned: boolean;
  /** The thread's log seq when the row was taken: a late, older write never overwrites a newer one. */
  version: number;
};

export function toListItem(row: ThreadIndexRow): ThreadListItem {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    status: row.status,
    preview: row.preview,
    pendingApprovals: row.pendingApprovals,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    lastEventAt: iso(row.lastEventAt),
    archived: row.archived,
    pinned: row.pinned,
  };
}

/** The ThreadAgent's write to the index: small, idempotent, ordered by version. */
export async function upsertThreadRow(db: D1Database, row: ThreadIndexRow): Promise<void> {
  await db
    .prepare(
      `INSERT INTO threads (id, user_id, kind, title, status, preview, pending_approvals, created_at, updated_at, last_event_at, archived, pinned, version)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
       ON CONFLICT (id) DO UPDATE SET
         title = excluded.title,
         status = excluded.status,
         preview = excluded.preview,
         pending_approvals = excluded.pending_approvals,
         updated_at = excluded.updated_at,
         last_event_at = excluded.last_event_at,
         archived = excluded.archived,
         pinned = excluded.pinned,
         version = excluded.version
       WHERE excluded.version > threads.version AND threads.user_id = excluded.user_id`,
    )
    .bind(
      row.id,
      row.userId,
      row.kind,
      row.title,
      row.status,
      row.preview,
      row.pendingApprovals,
      row.createdAt,
      row.updatedAt,
      row.lastEventAt,
      Number(row.archived),
      Number(row.pinned),
      row.version,
    )
    .run();
}

/** Deleting a thread removes its row (only the owner's row can match). */
export async function deleteThreadRow(db: D1Database, id: string, userId: string): Promise<void> {
  await db.prepare("DELETE FROM threads WHERE id = ? AND user_id = ?").bind(id, userId).run();
}

export type ThreadListQuery = {
  cursor?: string;
  limit: number;
  status?: ThreadStatus;
  kind?: ThreadKind;
  archived: boolean;
  /** Only pinned (true) or only unpinned (false) threads; absent: both. */
  pinned?: boolean;
  q?: string;
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
  return btoa(JSON.stringify([createdAt, id]))
    .replace(/=+$/, "")
    .replace(/\+/g, "-")
    .replace(/\//g, "_");
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
  const filter = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    bindings.push(...values);
  };
  if (query.status) filter("status = ?", query.status);
  if (query.kind) filter("kind = ?", query.kind);
  if (query.pinned !== undefined) filter("pinned = ?", query.pinned ? 1 : 0);
  if (query.q) {
    filter("title LIKE ? ESCAPE '\\'", `%${query.q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`);
  }
  if (after) filter("(created_at < ? OR (created_at = ? AND id < ?))", after[0], after[0], after[1]);
  const { results } = await db
    .prepare(`SELECT * FROM threads WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT ?`)
    .bind(...bindings, query.limit + 1)
    .all<ListRow>();
  const page = results.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    threads: page.map((row) =>
      toListItem({
        id: row.id,
        userId,
        kind: row.kind as ThreadKind,
        title: row.title,
        status: row.status as ThreadStatus,
        preview: row.preview,
        pendingApprovals: row.pending_approvals,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        lastEventAt: row.last_event_at,
        archived: row.archived === 1,
        pinned: row.pinned === 1,
        version: 0,
      }),
    ),
    nextCursor: results.length > query.limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}
