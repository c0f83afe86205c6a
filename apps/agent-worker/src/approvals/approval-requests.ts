import type { Approval, ApprovalRespond, ApprovalStatus, Receipt } from "@oa/protocol";
import type { ThreadServices } from "../agents/thread-services.ts";
import type { Failure } from "../failure.ts";
import { toApiApproval } from "../storage/approval-store.ts";
import { toApiReceipt } from "../storage/receipt-store.ts";
import type { ThreadMeta } from "../storage/thread-store.ts";
import { type ListPage, nextCursor } from "../thread/list-page.ts";

/** The thread's approvals and receipts, as its owner reads and decides them through the API. */

export type ApprovalsPage = { ok: true; threadId: string; approvals: Approval[]; nextCursor: string | null };
export type ReceiptsPage = { ok: true; threadId: string; receipts: Receipt[]; nextCursor: string | null };
export type ApprovalDecided = { ok: true; approval: Approval; runId: string; continued: boolean };

export function listApprovals(
  services: ThreadServices,
  meta: ThreadMeta,
  status: ApprovalStatus | undefined,
  page: ListPage,
): ApprovalsPage {
  const { approvals, next } = services.approvalStore.page(status, page.limit, page.after);
  return {
    ok: true,
    threadId: meta.threadId,
    approvals: approvals.map((record) => toApiApproval(record, meta.threadId)),
    nextCursor: nextCursor(next),
  };
}

export function listReceipts(services: ThreadServices, meta: ThreadMeta, page: ListPage): ReceiptsPage {
  const { receipts, next } = services.receipts.page(page.limit, page.after);
  return { ok: true, threadId: meta.threadId, receipts: receipts.map(toApiReceipt), nextCursor: nextCursor(next) };
}

/** `POST /internal/approval/respond`: one decision; an approved or rejected call continues its run. */
export async function respondToApproval(
  services: ThreadServices,
  meta: ThreadMeta,
  userId: string,
  body: ApprovalRespond,
): Promise<ApprovalDecided | Failure> {
  const result = await services
    .runs(meta.threadId)
    .approvals.decide(userId, "api", [
      { approvalId: body.approvalId, approved: body.decision === "approved", reason: body.reason ?? null },
    ]);
  if (!result.ok) return result;
  return { ok: true, approval: toApiApproval(result.approvals[0]!, meta.threadId), runId: result.runId, continued: result.continued };
}
