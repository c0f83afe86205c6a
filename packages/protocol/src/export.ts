import { z } from "zod";
import { approvalSchema, receiptSchema } from "./approvals.ts";
import { jobSchema } from "./jobs.ts";
import { threadKindSchema } from "./threads.ts";
import { messageRoleSchema, uiMessagePartSchema } from "./ui-message.ts";

/** `GET /internal/thread/:threadId/export?format=markdown|json`. */
export const exportQuerySchema = z.object({ format: z.enum(["markdown", "json"]).default("markdown") });
export type ExportFormat = z.infer<typeof exportQuerySchema>["format"];

/** The `format` field of a JSON export, and its version. */
export const THREAD_EXPORT_FORMAT = "openagents.thread-export";
export const THREAD_EXPORT_VERSION = 1;

/** A JSON export: every message of the tree (not only the active path), approvals, receipts and jobs. */
export const threadExportSchema = z.object({
  format: z.literal(THREAD_EXPORT_FORMAT),
  version: z.literal(THREAD_EXPORT_VERSION),
  exportedAt: z.string(),
  thread: z.object({ id: z.string(), kind: threadKindSchema, title: z.string().nullable(), createdAt: z.string(), updatedAt: z.string() }),
  leafId: z.string().nullable(),
  messages: z.array(
    z.object({
      id: z.string(),
      role: messageRoleSchema,
      parentId: z.string().nullable(),
      onActivePath: z.boolean(),
      createdAt: z.string(),
      parts: z.array(uiMessagePartSchema),
      metadata: z.unknown(),
    }),
  ),
  approvals: z.array(approvalSchema),
  receipts: z.array(receiptSchema),
  jobs: z.array(jobSchema),
});
export type ThreadExport = z.infer<typeof threadExportSchema>;
