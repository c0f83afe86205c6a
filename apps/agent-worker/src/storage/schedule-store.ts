import type { Schedule } from "@oa/protocol";
import { keysetPage, type PageAfter } from "./keyset-page.ts";

type ScheduleRow = {
  id: string;
  kind: string;
  prompt: string;
  cron: string | null;
  timezone: string | null;
  next_run_at: number | null;
  status: string;
  fired_count: number;
  last_fired_at: number | null;
  created_at: number;
  tool_call_id: string | null;
};

export type ScheduleRecord = Omit<Schedule, "nextRunAt" | "lastFiredAt" | "createdAt"> & {
  nextRunAt: number | null;
  lastFiredAt: number | null;
  createdAt: number;
};

function toRecord(row: ScheduleRow): ScheduleRecord {
  return {
    id: row.id,
    kind: row.kind as Schedule["kind"],
    prompt: row.prompt,
    cron: row.cron,
    timezone: row.timezone,
    nextRunAt: row.next_run_at,
    status: row.status as Schedule["status"],
    firedCount: row.fired_count,
    lastFiredAt: row.last_fired_at,
    createdAt: row.created_at,
  };
}

export function toApiSchedule(record: ScheduleRecord): Schedule {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return { ...record, nextRunAt: iso(record.nextRunAt), lastFiredAt: iso(record.lastFiredAt), createdAt: iso(record.createdAt)! };
}

/** Follow-ups the agent owes the person: one-off or cron (in a time zone), listable and cancellable. */
export class ScheduleStore {
  constructor(private readonly sql: SqlStorage) {}

  create(
    record: {
      id: string;
      kind: Schedule["kind"];
      prompt: string;
      cron: string | null;
      timezone: string | null;
      nextRunAt: number;
      toolCallId: string | null;
    },
    now: number,
  ): { schedule: ScheduleRecord; created: boolean } {
    if (record.toolCallId) {
      const existing = this.sql.exec<ScheduleRow>("SELECT * FROM schedules WHERE tool_call_id = ?", record.toolCallId).toArray()[0];
      if (existing) return { schedule: toRecord(existing), created: false };
    }
    this.sql.exec(
      `INSERT INTO schedules (id, kind, prompt, cron, timezone, next_run_at, status, fired_count, created_at, updated_at, tool_call_id)
       VALUES (?, ?, ?, ?, ?, ?, 'active', 0, ?, ?, ?)`,
      record.id,
      record.kind,
      record.prompt,
      record.cron,
      record.timezone,
      record.nextRunAt,
      now,
      now,
      record.toolCallId,
    );
    return { schedule: this.get(record.id)!, created: true };
  }

  get(id: string): ScheduleRecord | null {
    const row = this.sql.exec<ScheduleRow>("SELECT * FROM schedules WHERE id = ?", id).toArray()[0];
    return row ? toRecord(row) : null;
  }

  list(limit = 100): ScheduleRecord[] {
    return this.sql.exec<ScheduleRow>("SELECT * FROM schedules ORDER BY created_at DESC LIMIT ?", limit).toArray().map(toRecord);
  }

  activeCount(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM schedules WHERE status = 'active'").one().n;
  }

  byToolCall(toolCallId: string): ScheduleRecord | null {
    const row = this.sql.exec<ScheduleRow>("SELECT * FROM schedules WHERE tool_call_id = ?", toolCallId).toArray()[0];
    return row ? toRecord(row) : null;
  }

  /** Newest first, a page at a time. */
  page(limit: number, after: PageAfter | null): { schedules: ScheduleRecord[]; next: PageAfter | null } {
    const { rows, next } = keysetPage<ScheduleRow>(this.sql, { table: "schedules", at: "created_at", id: "id" }, limit, after);
    return { schedules: rows.map(toRecord), next };
  }

  due(now: number): ScheduleRecord[] {
    return this.sql
      .exec<ScheduleRow>("SELECT * FROM schedules WHERE status = 'active' AND next_run_at <= ? ORDER BY next_run_at", now)
      .toArray()
      .map(toRecord);
  }

  nextDueAt(): number | null {
    return this.sql.exec<{ at: number | null }>("SELECT MIN(next_run_at) AS at FROM schedules WHERE status = 'active'").one().at;
  }

  /** Records a firing; a cron schedule moves to its next time, a one-off is done. */
  fired(id: string, nextRunAt: number | null, now: number): void {
    this.sql.exec(
      "UPDATE schedules SET fired_count = fired_count + 1, last_fired_at = ?, next_run_at = ?, status = CASE WHEN ? IS NULL THEN 'done' ELSE status END, updated_at = ? WHERE id = ?",
      now,
      nextRunAt,
      nextRunAt,
      now,
      id,
    );
  }

  cancel(id: string, now: number): boolean {
    return (
      this.sql.exec(
        "UPDATE schedules SET status = 'cancelled', next_run_at = NULL, updated_at = ? WHERE id = ? AND status = 'active'",
        now,
        id,
      ).rowsWritten > 0
    );
  }
}
