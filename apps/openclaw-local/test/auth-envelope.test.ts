import { env } from "cloudflare:workers";
import { deviceApprovalSchema, openclawErrorEnvelopeSchema as errorEnvelopeSchema, instanceSummarySchema } from "@oa/protocol";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import worker from "../src/index.ts";
import { api, authHeaders, call, control, expectData, expectError, KEY, readyUser, uniqueUser } from "./helpers.ts";

const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

/** One request per endpoint of the contract. */
const endpoints: Array<[string, string]> = [
  ["GET", "/instance"],
  ["POST", "/instance"],
  ["DELETE", "/instance"],
  ["GET", "/runtime/status"],
  ["GET", "/runtime/devices"],
  ["POST", "/runtime/devices/r1/approve"],
  ["GET", "/runtime/pairing/telegram"],
  ["POST", "/runtime/pairing/telegram/approve"],
  ["POST", "/runtime/backup"],
  ["POST", "/runtime/restart"],
  ["GET", "/billing/summary"],
  ["GET", "/sessions"],
  ["GET", "/sessions/main/history"],
  ["POST", "/sessions/main/send"],
  ["POST", "/tools/invoke"],
];

describe("authentication", () => {
  it('answers 500 "OA_INTERNAL_KEY not configured" on every endpoint when the key is unset', async () => {
    for (const [method, path] of endpoints) {
      for (const key of ["", "   ", undefined]) {
        const response = await worker.fetch(
          new Request(`http://openclaw.test/api/openclaw${path}`, { method, headers: authHeaders("alice") }),
          { ...env, OA_INTERNAL_KEY: key },
          ctx,
        );
        await expectError(response, 500, "OA_INTERNAL_KEY not configured");
      }
    }
  });

  it('answers 401 "unauthorized" to a missing or wrong key on every endpoint', async () => {
    for (const [method, path] of endpoints) {
      const missing = await call(`/api/openclaw${path}`, { method, headers: { "x-oa-user-id": "alice" } });
      await expectError(missing, 401, "unauthorized");
      const wrong = await call(`/api/openclaw${path}`, { method, headers: authHeaders("alice", { "x-oa-internal-key": `${KEY}x` }) });
      await expectError(wrong, 401, "unauthorized");
    }
  });

  it('answers 400 "missing user id" to a missing or blank user id on every endpoint', async () => {
    for (const [method, path] of endpoints) {
      await expectError(await call(`/api/openclaw${path}`, { method, headers: authHeaders(null) }), 400, "missing user id");
      await expectError(await call(`/api/openclaw${path}`, { method, headers: authHeaders("  ") }), 400, "missing user id");
    }
  });

  it("changes nothing on a rejected request", async () => {
    const user = uniqueUser("rejected");
    await call("/api/openclaw/instance", { method: "POST", headers: authHeaders(user, { "x-oa-internal-key": "nope" }) });
    expect(await expectData(await api(user).get("/instance"), instanceSummarySchema.nullable())).toBeNull();
    expect((await control(user).requests()).map((entry) => entry.method)).toEqual(["GET"]);
  });

  it("keeps users apart", async () => {
    const alice = await readyUser("alice");
    const bob = uniqueUser("bob");
    expect((await expectData(await api(alice).get("/instance"), instanceSummarySchema)).status).toBe("ready");
    expect(await expectData(await api(bob).get("/instance"), instanceSummarySchema.nullable())).toBeNull();
  });
});

describe("envelope and routing", () => {
  it("serves the index without auth", async () => {
    const response = await call("/api/openclaw");
    const index = await expectData(response, z.record(z.string(), z.string()));
    expect(index).toMatchObject({
      instance: "/api/openclaw/instance",
      runtime_status: "/api/openclaw/runtime/status",
      sessions_send: "/api/openclaw/sessions/:key/send",
      billing_summary: "/api/openclaw/billing/summary",
    });
    await expectError(await call("/api/openclaw", { method: "POST" }), 405, "method not allowed");
  });

  it("wraps every answer in {ok, data, error} with a string error", async () => {
    const user = await readyUser("envelope");
    const good = await (await api(user).get("/billing/summary")).json();
    expect(Object.keys(good as object).sort()).toEqual(["data", "error", "ok"]);
    expect(good).toMatchObject({ ok: true, error: null });
    const bad = await (await api(user).post("/runtime/devices/nope/approve")).json();
    expect(errorEnvelopeSchema.parse(bad).error).toBe("device request not found: nope");
  });

  it("answers 404 to unknown paths (after auth) and 405 to wrong methods", async () => {
    const user = uniqueUser("routing");
    await expectError(await api(user).get("/nope"), 404, "not found");
    await expectError(await call("/api/openclaw/nope"), 401, "unauthorized");
    await expectError(await api(user).post("/runtime/status"), 405, "method not allowed");
    await expectError(await api(user).get("/runtime/restart"), 405, "method not allowed");
    await expectError(await api(user).delete("/sessions/main/send"), 405, "method not allowed");
  });

  it("percent-decodes path parameters", async () => {
    const requestId = "req/with space:ü";
    const user = await readyUser("decode", { devices: { pending: [{ requestId }] } });
    const approved = await expectData(
      await api(user).post(`/runtime/devices/${encodeURIComponent(requestId)}/approve`),
      deviceApprovalSchema,
    );
    expect(approved).toEqual({ approved: true, requestId });
  });

  it("refuses a body over 1 MiB with 413", async () => {
    const user = await readyUser("big");
    await expectError(await api(user).post("/sessions/main/send", { message: "x".repeat(1024 * 1024) }), 413, "payload too large");
  });
});
