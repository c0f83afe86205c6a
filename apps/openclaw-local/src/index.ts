import { type Context, Hono } from "hono";
import { type ApiCall, type ApiRoute, apiRoutes } from "./api.ts";
import { checkInternalKey, userIdFrom } from "./auth.ts";
import { parseJsonOrNull, readBodyText } from "./body.ts";
import { type OpenClawEnv, readConfig } from "./config.ts";
import { controlApp } from "./control.ts";
import { errorAnswer, okAnswer, toResponse } from "./envelope.ts";
import { userStub } from "./user-stub.ts";

export { OpenClawUser } from "./user-state.ts";

type App = { Bindings: OpenClawEnv; Variables: { userId: string } };

const BASE = "/api/openclaw";

/** The production index (`GET /api/openclaw`, no auth), plus the endpoints it leaves out. */
const INDEX = {
  instance: `${BASE}/instance`,
  instance_delete: `${BASE}/instance`,
  runtime_status: `${BASE}/runtime/status`,
  runtime_devices: `${BASE}/runtime/devices`,
  runtime_device_approve: `${BASE}/runtime/devices/:requestId/approve`,
  runtime_pairing: `${BASE}/runtime/pairing/:channel`,
  runtime_pairing_approve: `${BASE}/runtime/pairing/:channel/approve`,
  runtime_backup: `${BASE}/runtime/backup`,
  runtime_restart: `${BASE}/runtime/restart`,
  tools_invoke: `${BASE}/tools/invoke`,
  sessions: `${BASE}/sessions`,
  sessions_history: `${BASE}/sessions/:key/history`,
  sessions_send: `${BASE}/sessions/:key/send`,
  billing_summary: `${BASE}/billing/summary`,
};

const app = new Hono<App>();

app.onError((error) => {
  console.error("openclaw-local: unhandled error", error);
  return toResponse(errorAnswer(500, "internal error"));
});
app.notFound(() => toResponse(errorAnswer(404, "not found")));

// A setting that does not parse refuses to serve anything, naming itself, rather than guess.
app.use("*", async (c, next) => {
  const config = readConfig(c.env);
  if (!config.ok) return toResponse(errorAnswer(500, config.error));
  await next();
});

for (const path of [BASE, `${BASE}/`]) {
  app.get(path, () => toResponse(okAnswer(INDEX)));
  app.all(path, () => toResponse(errorAnswer(405, "method not allowed")));
}

app.route("/__control", controlApp);

// Every other /api/openclaw request is authenticated first, unknown paths included.
app.use(`${BASE}/*`, async (c, next) => {
  const denied = await checkInternalKey(c.req.raw, c.env.OA_INTERNAL_KEY);
  if (denied) return toResponse(errorAnswer(denied.status, denied.error));
  const userId = userIdFrom(c.req.raw);
  if (typeof userId !== "string") return toResponse(errorAnswer(userId.status, userId.error));
  c.set("userId", userId);
  await next();
});

/** `:param` also matches an empty segment, so a blank id gets the contract's 400, not a 404. */
function honoPath(path: string): string {
  return `${BASE}${path.replace(/:(\w+)/g, ":$1{[^/]*}")}`;
}

async function forward(c: Context<App>, route: ApiRoute): Promise<Response> {
  const url = new URL(c.req.url);
  const method = c.req.method.toUpperCase();
  let body: unknown = null;
  if (method === "POST" || method === "DELETE") {
    const read = await readBodyText(c.req.raw);
    if (!read.ok) return toResponse(errorAnswer(413, "payload too large"));
    body = parseJsonOrNull(read.text);
  }
  const idempotencyKey = c.req.header("idempotency-key")?.trim() || null;
  const call: ApiCall = {
    userId: c.get("userId"),
    route,
    method,
    path: url.pathname,
    search: url.search.replace(/^\?/, ""),
    params: c.req.param() as Record<string, string>,
    body,
    idempotencyKey,
  };
  const answer = await userStub(c.env, call.userId).call(call);
  return toResponse(answer, answer.replayed ? { "idempotent-replayed": "true" } : {});
}

for (const { route, method, path } of apiRoutes) {
  app.on(method, honoPath(path), (c) => forward(c, route));
}
// Known paths answer 405 to other methods rather than 404.
for (const path of new Set(apiRoutes.map((entry) => entry.path))) {
  app.all(honoPath(path), () => toResponse(errorAnswer(405, "method not allowed")));
}

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<OpenClawEnv>;
