import { attachmentIdSchema, jobIdSchema, scheduleIdSchema, threadIdSchema } from "@oa/protocol";
import { type Context, Hono } from "hono";
import { agentTarget, forwardToAgent } from "./agent.ts";
import type { App } from "./app-types.ts";
import { auth } from "./auth-routes.ts";
import type { WebEnv } from "./env.ts";
import { WebError, webErrorResponse } from "./errors.ts";
import { checkedConfig, rateLimited, requireSession, sameOrigin } from "./guards.ts";
import { parseJson, readBody, readUploadBytes } from "./request-body.ts";
import { CSP, securityHeaders } from "./security-headers.ts";
import { statelessChat } from "./stateless.ts";

const app = new Hono<App>();

app.onError((error) => {
  if (error instanceof WebError) return webErrorResponse(error.code, error.message, error.headers);
  console.error("web worker error", error);
  return webErrorResponse("internal_error", "Something went wrong on our side.");
});

app.use("*", securityHeaders);
app.use("*", checkedConfig);

// `/api/*` belongs to the API worker on the apex domain: here it is always a JSON 404, never the app.
app.all("/api", () => webErrorResponse("not_found", "No such endpoint."));
app.all("/api/*", () => webErrorResponse("not_found", "No such endpoint."));

app.route("/auth", auth);

// ── browser API: forwarded to the agent worker as the signed-in user ─────────────────────────

const API_PATHS = [
  "/chat",
  "/chat/*",
  "/threads",
  "/threads/*",
  "/approvals",
  "/approvals/*",
  "/events",
  "/search",
  "/openclaw",
  "/openclaw/*",
];
for (const path of API_PATHS) app.use(path, sameOrigin, requireSession, rateLimited);

function threadId(c: Context<App>): string {
  const parsed = threadIdSchema.safeParse(c.req.param("threadId"));
  if (!parsed.success) throw new WebError("invalid_request", "Not a thread id.");
  return parsed.data;
}

function jobId(c: Context<App>): string {
  const parsed = jobIdSchema.safeParse(c.req.param("jobId"));
  if (!parsed.success) throw new WebError("invalid_request", "Not a job id.");
  return parsed.data;
}

function scheduleId(c: Context<App>): string {
  const parsed = scheduleIdSchema.safeParse(c.req.param("scheduleId"));
  if (!parsed.success) throw new WebError("invalid_request", "Not a schedule id.");
  return parsed.data;
}

function attachmentId(c: Context<App>): string {
  const parsed = attachmentIdSchema.safeParse(c.req.param("attachmentId"));
  if (!parsed.success) throw new WebError("not_found", "No such attachment.");
  return parsed.data;
}

/** A file to upload: raw bytes with the browser's Content-Type and X-OA-Filename, both checked by the agent. */
type Upload = { bytes: Uint8Array; contentType: string | null; filename: string | null };

/** Forwards as the signed-in user; `stateless` answers when no agent worker is configured. */
async function forward(
  c: Context<App>,
  path: string,
  options: { body?: boolean | string; upload?: Upload; threadId?: string; query?: boolean } = {},
): Promise<Response> {
  const target = agentTarget(c.env);
  if (target.kind === "stateless")
    throw new WebError("agent_unavailable", "This deployment runs without the agent worker: threads are not kept.");
  if (!c.env.OA_INTERNAL_KEY) throw new WebError("config_missing", "OA_INTERNAL_KEY is not configured on the web worker.");
  const query = options.query ? new URL(c.req.url).search : "";
  const json = typeof options.body === "string" ? options.body : options.body ? await readBody(c) : null;
  const body = options.upload ? options.upload.bytes : json;
  try {
    return await forwardToAgent(c.env, target, {
      method: c.req.method,
      path: `${path}${query}`,
      userId: c.get("session").sub,
      ...(options.threadId ? { threadId: options.threadId } : {}),
      body,
      contentType: options.upload ? options.upload.contentType : json === null ? null : "application/json",
      filename: options.upload?.filename ?? null,
      lastEventId: c.req.header("last-event-id") ?? null,
      signal: c.req.raw.signal,
    });
  } catch (error) {
    console.error("agent worker unreachable", error);
    throw new WebError("agent_unavailable", "The agent is unreachable right now; try again.");
  }
}

app.post("/chat", async (c) => {
  const text = await readBody(c);
  const body = parseJson(text) as { id?: unknown; threadId?: unknown };
  if (agentTarget(c.env).kind === "stateless") return statelessChat(c.env, body, c.req.raw.signal);
  const thread = threadIdSchema.safeParse(body?.threadId ?? body?.id);
  if (!thread.success) throw new WebError("invalid_request", "The chat body needs the thread id (`id`).");
  return forward(c, "/internal/chat", { body: text, threadId: thread.data });
});

app.get("/chat/:threadId/stream", (c) => forward(c, `/internal/chat/${threadId(c)}/stream`));
app.post("/chat/:threadId/stop", (c) => forward(c, `/internal/chat/${threadId(c)}/stop`));

app.get("/threads", (c) => forward(c, "/internal/threads", { query: true }));
app.post("/threads", (c) => forward(c, "/internal/threads", { body: true }));
app.patch("/threads/:threadId", (c) => forward(c, `/internal/threads/${threadId(c)}`, { body: true }));
app.delete("/threads/:threadId", (c) => forward(c, `/internal/threads/${threadId(c)}`));
app.get("/threads/:threadId/messages", (c) => forward(c, `/internal/thread/${threadId(c)}/messages`, { query: true }));
// Switch the thread to another version of the conversation (the branch picker's ‹ ›).
app.post("/threads/:threadId/branch", (c) => forward(c, `/internal/thread/${threadId(c)}/branch`, { body: true }));
app.get("/threads/:threadId/events", (c) => forward(c, `/internal/thread/${threadId(c)}/events`, { query: true }));
app.get("/threads/:threadId/export", (c) => forward(c, `/internal/thread/${threadId(c)}/export`, { query: true }));
app.get("/threads/:threadId/summary", (c) => forward(c, `/internal/thread/${threadId(c)}/summary`));
app.get("/threads/:threadId/approvals", (c) => forward(c, `/internal/thread/${threadId(c)}/approvals`, { query: true }));
app.get("/threads/:threadId/jobs", (c) => forward(c, `/internal/thread/${threadId(c)}/jobs`, { query: true }));
app.post("/threads/:threadId/jobs/:jobId/cancel", (c) => forward(c, `/internal/thread/${threadId(c)}/jobs/${jobId(c)}/cancel`));
app.get("/threads/:threadId/schedules", (c) => forward(c, `/internal/thread/${threadId(c)}/schedules`, { query: true }));
app.delete("/threads/:threadId/schedules/:scheduleId", (c) => forward(c, `/internal/thread/${threadId(c)}/schedules/${scheduleId(c)}`));

// Attachments: the raw file up (Content-Type = its type, X-OA-Filename = its URI-encoded name),
// the bytes down to their owner (same origin, so an <img src> works with the session cookie).
app.post("/threads/:threadId/attachments", async (c) => {
  const path = `/internal/thread/${threadId(c)}/attachments`;
  const upload: Upload = {
    bytes: await readUploadBytes(c),
    contentType: c.req.header("content-type") ?? null,
    filename: c.req.header("x-oa-filename") ?? null,
  };
  return forward(c, path, { upload });
});
app.get("/threads/:threadId/attachments", (c) => forward(c, `/internal/thread/${threadId(c)}/attachments`));
app.get("/threads/:threadId/attachments/:attachmentId", (c) =>
  forward(c, `/internal/thread/${threadId(c)}/attachments/${attachmentId(c)}`),
);
app.delete("/threads/:threadId/attachments/:attachmentId", (c) =>
  forward(c, `/internal/thread/${threadId(c)}/attachments/${attachmentId(c)}`),
);

app.get("/approvals", (c) => forward(c, "/internal/approvals", { query: true }));
app.post("/approvals/respond", (c) => forward(c, "/internal/approval/respond", { body: true }));
app.get("/events", (c) => forward(c, "/internal/user/events", { query: true }));
app.get("/search", (c) => forward(c, "/internal/search", { query: true }));
// The overview reads nothing with effects; the gateway's status (reading it starts a stopped
// gateway) is only read when the user asks, with a POST.
app.get("/openclaw", (c) => forward(c, "/internal/openclaw/overview"));
app.post("/openclaw/status", (c) => forward(c, "/internal/openclaw/runtime-status"));

// Known API paths answer 405 to other methods (not the app's HTML).
for (const path of [
  "/chat",
  "/chat/:threadId/stream",
  "/chat/:threadId/stop",
  "/threads",
  "/threads/:threadId",
  "/threads/:threadId/branch",
  "/threads/:threadId/schedules",
  "/threads/:threadId/schedules/:scheduleId",
  "/threads/:threadId/export",
  "/threads/:threadId/attachments",
  "/threads/:threadId/attachments/:attachmentId",
  "/approvals",
  "/approvals/respond",
  "/events",
  "/search",
  "/openclaw",
  "/openclaw/status",
  "/auth/dev-login",
  "/auth/logout",
  "/auth/logout-everywhere",
  "/auth/me",
]) {
  app.all(path, () => webErrorResponse("method_not_allowed", "Method not allowed on this endpoint."));
}

// ── the app itself ─────────────────────────────────────────────────────────────────────────────

app.all("*", async (c) => {
  if (c.req.method !== "GET" && c.req.method !== "HEAD") return webErrorResponse("not_found", "No such endpoint.");
  const response = await c.env.ASSETS.fetch(c.req.raw);
  const headers = new Headers(response.headers);
  headers.set("referrer-policy", "same-origin");
  if ((headers.get("content-type") ?? "").includes("text/html")) {
    headers.set("content-security-policy", CSP);
    headers.set("cache-control", "no-cache");
  }
  return new Response(response.body, { status: response.status, headers });
});

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<WebEnv>;
