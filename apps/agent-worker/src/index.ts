import {
  approvalRespondSchema,
  approvalsQuerySchema,
  createThreadSchema,
  eventCursorSchema,
  inboxQuerySchema,
  jobIdSchema,
  messagesQuerySchema,
  patchThreadSchema,
  scheduleIdSchema,
  threadIdSchema,
  threadListQuerySchema,
} from "@oa/protocol";
import { z } from "zod";
import { getAgentByName } from "agents";
import { generateId } from "ai";
import { Hono, type Context } from "hono";
import type { AgentWorkerEnv } from "./config.ts";
import { requirePrincipal, type Principal } from "./http/auth.ts";
import { readJsonBody, parseWith } from "./http/body.ts";
import { parseChatRequest } from "./http/chat-request.ts";
import { ApiError, errorResponse, toErrorResponse } from "./http/errors.ts";
import type { ThreadAgent } from "./thread/thread-agent.ts";
import { decodeCursor, listThreads } from "./threads-index/thread-index.ts";
import type { UserAgent } from "./user/user-agent.ts";
import { requireValidConfig } from "./http/require-valid-config.ts";
import { configuredOpenClawClient } from "./tools/openclaw/configured-client.ts";
import { readOverview, readRuntimeStatus } from "./tools/openclaw/overview.ts";

export { ThreadAgent } from "./thread/thread-agent.ts";
export { UserAgent } from "./user/user-agent.ts";

const seedRequestSchema = z.object({ count: z.number().int().min(1).max(20_000) });

type App = { Bindings: AgentWorkerEnv; Variables: { principal: Principal } };

const app = new Hono<App>();

app.onError((error) => toErrorResponse(error));
app.notFound(() => errorResponse("not_found", "No such endpoint."));

// Every request is authenticated, including unknown paths: the worker is never open. A wrong
// setting refuses every request before anything else, like a missing key.
app.use("*", async (c, next) => {
  requireValidConfig(c.env);
  c.set("principal", await requirePrincipal(c.req.raw, c.env.OA_INTERNAL_KEY));
  await next();
});

function threadParam(c: Context<App>): string {
  const parsed = threadIdSchema.safeParse(c.req.param("threadId"));
  if (!parsed.success) throw new ApiError("invalid_thread_id", "Thread ids are 1–128 characters of A-Z a-z 0-9 _ . : -, not starting with . or -");
  return parsed.data;
}

/** Where an event feed resumes: Last-Event-ID (an EventSource reconnecting) wins over `after`. */
function eventCursor(c: Context<App>): number {
  const raw = c.req.header("last-event-id") ?? c.req.query("after") ?? "0";
  const cursor = eventCursorSchema.safeParse(raw.trim() === "" ? "0" : raw);
  if (!cursor.success) throw new ApiError("invalid_request", "after / Last-Event-ID must be a non-negative integer event seq.");
  return cursor.data;
}

async function thread(c: Context<App>, threadId: string): Promise<DurableObjectStub<ThreadAgent>> {
  return getAgentByName<AgentWorkerEnv, ThreadAgent>(c.env.THREAD_AGENT, threadId);
}

app.post("/internal/chat", async (c) => {
  const request = parseChatRequest(await readJsonBody(c.req.raw), c.req.header("x-oa-thread-id") ?? null);
  const stub = await thread(c, request.threadId);
  const userId = c.get("principal").userId;
  if (request.kind === "approvals") return stub.chatApproval({ userId, threadId: request.threadId, decisions: request.decisions });
  return stub.chat({ userId, threadId: request.threadId, message: request.message, trigger: request.trigger, onBusy: request.onBusy });
});

app.post("/internal/approval/respond", async (c) => {
  const body = parseWith(approvalRespondSchema, await readJsonBody(c.req.raw));
  const stub = await thread(c, body.threadId);
  return stub.respondToApproval(c.get("principal").userId, body);
});

app.get("/internal/thread/:threadId/approvals", async (c) => {
  const threadId = threadParam(c);
  const query = parseWith(approvalsQuerySchema, c.req.query(), "query");
  const stub = await thread(c, threadId);
  return stub.approvals(c.get("principal").userId, query.status);
});

app.get("/internal/threads", async (c) => {
  const query = parseWith(threadListQuerySchema, c.req.query(), "query");
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  if (query.cursor && !after) throw new ApiError("invalid_request", "cursor is not one this API returned.");
  const page = await listThreads(c.env.DB, c.get("principal").userId, {
    ...query,
    archived: query.archived === "true",
    pinned: query.pinned === undefined ? undefined : query.pinned === "true",
  }, after);
  return c.json({ ok: true, ...page });
});

app.post("/internal/threads", async (c) => {
  const body = parseWith(createThreadSchema, await readJsonBody(c.req.raw));
  const threadId = `t_${generateId()}`;
  const stub = await thread(c, threadId);
  if (!(await stub.createThread(c.get("principal").userId, threadId, body.kind, body.title ?? null))) {
    throw new ApiError("conflict", "That thread id is taken; try again.");
  }
  return c.json({ ok: true, threadId, kind: body.kind, title: body.title ?? null }, 201);
});

app.patch("/internal/threads/:threadId", async (c) => {
  const threadId = threadParam(c);
  const patch = parseWith(patchThreadSchema, await readJsonBody(c.req.raw));
  const stub = await thread(c, threadId);
  return stub.patchThread(c.get("principal").userId, patch);
});

app.delete("/internal/threads/:threadId", async (c) => {
  const stub = await thread(c, threadParam(c));
  return stub.deleteThread(c.get("principal").userId);
});

/** The caller's own UserAgent: the feed and inbox of exactly one user. */
function userAgent(c: Context<App>): Promise<DurableObjectStub<UserAgent>> {
  return getAgentByName<AgentWorkerEnv, UserAgent>(c.env.USER_AGENT, c.get("principal").userId);
}

app.get("/internal/approvals", async (c) => {
  const query = parseWith(inboxQuerySchema, c.req.query(), "query");
  return (await userAgent(c)).inbox(query.status, query.limit);
});

/** The OpenClaw API as the caller, or null when none is configured. */
function openclawClient(c: Context<App>) {
  return configuredOpenClawClient(requireValidConfig(c.env), c.get("principal").userId);
}

/** The OpenClaw panel's read of the caller's runtime (reads without effects; actions go through a thread). */
app.get("/internal/openclaw/overview", async (c) => c.json(await readOverview(openclawClient(c)), 200, { "cache-control": "no-store" }));

/** The gateway's status on the user's request: a POST, because reading it starts a stopped gateway. */
app.post("/internal/openclaw/runtime-status", async (c) => c.json(await readRuntimeStatus(openclawClient(c)), 200, { "cache-control": "no-store" }));

app.get("/internal/user/events", async (c) => {
  const after = eventCursor(c);
  return (await userAgent(c)).events(after);
});

app.get("/internal/thread/:threadId/jobs", async (c) => {
  const stub = await thread(c, threadParam(c));
  return stub.jobsList(c.get("principal").userId);
});

app.post("/internal/thread/:threadId/jobs/:jobId/cancel", async (c) => {
  const threadId = threadParam(c);
  const jobId = parseWith(jobIdSchema, c.req.param("jobId"), "job id");
  const stub = await thread(c, threadId);
  return stub.cancelJob(c.get("principal").userId, jobId);
});

app.get("/internal/thread/:threadId/schedules", async (c) => {
  const stub = await thread(c, threadParam(c));
  return stub.schedulesList(c.get("principal").userId);
});

app.delete("/internal/thread/:threadId/schedules/:scheduleId", async (c) => {
  const threadId = threadParam(c);
  const scheduleId = parseWith(scheduleIdSchema, c.req.param("scheduleId"), "schedule id");
  const stub = await thread(c, threadId);
  return stub.deleteSchedule(c.get("principal").userId, scheduleId);
});

app.get("/internal/thread/:threadId/receipts", async (c) => {
  const stub = await thread(c, threadParam(c));
  return stub.receiptsList(c.get("principal").userId);
});

app.get("/internal/chat/:threadId/stream", async (c) => {
  const stub = await thread(c, threadParam(c));
  return stub.resumeStream(c.get("principal").userId);
});

app.post("/internal/chat/:threadId/stop", async (c) => {
  const stub = await thread(c, threadParam(c));
  return stub.stop(c.get("principal").userId);
});

app.get("/internal/thread/:threadId/summary", async (c) => {
  const stub = await thread(c, threadParam(c));
  return stub.summary(c.get("principal").userId);
});

app.get("/internal/thread/:threadId/messages", async (c) => {
  const threadId = threadParam(c);
  const query = parseWith(messagesQuerySchema, c.req.query(), "query");
  const stub = await thread(c, threadId);
  return stub.messages(c.get("principal").userId, query.before, query.limit);
});

app.get("/internal/thread/:threadId/events", async (c) => {
  const threadId = threadParam(c);
  const after = eventCursor(c);
  const stub = await thread(c, threadId);
  return stub.events(c.get("principal").userId, after);
});

// Benchmarks and tests only: off unless ALLOW_DEV_SEED=true; still authenticated and owner-checked.
app.post("/internal/thread/:threadId/dev/seed", async (c) => {
  if (c.env.ALLOW_DEV_SEED !== "true") throw new ApiError("not_found", "No such endpoint.");
  const threadId = threadParam(c);
  const { count } = parseWith(seedRequestSchema, await readJsonBody(c.req.raw));
  const stub = await thread(c, threadId);
  return stub.seedHistory(c.get("principal").userId, threadId, count);
});

// Known paths answer 405 to other methods rather than 404.
for (const path of [
  "/internal/threads",
  "/internal/threads/:threadId",
  "/internal/approvals",
  "/internal/user/events",
  "/internal/openclaw/overview",
  "/internal/openclaw/runtime-status",
  "/internal/chat",
  "/internal/approval/respond",
  "/internal/thread/:threadId/approvals",
  "/internal/thread/:threadId/receipts",
  "/internal/thread/:threadId/jobs",
  "/internal/thread/:threadId/jobs/:jobId/cancel",
  "/internal/thread/:threadId/schedules",
  "/internal/thread/:threadId/schedules/:scheduleId",
  "/internal/chat/:threadId/stream",
  "/internal/chat/:threadId/stop",
  "/internal/thread/:threadId/summary",
  "/internal/thread/:threadId/messages",
  "/internal/thread/:threadId/events",
]) {
  app.all(path, () => errorResponse("method_not_allowed", "Method not allowed on this endpoint."));
}

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<AgentWorkerEnv>;
