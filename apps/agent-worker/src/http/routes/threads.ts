import {
  createThreadSchema,
  exportQuerySchema,
  messagesQuerySchema,
  patchThreadSchema,
  switchBranchSchema,
  threadListQuerySchema,
} from "@oa/protocol";
import { generateId } from "ai";
import { Hono } from "hono";
import { z } from "zod";
import { ApiError } from "../../failure.ts";
import { quotaFailure } from "../../quotas/quota.ts";
import { decodeCursor, listThreads } from "../../threads-index/thread-index.ts";
import { parseWith, readJsonBody } from "../body.ts";
import { failureResponse } from "../errors.ts";
import { resultResponse } from "../json.ts";
import { type App, eventCursor, thread, threadParam, threadQuota } from "../route-context.ts";

const seedRequestSchema = z.object({
  count: z.number().int().min(1).max(20_000),
  /** Also log this many padded events (a long event log, for replay tests and benchmarks). */
  events: z.number().int().min(0).max(50_000).optional(),
  eventBytes: z.number().int().min(0).max(4096).optional(),
});

/** A thread itself: the caller's list, create, rename/flag, delete, its transcript, event feed and export. */
export const threadRoutes = new Hono<App>();

threadRoutes.get("/internal/threads", async (c) => {
  const query = parseWith(threadListQuerySchema, c.req.query(), "query");
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  if (query.cursor && !after) throw new ApiError("invalid_request", "cursor is not one this API returned.");
  const page = await listThreads(
    c.env.DB,
    c.get("principal").userId,
    {
      ...query,
      archived: query.archived === "true",
      pinned: query.pinned === undefined ? undefined : query.pinned === "true",
    },
    after,
  );
  return c.json({ ok: true, ...page });
});

threadRoutes.post("/internal/threads", async (c) => {
  const body = parseWith(createThreadSchema, await readJsonBody(c.req.raw));
  const threadId = `t_${generateId()}`;
  // The user's UserAgent counts and takes the slot in one step: a flood of creates stops exactly at QUOTA_THREADS.
  const quota = threadQuota(c, threadId);
  const verdict = await quota.acquire("thread", threadId, null);
  if (!verdict.ok) return failureResponse(quotaFailure(verdict));
  const stub = await thread(c, threadId);
  const created = await stub.createThread(c.get("principal").userId, threadId, body.kind, body.title ?? null).catch((error: unknown) => {
    quota.release("thread", [threadId]);
    throw error;
  });
  if (!created) {
    quota.release("thread", [threadId]);
    throw new ApiError("conflict", "That thread id is taken; try again.");
  }
  return c.json({ ok: true, threadId, kind: body.kind, title: body.title ?? null }, 201);
});

threadRoutes.patch("/internal/threads/:threadId", async (c) => {
  const threadId = threadParam(c);
  const patch = parseWith(patchThreadSchema, await readJsonBody(c.req.raw));
  const stub = await thread(c, threadId);
  return resultResponse(await stub.patchThread(c.get("principal").userId, patch));
});

threadRoutes.delete("/internal/threads/:threadId", async (c) => {
  const stub = await thread(c, threadParam(c));
  return resultResponse(await stub.deleteThread(c.get("principal").userId));
});

threadRoutes.get("/internal/thread/:threadId/summary", async (c) => {
  const stub = await thread(c, threadParam(c));
  return resultResponse(await stub.summary(c.get("principal").userId));
});

threadRoutes.get("/internal/thread/:threadId/messages", async (c) => {
  const threadId = threadParam(c);
  const query = parseWith(messagesQuerySchema, c.req.query(), "query");
  const stub = await thread(c, threadId);
  return resultResponse(await stub.messages(c.get("principal").userId, query.before, query.limit));
});

threadRoutes.post("/internal/thread/:threadId/branch", async (c) => {
  const threadId = threadParam(c);
  const body = parseWith(switchBranchSchema, await readJsonBody(c.req.raw));
  const stub = await thread(c, threadId);
  return resultResponse(await stub.switchBranch(c.get("principal").userId, body.messageId));
});

threadRoutes.get("/internal/thread/:threadId/export", async (c) => {
  const threadId = threadParam(c);
  const query = parseWith(exportQuerySchema, { format: c.req.query("format") }, "query");
  const stub = await thread(c, threadId);
  return stub.exportThread(c.get("principal").userId, query.format);
});

threadRoutes.get("/internal/thread/:threadId/events", async (c) => {
  const threadId = threadParam(c);
  const after = eventCursor(c);
  const stub = await thread(c, threadId);
  return stub.events(c.get("principal").userId, after);
});

// Benchmarks and tests only: off unless ALLOW_DEV_SEED=true; still authenticated and owner-checked.
// Registered for every method, so that it answers 404 rather than 405 to the others: it is not a known path.
threadRoutes.all("/internal/thread/:threadId/dev/seed", async (c) => {
  if (c.env.ALLOW_DEV_SEED !== "true" || c.req.method !== "POST") throw new ApiError("not_found", "No such endpoint.");
  const threadId = threadParam(c);
  const { count, events, eventBytes } = parseWith(seedRequestSchema, await readJsonBody(c.req.raw));
  const stub = await thread(c, threadId);
  return resultResponse(
    await stub.seedHistory(c.get("principal").userId, threadId, count, { events: events ?? 0, bytes: eventBytes ?? 0 }),
  );
});
