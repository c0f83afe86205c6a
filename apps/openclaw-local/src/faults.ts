import { sleep } from "./context.ts";
import { type Answer, errorAnswer, textAnswer } from "./envelope.ts";

/**
 * Injected failures for tests, matched by method and path prefix. `before` faults hit before
 * the endpoint runs (nothing happens); `after` faults hit once it has run (the effect happened
 * and its answer is stored for Idempotency-Key replays, but the client gets the fault).
 */
export const faultKinds = ["500", "non-json-500", "delay", "drop"] as const;
export type FaultKind = (typeof faultKinds)[number];
export type FaultPhase = "before" | "after";

export type FaultSpec = {
  method: string;
  path: string;
  kind: FaultKind;
  status?: number | undefined;
  message?: string | undefined;
  ms?: number | undefined;
  count?: number | undefined;
  phase: FaultPhase;
};

export type Fault = {
  id: number;
  method: string;
  path: string;
  kind: FaultKind;
  status: number;
  message: string | null;
  ms: number | null;
  /** Matches left before the fault clears itself; null = until cleared. */
  remaining: number | null;
  phase: FaultPhase;
};

export const DEFAULT_DELAY_MS = 1000;
/** A dropped request hangs this long (the client times out first), then the connection answers 504. */
export const DEFAULT_DROP_MS = 10 * 60 * 1000;

type FaultRow = Omit<Fault, "path"> & { path_prefix: string };

function faultOf(row: FaultRow): Fault {
  return {
    id: row.id,
    method: row.method,
    path: row.path_prefix,
    kind: row.kind,
    status: row.status,
    message: row.message,
    ms: row.ms,
    remaining: row.remaining,
    phase: row.phase,
  };
}

export function addFault(sql: SqlStorage, spec: FaultSpec): Fault {
  const row = sql
    .exec<FaultRow>(
      `INSERT INTO faults (method, path_prefix, kind, status, message, ms, remaining, phase)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      spec.method.toUpperCase(),
      spec.path,
      spec.kind,
      spec.status ?? 500,
      spec.message ?? null,
      spec.ms ?? null,
      spec.count ?? null,
      spec.phase,
    )
    .one();
  return faultOf(row);
}

export function listFaults(sql: SqlStorage): Fault[] {
  return sql.exec<FaultRow>("SELECT * FROM faults ORDER BY id").toArray().map(faultOf);
}

export function clearFaults(sql: SqlStorage): number {
  return sql.exec("DELETE FROM faults").rowsWritten;
}

function matches(fault: Fault, method: string, path: string): boolean {
  if (fault.method !== "*" && fault.method !== method.toUpperCase()) return false;
  return path.startsWith(fault.path) || path.startsWith(`/api${fault.path}`);
}

/** The first fault for this request and phase; counts it, and clears it when its count is used up. */
export function takeFault(sql: SqlStorage, method: string, path: string, phase: FaultPhase): Fault | null {
  const fault = listFaults(sql).find((candidate) => candidate.phase === phase && matches(candidate, method, path));
  if (!fault) return null;
  if (fault.remaining !== null) {
    if (fault.remaining <= 1) sql.exec("DELETE FROM faults WHERE id = ?", fault.id);
    else sql.exec("UPDATE faults SET remaining = remaining - 1 WHERE id = ?", fault.id);
  }
  return fault;
}

/** The answer a fault gives instead of the real one; null when the request goes on (after a delay). */
export async function applyFault(fault: Fault): Promise<Answer | null> {
  switch (fault.kind) {
    case "500":
      return errorAnswer(fault.status, fault.message ?? "injected fault");
    case "non-json-500":
      // What the production worker sends when an upstream fetch throws: not the JSON envelope.
      return textAnswer(fault.status, fault.message ?? "Internal Server Error");
    case "delay":
      await sleep(fault.ms ?? DEFAULT_DELAY_MS);
      return null;
    case "drop":
      await sleep(fault.ms ?? DEFAULT_DROP_MS);
      return textAnswer(504, "connection dropped (injected fault)");
  }
}
