import type { Receipt, ReceiptStatus } from "@oa/protocol";
import { keysetPage, type PageAfter } from "./keyset-page.ts";

type ReceiptRow = {
  tool_call_id: string;
  run_id: string;
  tool: string;
  args: string;
  status: string;
  result_summary: string | null;
  result: string | null;
  approval_id: string | null;
  decided_by: string | null;
  attempts: number;
  started_at: number;
  finished_at: number | null;
};

export type ReceiptRecord = Omit<Receipt, "startedAt" | "finishedAt"> & { result: unknown; startedAt: number; finishedAt: number | null };

function toRecord(row: ReceiptRow): ReceiptRecord {
  return {
    toolCallId: row.tool_call_id,
    runId: row.run_id,
    tool: row.tool,
    args: JSON.parse(row.args) as Record<string, unknown>,
    status: row.status as ReceiptStatus,
    resultSummary: row.result_summary,
    result: row.result === null ? null : JSON.parse(row.result),
    approvalId: row.approval_id,
    decidedBy: row.decided_by,
    attempts: row.attempts,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export function toApiReceipt({ result: _result, ...record }: ReceiptRecord): Receipt {
  return {
    ...record,
    startedAt: new Date(record.startedAt).toISOString(),
    finishedAt: record.finishedAt === null ? null : new Date(record.finishedAt).toISOString(),
  };
}

/** One receipt per tool call, written before the call and again after it: the audit trail. */
export class ReceiptStore {
  constructor(private readonly sql: SqlStorage) {}

  get(toolCallId: string): ReceiptRecord | null {
    const row = this.sql.exec<ReceiptRow>("SELECT * FROM receipts WHERE tool_call_id = ?", toolCallId).toArray()[0];
    return row ? toRecord(row) : null;
  }

  start(
    receipt: {
      toolCallId: string;
      runId: string;
      tool: string;
      args: Record<string, unknown>;
      approvalId: string | null;
      decidedBy: string | null;
    },
    now: number,
  ): void {
    this.sql.exec(
      `INSERT INTO receipts (tool_call_id, run_id, tool, args, status, approval_id, decided_by, started_at)
       VALUES (?, ?, ?, ?, 'started', ?, ?, ?)
       ON CONFLICT (tool_call_id) DO UPDATE SET status = 'started', attempts = attempts + 1, started_at = excluded.started_at, finished_at = NULL`,
      receipt.toolCallId,
      receipt.runId,
      receipt.tool,
      JSON.stringify(receipt.args),
      receipt.approvalId,
      receipt.decidedBy,
      now,
    );
  }

  finish(toolCallId: string, status: Exclude<ReceiptStatus, "started">, summary: string, result: unknown, now: number): void {
    this.sql.exec(
      "UPDATE receipts SET status = ?, result_summary = ?, result = ?, finished_at = ? WHERE tool_call_id = ?",
      status,
      summary,
      result === undefined ? null : JSON.stringify(result),
      now,
      toolCallId,
    );
  }

  /** Unclaimed receipts of a run for one tool: candidates for a call repeated after a crash. */
  unclaimed(runId: string, tool: string): ReceiptRecord[] {
    return this.sql
      .exec<ReceiptRow>("SELECT * FROM receipts WHERE run_id = ? AND tool = ? AND claimed_by IS NULL ORDER BY started_at", runId, tool)
      .toArray()
      .map(toRecord);
  }

  /** Calls of a run still marked in flight. */
  startedForRun(runId: string): ReceiptRecord[] {
    return this.sql.exec<ReceiptRow>("SELECT * FROM receipts WHERE run_id = ? AND status = 'started'", runId).toArray().map(toRecord);
  }

  claim(toolCallId: string, by: string): void {
    this.sql.exec("UPDATE receipts SET claimed_by = ? WHERE tool_call_id = ?", by, toolCallId);
  }

  /** Newest first, a page at a time. */
  page(limit: number, after: PageAfter | null): { receipts: ReceiptRecord[]; next: PageAfter | null } {
    const { rows, next } = keysetPage<ReceiptRow>(this.sql, { table: "receipts", at: "started_at", id: "tool_call_id" }, limit, after);
    return { receipts: rows.map(toRecord), next };
  }
}
