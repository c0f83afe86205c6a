import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src/index.ts";
import { call, headers, postChat, readAnswer, uniqueThread } from "./helpers.ts";

const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

describe("internal auth", () => {
  it("refuses every request with a config error when OA_INTERNAL_KEY is unset", async () => {
    for (const path of ["/internal/chat", "/internal/thread/x/summary", "/anything"]) {
      const response = await worker.fetch(
        new Request(`http://agent.test${path}`, { headers: headers("alice") }),
        { ...env, OA_INTERNAL_KEY: "" },
        ctx,
      );
      expect(response.status).toBe(500);
      const body = await response.json<any>();
      expect(body).toMatchObject({ ok: false, error: { code: "config_missing_internal_key" } });
    }
  });

  it("rejects a missing or wrong key with 401", async () => {
    const threadId = uniqueThread();
    const missing = await call("/internal/chat", {
      method: "POST",
      headers: { "content-type": "application/json", "x-oa-user-id": "alice" },
      body: JSON.stringify({ threadId, input: "hi" }),
    });
    expect(missing.status).toBe(401);
    const wrong = await call("/internal/chat", {
      method: "POST",
      headers: { ...headers("alice"), "x-oa-internal-key": "test-internal-kez" },
      body: JSON.stringify({ threadId, input: "hi" }),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    // Nothing was created by the rejected requests.
    await readAnswer(await postChat("bob", { threadId, input: "hi" }));
    const summary = await (await call(`/internal/thread/${threadId}/summary`, { headers: headers("bob") })).json<any>();
    expect(summary.messageCount).toBe(2);
  });

  it("requires X-OA-User-Id", async () => {
    const response = await call("/internal/thread/abc/summary", { headers: headers(null) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "missing_user_id" } });
    const blank = await call("/internal/thread/abc/summary", { headers: headers("   ") });
    expect(blank.status).toBe(400);
  });
});

describe("thread ownership", () => {
  it("the first message fixes the owner; another user sees 404 everywhere", async () => {
    const threadId = uniqueThread();
    await readAnswer(await postChat("alice", { threadId, input: "hello" }));

    const intruder = await postChat("mallory", { threadId, input: "let me in" });
    expect(intruder.status).toBe(404);
    expect(await intruder.json()).toMatchObject({ ok: false, error: { code: "thread_not_found" } });
    for (const path of [
      `/internal/thread/${threadId}/summary`,
      `/internal/thread/${threadId}/messages`,
      `/internal/chat/${threadId}/stream`,
    ]) {
      const response = await call(path, { headers: headers("mallory") });
      expect(response.status, path).toBe(404);
    }
    const stop = await call(`/internal/chat/${threadId}/stop`, { method: "POST", headers: headers("mallory") });
    expect(stop.status).toBe(404);

    const summary = await (await call(`/internal/thread/${threadId}/summary`, { headers: headers("alice") })).json<any>();
    expect(summary.messageCount).toBe(2);
  });

  it("a thread that does not exist is 404 for reads", async () => {
    const response = await call(`/internal/thread/${uniqueThread("none")}/summary`, { headers: headers("alice") });
    expect(response.status).toBe(404);
  });
});

describe("benchmark seeding", () => {
  it("is not reachable unless ALLOW_DEV_SEED is set", async () => {
    const threadId = uniqueThread("seed");
    const response = await call(`/internal/thread/${threadId}/dev/seed`, {
      method: "POST",
      headers: headers("alice"),
      body: JSON.stringify({ count: 10 }),
    });
    expect(response.status).toBe(404);
    expect((await call(`/internal/thread/${threadId}/summary`, { headers: headers("alice") })).status).toBe(404);
  });

  it("seeds history for its owner only when enabled", async () => {
    const threadId = uniqueThread("seed-on");
    const seed = (userId: string, count: unknown) =>
      worker.fetch(
        new Request(`http://agent.test/internal/thread/${threadId}/dev/seed`, {
          method: "POST",
          headers: headers(userId),
          body: JSON.stringify({ count }),
        }),
        { ...env, ALLOW_DEV_SEED: "true" },
        ctx,
      );
    expect((await seed("alice", 0)).status).toBe(400);
    expect(await (await seed("alice", 20)).json()).toMatchObject({ ok: true, messageCount: 20 });
    expect((await seed("mallory", 5)).status).toBe(404);
    const summary = await (await call(`/internal/thread/${threadId}/summary`, { headers: headers("alice") })).json<any>();
    expect(summary.messageCount).toBe(20);
  });
});
