import {
  approvalRespondSchema,
  attachmentIdSchema,
  approvalsQuerySchema,
  createThreadSchema,
  eventCursorSchema,
  exportQuerySchema,
  inboxQuerySchema,
  jobIdSchema,
  listPageQuerySchema,
  messagesQuerySchema,
  switchBranchSchema,
  patchThreadSchema,
  scheduleIdSchema,
  searchQuerySchema,
  threadIdSchema,
  threadListQuerySchema,
} from "@oa/protocol";
import { z } from "zod";
import { getAgentByName } from "agents";
import { generateId } from "ai";
import { Hono, type Context } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import type { AgentConfig, AgentWorkerEnv } from "./config.ts";
import { requirePrincipal, type Principal } from "./http/auth.ts";
import { readJsonBody, parseWith } from "./http/body.ts";
import { parseChatRequest } from "./http/chat-request.ts";
import { errorResponse, failureResponse, toErrorResponse } from "./http/errors.ts";
import { ApiError } from "./failure.ts";
import type { ThreadAgent } from "./agents/thread-agent.ts";
import type { ListPage } from "./thread/list-page.ts";
import { resultResponse } from "./http/json.ts";
import { RUN_LEASE_MS, ThreadQuota } from "./quotas/thread-quota.ts";
import { feedLease } from "./quotas/feed-lease.ts";
import { quotaFailure } from "./quotas/quota.ts";
import { decodeCursor, listThreads } from "./threads-index/thread-index.ts";
import type { UserAgent } from "./agents/user-agent.ts";
import { requireValidConfig } from "./http/require-valid-config.ts";
import { readAttachmentUpload } from "./attachments/read-upload.ts";
import { configuredOpenClawClient } from "./openclaw/configured-client.ts";
import { readOverview, readRuntimeStatus } from "./openclaw/overview.ts";

export { ThreadAgent } from "./agents/thread-agent.ts";
export { UserAgent } from "./agents/user-agent.ts";

const seedRequestSchema = z.object({
  count: z.number().int().min(1).max(20_000),
  /** Also log this many padded events (a long event log, for replay tests and benchmarks). */
  events: z.number().int().min(0).max(50_000).optional(),
  eventBytes: z.number().int().min(0).max(4096).optional(),
});

type App = { Bindings: AgentWorkerEnv; Variables: { principal: Principal; config: AgentConfig } };

const app = new Hono<App>();

app.onError((error) => toErrorResponse(error));
app.notFound(() => errorResponse("not_found", "No such endpoint."));

// Every request is authenticated, including unknown paths: the worker is never open. A wrong
// setting refuses every request before anything else, like a missing key.
app.use("*", async (c, next) => {
  // Parsed once per request; every handler reads it from the context.
  c.set("config", requireValidConfig(c.env));
  c.set("principal", await requirePrincipal(c.req.raw, c.env.OA_INTERNAL_KEY));
  await next();
});

// Known paths answer 405 to other methods rather than 404 (after the check above: an unauthenticated caller learns nothing).
app.use(
  methodNotAllowed({
    app,
    onMethodNotAllowed: (_c, allowed) => errorResponse("method_not_allowed", "Method not allowed on this endpoint.", undefined, { allow: allowed.join(", ") }),
  }),
);

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

/** `?limit=&cursor=` of a thread's list; without them the first page, as big as the list always was. */
function listPage(c: Context<App>, defaultLimit: number): ListPage {
  const query = parseWith(listPageQuerySchema, { limit: c.req.query("limit"), cursor: c.req.query("cursor") }, "query");
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  if (query.cursor && !after) throw new ApiError("invalid_request", "cursor is not one this API returned.");
  return { limit: query.limit ?? defaultLimit, after };
}

async function thread(c: Context<App>, threadId: string): Promise<DurableObjectStub<ThreadAgent>> {
  return getAgentByName<AgentWorkerEnv, ThreadAgent>(c.env.THREAD_AGENT, threadId);
}

/**
 * The caller's quota slots for one thread, kept by their UserAgent. The stub is addressed
 * directly, without the Agents SDK's initialisation round trip: the slot calls need no agent
 * name or lifecycle, and on a chat turn this keeps the check to one round trip, run alongside
 * the thread's own.
 */
function threadQuota(c: Context<App>, threadId: string): ThreadQuota {
  const namespace = c.env.USER_AGENT;
  const stub = namespace.get(namespace.idFromName(c.get("principal").userId));
  return new ThreadQuota({
    threadId,
    limits: c.get("config").quotas,
    userAgent: async () => stub,
    waitUntil: (promise) => c.executionCtx.waitUntil(promise),
  });
}

app.post("/internal/chat", async (c) => {
  const request = parseChatRequest(await readJsonBody(c.req.raw), c.req.header("x-oa-thread-id") ?? null);
  const userId = c.get("principal").userId;
  if (request.kind === "approvals") {
    const stub = await thread(c, request.threadId);
    return stub.chatApproval({ userId, threadId: request.threadId, decisions: request.decisions });
  }
  // The turn's run slot (QUOTA_CONCURRENT_RUNS) and its answer stream's feed slot
  // (QUOTA_EVENT_FEEDS) are taken while the thread's stub is resolved, a round trip of its own,
  // so the check adds no latency before the first token; over either quota the turn is refused
  // before the thread stores anything.
  const quota = threadQuota(c, request.threadId);
  // The slot is the run's, not the message's: a regenerated answer is a run of its own.
  const runId = `run_${generateId()}`;
  const feed = feedLease(request.threadId);
  const [stub, runVerdict, feedVerdict] = await Promise.all([
    thread(c, request.threadId),
    quota.acquire("run", runId, Date.now() + RUN_LEASE_MS),
    quota.acquire("feed", feed.id, feed.expiresAt),
  ]);
  const refusal = !runVerdict.ok ? runVerdict : !feedVerdict.ok ? feedVerdict : null;
  if (refusal) {
    if (runVerdict.ok) quota.release("run", [runId]);
    if (feedVerdict.ok) quota.release("feed", [feed.id]);
    return failureResponse(quotaFailure(refusal));
  }
  return stub.chat({
    userId,
    threadId: request.threadId,
    message: request.message,
    trigger: request.trigger,
    onBusy: request.onBusy,
    messageId: request.messageId,
    parentId: request.parentId,
    runId,
    feedKey: feed.id,
  });
});

app.post("/internal/approval/respond", async (c) => {
  const body = parseWith(approvalRespondSchema, await readJsonBody(c.req.raw));
  const stub = await thread(c, body.threadId);
  return resultResponse(await stub.respondToApproval(c.get("principal").userId, body));
});

app.get("/internal/thread/:threadId/approvals", async (c) => {
  const threadId = threadParam(c);
  const query = parseWith(approvalsQuerySchema, { status: c.req.query("status") }, "query");
  const page = listPage(c, 200);
  const stub = await thread(c, threadId);
  return resultResponse(await stub.approvals(c.get("principal").userId, query.status, page));
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

app.patch("/internal/threads/:threadId", async (c) => {
  const threadId = threadParam(c);
  const patch = parseWith(patchThreadSchema, await readJsonBody(c.req.raw));
  const stub = await thread(c, threadId);
  return resultResponse(await stub.patchThread(c.get("principal").userId, patch));
});

app.delete("/internal/threads/:threadId", async (c) => {
  const stub = await thread(c, threadParam(c));
  return resultResponse(await stub.deleteThread(c.get("principal").userId));
});

/** The caller's own UserAgent: the feed and inbox of exactly one user. */
function userAgent(c: Context<App>): Promise<DurableObjectStub<UserAgent>> {
  return getAgentByName<AgentWorkerEnv, UserAgent>(c.env.USER_AGENT, c.get("principal").userId);
}

app.get("/internal/approvals", async (c) => {
  const query = parseWith(inboxQuerySchema, c.req.query(), "query");
  return (await userAgent(c)).inbox(query.status, query.limit);
});

/** Message text across all of the caller's threads, best first (their own index: nobody else's text is in it). */
app.get("/internal/search", async (c) => {
  const query = parseWith(searchQuerySchema, c.req.query(), "query");
  return (await userAgent(c)).search(query.q, query.limit);
});

/** The OpenClaw API as the caller, or null when none is configured. */
function openclawClient(c: Context<App>) {
  return configuredOpenClawClient(c.get("config"), c.get("principal").userId);
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
  const threadId = threadParam(c);
  const page = listPage(c, 100);
  const stub = await thread(c, threadId);
  return resultResponse(await stub.jobsList(c.get("principal").userId, page));
});

app.post("/internal/thread/:threadId/jobs/:jobId/cancel", async (c) => {
  const threadId = threadParam(c);
  const jobId = parseWith(jobIdSchema, c.req.param("jobId"), "job id");
  const stub = await thread(c, threadId);
  return resultResponse(await stub.cancelJob(c.get("principal").userId, jobId));
});

app.get("/internal/thread/:threadId/schedules", async (c) => {
  const threadId = threadParam(c);
  const page = listPage(c, 100);
  const stub = await thread(c, threadId);
  return resultResponse(await stub.schedulesList(c.get("principal").userId, page));
});

app.delete("/internal/thread/:threadId/schedules/:scheduleId", async (c) => {
  const threadId = threadParam(c);
  const scheduleId = parseWith(scheduleIdSchema, c.req.param("scheduleId"), "schedule id");
  const stub = await thread(c, threadId);
  return resultResponse(await stub.deleteSchedule(c.get("principal").userId, scheduleId));
});

app.get("/internal/thread/:threadId/receipts", async (c) => {
  const threadId = threadParam(c);
  const page = listPage(c, 200);
  const stub = await thread(c, threadId);
  return resultResponse(await stub.receiptsList(c.get("principal").userId, page));
});

app.get("/internal/chat/:threadId/stream", async (c) => {
  const stub = await thread(c, threadParam(c));
  return stub.resumeStream(c.get("principal").userId);
});

app.post("/internal/chat/:threadId/stop", async (c) => {
  const stub = await thread(c, threadParam(c));
  return resultResponse(await stub.stop(c.get("principal").userId));
});

app.get("/internal/thread/:threadId/summary", async (c) => {
  const stub = await thread(c, threadParam(c));
  return resultResponse(await stub.summary(c.get("principal").userId));
});

app.get("/internal/thread/:threadId/messages", async (c) => {
  const threadId = threadParam(c);
  const query = parseWith(messagesQuerySchema, c.req.query(), "query");
  const stub = await thread(c, threadId);
  return resultResponse(await stub.messages(c.get("principal").userId, query.before, query.limit));
});

app.post("/internal/thread/:threadId/branch", async (c) => {
  const threadId = threadParam(c);
  const body = parseWith(switchBranchSchema, await readJsonBody(c.req.raw));
  const stub = await thread(c, threadId);
  return resultResponse(await stub.switchBranch(c.get("principal").userId, body.messageId));
});

app.get("/internal/thread/:threadId/export", async (c) => {
  const threadId = threadParam(c);
  const query = parseWith(exportQuerySchema, { format: c.req.query("format") }, "query");
  const stub = await thread(c, threadId);
  return stub.exportThread(c.get("principal").userId, query.format);
});

/** Uploads one file into the thread: raw body, Content-Type = its type, X-OA-Filename = its URI-encoded name. */
app.post("/internal/thread/:threadId/attachments", async (c) => {
  const threadId = threadParam(c);
  const upload = await readAttachmentUpload(c.req.raw);
  const stub = await thread(c, threadId);
  return resultResponse(await stub.uploadAttachment(c.get("principal").userId, upload), 201);
});

app.get("/internal/thread/:threadId/attachments", async (c) => {
  const stub = await thread(c, threadParam(c));
  return resultResponse(await stub.attachmentsList(c.get("principal").userId));
});

function attachmentParam(c: Context<App>): string {
  const parsed = attachmentIdSchema.safeParse(c.req.param("attachmentId"));
  if (!parsed.success) throw new ApiError("attachment_not_found", "No such attachment in this thread.");
  return parsed.data;
}

app.get("/internal/thread/:threadId/attachments/:attachmentId", async (c) => {
  const threadId = threadParam(c);
  const attachmentId = attachmentParam(c);
  const stub = await thread(c, threadId);
  return stub.downloadAttachment(c.get("principal").userId, attachmentId);
});

app.delete("/internal/thread/:threadId/attachments/:attachmentId", async (c) => {
  const threadId = threadParam(c);
  const attachmentId = attachmentParam(c);
  const stub = await thread(c, threadId);
  return resultResponse(await stub.deleteAttachment(c.get("principal").userId, attachmentId));
});

app.get("/internal/thread/:threadId/events", async (c) => {
  const threadId = threadParam(c);
  const after = eventCursor(c);
  const stub = await thread(c, threadId);
  return stub.events(c.get("principal").userId, after);
});

// Benchmarks and tests only: off unless ALLOW_DEV_SEED=true; still authenticated and owner-checked.
// Registered for every method, so that it answers 404 rather than 405 to the others: it is not a known path.
app.all("/internal/thread/:threadId/dev/seed", async (c) => {
  if (c.env.ALLOW_DEV_SEED !== "true" || c.req.method !== "POST") throw new ApiError("not_found", "No such endpoint.");
  const threadId = threadParam(c);
  const { count, events, eventBytes } = parseWith(seedRequestSchema, await readJsonBody(c.req.raw));
  const stub = await thread(c, threadId);
  return resultResponse(await stub.seedHistory(c.get("principal").userId, threadId, count, { events: events ?? 0, bytes: eventBytes ?? 0 }));
});

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<AgentWorkerEnv>;
