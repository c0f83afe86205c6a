import { env, runInDurableObject } from "cloudflare:test";
import { getAgentByName } from "agents";
import { describe, expect, it, vi } from "vitest";
import type { UserAgent } from "../src/agents/user-agent.ts";
import type { AgentWorkerEnv } from "../src/config.ts";
import { QuotaStore } from "../src/storage/quota-store.ts";
import { call, callJson, headers, postChat, uniqueThread } from "./helpers.ts";

// Quotas under the worker's defaults (QUOTA_EVENT_FEEDS = 20); the small-limit cases of every
// quota run against `wrangler dev` in tests/system/quotas.test.ts.

async function createThread(userId: string): Promise<string> {
  const created = await callJson("/internal/threads", userId, { method: "POST", body: JSON.stringify({}) });
  expect(created.status).toBe(201);
  return created.body.threadId;
}

async function feedsInUse(userId: string): Promise<number> {
  const stub = await getAgentByName<AgentWorkerEnv, UserAgent>(env.USER_AGENT, userId);
  return stub.leasesInUse("feed");
}

describe("per-user quotas", () => {
  it("counts thread feeds and the user feed together: the 21st answers 429 and a closed feed frees its slot", async () => {
    const user = uniqueThread("feeds");
    const threadId = await createThread(user);
    const open = [await call("/internal/user/events", { headers: headers(user) })];
    for (let i = 0; i < 19; i++) open.push(await call(`/internal/thread/${threadId}/events`, { headers: headers(user) }));
    expect(open.map((response) => response.status)).toEqual(Array(20).fill(200));

    const refused = await callJson(`/internal/thread/${threadId}/events`, user);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: "quota_exceeded", details: { quota: "event_feeds", limit: 20, current: 20 } });
    const refusedUserFeed = await callJson("/internal/user/events", user);
    expect(refusedUserFeed.status).toBe(429);
    expect(await feedsInUse(user)).toBe(20);

    // Another user's feeds are theirs alone.
    const other = uniqueThread("feeds-other");
    const theirs = await call("/internal/user/events", { headers: headers(other) });
    expect(theirs.status).toBe(200);
    await theirs.body!.cancel();

    await open.pop()!.body!.cancel();
    // The runtime notices a gone reader on the next write to it (an event here, else a heartbeat).
    await callJson(`/internal/threads/${threadId}`, user, { method: "PATCH", body: JSON.stringify({ title: "wake the feeds" }) });
    await vi.waitFor(async () => expect(await feedsInUse(user)).toBe(19), { timeout: 10_000 });
    const again = await call(`/internal/thread/${threadId}/events`, { headers: headers(user) });
    expect(again.status).toBe(200);
    await Promise.all([again, ...open].map((response) => response.body!.cancel()));
    await vi.waitFor(async () => expect(await feedsInUse(user)).toBe(0));
  });

  it("the slot ledger: a held slot is taken again for free, expired slots stop counting, a deleted thread frees all of its slots", async () => {
    const stub = await getAgentByName<AgentWorkerEnv, UserAgent>(env.USER_AGENT, uniqueThread("ledger"));
    await runInDurableObject(stub, (_agent, state) => {
      const limits = { threads: 2, schedules_per_thread: 2, schedules_per_user: 2, active_jobs: 2, concurrent_runs: 2, event_feeds: 2 };
      const store = new QuotaStore(state.storage.sql, limits);
      const now = 1_000_000;
      expect(store.acquire({ kind: "job", id: "a/1", threadId: "a", expiresAt: now + 10 }, now)).toEqual({ ok: true, current: 1 });
      expect(store.acquire({ kind: "job", id: "a/1", threadId: "a", expiresAt: now + 10 }, now)).toEqual({ ok: true, current: 1 });
      expect(store.acquire({ kind: "job", id: "b/1", threadId: "b", expiresAt: null }, now)).toEqual({ ok: true, current: 2 });
      expect(store.acquire({ kind: "job", id: "b/2", threadId: "b", expiresAt: null }, now)).toEqual({
        ok: false,
        quota: "active_jobs",
        limit: 2,
        current: 2,
      });
      // Other kinds count on their own.
      expect(store.acquire({ kind: "run", id: "b/m1", threadId: "b", expiresAt: null }, now)).toMatchObject({ ok: true });
      // a/1's holder never released it: once expired it no longer counts.
      expect(store.acquire({ kind: "job", id: "b/2", threadId: "b", expiresAt: null }, now + 11)).toEqual({ ok: true, current: 2 });
      expect(store.releaseThread("b")).toBe(3);
      expect(store.inUse("job", now + 11)).toBe(0);
      expect(store.inUse("run", now + 11)).toBe(0);
    });
  });
});

describe("chat answer streams hold feed slots", () => {
  it("a chat turn takes an event_feeds slot for its answer stream and gives it back when the answer ends", async () => {
    const user = uniqueThread("chat-feed");
    const threadId = await createThread(user);
    const answer = await postChat(user, { threadId, input: "hello" });
    expect(answer.status).toBe(200);
    await answer.text();
    await vi.waitFor(async () => expect(await feedsInUse(user)).toBe(0));
  });

  it("over QUOTA_EVENT_FEEDS a chat turn is refused with 429 before its message is stored", async () => {
    const user = uniqueThread("chat-feed-full");
    const threadId = await createThread(user);
    const open: Response[] = [];
    for (let i = 0; i < 20; i++) open.push(await call(`/internal/thread/${threadId}/events`, { headers: headers(user) }));
    expect(open.map((response) => response.status)).toEqual(Array(20).fill(200));

    const refused = await postChat(user, { threadId, input: "hello" });
    expect(refused.status).toBe(429);
    expect((await refused.json<any>()).error).toMatchObject({
      code: "quota_exceeded",
      details: { quota: "event_feeds", limit: 20, current: 20 },
    });
    const messages = await callJson(`/internal/thread/${threadId}/messages`, user);
    expect(messages.body.messages).toEqual([]);
    // The run slot taken alongside was given back.
    const stub = await getAgentByName<AgentWorkerEnv, UserAgent>(env.USER_AGENT, user);
    await vi.waitFor(async () => expect(await stub.leasesInUse("run")).toBe(0));

    await Promise.all(open.map((response) => response.body!.cancel()));
  });
});

describe("thread slots of first messages", () => {
  it("two users' first messages race for one thread id: the loser gets 404 and keeps no thread slot", async () => {
    const threadId = uniqueThread("contested");
    const [alice, bob] = [uniqueThread("race-a"), uniqueThread("race-b")];
    const answers = await Promise.all([alice, bob].map((user) => postChat(user, { threadId, input: "mine" })));
    await Promise.all(answers.map((answer) => answer.text()));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 404]);
    const threadsOf = async (user: string) => (await getAgentByName<AgentWorkerEnv, UserAgent>(env.USER_AGENT, user)).leasesInUse("thread");
    const [winner, loser] = answers[0]!.status === 200 ? [alice, bob] : [bob, alice];
    await vi.waitFor(async () => expect(await threadsOf(loser)).toBe(0));
    expect(await threadsOf(winner)).toBe(1);
  });
});
