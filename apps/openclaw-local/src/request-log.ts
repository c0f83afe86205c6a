/**
 * Every API request a user made, in order: what was asked, what was answered and which side
 * effects it performed, so tests can prove that nothing happened twice.
 */
export const MAX_LOGGED_REQUESTS = 2000;

export type LoggedRequest = {
  seq: number;
  method: string;
  path: string;
  query: string;
  idempotencyKey: string | null;
  /** null while the request is still open (e.g. a dropped one). */
  status: number | null;
  replayed: boolean;
  fault: string | null;
  effects: string[];
  at: string;
  durationMs: number | null;
};

type LogRow = {
  seq: number;
  method: string;
  path: string;
  query: string;
  idempotency_key: string | null;
  status: number | null;
  replayed: number;
  fault: string | null;
  effect: string | null;
  at: number;
  duration_ms: number | null;
};

export function startLogEntry(
  sql: SqlStorage,
  entry: { method: string; path: string; query: string; idempotencyKey: string | null; at: number },
): number {
  const { seq } = sql
    .exec<{ seq: number }>(
      "INSERT INTO request_log (method, path, query, idempotency_key, replayed, at) VALUES (?, ?, ?, ?, 0, ?) RETURNING seq",
      entry.method,
      entry.path,
      entry.query,
      entry.idempotencyKey,
      entry.at,
    )
    .one();
  sql.exec("DELETE FROM request_log WHERE seq <= ?", seq - MAX_LOGGED_REQUESTS);
  return seq;
}

export function noteFault(sql: SqlStorage, seq: number, fault: string): void {
  sql.exec("UPDATE request_log SET fault = COALESCE(fault || ',', '') || ? WHERE seq = ?", fault, seq);
}

export function finishLogEntry(
  sql: SqlStorage,
  seq: number,
  result: { status: number; replayed: boolean; effects: string[]; durationMs: number },
): void {
  sql.exec(
    "UPDATE request_log SET status = ?, replayed = ?, effect = ?, duration_ms = ? WHERE seq = ?",
    result.status,
    result.replayed ? 1 : 0,
    result.effects.length > 0 ? JSON.stringify(result.effects) : null,
    result.durationMs,
    seq,
  );
}

export function listLoggedRequests(sql: SqlStorage, afterSeq = 0): LoggedRequest[] {
  return sql
    .exec<LogRow>("SELECT * FROM request_log WHERE seq > ? ORDER BY seq", afterSeq)
    .toArray()
    .map((row) => ({
      seq: row.seq,
      method: row.method,
      path: row.path,
      query: row.query,
      idempotencyKey: row.idempotency_key,
      status: row.status,
      replayed: row.replayed === 1,
      fault: row.fault,
      effects: row.effect === null ? [] : (JSON.parse(row.effect) as string[]),
      at: new Date(row.at).toISOString(),
      durationMs: row.duration_ms,
    }));
}
