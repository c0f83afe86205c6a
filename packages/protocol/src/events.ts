import { z } from "zod";
import { approvalStatusSchema, boundRequestSchema, receiptStatusSchema, riskSchema } from "./approvals.ts";
import { jobKindSchema, jobStatusSchema, scheduleKindSchema } from "./jobs.ts";
import { runStatusSchema } from "./thread.ts";
import { messageRoleSchema } from "./ui-message.ts";

const base = {
  seq: z.number().int().positive(),
  at: z.string(),
};

/** Every fact a thread records, in order. The union grows with later capabilities. */
export const threadEventSchema = z.discriminatedUnion("type", [
  z.object({
    ...base,
    type: z.literal("message.stored"),
    messageId: z.string(),
    role: messageRoleSchema,
    runId: z.string().nullable(),
  }),
  z.object({ ...base, type: z.literal("run.started"), runId: z.string(), messageId: z.string() }),
  z.object({
    ...base,
    type: z.literal("run.finished"),
    runId: z.string(),
    messageId: z.string(),
    /** Wall time of the run's last attempt and the storage rows it wrote: the cost of a turn. */
    durationMs: z.number().int().nonnegative().optional(),
    rowsWritten: z.number().int().nonnegative().optional(),
  }),
  z.object({
    ...base,
    type: z.literal("run.failed"),
    runId: z.string(),
    messageId: z.string(),
    error: z.object({ code: z.string(), message: z.string() }),
  }),
  z.object({ ...base, type: z.literal("run.cancelled"), runId: z.string(), messageId: z.string() }),
  z.object({
    ...base,
    type: z.literal("run.recovered"),
    runId: z.string(),
    messageId: z.string(),
    attempt: z.number().int().positive(),
  }),
  z.object({
    ...base,
    type: z.literal("run.status"),
    runId: z.string(),
    status: runStatusSchema,
  }),
  z.object({
    ...base,
    type: z.literal("ui.chunks"),
    runId: z.string(),
    messageId: z.string(),
    /** AI SDK UI message chunks, coalesced for storage. */
    chunks: z.array(z.record(z.string(), z.unknown())),
  }),
  z.object({
    ...base,
    type: z.literal("approval.requested"),
    approvalId: z.string(),
    runId: z.string(),
    toolCallId: z.string(),
    tool: z.string(),
    request: boundRequestSchema.nullable().optional(),
    summary: z.string(),
    risk: riskSchema,
    cost: z.string().nullable(),
    expiresAt: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal("approval.resolved"),
    approvalId: z.string(),
    runId: z.string(),
    status: approvalStatusSchema,
    reason: z.string().nullable(),
    decidedBy: z.string().nullable(),
  }),
  z.object({
    ...base,
    type: z.literal("tool.receipt"),
    runId: z.string(),
    toolCallId: z.string(),
    tool: z.string(),
    status: receiptStatusSchema,
    resultSummary: z.string().nullable(),
  }),
  z.object({
    ...base,
    type: z.literal("job.started"),
    jobId: z.string(),
    kind: jobKindSchema,
    runId: z.string().nullable(),
    description: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal("job.progress"),
    jobId: z.string(),
    kind: jobKindSchema,
    status: jobStatusSchema,
    progress: z.number().min(0).max(1),
    message: z.string().nullable(),
  }),
  z.object({ ...base, type: z.literal("job.log"), jobId: z.string(), message: z.string() }),
  z.object({
    ...base,
    type: z.literal("job.finished"),
    jobId: z.string(),
    kind: jobKindSchema,
    status: jobStatusSchema,
    message: z.string().nullable(),
    result: z.unknown(),
    error: z.string().nullable(),
  }),
  z.object({
    ...base,
    type: z.literal("schedule.created"),
    scheduleId: z.string(),
    kind: scheduleKindSchema,
    prompt: z.string(),
    nextRunAt: z.string().nullable(),
  }),
  z.object({ ...base, type: z.literal("schedule.fired"), scheduleId: z.string(), runId: z.string(), nextRunAt: z.string().nullable() }),
  z.object({ ...base, type: z.literal("schedule.cancelled"), scheduleId: z.string() }),
  z.object({ ...base, type: z.literal("thread.titled"), title: z.string() }),
  /**
   * The active path changed: a `POST …/branch`, or an edit or regenerate that started a new
   * branch. `leafId` is the new end of the active path; every tab reloads the messages.
   */
  z.object({ ...base, type: z.literal("branch.switched"), leafId: z.string().nullable(), messageId: z.string().nullable() }),
  /** A file was uploaded into the thread (not yet part of a message until one refers to it). */
  z.object({
    ...base,
    type: z.literal("attachment.stored"),
    attachmentId: z.string(),
    filename: z.string(),
    mediaType: z.string(),
    size: z.number().int().nonnegative(),
  }),
  z.object({ ...base, type: z.literal("attachment.deleted"), attachmentId: z.string() }),
  /** The person archived, unarchived, pinned or unpinned the thread. */
  z.object({ ...base, type: z.literal("thread.flagged"), archived: z.boolean(), pinned: z.boolean() }),
  z.object({
    ...base,
    /**
     * Synthetic, never stored: sent instead of events a subscriber asked for that retention
     * compacted away. It states the thread as of `seq`; refetch messages, then follow live.
     */
    type: z.literal("snapshot"),
    reason: z.literal("compacted"),
    messageCount: z.number().int().nonnegative(),
    activeRun: z.object({ id: z.string(), status: runStatusSchema }).nullable(),
  }),
]);
export type ThreadEvent = z.infer<typeof threadEventSchema>;
export type ThreadEventType = ThreadEvent["type"];
/** What a caller appends: the log assigns `seq` and `at`. */
export type StoredThreadEvent = Exclude<ThreadEvent, { type: "snapshot" }>;
export type NewThreadEvent = StoredThreadEvent extends infer E ? (E extends StoredThreadEvent ? Omit<E, "seq" | "at"> : never) : never;

/** `after` for the events feed: a query parameter or the SSE `Last-Event-ID` header. */
export const eventCursorSchema = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
