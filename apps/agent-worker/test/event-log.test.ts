import { env, runInDurableObject } from "cloudflare:test";
import type { StoredThreadEvent } from "@oa/protocol";
import { getAgentByName } from "agents";
import type { UIMessage, UIMessageChunk } from "ai";
import { describe, expect, it } from "vitest";
import type { ThreadAgent } from "../src/agents/thread-agent.ts";
import type { AgentWorkerEnv } from "../src/config.ts";
import { EventLog } from "../src/storage/event-log.ts";
import { ThreadStore } from "../src/storage/thread-store.ts";
import { postChat, readAnswer, rebuildMessage, textOf, uniqueThread, userMessage } from "./helpers.ts";

function thread(threadId: string) {
  return getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId);
}

async function eventsOf(threadId: string): Promise<StoredThreadEvent[]> {
  return runInDurableObject(await thread(threadId), (_agent: ThreadAgent, state) => new EventLog(state.storage.sql).after(0, 1000));
}

/**
 * Rows a thread holds, with events split by type and the UI chunks they carry, plus the
 * messages written in the last ten minutes (seeded history is an hour old).
 */
type Footprint = { messages: number; recentlyWrittenMessages: number; runs: number; events: Record<string, number>; loggedChunks: number };

const SEED_AGE_MS = 60 * 60 * 1000;

async function footprint(threadId: string): Promise<Footprint> {
  return runInDurableObject(await thread(threadId), (_agent: ThreadAgent, state) => {
    const sql = state.storage.sql;
    const count = (table: string) => sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n;
    const events: Record<string, number> = {};
    for (const row of sql.exec<{ type: string; n: number }>("SELECT type, COUNT(*) AS n FROM events GROUP BY type").toArray()) {
      events[row.type] = row.n;
    }
    const loggedChunks = sql
      .exec<{ n: number | null }>("SELECT SUM(json_array_length(data, '$.chunks')) AS n FROM events WHERE type = 'ui.chunks'")
      .one().n;
    const recentlyWrittenMessages = sql
      .exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages WHERE updated_at > ?", Date.now() - SEED_AGE_MS / 6)
      .one().n;
    return { messages: count("messages"), recentlyWrittenMessages, runs: count("runs"), events, loggedChunks: loggedChunks ?? 0 };
  });
}

function added(before: Footprint, after: Footprint): Footprint {
  const events: Record<string, number> = {};
  for (const type of new Set([...Object.keys(before.events), ...Object.keys(after.events)])) {
    const delta = (after.events[type] ?? 0) - (before.events[type] ?? 0);
    if (delta !== 0) events[type] = delta;
  }
  return {
    messages: after.messages - before.messages,
    recentlyWrittenMessages: after.recentlyWrittenMessages - before.recentlyWrittenMessages,
    runs: after.runs - before.runs,
    events,
    loggedChunks: after.loggedChunks - before.loggedChunks,
  };
}

async function seedThread(threadId: string, count: number): Promise<void> {
  await runInDurableObject(await thread(threadId), (_agent: ThreadAgent, state) => {
    const store = new ThreadStore(state.storage.sql);
    const now = Date.now() - SEED_AGE_MS;
    state.storage.transactionSync(() => {
      store.createMeta(threadId, "alice", now);
      for (let position = 1; position <= count; position++) {
        const role = position % 2 === 1 ? "user" : "assistant";
        store.appendMessage({ id: `seed-${position}`, role, parts: [{ type: "text", text: `seeded message ${position}` }] }, null, now);
      }
    });
  });
}

async function turn(threadId: string, id: string, text: string): Promise<UIMessage> {
  const response = await postChat("alice", { id: threadId, trigger: "submit-message", messages: [userMessage(id, text)] });
  expect(response.status).toBe(200);
  return readAnswer(response);
}

describe("the thread's event log", () => {
  it("records one turn as ordered events with strictly increasing seq", async () => {
    const threadId = uniqueThread("log");
    const answer = await turn(threadId, "u-log-1", "hello");
    const events = await eventsOf(threadId);

    const seqs = events.map((event) => event.seq);
    for (let index = 1; index < seqs.length; index++) expect(seqs[index]).toBeGreaterThan(seqs[index - 1]!);

    // The thread's title (once, after its first exchange) is an event of its own; the turn is the rest.
    const titled = events.filter((event) => event.type === "thread.titled");
    expect(titled).toHaveLength(1);
    expect(titled[0]!.seq).toBe(seqs[seqs.length - 1]);
    events.splice(events.indexOf(titled[0]!), 1);
    const types = events.map((event) => event.type);
    const chunkEvents = events.filter((event) => event.type === "ui.chunks");
    expect(chunkEvents.length).toBeGreaterThanOrEqual(1);
    // The user message joins the transcript when its run starts (so queued turns keep their order).
    expect(types).toEqual([
      "run.status",
      "message.stored",
      "run.started",
      ...chunkEvents.map(() => "ui.chunks"),
      "message.stored",
      "run.finished",
    ]);

    const [queued, userStored, started] = events as [StoredThreadEvent, StoredThreadEvent, StoredThreadEvent];
    const assistantStored = events[events.length - 2]!;
    const finished = events[events.length - 1]!;
    expect(userStored).toMatchObject({ type: "message.stored", role: "user", messageId: "u-log-1" });
    expect(queued).toMatchObject({ type: "run.status", status: "queued" });
    const runId = (queued as { runId: string }).runId;
    expect(started).toMatchObject({ type: "run.started", runId, messageId: answer.id });
    expect(assistantStored).toMatchObject({ type: "message.stored", role: "assistant", runId, messageId: answer.id });
    expect(finished).toMatchObject({ type: "run.finished", runId, messageId: answer.id });
    expect(userStored).toMatchObject({ runId });
    for (const event of chunkEvents) expect(event).toMatchObject({ runId, messageId: answer.id });

    // The logged chunks alone rebuild the answer the client streamed.
    const logged = chunkEvents.flatMap((event) => (event.type === "ui.chunks" ? (event.chunks as UIMessageChunk[]) : []));
    const rebuilt = await rebuildMessage(logged);
    expect(rebuilt.id).toBe(answer.id);
    expect(textOf(rebuilt)).toBe(textOf(answer));
    expect(textOf(answer)).toContain("offline model");
  });

  it("continues the same sequence on the next turn", async () => {
    const threadId = uniqueThread("log2");
    await turn(threadId, "u-a", "hello");
    const firstTurn = await eventsOf(threadId);
    await turn(threadId, "u-b", "hello again");
    const both = await eventsOf(threadId);
    expect(both.slice(0, firstTurn.length)).toEqual(firstTurn);
    const second = both.slice(firstTurn.length);
    expect(second.map((event) => event.type).slice(0, 3)).toEqual(["run.status", "message.stored", "run.started"]);
    expect(second[1]).toMatchObject({ type: "message.stored", role: "user", messageId: "u-b" });
    expect(second[0]!.seq).toBe(firstTurn[firstTurn.length - 1]!.seq + 1);
    expect(second.filter((event) => event.type !== "thread.titled").at(-1)!.type).toBe("run.finished");
  });

  it("writes as many rows for a turn on a 1,000-message thread as on an empty one", async () => {
    const empty = uniqueThread("empty");
    const long = uniqueThread("long");
    await seedThread(long, 1000);

    const emptyBefore = await footprint(empty);
    const longBefore = await footprint(long);
    expect(emptyBefore).toEqual({ messages: 0, recentlyWrittenMessages: 0, runs: 0, events: {}, loggedChunks: 0 });
    expect(longBefore).toEqual({ messages: 1000, recentlyWrittenMessages: 0, runs: 0, events: {}, loggedChunks: 0 });

    // Same question, so the same answer: only the history differs.
    const emptyAnswer = await turn(empty, "u-same-1", "hello");
    const longAnswer = await turn(long, "u-same-2", "hello");
    expect(textOf(longAnswer)).toBe(textOf(emptyAnswer));

    const byEmpty = added(emptyBefore, await footprint(empty));
    const byLong = added(longBefore, await footprint(long));
    // How many ui.chunks rows the stream is coalesced into depends on timing (one write per
    // 50 ms window), not on history; everything else, and the chunks they carry, must match.
    const chunkRows = { empty: byEmpty.events["ui.chunks"] ?? 0, long: byLong.events["ui.chunks"] ?? 0 };
    delete byEmpty.events["ui.chunks"];
    delete byLong.events["ui.chunks"];
    // A thread is titled once, after its first exchange, a moment after the turn: not part of it.
    delete byEmpty.events["thread.titled"];
    delete byLong.events["thread.titled"];
    expect(byEmpty).toEqual({
      messages: 2,
      recentlyWrittenMessages: 2,
      runs: 1,
      events: { "run.status": 1, "message.stored": 2, "run.started": 1, "run.finished": 1 },
      loggedChunks: byEmpty.loggedChunks,
    });
    expect(byEmpty.loggedChunks).toBeGreaterThan(10);
    expect(byLong).toEqual(byEmpty);
    for (const rows of [chunkRows.empty, chunkRows.long]) {
      expect(rows).toBeGreaterThanOrEqual(1);
      expect(rows).toBeLessThan(byEmpty.loggedChunks);
    }
  });
});
