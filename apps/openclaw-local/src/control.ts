import { type Context, Hono } from "hono";
import { z } from "zod";
import { checkInternalKey } from "./auth.ts";
import { readBodyText } from "./body.ts";
import { controlEnabled, type OpenClawEnv } from "./config.ts";
import { errorAnswer, okAnswer, toResponse } from "./envelope.ts";
import { faultKinds } from "./faults.ts";
import { seedSchema } from "./seed.ts";
import { userStub } from "./user-stub.ts";

/**
 * The test-only control surface, `/__control/users/:userId/…`: off unless
 * OPENCLAW_CONTROL_ENABLED=true (404 otherwise), and even then only with the internal key.
 */
export const faultSchema = z.strictObject({
  /** HTTP method to match, or "*" for any. */
  method: z.string().trim().min(1).max(10).default("*"),
  /** Path prefix to match, e.g. "/api/openclaw/runtime/restart" (the "/api" may be left out). */
  path: z.string().startsWith("/").max(500),
  kind: z.enum(faultKinds),
  /** Status for `500` / `non-json-500` (default 500). */
  status: z.number().int().min(400).max(599).optional(),
  /** Error string (`500`) or plain-text body (`non-json-500`). */
  message: z.string().max(2000).optional(),
  /** Pause for `delay` (default 1000) or how long `drop` hangs (default 10 min). */
  ms: z.number().int().min(0).max(3_600_000).optional(),
  /** The fault clears itself after this many matches; without it, it stays until cleared. */
  count: z.number().int().min(1).max(1_000_000).optional(),
  /** before: the endpoint does not run; after: it runs (and its answer is stored), then the fault hits. */
  phase: z.enum(["before", "after"]).default("before"),
});

const balanceSchema = z.strictObject({ balance_usd: z.number().finite() });

type Env = { Bindings: OpenClawEnv };

async function parseBody<S extends z.ZodType>(c: Context<Env>, schema: S): Promise<z.infer<S> | Response> {
  const read = await readBodyText(c.req.raw);
  if (!read.ok) return toResponse(errorAnswer(413, "payload too large"));
  let value: unknown;
  try {
    value = read.text.trim() === "" ? {} : JSON.parse(read.text);
  } catch {
    return toResponse(errorAnswer(400, "invalid json body"));
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
    return toResponse(errorAnswer(400, `invalid control body: ${detail}`));
  }
  return parsed.data;
}

function userOf(c: Context<Env>): string {
  return (c.req.param("userId") ?? "").trim();
}

export const controlApp = new Hono<Env>();

controlApp.use("*", async (c, next) => {
  if (!controlEnabled(c.env)) return toResponse(errorAnswer(404, "not found"));
  const denied = await checkInternalKey(c.req.raw, c.env.OA_INTERNAL_KEY);
  if (denied) return toResponse(errorAnswer(denied.status, denied.error));
  await next();
});

const user = "/users/:userId{[^/]*}";

controlApp.use(`${user}/*`, async (c, next) => {
  if (userOf(c) === "") return toResponse(errorAnswer(400, "missing user id"));
  await next();
});

controlApp.post(`${user}/seed`, async (c) => {
  const seed = await parseBody(c, seedSchema);
  if (seed instanceof Response) return seed;
  return toResponse(okAnswer(await userStub(c.env, userOf(c)).seed(userOf(c), seed)));
});

controlApp.on(["PUT", "POST"], `${user}/balance`, async (c) => {
  const body = await parseBody(c, balanceSchema);
  if (body instanceof Response) return body;
  await userStub(c.env, userOf(c)).setBalance(body.balance_usd);
  return toResponse(okAnswer({ balance_usd: body.balance_usd }));
});

controlApp.post(`${user}/faults`, async (c) => {
  const spec = await parseBody(c, faultSchema);
  if (spec instanceof Response) return spec;
  return toResponse(okAnswer(await userStub(c.env, userOf(c)).addFault(spec)));
});

controlApp.get(`${user}/faults`, async (c) => toResponse(okAnswer(await userStub(c.env, userOf(c)).listFaults())));

controlApp.delete(`${user}/faults`, async (c) => toResponse(okAnswer({ cleared: await userStub(c.env, userOf(c)).clearFaults() })));

controlApp.get(`${user}/requests`, async (c) => {
  const after = Number.parseInt(c.req.query("after") ?? "0", 10);
  return toResponse(okAnswer(await userStub(c.env, userOf(c)).requestLog(Number.isFinite(after) && after > 0 ? after : 0)));
});

controlApp.post(`${user}/reset`, async (c) => {
  await userStub(c.env, userOf(c)).reset();
  return toResponse(okAnswer({ reset: true }));
});

controlApp.notFound(() => toResponse(errorAnswer(404, "not found")));
