/** Where the previous page ended: its last row's time and id (rows are newest first). */
export type PageAfter = readonly [at: number, id: string];

export type KeysetSpec = {
  table: string;
  /** The time column the list is ordered by, newest first; ties broken by `id`. */
  at: string;
  id: string;
  /** An extra filter (`status = ?`) with its parameters. */
  where?: { clause: string; params: SqlStorageValue[] };
};

/**
 * One page of a table, newest first, after `after` (keyset paging: stable while rows are added,
 * no OFFSET scan). Reads one row more than asked to know whether another page follows.
 */
export function keysetPage<Row extends Record<string, SqlStorageValue>>(
  sql: SqlStorage,
  spec: KeysetSpec,
  limit: number,
  after: PageAfter | null,
): { rows: Row[]; next: PageAfter | null } {
  const filters: string[] = [];
  const params: SqlStorageValue[] = [];
  if (spec.where) {
    filters.push(spec.where.clause);
    params.push(...spec.where.params);
  }
  if (after) {
    filters.push(`(${spec.at} < ? OR (${spec.at} = ? AND ${spec.id} < ?))`);
    params.push(after[0], after[0], after[1]);
  }
  const where = filters.length > 0 ? `WHERE ${filters.join(" AND ")}` : "";
  const rows = sql
    .exec<Row>(`SELECT * FROM ${spec.table} ${where} ORDER BY ${spec.at} DESC, ${spec.id} DESC LIMIT ?`, ...params, limit + 1)
    .toArray();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > limit && last ? [last[spec.at] as number, last[spec.id] as string] : null };
}
