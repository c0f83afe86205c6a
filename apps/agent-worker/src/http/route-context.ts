import { attachmentIdSchema, eventCursorSchema, listPageQuerySchema, threadIdSchema } from "@oa/protocol";
import { getAgentByName } from "agents";
import type { Context } from "hono";
import type { ThreadAgent } from "../agents/thread-agent.ts";
import type { UserAgent } from "../agents/user-agent.ts";
import type { AgentConfig, AgentWorkerEnv } from "../config.ts";
import { ApiError } from "../failure.ts";
import { ThreadQuota } from "../quotas/thread-quota.ts";
import type { ListPage } from "../thread/list-page.ts";
import { decodeCursor } from "../threads-index/thread-index.ts";
import type { Principal } from "./auth.ts";
import { parseWith } from "./body.ts";

/** What every route reads from its request: the worker's env, the authenticated caller and the parsed config. */
export type App = { Bindings: AgentWorkerEnv; Variables: { principal: Principal; config: AgentConfig } };

export function threadParam(c: Context<App>): string {
  const parsed = threadIdSchema.safeParse(c.req.param("threadId"));
  if (!parsed.success)
    throw new ApiError("invalid_thread_id", "Thread ids are 1–128 characters of A-Z a-z 0-9 _ . : -, not starting with . or -");
  return parsed.data;
}

/** Where an event feed resumes: Last-Event-ID (an EventSource reconnecting) wins over `after`. */
export function eventCursor(c: Context<App>): number {
  const raw = c.req.header("last-event-id") ?? c.req.query("after") ?? "0";
  const cursor = eventCursorSchema.safeParse(raw.trim() === "" ? "0" : raw);
  if (!cursor.success) throw new ApiError("invalid_request", "after / Last-Event-ID must be a non-negative integer event seq.");
  return cursor.data;
}

/** `?limit=&cursor=` of a thread's list; without them the first page, as big as the list always was. */
export function listPage(c: Context<App>, defaultLimit: number): ListPage {
  const query = parseWith(listPageQuerySchema, { limit: c.req.query("limit"), cursor: c.req.query("cursor") }, "query");
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  if (query.cursor && !after) throw new ApiError("invalid_request", "cursor is not one this API returned.");
  return { limit: query.limit ?? defaultLimit, after };
}

export async function thread(c: Context<App>, threadId: string): Promise<DurableObjectStub<ThreadAgent>> {
  return getAgentByName<AgentWorkerEnv, ThreadAgent>(c.env.THREAD_AGENT, threadId);
}

/**
 * The caller's quota slots for one thread, kept by their UserAgent. The stub is addressed
 * directly, without the Agents SDK's initialisation round trip: the slot calls need no agent
 * name or lifecycle, and on a chat turn this keeps the check to one round trip, run alongside
 * the thread's own.
 */
export function threadQuota(c: Context<App>, threadId: string): ThreadQuota {
  const namespace = c.env.USER_AGENT;
  const stub = namespace.get(namespace.idFromName(c.get("principal").userId));
  return new ThreadQuota({
    threadId,
    limits: c.get("config").quotas,
    userAgent: async () => stub,
    waitUntil: (promise) => c.executionCtx.waitUntil(promise),
  });
}

/** The caller's own UserAgent: the feed and inbox of exactly one user. */
export function userAgent(c: Context<App>): Promise<DurableObjectStub<UserAgent>> {
  return getAgentByName<AgentWorkerEnv, UserAgent>(c.env.USER_AGENT, c.get("principal").userId);
}

export function attachmentParam(c: Context<App>): string {
  const parsed = attachmentIdSchema.safeParse(c.req.param("attachmentId"));
  if (!parsed.success) throw new ApiError("attachment_not_found", "No such attachment in this thread.");
  return parsed.data;
}
