import { MAX_BODY_BYTES, readBodyWithin, threadIdSchema } from "@oa/protocol";
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { z } from "zod";
import { agentTarget, forwardToAgent } from "./agent.ts";
import type { WebEnv } from "./env.ts";
import { WebError, webErrorResponse } from "./errors.ts";
import { devUserId, readCookie, SESSION_COOKIE, SESSION_TTL_SECONDS, sessionCookie, signSession, verifySession, type Session } from "./session.ts";
import { statelessChat } from "./stateless.ts";
import { authorizationUrl, exchangeCode, workosConfigured } from "./workos.ts";

type App = { Bindings: WebEnv; Variables: { session: Session } };

const STATE_COOKIE = "oa_auth_state";

const app = new Hono<App>();

app.onError((error) => {
  if (error instanceof WebError) return webErrorResponse(error.code, error.message, error.headers);
  console.error("web worker error", error);
  return webErrorResponse("internal_error", "Something went wrong on our side.");
});

function secure(c: Context<App>): boolean {
  return new URL(c.req.url).protocol === "https:";
}

function sessionSecret(env: WebEnv): string {
  if (!env.SESSION_SECRET) throw new WebError("config_missing", "SESSION_SECRET is not configured on the web worker.");
  return env.SESSION_SECRET;
}

/** State-changing requests must come from this origin's own pages (CSRF). */
const sameOrigin: MiddlewareHandler<App> = async (c, next) => {
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    const origin = c.req.header("origin");
    const own = new URL(c.req.url).origin;
    const fetchSite = c.req.header("sec-fetch-site");
    const allowed = origin ? origin === own : fetchSite === "same-origin";
    if (!allowed) throw new WebError("forbidden_origin", "Cross-origin requests are not accepted.");
  }
  await next();
};

async function currentSession(c: Context<App>): Promise<Session | null> {
  const value = readCookie(c.req.header("cookie") ?? null, SESSION_COOKIE);
  if (!value) return null;
  return verifySession(value, sessionSecret(c.env), Math.floor(Date.now() / 1000));
}

const requireSession: MiddlewareHandler<App> = async (c, next) => {
  const session = await currentSession(c);
  if (!session) throw new WebError("not_authenticated", "Sign in first.");
  c.set("session", session);
  await next();
};

/** Per-user limits: every API call, and chat turns on their own tighter budget. */
const rateLimited: MiddlewareHandler<App> = async (c, next) => {
  const key = c.get("session").sub;
  const limits = [c.env.API_RATE_LIMIT];
  if (c.req.method === "POST" && c.req.path === "/chat") limits.push(c.env.CHAT_RATE_LIMIT);
  const outcomes = await Promise.all(limits.filter(Boolean).map((limiter) => limiter.limit({ key })));
  if (outcomes.some((outcome) => !outcome.success)) {
    throw new WebError("rate_limited", "Too many requests; slow down.", { "retry-after": "60" });
  }
  await next();
};

async function readBody(c: Context<App>): Promise<string> {
  const read = await readBodyWithin(c.req.raw, MAX_BODY_BYTES);
  if (!read.ok) throw new WebError("body_too_large", "The body is larger than 1 MiB.");
  return read.text;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new WebError("invalid_json", "The body is not JSON.");
  }
}

// ── auth ──────────────────────────────────────────────────────────────────────────────────────

app.use("/auth/*", sameOrigin);

app.get("/auth/me", async (c) => {
  const session = await currentSession(c);
  return c.json(
    {
      ok: true,
      mode: workosConfigured(c.env) ? "workos" : "dev",
      user: session ? { id: session.sub, name: session.name, email: session.email, via: session.via } : null,
    },
    200,
    { "cache-control": "no-store" },
  );
});

const devLoginSchema = z.object({ name: z.string().trim().min(1).max(64) }).strict();

app.post("/auth/dev-login", async (c) => {
  if (workosConfigured(c.env)) throw new WebError("not_found", "The dev login is off: this deployment signs in with WorkOS.");
  const parsed = devLoginSchema.safeParse(parseJson(await readBody(c)));
  if (!parsed.success) throw new WebError("invalid_request", "Send {name}: 1–64 characters.");
  const now = Math.floor(Date.now() / 1000);
  const session: Session = { sub: devUserId(parsed.data.name), name: parsed.data.name, email: null, via: "dev", iat: now, exp: now + SESSION_TTL_SECONDS };
  const cookie = sessionCookie(await signSession(session, sessionSecret(c.env)), secure(c));
  return c.json({ ok: true, user: { id: session.sub, name: session.name, email: null, via: "dev" } }, 200, { "set-cookie": cookie, "cache-control": "no-store" });
});

app.get("/auth/login", (c) => {
  if (!workosConfigured(c.env)) return c.redirect("/login", 302);
  const state = crypto.randomUUID();
  const origin = new URL(c.req.url).origin;
  c.header("set-cookie", `${STATE_COOKIE}=${state}; Path=/auth; HttpOnly; SameSite=Lax; Max-Age=600${secure(c) ? "; Secure" : ""}`);
  return c.redirect(authorizationUrl(c.env, origin, state), 302);
});

async function sameText(a: string, b: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [x, y] = await Promise.all([crypto.subtle.digest("SHA-256", encoder.encode(a)), crypto.subtle.digest("SHA-256", encoder.encode(b))]);
  return crypto.subtle.timingSafeEqual(x, y);
}

app.get("/auth/callback", async (c) => {
  if (!workosConfigured(c.env)) throw new WebError("not_found", "WorkOS is not configured.");
  const code = c.req.query("code");
  const state = c.req.query("state");
  const expected = readCookie(c.req.header("cookie") ?? null, STATE_COOKIE);
  const clearState = `${STATE_COOKIE}=; Path=/auth; HttpOnly; SameSite=Lax; Max-Age=0`;
  if (!code || !state || !expected || !(await sameText(state, expected))) {
    c.header("set-cookie", clearState);
    return c.redirect("/login?error=state", 302);
  }
  let user;
  try {
    user = await exchangeCode(c.env, code);
  } catch (error) {
    console.warn("WorkOS sign-in failed", error);
    c.header("set-cookie", clearState);
    return c.redirect("/login?error=workos", 302);
  }
  const now = Math.floor(Date.now() / 1000);
  const session: Session = { sub: user.id, name: user.name, email: user.email, via: "workos", iat: now, exp: now + SESSION_TTL_SECONDS };
  c.header("set-cookie", clearState);
  c.header("set-cookie", sessionCookie(await signSession(session, sessionSecret(c.env)), secure(c)), { append: true });
  return c.redirect("/", 302);
});

app.post("/auth/logout", (c) => {
  return c.json({ ok: true }, 200, { "set-cookie": sessionCookie("", secure(c), 0), "cache-control": "no-store" });
});

// ── browser API: forwarded to the agent worker as the signed-in user ─────────────────────────

const API_PATHS = ["/chat", "/chat/*", "/threads", "/threads/*", "/approvals", "/approvals/*", "/events", "/openclaw"];
for (const path of API_PATHS) app.use(path, sameOrigin, requireSession, rateLimited);

function threadId(c: Context<App>, name = "threadId"): string {
  const parsed = threadIdSchema.safeParse(c.req.param(name));
  if (!parsed.success) throw new WebError("invalid_request", "Not a thread id.");
  return parsed.data;
}

function idParam(c: Context<App>, name: string): string {
  const value = c.req.param(name) ?? "";
  if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(value)) throw new WebError("invalid_request", `Not a valid ${name}.`);
  return value;
}

/** Forwards as the signed-in user; `stateless` answers when no agent worker is configured. */
async function forward(c: Context<App>, path: string, options: { body?: boolean | string; threadId?: string; query?: boolean } = {}): Promise<Response> {
  const target = agentTarget(c.env);
  if (target.kind === "stateless") throw new WebError("agent_unavailable", "This deployment runs without the agent worker: threads are not kept.");
  if (!c.env.OA_INTERNAL_KEY) throw new WebError("config_missing", "OA_INTERNAL_KEY is not configured on the web worker.");
  const query = options.query ? new URL(c.req.url).search : "";
  const body = typeof options.body === "string" ? options.body : options.body ? await readBody(c) : null;
  try {
    return await forwardToAgent(c.env, target, {
      method: c.req.method,
      path: `${path}${query}`,
      userId: c.get("session").sub,
      ...(options.threadId ? { threadId: options.threadId } : {}),
      body,
      contentType: body === null ? null : "application/json",
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
app.get("/threads/:threadId/events", (c) => forward(c, `/internal/thread/${threadId(c)}/events`, { query: true }));
app.get("/threads/:threadId/summary", (c) => forward(c, `/internal/thread/${threadId(c)}/summary`));
app.get("/threads/:threadId/approvals", (c) => forward(c, `/internal/thread/${threadId(c)}/approvals`, { query: true }));
app.get("/threads/:threadId/jobs", (c) => forward(c, `/internal/thread/${threadId(c)}/jobs`));
app.post("/threads/:threadId/jobs/:jobId/cancel", (c) => forward(c, `/internal/thread/${threadId(c)}/jobs/${idParam(c, "jobId")}/cancel`));

app.get("/approvals", (c) => forward(c, "/internal/approvals", { query: true }));
app.post("/approvals/respond", (c) => forward(c, "/internal/approval/respond", { body: true }));
app.get("/events", (c) => forward(c, "/internal/user/events", { query: true }));
app.get("/openclaw", (c) => forward(c, "/internal/openclaw/overview"));

// Known API paths answer 405 to other methods (not the app's HTML).
for (const path of ["/chat", "/chat/:threadId/stream", "/chat/:threadId/stop", "/threads", "/threads/:threadId", "/approvals", "/approvals/respond", "/events", "/openclaw", "/auth/dev-login", "/auth/logout", "/auth/me"]) {
  app.all(path, () => webErrorResponse("method_not_allowed", "Method not allowed on this endpoint."));
}

// ── the app itself ─────────────────────────────────────────────────────────────────────────────

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

app.all("*", async (c) => {
  if (c.req.method !== "GET" && c.req.method !== "HEAD") return webErrorResponse("not_found", "No such endpoint.");
  const response = await c.env.ASSETS.fetch(c.req.raw);
  const headers = new Headers(response.headers);
  headers.set("x-content-type-options", "nosniff");
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
