import type { ThreadPatch } from "@oa/protocol";
import type { ThreadServices } from "../agents/thread-services.ts";
import { type Failure, failure } from "../failure.ts";
import type { ThreadKind, ThreadMeta } from "../storage/thread-store.ts";
import { deleteThreadRow } from "../threads-index/thread-index.ts";

/** A thread's own facts (title, flags, existence) and the retention of its finished runs. */

export type PatchedThread = { ok: true; threadId: string; title: string | null; archived: boolean; pinned: boolean };
export type DeletedThread = { ok: true; threadId: string; deleted: true };
export type SeededHistory = { ok: true; threadId: string; seeded: number; messageCount: number };

/**
 * Creates the thread for `userId` before its first message (the sidebar's New chat). Returns
 * false when the id is taken (by anyone: another user's thread does not exist for the caller).
 */
export async function createThread(
  services: ThreadServices,
  userId: string,
  threadId: string,
  kind: ThreadKind,
  title: string | null,
): Promise<boolean> {
  if (services.deleted || services.store.meta()) return false;
  services.commit(() => {
    const now = Date.now();
    services.store.createMeta(threadId, userId, now, kind, title);
    if (title) services.log.append({ type: "thread.titled", title }, now);
  });
  // The index row exists when the caller gets the id (or is retried if D1 is down).
  await services.index.flush();
  return true;
}

/** The person renames, archives or pins the thread; a chosen title replaces the agent's. */
export async function patchThread(services: ThreadServices, meta: ThreadMeta, patch: ThreadPatch): Promise<PatchedThread> {
  const { store, log } = services;
  const now = Date.now();
  services.commit(() => {
    if (patch.title !== undefined && patch.title !== meta.title) {
      store.setTitle(patch.title, now);
      log.append({ type: "thread.titled", title: patch.title }, now);
    }
    const flags = { archived: patch.archived ?? meta.archived, pinned: patch.pinned ?? meta.pinned };
    if (flags.archived !== meta.archived || flags.pinned !== meta.pinned) {
      store.setFlags(flags, now);
      log.append({ type: "thread.flagged", ...flags }, now);
    }
  });
  // The caller's next list read sees the change (or the write is retried if D1 is down).
  await services.index.flush();
  const after = store.meta()!;
  return { ok: true, threadId: meta.threadId, title: after.title, archived: after.archived, pinned: after.pinned };
}

/**
 * Deletes the thread: its index row, its inbox entries and feed (a `thread.deleted` event),
 * then every byte of its durable state (transcript, log, runs, approvals, receipts, jobs,
 * schedules, alarms) and its attachments' objects in R2. Runs in flight are stopped first.
 * The R2 objects go first: if R2 cannot be reached the thread stays whole (503, nothing else
 * touched; objects deleted before the failure stay deleted and read as gone). If D1 or the feed
 * cannot be reached nothing more is destroyed and the caller gets 503, so a retry finishes the job.
 */
export async function deleteThread(services: ThreadServices, meta: ThreadMeta, userId: string): Promise<DeletedThread | Failure> {
  const { ctx, env } = services.host;
  await services.runs(meta.threadId).cancelAll();
  try {
    await services.attachments(meta.threadId).purgeForThreadDeletion();
  } catch (error) {
    console.warn("thread delete could not reach the attachment storage", error);
    return failure("dependency_unavailable", "The attachment storage is unreachable; the thread was not deleted. Try again.");
  }
  try {
    if (env.DB) await deleteThreadRow(env.DB, meta.threadId, userId);
    await (await services.userAgent(userId)).threadDeleted(meta.threadId);
  } catch (error) {
    console.warn("thread delete could not reach the index or the feed", error);
    services.attachments(meta.threadId).reopen();
    return failure("dependency_unavailable", "The thread index is unreachable; nothing was deleted. Try again.");
  }
  services.index.stop();
  services.search.stop();
  services.deleted = true;
  await ctx.storage.deleteAlarm();
  await ctx.storage.deleteAll();
  // The instance's in-memory state describes storage that no longer exists: start afresh.
  setTimeout(() => ctx.abort("thread deleted"), 0);
  return { ok: true, threadId: meta.threadId, deleted: true };
}

/**
 * Benchmark/test aid, reachable only when ALLOW_DEV_SEED is set: appends `count` plain
 * messages in one transaction so long-history behaviour can be measured without 5,000 turns.
 */
export function seedHistory(
  services: ThreadServices,
  userId: string,
  threadId: string,
  count: number,
  padding: { events: number; bytes: number },
): SeededHistory | Failure {
  const { store, log } = services;
  const meta = services.deleted ? null : store.meta();
  if (services.deleted || (meta && meta.ownerId !== userId)) return failure("thread_not_found", "No such thread.");
  const now = Date.now();
  const filler = "x".repeat(padding.bytes);
  services.commit(() => {
    if (!meta) store.createMeta(threadId, userId, now);
    // Seeded messages are stored messages like any other: the log says so, and search reads it.
    for (const message of store.appendSeeded(count, now))
      log.append({ type: "message.stored", messageId: message.id, role: message.role, runId: null }, now);
    for (let index = 0; index < padding.events; index++) log.append({ type: "job.log", jobId: "seed", message: `${index} ${filler}` }, now);
  });
  return { ok: true, threadId, seeded: count, messageCount: store.meta()!.messageCount };
}

/** Retention for one finished run: its streamed chunks go, its events stay. Returns how many rows went. */
export function compactRun(services: ThreadServices, runId: string): number {
  const run = services.runStore.get(runId);
  if (!run || run.status === "queued" || run.status === "running" || run.status === "awaiting_approval") return 0;
  return services.host.ctx.storage.transactionSync(() => services.log.compactRunChunks(runId));
}
