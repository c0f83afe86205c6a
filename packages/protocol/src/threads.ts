import { z } from "zod";
import { approvalSchema, approvalStatusSchema } from "./approvals.ts";

export const threadKindSchema = z.enum(["chat", "project", "openclaw"]);
export type ThreadKind = z.infer<typeof threadKindSchema>;
export const threadStatusSchema = z.enum(["idle", "running", "awaiting_approval", "error"]);
export type ThreadStatus = z.infer<typeof threadStatusSchema>;

/** One thread as the sidebar lists it (`GET /internal/threads`, and inside user events). */
export const threadListItemSchema = z.object({
  id: z.string(),
  kind: threadKindSchema,
  title: z.string().nullable(),
  status: threadStatusSchema,
  preview: z.string().nullable(),
  pendingApprovals: z.number().int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastEventAt: z.string(),
  archived: z.boolean(),
  pinned: z.boolean(),
});
export type ThreadListItem = z.infer<typeof threadListItemSchema>;

/** `GET /internal/threads` */
export const threadListQuerySchema = z.object({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  status: threadStatusSchema.optional(),
  kind: threadKindSchema.optional(),
  archived: z.enum(["true", "false"]).default("false"),
  pinned: z.enum(["true", "false"]).optional(),
  q: z.string().trim().min(1).max(200).optional(),
});

/** `POST /internal/threads` */
export const createThreadSchema = z
  .object({ kind: threadKindSchema.default("chat"), title: z.string().trim().min(1).max(200).optional() })
  .strict();

/** `PATCH /internal/threads/:id` */
export const patchThreadSchema = z
  .object({ title: z.string().trim().min(1).max(200).optional(), archived: z.boolean().optional(), pinned: z.boolean().optional() })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: "send at least one of title, archived, pinned" });
export type ThreadPatch = z.infer<typeof patchThreadSchema>;

/** `GET /internal/threads`: a keyset page, newest activity first. */
export const threadListPageSchema = z.object({
  ok: z.literal(true),
  threads: z.array(threadListItemSchema),
  nextCursor: z.string().nullable(),
});
export type ThreadListPage = z.infer<typeof threadListPageSchema>;
/** `POST /internal/threads` answers 201 with this. */
export const createThreadResultSchema = z.object({
  ok: z.literal(true),
  threadId: z.string(),
  kind: threadKindSchema,
  title: z.string().nullable(),
});
export type CreateThreadResult = z.infer<typeof createThreadResultSchema>;
/** `PATCH /internal/threads/:threadId`: the thread's fields after the patch. */
export const patchThreadResultSchema = z.object({
  ok: z.literal(true),
  threadId: z.string(),
  title: z.string().nullable(),
  archived: z.boolean(),
  pinned: z.boolean(),
});
/** `DELETE /internal/threads/:threadId` */
export const deleteThreadResultSchema = z.object({ ok: z.literal(true), threadId: z.string(), deleted: z.literal(true) });

/** An approval in the user's inbox: the approval plus the thread it belongs to. */
export const inboxItemSchema = approvalSchema.extend({ threadTitle: z.string().nullable() });
export type InboxItem = z.infer<typeof inboxItemSchema>;
/** `GET /internal/approvals`: the user's inbox. */
export const inboxSchema = z.object({ ok: z.literal(true), approvals: z.array(inboxItemSchema) });
export type Inbox = z.infer<typeof inboxSchema>;

/** `GET /internal/approvals` */
export const inboxQuerySchema = z.object({
  status: approvalStatusSchema.default("pending"),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

const base = { seq: z.number().int().positive(), at: z.string() };

/**
 * The user's live feed (`GET /internal/user/events`): what changed across all of one user's
 * threads, in order, replayable by `Last-Event-ID`.
 */
export const userEventSchema = z.discriminatedUnion("type", [
  z.object({ ...base, type: z.literal("thread.created"), threadId: z.string(), thread: threadListItemSchema }),
  /** Title, preview, pending approvals, archived or pinned changed (`changed` names which). */
  z.object({
    ...base,
    type: z.literal("thread.updated"),
    threadId: z.string(),
    thread: threadListItemSchema,
    changed: z.array(z.string()),
  }),
  z.object({
    ...base,
    type: z.literal("thread.status"),
    threadId: z.string(),
    status: threadStatusSchema,
    previous: threadStatusSchema,
    thread: threadListItemSchema,
  }),
  z.object({ ...base, type: z.literal("thread.deleted"), threadId: z.string() }),
  z.object({ ...base, type: z.literal("approval.requested"), threadId: z.string(), approval: inboxItemSchema }),
  z.object({ ...base, type: z.literal("approval.resolved"), threadId: z.string(), approval: inboxItemSchema }),
  /**
   * Synthetic, never stored: the reader's position is older than what the feed keeps. Refetch
   * the thread list and the inbox, then follow live.
   */
  z.object({ ...base, type: z.literal("snapshot"), reason: z.literal("compacted") }),
]);
export type UserEvent = z.infer<typeof userEventSchema>;
export type StoredUserEvent = Exclude<UserEvent, { type: "snapshot" }>;
export type NewUserEvent = StoredUserEvent extends infer E ? (E extends StoredUserEvent ? Omit<E, "seq" | "at"> : never) : never;
