import { env } from "cloudflare:workers";
import { billingSummarySchema, instanceSummarySchema, runtimeStatusSchema, sessionHistorySchema } from "@oa/protocol";
import { describe, expect, it } from "vitest";
import worker from "../src/index.ts";
import { api, authHeaders, call, control, expectData, expectError, KEY, readyUser, sleep, uniqueUser } from "./helpers.ts";

const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

describe("control surface", () => {
  it("is 404 unless OPENCLAW_CONTROL_ENABLED=true, whatever the key", async () => {
    for (const enabled of ["false", "", "yes"]) {
      for (const [method, path] of [
        ["POST", "/seed"],
        ["GET", "/requests"],
        ["POST", "/faults"],
        ["POST", "/reset"],
      ] as const) {
        const response = await worker.fetch(
          new Request(`http://openclaw.test/__control/users/u1${path}`, { method, headers: authHeaders(null) }),
          { ...env, OPENCLAW_CONTROL_ENABLED: enabled },
          ctx,
        );
        await expectError(response, 404, "not found");
      }
    }
  });

  it("still requires the internal key", async () => {
    await expectError(await call("/__control/users/u1/requests"), 401, "unauthorized");
    await expectError(
      await call("/__control/users/u1/requests", { headers: { "x-oa-internal-key": `${KEY}-wrong` } }),
      401,
      "unauthorized",
    );
    const unconfigured = await worker.fetch(
      new Request("http://openclaw.test/__control/users/u1/requests", { headers: authHeaders(null) }),
      { ...env, OA_INTERNAL_KEY: "" },
      ctx,
    );
    await expectError(unconfigured, 500, "OA_INTERNAL_KEY not configured");
  });

  it("validates bodies", async () => {
    const post = (path: string, body: string) =>
      call(`/__control/users/u1${path}`, { method: "POST", headers: { ...authHeaders(null), "content-type": "application/json" }, body });
    await expectError(await post("/seed", "{nope"), 400, "invalid json body");
    await expectError(
      await post("/seed", JSON.stringify({ instance: { status: "exploded" } })),
      400,
      /^invalid control body: instance.status/,
    );
    await expectError(
      await post("/seed", JSON.stringify({ pairing: { telegram: [{ code: "ABCDEFG0" }] } })),
      400,
      /pairing.telegram.0.code/,
    );
    await expectError(await post("/faults", JSON.stringify({ path: "/x", kind: "explode" })), 400, /kind/);
    await expectError(await post("/balance", JSON.stringify({ balance_usd: "lots" })), 400, /balance_usd/);
    await expectError(await call("/__control/users/%20/requests", { headers: authHeaders(null) }), 400, "missing user id");
  });

  it("logs every API request with method, path, query, idempotency key, status and time", async () => {
    const user = await readyUser("log");
    const started = Date.now();
    await api(user).get("/sessions?limit=1");
    await api(user).post("/runtime/restart", undefined, { idempotencyKey: "k1" });
    await api(user).get("/nope");
    const log = await control(user).requests();
    expect(log.map(({ method, path, query, idempotencyKey, status }) => ({ method, path, query, idempotencyKey, status }))).toEqual([
      { method: "GET", path: "/api/openclaw/sessions", query: "limit=1", idempotencyKey: null, status: 200 },
      { method: "POST", path: "/api/openclaw/runtime/restart", query: "", idempotencyKey: "k1", status: 200 },
    ]);
    expect(Date.parse(log[0]!.at)).toBeGreaterThanOrEqual(started);
    expect((await control(user).requests(log[0]!.seq)).map((entry) => entry.seq)).toEqual([log[1]!.seq]);
  });

  it("reset forgets the user", async () => {
    const user = await readyUser("reset", { balance_usd: 3 });
    await control(user).addFault({ path: "/api/openclaw/billing", kind: "500" });
    await control(user).reset();
    expect(await expectData(await api(user).get("/instance"), instanceSummarySchema.nullable())).toBeNull();
    expect((await expectData(await api(user).get("/billing/summary"), billingSummarySchema)).balance_usd).toBe(25);
    expect(await control(user).listFaults()).toEqual([]);
    expect(await control(user).requests()).toHaveLength(2);
  });
});

describe("fault injection", () => {
  it("500: the JSON error envelope with the given status and message; the endpoint does not run", async () => {
    const user = await readyUser("f500");
    await control(user).addFault({ method: "POST", path: "/api/openclaw/runtime/restart", kind: "500", message: "runtime exploded" });
    await expectError(await api(user).post("/runtime/restart"), 500, "runtime exploded");
    await control(user).clearFaults();
    await control(user).addFault({ path: "/openclaw/runtime", kind: "500", status: 503 });
    await expectError(await api(user).get("/runtime/status"), 503, "injected fault");
    const status = await control(user).requests();
    expect(status.map((entry) => [entry.status, entry.fault, entry.effects])).toEqual([
      [500, "before:500", []],
      [503, "before:500", []],
    ]);
  });

  it("non-json-500: a plain-text 500 body, like production when an upstream fetch throws", async () => {
    const user = await readyUser("plain");
    await control(user).addFault({ path: "/api/openclaw/runtime/status", kind: "non-json-500", message: "error code: 1101" });
    const response = await api(user).get("/runtime/status");
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await response.text()).toBe("error code: 1101");
  });

  it("delay: answers normally after the pause", async () => {
    const user = await readyUser("delay");
    await control(user).addFault({ method: "GET", path: "/api/openclaw/billing/summary", kind: "delay", ms: 300 });
    const started = Date.now();
    await expectData(await api(user).get("/billing/summary"), billingSummarySchema);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it("drop: never answers before the client gives up; nothing happens", async () => {
    const user = await readyUser("drop");
    await control(user).addFault({ method: "POST", path: "/api/openclaw/sessions/main/send", kind: "drop", ms: 1500, count: 1 });
    const pending = api(user).post("/sessions/main/send", { message: "lost" });
    const winner = await Promise.race([pending.then(() => "answered"), sleep(500).then(() => "timed out")]);
    expect(winner).toBe("timed out");
    const log = await control(user).requests();
    expect(log.at(-1)).toMatchObject({ status: null, fault: "before:drop", effects: [] });
    expect((await expectData(await api(user).get("/sessions/main/history"), sessionHistorySchema)).messages).toEqual([]);
    // count: 1 — the fault is used up, the retry goes through.
    await expectData(await api(user).post("/sessions/main/send", { message: "retry" }), (await import("@oa/protocol")).sendResultSchema);
    expect((await pending).status).toBe(504);
  });

  it("count: the fault clears itself after that many matches; method and path prefix must match", async () => {
    const user = await readyUser("count");
    await control(user).addFault({ method: "GET", path: "/api/openclaw/runtime", kind: "500", count: 2 });
    await expectData(await api(user).post("/runtime/restart"), (await import("zod")).z.unknown());
    await expectData(await api(user).get("/billing/summary"), billingSummarySchema);
    await expectError(await api(user).get("/runtime/status"), 500, "injected fault");
    expect((await control(user).listFaults())[0]).toMatchObject({ remaining: 1 });
    await expectError(await api(user).get("/runtime/devices"), 500, "injected fault");
    expect(await control(user).listFaults()).toEqual([]);
    await expectData(await api(user).get("/runtime/status"), runtimeStatusSchema);
  });

  it("after: the effect happens and a retry with the same Idempotency-Key replays it instead of repeating it", async () => {
    const user = await readyUser("after");
    await control(user).addFault({
      method: "POST",
      path: "/api/openclaw/sessions/main/send",
      kind: "non-json-500",
      phase: "after",
      count: 1,
    });
    const lost = await api(user).post("/sessions/main/send", { message: "exactly once" }, { idempotencyKey: "tool-call-1" });
    expect(lost.status).toBe(500);
    const retry = await api(user).post("/sessions/main/send", { message: "exactly once" }, { idempotencyKey: "tool-call-1" });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect((await expectData(await api(user).get("/sessions/main/history"), sessionHistorySchema)).messages).toHaveLength(2);
    const sends = (await control(user).requests()).filter((entry) => entry.method === "POST");
    expect(sends.map(({ status, fault, effects, replayed }) => ({ status, fault, effects, replayed }))).toEqual([
      { status: 500, fault: "after:non-json-500", effects: ["session.message"], replayed: false },
      { status: 200, fault: null, effects: [], replayed: true },
    ]);
  });

  it("faults are per user", async () => {
    const victim = uniqueUser("victim");
    await control(victim).addFault({ path: "/api/openclaw", kind: "500" });
    await expectError(await api(victim).get("/billing/summary"), 500, "injected fault");
    await expectData(await api(uniqueUser("bystander")).get("/billing/summary"), billingSummarySchema);
  });
});
