import { env, exports } from "cloudflare:workers";
import { openclawErrorEnvelopeSchema as errorEnvelopeSchema, openclawOkEnvelopeSchema as okEnvelopeSchema } from "@oa/protocol";
import { expect } from "vitest";
import { z } from "zod";
import type { LoggedRequest } from "../src/request-log.ts";

export const KEY = "test-internal-key";
/** The delays vitest.config.ts sets, read from the bindings the tests run with. */
export const PROVISION_MS = Number(env.PROVISION_DELAY_MS);
export const RESTART_MS = Number(env.RESTART_DELAY_MS);
export const BACKUP_MS = Number(env.BACKUP_DELAY_MS);

let counter = 0;
export function uniqueUser(prefix = "user"): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`http://openclaw.test${path}`, init));
}

export function authHeaders(userId: string | null, extra: Record<string, string> = {}): Record<string, string> {
  return {
    accept: "application/json",
    "x-oa-internal-key": KEY,
    ...(userId === null ? {} : { "x-oa-user-id": userId }),
    ...extra,
  };
}

type Options = { idempotencyKey?: string; headers?: Record<string, string> };

/** The API as the agent worker calls it: `/api/openclaw…` with the internal key and a user id. */
export function api(userId: string) {
  const request = (method: string, path: string, body?: unknown, options: Options = {}) => {
    const headers = authHeaders(userId, options.headers);
    if (body !== undefined) headers["content-type"] = "application/json";
    if (options.idempotencyKey) headers["idempotency-key"] = options.idempotencyKey;
    return call(`/api/openclaw${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
  };
  return {
    get: (path: string, options?: Options) => request("GET", path, undefined, options),
    post: (path: string, body?: unknown, options?: Options) => request("POST", path, body, options),
    delete: (path: string, options?: Options) => request("DELETE", path, undefined, options),
  };
}

/** The control surface for one user. */
export function control(userId: string) {
  const base = `/__control/users/${encodeURIComponent(userId)}`;
  const send = async (method: string, path: string, body?: unknown) => {
    const response = await call(`${base}${path}`, {
      method,
      headers: { ...authHeaders(null), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const envelope = await response.json<{ ok: boolean; data: any; error: string | null }>();
    if (!response.ok || !envelope.ok) throw new Error(`control ${method} ${path}: ${response.status} ${envelope.error}`);
    return envelope.data;
  };
  return {
    seed: (seed: unknown) => send("POST", "/seed", seed),
    setBalance: (balance_usd: number) => send("PUT", "/balance", { balance_usd }),
    addFault: (fault: unknown) => send("POST", "/faults", fault),
    listFaults: () => send("GET", "/faults"),
    clearFaults: () => send("DELETE", "/faults"),
    requests: (after = 0): Promise<Array<LoggedRequest>> => send("GET", `/requests?after=${after}`),
    reset: () => send("POST", "/reset"),
  };
}

/** Asserts a success envelope whose data matches `schema`; returns the data. */
export async function expectData<S extends z.ZodType>(response: Response, schema: S, status = 200): Promise<z.infer<S>> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const json = JSON.parse(text) as object;
  expect(Object.keys(json).sort()).toEqual(["data", "error", "ok"]);
  const envelope = okEnvelopeSchema(z.unknown()).parse(json);
  return schema.parse(envelope.data);
}

/** Asserts the contract's error envelope with this status and error string. */
export async function expectError(response: Response, status: number, error: string | RegExp): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  const envelope = errorEnvelopeSchema.parse(JSON.parse(text));
  if (typeof error === "string") expect(envelope.error).toBe(error);
  else expect(envelope.error).toMatch(error);
}

/** A user with a ready instance (seeded, so no waiting). */
export async function readyUser(prefix = "ready", seed: Record<string, unknown> = {}): Promise<string> {
  const userId = uniqueUser(prefix);
  await control(userId).seed({ instance: { status: "ready" }, ...seed });
  return userId;
}
