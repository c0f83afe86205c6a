import { Hono } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import type { AgentWorkerEnv } from "./config.ts";
import { requirePrincipal } from "./http/auth.ts";
import { errorResponse, toErrorResponse } from "./http/errors.ts";
import { requireValidConfig } from "./http/require-valid-config.ts";
import type { App } from "./http/route-context.ts";
import { approvalRoutes } from "./http/routes/approvals.ts";
import { attachmentRoutes } from "./http/routes/attachments.ts";
import { chatRoutes } from "./http/routes/chat.ts";
import { jobRoutes } from "./http/routes/jobs.ts";
import { openclawRoutes } from "./http/routes/openclaw.ts";
import { threadRoutes } from "./http/routes/threads.ts";
import { userRoutes } from "./http/routes/user.ts";

export { ThreadAgent } from "./agents/thread-agent.ts";
export { UserAgent } from "./agents/user-agent.ts";

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
    onMethodNotAllowed: (_c, allowed) =>
      errorResponse("method_not_allowed", "Method not allowed on this endpoint.", undefined, { allow: allowed.join(", ") }),
  }),
);

for (const routes of [threadRoutes, chatRoutes, approvalRoutes, jobRoutes, attachmentRoutes, userRoutes, openclawRoutes])
  app.route("/", routes);

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<AgentWorkerEnv>;
