import type { BranchInfo } from "@oa/protocol";

/**
 * The transcript as a tree (schema 10): every message has a parent (null: a first message) and
 * positions grow along every root→leaf path. Each query here walks parent links from one message
 * with a bounded recursive CTE, so its cost depends on the rows it returns, not on the thread.
 */

/** One step of a path walk, newest (the start) first. */
export type PathStep = { id: string; parentId: string | null; position: number };

/** Up to `limit` messages from `fromId` toward the root, `fromId` first. */
export function walkToRoot(sql: SqlStorage, fromId: string, limit: number): PathStep[] {
  if (limit <= 0) return [];
  return sql
    .exec<{ id: string; parent_id: string | null; position: number }>(
      `WITH RECURSIVE path(id, parent_id, position, depth) AS (
         SELECT id, parent_id, position, 1 FROM messages WHERE id = ?
         UNION ALL
         SELECT messages.id, messages.parent_id, messages.position, path.depth + 1
           FROM messages JOIN path ON messages.id = path.parent_id WHERE path.depth < ?
       )
       SELECT id, parent_id, position FROM path ORDER BY depth`,
      fromId,
      limit,
    )
    .toArray()
    .map((row) => ({ id: row.id, parentId: row.parent_id, position: row.position }));
}

/**
 * The newest leaf under `id`: at each step the child written last (highest position). A switch
 * to a message continues the path this way, so it lands on the newest version below it.
 */
export function newestLeafUnder(sql: SqlStorage, id: string): string {
  const row = sql
    .exec<{ id: string }>(
      `WITH RECURSIVE down(id, depth) AS (
         SELECT ?, 0
         UNION ALL
         SELECT (SELECT child.id FROM messages AS child WHERE child.parent_id = down.id ORDER BY child.position DESC LIMIT 1), depth + 1
           FROM down WHERE down.id IS NOT NULL
       )
       SELECT id FROM down WHERE id IS NOT NULL ORDER BY depth DESC LIMIT 1`,
      id,
    )
    .one();
  return row.id;
}

/** Whether `ancestorId` lies on the path from the root to `leafId` (inclusive); walks only down to its position. */
export function isOnPath(sql: SqlStorage, leafId: string, ancestorId: string): boolean {
  const target = sql.exec<{ position: number }>("SELECT position FROM messages WHERE id = ?", ancestorId).toArray()[0];
  if (!target) return false;
  const row = sql
    .exec<{ found: number }>(
      `WITH RECURSIVE path(id, parent_id, position) AS (
         SELECT id, parent_id, position FROM messages WHERE id = ?
         UNION ALL
         SELECT messages.id, messages.parent_id, messages.position
           FROM messages JOIN path ON messages.id = path.parent_id WHERE path.position > ?
       )
       SELECT COUNT(*) AS found FROM path WHERE id = ?`,
      leafId,
      target.position,
      ancestorId,
    )
    .one();
  return row.found > 0;
}

/**
 * Branch info of each message in `steps`: its place among the messages sharing its parent, in
 * the order they were written. One query for the whole page.
 */
export function branchInfo(sql: SqlStorage, steps: ReadonlyArray<{ id: string; parentId: string | null }>): Map<string, BranchInfo> {
  const parents = [...new Set(steps.map((step) => step.parentId).filter((id): id is string => id !== null))];
  const hasRoot = steps.some((step) => step.parentId === null);
  const rows = sql
    .exec<{ id: string; parent_id: string | null; position: number }>(
      `SELECT id, parent_id, position FROM messages WHERE parent_id IN (SELECT value FROM json_each(?))
       UNION ALL
       SELECT id, parent_id, position FROM messages WHERE ? = 1 AND parent_id IS NULL
       ORDER BY position`,
      JSON.stringify(parents),
      hasRoot ? 1 : 0,
    )
    .toArray();
  const byParent = new Map<string | null, string[]>();
  for (const row of rows) {
    const siblings = byParent.get(row.parent_id) ?? [];
    siblings.push(row.id);
    byParent.set(row.parent_id, siblings);
  }
  const info = new Map<string, BranchInfo>();
  for (const step of steps) {
    const siblings = byParent.get(step.parentId) ?? [step.id];
    const index = Math.max(0, siblings.indexOf(step.id));
    info.set(step.id, {
      index: index + 1,
      count: siblings.length,
      previousId: siblings[index - 1] ?? null,
      nextId: siblings[index + 1] ?? null,
    });
  }
  return info;
}
