import { env, runInDurableObject } from "cloudflare:test";
import { searchResultSchema } from "@oa/protocol";
import { getAgentByName } from "agents";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import type { ThreadAgent } from "../src/agents/thread-agent.ts";
import type { UserAgent } from "../src/agents/user-agent.ts";
import type { AgentWorkerEnv } from "../src/config.ts";
import { callJson, postChat, readAnswer, uniqueThread } from "./helpers.ts";

async function createThread(userId: string): Promise<string> {
  const created = await callJson("/internal/threads", userId, { method: "POST", body: JSON.stringify({}) });
  expect(created.status).toBe(201);
  return created.body.threadId;
}

/** One finished turn in a thread of its own; returns the thread id. */
async function say(userId: string, input: string, threadId?: string): Promise<string> {
  const id = threadId ?? (await createThread(userId));
  await readAnswer(await postChat(userId, { threadId: id, input }));
  return id;
}

async function search(userId: string, q: string, limit?: number) {
  const query = new URLSearchParams({ q, ...(limit ? { limit: String(limit) } : {}) });
  const { status, body } = await callJson(`/internal/search?${query}`, userId);
  expect(status).toBe(200);
  return searchResultSchema.parse(body).hits;
}

/** Waits until `q` finds at least `count` hits of `role` (the index is fed after the turn, not during it). */
async function hitsOnceIndexed(userId: string, q: string, count: number, role: "user" | "assistant" = "user") {
  return vi.waitFor(
    async () => {
      const hits = (await search(userId, q)).filter((hit) => hit.role === role);
      expect(hits.length).toBeGreaterThanOrEqual(count);
      return hits;
    },
    { timeout: 10_000, interval: 50 },
  );
}

describe("message search across a user's threads", () => {
  it("ranks the message matching the words more closely first, with a snippet marking the matches", async () => {
    const user = uniqueThread("searcher");
    const loose = await say(user, "Our garden has tomatoes, beans, a pond, a shed, a fence, some rhubarb and, somewhere, a kingfisher.");
    const close = await say(user, "Kingfisher kingfisher: which kingfisher visits the pond?");
    const hits = await hitsOnceIndexed(user, "kingfisher pond", 2);
    expect(hits.map((hit) => hit.threadId).slice(0, 2)).toEqual([close, loose]);
    const all = await search(user, "kingfisher pond");
    expect(all.map((hit) => hit.rank)).toEqual([...all.map((hit) => hit.rank)].sort((a, b) => a - b));
    const top = hits[0]!;
    expect(top.snippet.filter((piece) => piece.match).map((piece) => piece.text.toLowerCase())).toContain("kingfisher");
    expect(top.snippet.map((piece) => piece.text).join("")).toContain("visits the");
    expect(top.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("matches the last word as a prefix and requires every word", async () => {
    const user = uniqueThread("prefixer");
    const threadId = await say(user, "The lighthouse keeper logs every ferry");
    await say(user, "A lighthouse without anyone");
    const hits = await hitsOnceIndexed(user, "lighthouse kee", 1);
    expect(hits.map((hit) => hit.threadId)).toEqual([threadId]);
    expect(await search(user, "lighthouse zzzunknown")).toEqual([]);
  });

  it("takes FTS5 syntax in the query as plain words, never as an error", async () => {
    const user = uniqueThread("syntax");
    await say(user, "NEAR the harbour AND the quay");
    await hitsOnceIndexed(user, "harbour", 1);
    for (const q of [
      '"',
      '"harbour',
      "harbour*",
      "harbour AND",
      "NEAR(harbour quay)",
      "quay OR",
      "-harbour",
      "^harbour",
      "harbour:",
      "*",
      "()",
      "'",
      "\u0301",
      "harbour \u0301\u0308",
    ]) {
      const { status, body } = await callJson(`/internal/search?q=${encodeURIComponent(q)}`, user);
      expect(status, q).toBe(200);
      expect(searchResultSchema.safeParse(body).success, q).toBe(true);
    }
    expect((await search(user, "NEAR(harbour quay)")).some((hit) => hit.role === "user")).toBe(true);
    expect(await search(user, "*")).toEqual([]);
  });

  it("refuses an empty or overlong query and a bad limit with 400 invalid_request", async () => {
    const user = uniqueThread("badquery");
    for (const path of [
      "/internal/search",
      "/internal/search?q=",
      "/internal/search?q=%20%20",
      `/internal/search?q=${"a".repeat(201)}`,
      "/internal/search?q=a&limit=0",
      "/internal/search?q=a&limit=51",
      "/internal/search?q=a&limit=x",
    ]) {
      const { status, body } = await callJson(path, user);
      expect(status, path).toBe(400);
      expect(body.error.code, path).toBe("invalid_request");
    }
    expect((await callJson("/internal/search?q=a", user, { method: "POST" })).status).toBe(405);
  });

  it("keeps each user's index to themselves: another user never sees their hits, even for the same words", async () => {
    const alice = uniqueThread("alice");
    const bob = uniqueThread("bob");
    const aliceThread = await say(alice, "my secret marmalade recipe uses bergamot");
    const bobThread = await say(bob, "bergamot marmalade is overrated");
    const aliceHits = await hitsOnceIndexed(alice, "bergamot marmalade", 1);
    const bobHits = await hitsOnceIndexed(bob, "bergamot marmalade", 1);
    expect(new Set(aliceHits.map((hit) => hit.threadId))).toEqual(new Set([aliceThread]));
    expect(new Set(bobHits.map((hit) => hit.threadId))).toEqual(new Set([bobThread]));
    expect(await search(uniqueThread("carol"), "bergamot")).toEqual([]);
  });

  it("indexes a turn after it, without the turn waiting for the index", async () => {
    const user = uniqueThread("turner");
    const threadId = await createThread(user);
    // The owner's UserAgent refuses this thread's first push: the turn still answers.
    const userAgent = await getAgentByName<AgentWorkerEnv, UserAgent>(env.USER_AGENT, user);
    const prototype = await runInDurableObject(userAgent, (instance: UserAgent) => Object.getPrototypeOf(instance) as UserAgent);
    const original = prototype.indexMessages;
    let refused = 0;
    prototype.indexMessages = function (this: UserAgent, pushedThread, docs) {
      if (pushedThread === threadId && refused++ === 0) throw new Error("search index unavailable");
      return original.call(this, pushedThread, docs);
    };
    onTestFinished(() => {
      prototype.indexMessages = original;
    });
    const answer = await readAnswer(await postChat(user, { threadId, input: "tell me about the albatross migration" }));
    expect(answer.role).toBe("assistant");
    // The failed push is retried from the thread's cursor (the scheduled retry, run now).
    const thread = await getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId);
    await vi.waitFor(
      async () => {
        expect(refused).toBeGreaterThan(0);
        await thread.syncSearch();
        const hits = await search(user, "albatross migration");
        expect(hits.map((hit) => hit.role).sort()).toEqual(["assistant", "user"]);
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  it("indexes an answer once it is stored, under the answer's message id", async () => {
    const user = uniqueThread("answerer");
    const threadId = await createThread(user);
    const answer = await readAnswer(await postChat(user, { threadId, input: "what can you do?" }));
    const hits = await hitsOnceIndexed(user, "provisioning", 1, "assistant");
    expect(hits[0]).toMatchObject({ threadId, messageId: answer.id, role: "assistant" });
  });

  it("removes a thread's messages with the thread", async () => {
    const user = uniqueThread("deleter");
    const gone = await say(user, "the okapi enclosure");
    const kept = await say(user, "okapi photos");
    await hitsOnceIndexed(user, "okapi", 2);
    const deleted = await callJson(`/internal/threads/${gone}`, user, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    const after = await search(user, "okapi");
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((hit) => hit.threadId === kept)).toBe(true);
    const userAgent = await getAgentByName<AgentWorkerEnv, UserAgent>(env.USER_AGENT, user);
    expect(await userAgent.searchDocCount(gone)).toBe(0);
  });

  it("indexes seeded history too (the seed logs its messages as stored)", async () => {
    const user = uniqueThread("seeder");
    const threadId = await createThread(user);
    const thread = await getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId);
    expect(await thread.seedHistory(user, threadId, 300)).toMatchObject({ ok: true, threadId, seeded: 300 });
    const userAgent = await getAgentByName<AgentWorkerEnv, UserAgent>(env.USER_AGENT, user);
    await vi.waitFor(async () => expect(await userAgent.searchDocCount(threadId)).toBe(300), { timeout: 10_000, interval: 50 });
    const hits = await search(user, "seeded question 286");
    expect(hits[0]).toMatchObject({ threadId, role: "user" });
    expect(hits[0]!.snippet.map((piece) => piece.text).join("")).toContain("286");
  });

  it("names the thread of each hit by its title", async () => {
    const user = uniqueThread("titler");
    const threadId = await createThread(user);
    const renamed = await callJson(`/internal/threads/${threadId}`, user, {
      method: "PATCH",
      body: JSON.stringify({ title: "Birding notes" }),
    });
    expect(renamed.status).toBe(200);
    await say(user, "a heron at dawn", threadId);
    const hits = await hitsOnceIndexed(user, "heron", 1);
    expect(hits[0]).toMatchObject({ threadId, threadTitle: "Birding notes" });
  });
});
