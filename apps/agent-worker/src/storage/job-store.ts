import type { Job, JobKind, JobStatus } from "@oa/protocol";
import { keysetPage, type PageAfter } from "./keyset-page.ts";

type JobRow = {
  id: string;
  kind: string;
  status: string;
  progress: number;
  message: string | null;
  attempts: number;
  max_attempts: number;
  next_run_at: number | null;
  input: string;
  state: string;
  result: string | null;
  error: string | null;
  idempotency_key: string;
  run_id: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  deadline_at: number;
};

export type JobRecord = {
  id: string;
  kind: JobKind;
  status: JobStatus;
  progress: number;
  message: string | null;
  attempts: number;
  maxAttempts: number;
  nextRunAt: number | null;
  input: Record<string, unknown>;
  /** The kind's own progress state between steps (e.g. what the last status poll saw). */
  state: Record<string, unknown>;
  result: unknown;
  error: string | null;
  idempotencyKey: string;
  runId: string | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  deadlineAt: number;
};

function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    kind: row.kind as JobKind,
    status: row.status as JobStatus,
    progress: row.progress,
    message: row.message,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    nextRunAt: row.next_run_at,
    input: JSON.parse(row.input) as Record<string, unknown>,
    state: JSON.parse(row.state) as Record<string, unknown>,
    result: row.result === null ? null : JSON.parse(row.result),
    error: row.error,
    idempotencyKey: row.idempotency_key,
    runId: row.run_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    deadlineAt: row.deadline_at,
  };
}

export function toApiJob(job: JobRecord): Job {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    progress: job.progress,
    message: job.message,
    attempts: job.attempts,
    nextRunAt: iso(job.nextRunAt),
    input: job.input,
    result: job.result ?? null,
    error: job.error,
    idempotencyKey: job.idempotencyKey,
    runId: job.runId,
    createdAt: iso(job.createdAt)!,
    updatedAt: iso(job.updatedAt)!,
    finishedAt: iso(job.finishedAt),
  };
}

export const ACTIVE_JOB_STATUSES: ReadonlyArray<JobStatus> = ["queued", "running", "waiting"];

export class JobStore {
  constructor(private readonly sql: SqlStorage) {}

  /** Idempotent: the same key returns the job it created the first time. */
  create(
    job: {
      id: string;
      kind: JobKind;
      input: Record<string, unknown>;
      idempotencyKey: string;
      runId: string | null;
      maxAttempts: number;
      deadlineAt: number;
    },
    now: number,
  ): { job: JobRecord; created: boolean } {
    const existing = this.byKey(job.idempotencyKey);
    if (existing) return { job: existing, created: false };
    this.sql.exec(
      `INSERT INTO jobs (id, kind, status, progress, attempts, max_attempts, next_run_at, input, state, idempotency_key, run_id, created_at, updated_at, deadline_at)
       VALUES (?, ?, 'queued', 0, 0, ?, ?, ?, '{}', ?, ?, ?, ?, ?)`,
      job.id,
      job.kind,
      job.maxAttempts,
      now,
      JSON.stringify(job.input),
      job.idempotencyKey,
      job.runId,
      now,
      now,
      job.deadlineAt,
    );
    return { job: this.get(job.id)!, created: true };
  }

  get(id: string): JobRecord | null {
    const row = this.sql.exec<JobRow>("SELECT * FROM jobs WHERE id = ?", id).toArray()[0];
    return row ? toRecord(row) : null;
  }

  byKey(key: string): JobRecord | null {
    const row = this.sql.exec<JobRow>("SELECT * FROM jobs WHERE idempotency_key = ?", key).toArray()[0];
    return row ? toRecord(row) : null;
  }

  /** Newest first, a page at a time. */
  page(limit: number, after: PageAfter | null): { jobs: JobRecord[]; next: PageAfter | null } {
    const { rows, next } = keysetPage<JobRow>(this.sql, { table: "jobs", at: "created_at", id: "id" }, limit, after);
    return { jobs: rows.map(toRecord), next };
  }

  due(now: number): JobRecord[] {
    return this.sql
      .exec<JobRow>(
        "SELECT * FROM jobs WHERE status IN ('queued', 'running', 'waiting') AND next_run_at <= ? ORDER BY next_run_at LIMIT 20",
        now,
      )
      .toArray()
      .map(toRecord);
  }

  /** The earliest due time of an active job, leaving out `excluding` (jobs whose step is under way). */
  nextDueAt(excluding: ReadonlySet<string> = new Set()): number | null {
    const rows = this.sql
      .exec<{ id: string; at: number }>(
        "SELECT id, next_run_at AS at FROM jobs WHERE status IN ('queued', 'running', 'waiting') AND next_run_at IS NOT NULL ORDER BY next_run_at",
      )
      .toArray();
    return rows.find((row) => !excluding.has(row.id))?.at ?? null;
  }

  /** Claims a step: marks the job running and counts the attempt. */
  begin(id: string, now: number): void {
    this.sql.exec(
      "UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = COALESCE(started_at, ?), updated_at = ? WHERE id = ?",
      now,
      now,
      id,
    );
  }

  update(
    id: string,
    fields: {
      status: JobStatus;
      progress: number;
      message: string | null;
      state: Record<string, unknown>;
      nextRunAt: number | null;
      result?: unknown;
      error?: string | null;
      resetAttempts?: boolean;
    },
    now: number,
  ): void {
    const finished = fields.status === "succeeded" || fields.status === "failed" || fields.status === "cancelled";
    this.sql.exec(
      `UPDATE jobs SET status = ?, progress = ?, message = ?, state = ?, next_run_at = ?, result = COALESCE(?, result), error = ?,
         attempts = CASE WHEN ? THEN 0 ELSE attempts END, updated_at = ?, finished_at = ? WHERE id = ?`,
      fields.status,
      Math.max(0, Math.min(1, fields.progress)),
      fields.message,
      JSON.stringify(fields.state),
      fields.nextRunAt,
      fields.result === undefined ? null : JSON.stringify(fields.result),
      fields.error ?? null,
      fields.resetAttempts ? 1 : 0,
      now,
      finished ? now : null,
      id,
    );
  }
}
