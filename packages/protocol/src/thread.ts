import { z } from "zod";
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "./limits.ts";
import { uiMessageSchema } from "./ui-message.ts";

export const runStatusSchema = z.enum([
  "queued",
  "running",
  "awaiting_approval",
  "completed",
  "failed",
  "cancelled",
]);
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

export const messagesQuerySchema = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
});

export const storedMessageSchema = uiMessageSchema.extend({
  /** Position in the thread, 1-based and gap-free; `before` pages on it. */
  position: z.number().int().positive(),
  createdAt: z.string(),
});
export type StoredMessage = z.infer<typeof storedMessageSchema>;

export const messagesPageSchema = z.object({
  ok: z.literal(true),
  threadId: z.string(),
  messages: z.array(storedMessageSchema),
  /** Pass as `before` for the next (older) page; null when this page reaches the start. */
  nextBefore: z.number().int().positive().nullable(),
  /** The thread's event seq when the page was read: follow `…/events?after=lastSeq` from here. */
  lastSeq: z.number().int().nonnegative(),
});
export type MessagesPage = z.infer<typeof messagesPageSchema>;
