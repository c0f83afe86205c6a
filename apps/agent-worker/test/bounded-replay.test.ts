import { env, runInDurableObject } from "cloudflare:test";
import { readFramesUntil } from "@oa/test-kit";
import { getAgentByName } from "agents";
import { describe, expect, it, vi } from "vitest";
import type { ThreadAgent } from "../src/agents/thread-agent.ts";
import type { AgentWorkerEnv } from "../src/config.ts";
import { REPLAY_PAGE } from "../src/http/event-feed.ts";
import { HIGH_WATER_BYTES, MAX_QUEUED_BYTES, slowReaderStats } from "../src/http/slow-reader.ts";
import { call, callJson, headers, uniqueThread } from "./helpers.ts";

const PAYLOAD = "x".repeat(1000);

async function createThread(userId: string): Promise<string> {
  const created = await callJson("/internal/threads", userId, { method: "POST", body: JSON.stringify({}) });
  expect(created.status).toBe(201);
  return created.body.threadId;
}

/** Appends `count` ~1 KB events to the thread's log, committed and published like any others. */
async function appendEvents(threadId: string, count: number): Promise<number> {
  const stub = await getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId);
  let last = 0;
  await runInDurableObject(stub, (instance: ThreadAgent) => {
    // The thread's own log and transaction, so feeds hear the events as they would in a run.
    const agent = instance as unknown as { commit<T>(fn: () => T): T; log: { append(event: object, now: number): { seq: number } } };
    agent.commit(() => {
      let seq = 0;
      for (let i = 0; i < count; i++) seq = agent.log.append({ type: "thread.titled", title: PAYLOAD }, Date.now()).seq;
      last = seq;
    });
  });
  return last;
}

function openFeed(userId: string, threadId: string, after = 0) {
  return call(`/internal/thread/${threadId}/events?after=${after}`, { headers: headers(userId) });
}

describe("bounded event replay", () => {
  it("replays a large log a page at a time: readers that never read hold about a page each", async () => {
    const user = uniqueThread("replay-owner");
    const threadId = await createThread(user);
    const last = await appendEvents(threadId, 3000); // ~3 MB of log
    const openBefore = slowReaderStats.open.size;
    const idle = await Promise.all(Array.from({ length: 15 }, () => openFeed(user, threadId)));
    for (const response of idle) expect(response.status).toBe(200);
    await vi.waitFor(() => expect(slowReaderStats.open.size - openBefore).toBe(15));
    // Give the streams time to fill whatever they are allowed to.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const perReader = slowReaderStats.maxQueuedNow();
    const total = slowReaderStats.totalQueuedNow();
    console.log(`15 idle readers of a ${last}-event log: at most ${perReader} bytes queued per reader, ${total} in all`);
    // A page of ~1 KB events past the high-water mark, far from the 3 MB the log holds.
    expect(perReader).toBeLessThan(HIGH_WATER_BYTES + REPLAY_PAGE * 1200);
    expect(total).toBeLessThan(15 * (HIGH_WATER_BYTES + REPLAY_PAGE * 1200));
    await Promise.all(idle.map((response) => response.body!.cancel()));
  });

  it("a reader from 0 gets every event exactly once, in order, across pages and the switch to live", async () => {
    const user = uniqueThread("replay-reader");
    const threadId = await createThread(user);
    await appendEvents(threadId, 1500);
    let final = 0;
    // Live events keep arriving while the replay is still paging through the log.
    const writer = (async () => {
      for (let i = 0; i < 20; i++) {
        final = await appendEvents(threadId, 25);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const frames = await readFramesUntil(
      await openFeed(user, threadId),
      (frame) => final > 0 && Number(frame.id) >= final && Number(frame.id) >= 2000,
    );
    await writer;
    const seqs = frames.map((frame) => Number(frame.id));
    expect(seqs.at(-1)).toBe(final);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // Every event of the log, none skipped: seqs run without a gap from the first.
    expect(seqs.at(-1)! - seqs[0]! + 1).toBe(seqs.length);
  });

  it("drops a live reader that stops reading once it is too far behind", async () => {
    const user = uniqueThread("replay-stalled");
    const threadId = await createThread(user);
    const last = await appendEvents(threadId, 10);
    const response = await openFeed(user, threadId);
    const reader = response.body!.getReader();
    // Read the replay, then stop reading.
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes(`id: ${last}\n`)) text += decoder.decode((await reader.read()).value);
    const droppedBefore = slowReaderStats.dropped;
    // Far more than the reader may fall behind, a bit at a time.
    const batches = Math.ceil((3 * MAX_QUEUED_BYTES) / (200 * 1050));
    for (let i = 0; i < batches && slowReaderStats.dropped === droppedBefore; i++) await appendEvents(threadId, 200);
    await vi.waitFor(() => expect(slowReaderStats.dropped).toBeGreaterThan(droppedBefore));
    console.log(`live non-reader dropped; largest backlog now ${slowReaderStats.maxQueuedNow()} bytes`);
    // Its stream ends in an error (an EventSource would reconnect with Last-Event-ID).
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return "ended";
      })(),
    ).rejects.toThrow();
  });
});
