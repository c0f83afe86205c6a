import { env, runInDurableObject } from "cloudflare:test";
import { getAgentByName } from "agents";
import { describe, expect, it } from "vitest";
import type { ThreadAgent } from "../src/agents/thread-agent.ts";
import { type AgentWorkerEnv, readConfig } from "../src/config.ts";
import { extractiveSummary, MAX_SUMMARY_CHARS } from "../src/model/summarize.ts";
import { buildModelContext } from "../src/runs/context.ts";
import { ThreadStore } from "../src/storage/thread-store.ts";
import { call, headers, postChat, readAnswer, textOf, uniqueThread } from "./helpers.ts";

const SEEDED = 300;
const EARLY_FACT = "my dog is called Biscuit-7731";

function seededText(position: number): string {
  if (position === 1) return EARLY_FACT;
  return position % 2 === 1 ? `filler question number ${position}` : `filler answer number ${position}`;
}

function thread(threadId: string) {
  return getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId);
}

/** Writes a long transcript straight into the thread's store: odd positions are the user's. */
async function seedThread(threadId: string, count: number): Promise<void> {
  await runInDurableObject(await thread(threadId), (_agent: ThreadAgent, state) => {
    const store = new ThreadStore(state.storage.sql);
    const now = Date.now();
    state.storage.transactionSync(() => {
      store.createMeta(threadId, "alice", now);
      for (let position = 1; position <= count; position++) {
        const role = position % 2 === 1 ? "user" : "assistant";
        store.appendMessage({ id: `seed-${position}`, role, parts: [{ type: "text", text: seededText(position) }] }, null, now);
      }
    });
  });
}

type ContextView = {
  summary: string;
  summaryThrough: number;
  messageCount: number;
  positions: number[];
  /** The message at `summaryThrough` as the extractive summary writes it. */
  lastSummarisedLine: string | null;
};

/** What the next turn's model would see, computed by the agent's own context builder. */
async function modelContext(threadId: string): Promise<ContextView> {
  return runInDurableObject(await thread(threadId), (_agent: ThreadAgent, state) => {
    const store = new ThreadStore(state.storage.sql);
    const meta = store.meta()!;
    const context = buildModelContext(store, meta, readConfig(env), null);
    return {
      summary: meta.summary,
      summaryThrough: meta.summaryThrough,
      messageCount: meta.messageCount,
      positions: context.messages.map((message) => message.position),
      lastSummarisedLine:
        meta.summaryThrough === 0 ? null : extractiveSummary("", store.messagesBetween(meta.summaryThrough - 1, meta.summaryThrough, 1)),
    };
  });
}

async function say(threadId: string, text: string): Promise<string> {
  const response = await postChat("alice", { threadId, input: text });
  expect(response.status).toBe(200);
  return textOf(await readAnswer(response));
}

const config = readConfig(env);
const cap = config.contextWindow + config.summaryBatch;

describe("a long thread", () => {
  it("runs with the default window of 40 messages plus a batch of 20", () => {
    expect(config.contextWindow).toBe(40);
    expect(cap).toBe(60);
  });

  it("keeps the model context bounded and folds what leaves it into the running summary", async () => {
    const threadId = uniqueThread("long");
    await seedThread(threadId, SEEDED);

    const before = await modelContext(threadId);
    expect(before.messageCount).toBe(SEEDED);
    expect(before.summary).toBe("");
    expect(before.positions).toHaveLength(cap);
    expect(before.positions[0]).toBe(SEEDED - cap + 1);
    expect(before.positions[before.positions.length - 1]).toBe(SEEDED);

    // Before any summary exists, the early fact is out of the model's reach.
    const firstRecap = await say(threadId, "recap please");
    expect(firstRecap).toContain("There is no earlier summary yet.");
    expect(firstRecap).not.toContain("Biscuit-7731");
    const userTurns = Number(/keep (\d+) of your messages/.exec(firstRecap)?.[1]);
    expect(userTurns).toBeGreaterThan(0);
    expect(userTurns).toBeLessThanOrEqual(Math.ceil(cap / 2));

    const afterFirst = await modelContext(threadId);
    expect(afterFirst.messageCount).toBe(SEEDED + 2);
    expect(afterFirst.summaryThrough).toBeGreaterThan(0);
    expect(afterFirst.summary).toContain(`user: ${EARLY_FACT}`);
    expect(afterFirst.positions.length).toBeLessThanOrEqual(cap);
    expect(Math.min(...afterFirst.positions)).toBeGreaterThan(afterFirst.summaryThrough);
    expect(Math.max(...afterFirst.positions)).toBe(SEEDED + 2);

    const secondRecap = await say(threadId, "can you recap what we discussed?");
    expect(secondRecap).toContain("Earlier in this thread:");
    expect(secondRecap).toContain(EARLY_FACT);

    const afterSecond = await modelContext(threadId);
    expect(afterSecond.summaryThrough).toBeGreaterThan(afterFirst.summaryThrough);
    expect(afterSecond.positions.length).toBeLessThanOrEqual(cap);
    expect(Math.min(...afterSecond.positions)).toBeGreaterThan(afterSecond.summaryThrough);
  });

  it("catches up until summary and context cover the thread with no gap and no overlap", async () => {
    const threadId = uniqueThread("catchup");
    await seedThread(threadId, SEEDED);

    // Each turn folds at most one double batch, so a long imported history takes a few turns.
    let view = await modelContext(threadId);
    const throughs = [view.summaryThrough];
    for (let turn = 1; turn <= 12 && view.messageCount - view.summaryThrough > cap; turn++) {
      await say(threadId, `turn ${turn}: hello`);
      view = await modelContext(threadId);
      throughs.push(view.summaryThrough);
      expect(view.positions.length).toBeLessThanOrEqual(cap);
    }
    for (let index = 1; index < throughs.length; index++) expect(throughs[index]).toBeGreaterThan(throughs[index - 1]!);

    expect(view.messageCount - view.summaryThrough).toBeLessThanOrEqual(cap);
    expect(view.positions[0]).toBe(view.summaryThrough + 1);
    expect(view.positions[view.positions.length - 1]).toBe(view.messageCount);
    expect(view.positions).toHaveLength(view.messageCount - view.summaryThrough);
    expect(view.positions.length).toBeGreaterThanOrEqual(config.contextWindow);
    // The extractive summary keeps its newest lines within a fixed budget.
    expect(view.summary.length).toBeLessThanOrEqual(MAX_SUMMARY_CHARS);
    expect(view.summary.endsWith(`\n${view.lastSummarisedLine}`)).toBe(true);
  });

  it("still pages through the whole transcript with before and limit", async () => {
    const threadId = uniqueThread("pages");
    await seedThread(threadId, SEEDED);
    await say(threadId, "hello again");
    const total = SEEDED + 2;

    const pages: Array<{ positions: number[]; ids: string[]; nextBefore: number | null }> = [];
    let before: number | null | undefined;
    do {
      const query = before === undefined ? "limit=45" : `limit=45&before=${before}`;
      const response = await call(`/internal/thread/${threadId}/messages?${query}`, { headers: headers("alice") });
      expect(response.status).toBe(200);
      const page = await response.json<{ messages: Array<{ id: string; position: number }>; nextBefore: number | null }>();
      pages.push({ positions: page.messages.map((m) => m.position), ids: page.messages.map((m) => m.id), nextBefore: page.nextBefore });
      before = page.nextBefore;
    } while (before !== null && pages.length < 20);

    expect(pages).toHaveLength(Math.ceil(total / 45));
    for (const page of pages) {
      expect(page.positions.length).toBeGreaterThan(0);
      expect(page.positions.length).toBeLessThanOrEqual(45);
      expect(page.positions).toEqual([...page.positions].sort((a, b) => a - b));
    }
    expect(pages[0]!.positions[pages[0]!.positions.length - 1]).toBe(total);
    expect(pages[pages.length - 1]!.nextBefore).toBeNull();
    for (const page of pages.slice(0, -1)) expect(page.nextBefore).toBe(page.positions[0]);

    const positions = pages.reverse().flatMap((page) => page.positions);
    expect(positions).toEqual(Array.from({ length: total }, (_, index) => index + 1));
    const ids = pages.flatMap((page) => page.ids);
    expect(new Set(ids).size).toBe(total);
    expect(ids.slice(0, SEEDED)).toEqual(Array.from({ length: SEEDED }, (_, index) => `seed-${index + 1}`));
  });
});
