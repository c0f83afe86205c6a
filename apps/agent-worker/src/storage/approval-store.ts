import type { Approval, ApprovalStatus, BoundRequest } from "@oa/protocol";
import { keysetPage, type PageAfter } from "./keyset-page.ts";

type ApprovalRow = {
  id: string;
  run_id: string;
  message_id: string;
  tool_call_id: string;
  tool: string;
  args: string;
  args_hash: string;
  request: string | null;
  summary: string;
  risk: string;
  cost: string | null;
  status: string;
  reason: string | null;
  decided_by: string | null;
  decided_via: string | null;
  created_at: number;
  expires_at: number;
  decided_at: number | null;
};

export type ApprovalRecord = Omit<Approval, "createdAt" | "expiresAt" | "decidedAt" | "threadId"> & {
  createdAt: number;
  expiresAt: number;
  decidedAt: number | null;
};

function toRecord(row: ApprovalRow): ApprovalRecord {
  return {
    id: row.id,
    runId: row.run_id,
    messageId: row.message_id,
    toolCallId: row.tool_call_id,
    tool: row.tool,
    args: JSON.parse(row.args) as Record<string, unknown>,
    argsHash: row.args_hash,
    request: row.request === null ? null : (JSON.parse(row.request) as BoundRequest),
    summary: row.summary,
    risk: row.risk as Approval["risk"],
    cost: row.cost,
    status: row.status as ApprovalStatus,
    reason: row.reason,
    decidedBy: row.decided_by,
    decidedVia: row.decided_via as Approval["decidedVia"],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    decidedAt: row.decided_at,
  };
}

export function toApiApproval(record: ApprovalRecord, threadId: string): Approval {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    ...record,
    threadId,
    createdAt: iso(record.createdAt),
    expiresAt: iso(record.expiresAt),
    decidedAt: record.decidedAt === null ? null : iso(record.decidedAt),
  };
}

/** Pending approvals are server-side facts: bound to one tool call, its exact arguments and the exact request they make. */
export class ApprovalStore {
  constructor(private readonly sql: SqlStorage) {}

  create(record: Omit<ApprovalRecord, "status" | "reason" | "decidedBy" | "decidedVia" | "decidedAt">): ApprovalRecord {
    this.sql.exec(
      `INSERT INTO approvals (id, run_id, message_id, tool_call_id, tool, args, args_hash, request, summary, risk, cost, status, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      record.id,
      record.runId,
      record.messageId,
      record.toolCallId,
      record.tool,
      JSON.stringify(record.args),
      record.argsHash,
      record.request === null ? null : JSON.stringify(record.request),
      record.summary,
      record.risk,
      record.cost,
      record.createdAt,
      record.expiresAt,
    );
    return this.get(record.id)!;
  }

  get(id: string): ApprovalRecord | null {
    const row = this.sql.exec<ApprovalRow>("SELECT * FROM approvals WHERE id = ?", id).toArray()[0];
    return row ? toRecord(row) : null;
  }

  byToolCall(toolCallId: string): ApprovalRecord | null {
    const row = this.sql.exec<ApprovalRow>("SELECT * FROM approvals WHERE tool_call_id = ?", toolCallId).toArray()[0];
    return row ? toRecord(row) : null;
  }

  pendingForRun(runId: string): ApprovalRecord[] {
    return this.sql
      .exec<ApprovalRow>("SELECT * FROM approvals WHERE run_id = ? AND status = 'pending' ORDER BY created_at", runId)
      .toArray()
      .map(toRecord);
  }

  /** Newest first, a page at a time, optionally of one status. */
  page(
    status: ApprovalStatus | undefined,
    limit: number,
    after: PageAfter | null,
  ): { approvals: ApprovalRecord[]; next: PageAfter | null } {
    const where = status ? { clause: "status = ?", params: [status] } : undefined;
    const { rows, next } = keysetPage<ApprovalRow>(
      this.sql,
      { table: "approvals", at: "created_at", id: "id", ...(where ? { where } : {}) },
      limit,
      after,
    );
    return { approvals: rows.map(toRecord), next };
  }

  list(status: ApprovalStatus | undefined, limit = 200): ApprovalRecord[] {
    const rows = status
      ? this.sql.exec<ApprovalRow>("SELECT * FROM approvals WHERE status = ? ORDER BY created_at DESC LIMIT ?", status, limit)
      : this.sql.exec<ApprovalRow>("SELECT * FROM approvals ORDER BY created_at DESC LIMIT ?", limit);
    return rows.toArray().map(toRecord);
  }

  /** Single use: only a pending approval changes, and only once. Returns false if it was not pending. */
  resolve(
    id: string,
    status: Exclude<ApprovalStatus, "pending">,
    decision: { reason: string | null; by: string | null; via: Approval["decidedVia"] },
    now: number,
  ): boolean {
    const cursor = this.sql.exec(
      "UPDATE approvals SET status = ?, reason = ?, decided_by = ?, decided_via = ?, decided_at = ? WHERE id = ? AND status = 'pending'",
      status,
      decision.reason,
      decision.by,
      decision.via,
      now,
      id,
    );
    return cursor.rowsWritten > 0;
  }
}
