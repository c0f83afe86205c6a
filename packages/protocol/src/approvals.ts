import { z } from "zod";
import { opaqueIdSchema, threadIdSchema } from "./ids.ts";

export const approvalStatusSchema = z.enum(["pending", "approved", "rejected", "expired", "superseded"]);
export type ApprovalStatus = z.infer<typeof approvalStatusSchema>;
export const riskSchema = z.enum(["low", "medium", "high"]);
export type Risk = z.infer<typeof riskSchema>;
export const decisionSchema = z.enum(["approved", "rejected"]);
export type Decision = z.infer<typeof decisionSchema>;

const approvalIdSchema = opaqueIdSchema("approval id");

/** `POST /internal/approval/respond` */
export const approvalRespondSchema = z.object({
  threadId: threadIdSchema,
  approvalId: approvalIdSchema,
  decision: decisionSchema,
  reason: z.string().max(2000).optional(),
});
export type ApprovalRespond = z.infer<typeof approvalRespondSchema>;

/** The exact OpenClaw API request an approval allows: shown to the person, checked before sending. */
export const boundRequestSchema = z.object({
  method: z.enum(["GET", "POST", "DELETE"]),
  path: z.string(),
  bodyHash: z.string().nullable(),
});
export type BoundRequest = z.infer<typeof boundRequestSchema>;

export const approvalSchema = z.object({
  id: z.string(),
  threadId: z.string(),
  runId: z.string(),
  messageId: z.string(),
  toolCallId: z.string(),
  tool: z.string(),
  args: z.record(z.string(), z.unknown()),
  argsHash: z.string(),
  /** null only for approvals recorded before requests were bound (they can no longer run). */
  request: boundRequestSchema.nullable(),
  summary: z.string(),
  risk: riskSchema,
  cost: z.string().nullable(),
  status: approvalStatusSchema,
  reason: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedVia: z.enum(["api", "chat", "expiry", "superseded"]).nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  decidedAt: z.string().nullable(),
});
export type Approval = z.infer<typeof approvalSchema>;

export const approvalsQuerySchema = z.object({ status: approvalStatusSchema.optional() });

export const receiptStatusSchema = z.enum(["started", "succeeded", "failed", "unknown"]);
export type ReceiptStatus = z.infer<typeof receiptStatusSchema>;

export const receiptSchema = z.object({
  toolCallId: z.string(),
  runId: z.string(),
  tool: z.string(),
  args: z.record(z.string(), z.unknown()),
  status: receiptStatusSchema,
  resultSummary: z.string().nullable(),
  approvalId: z.string().nullable(),
  decidedBy: z.string().nullable(),
  attempts: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type Receipt = z.infer<typeof receiptSchema>;

/** Keyset pages answer `nextCursor`: pass it as `cursor` for the next (older) page; null at the end. */
const nextCursorSchema = z.string().nullable();

/** `GET /internal/thread/:threadId/approvals` */
export const approvalListSchema = z.object({
  ok: z.literal(true),
  threadId: z.string(),
  approvals: z.array(approvalSchema),
  nextCursor: nextCursorSchema,
});
export type ApprovalList = z.infer<typeof approvalListSchema>;
/** `GET /internal/thread/:threadId/receipts` */
export const receiptListSchema = z.object({
  ok: z.literal(true),
  threadId: z.string(),
  receipts: z.array(receiptSchema),
  nextCursor: nextCursorSchema,
});
export type ReceiptList = z.infer<typeof receiptListSchema>;
/** `POST /internal/approval/respond`: the decided approval, and whether its run continued. */
export const approvalRespondResultSchema = z.object({
  ok: z.literal(true),
  approval: approvalSchema,
  runId: z.string(),
  continued: z.boolean(),
});
export type ApprovalRespondResult = z.infer<typeof approvalRespondResultSchema>;
