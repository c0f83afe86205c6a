import { z } from "zod";
import { messageIdSchema } from "./ids.ts";
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "./limits.ts";
import { uiMessageSchema } from "./ui-message.ts";

export const runStatusSchema = z.enum(["queued", "running", "awaiting_approval", "completed", "failed", "cancelled"]);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const threadSummarySchema = z.object({
  ok: z.literal(true),
  threadId: z.string(),
  title: z.string().nullable(),
  messageCount: z.number().int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastMessageAt: z.string().nullable(),
  activeRun: z.object({ id: z.string(), status: runStatusSchema }).nullable(),
});
export type ThreadSummary = z.infer<typeof threadSummarySchema>;

/** `POST /internal/chat/:threadId/stop`: whether a run was stopped (runId null: none was active). */
export const stopResultSchema = z.object({ ok: z.literal(true), stopped: z.boolean(), runId: z.string().nullable() });
export type StopResult = z.infer<typeof stopResultSchema>;

export const messagesQuerySchema = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
});

/**
 * Where a message sits among its siblings (the messages with the same parent: an edited question's
 * versions, a regenerated answer's versions). `index` is 1-based, in the order they were written;
 * `previousId` / `nextId` are the neighbouring versions to switch to (`POST …/branch`).
 */
export const branchInfoSchema = z.object({
  index: z.number().int().positive(),
  count: z.number().int().positive(),
  previousId: z.string().nullable(),
  nextId: z.string().nullable(),
});
export type BranchInfo = z.infer<typeof branchInfoSchema>;

export const storedMessageSchema = uiMessageSchema.extend({
  /** Position in the thread's storage order, 1-based; `before` pages on it (along the active path). */
  position: z.number().int().positive(),
  createdAt: z.string(),
  /** The message this one follows; null for a first message. The transcript is a tree. */
  parentId: z.string().nullable(),
  branch: branchInfoSchema,
});
export type StoredMessage = z.infer<typeof storedMessageSchema>;

/** `GET …/messages` returns the active path (the branch the thread is on), oldest first. */
export const messagesPageSchema = z.object({
  ok: z.literal(true),
  threadId: z.string(),
  messages: z.array(storedMessageSchema),
  /** The last message of the active path (null: no messages yet). */
  leafId: z.string().nullable(),
  /** Pass as `before` for the next (older) page; null when this page reaches the start. */
  nextBefore: z.number().int().positive().nullable(),
  /** The thread's event seq when the page was read: follow `…/events?after=lastSeq` from here. */
  lastSeq: z.number().int().nonnegative(),
});
export type MessagesPage = z.infer<typeof messagesPageSchema>;

/**
 * `POST /internal/thread/:threadId/branch`: make the path through `messageId` the active one
 * (it continues to that message's newest descendant). Refused with 409 `run_active` while a run
 * is queued or running; an approval pending on the branch that is left is withdrawn.
 */
export const switchBranchSchema = z.object({ messageId: messageIdSchema }).strict();
export type SwitchBranch = z.infer<typeof switchBranchSchema>;
export const switchBranchResultSchema = z.object({
  ok: z.literal(true),
  threadId: z.string(),
  /** The message asked for and the new end of the active path. */
  messageId: z.string(),
  leafId: z.string(),
});
export type SwitchBranchResult = z.infer<typeof switchBranchResultSchema>;
