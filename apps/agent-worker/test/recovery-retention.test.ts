import { env, runInDurableObject } from "cloudflare:test";
import { readFramesUntil } from "@oa/test-kit";
import { getAgentByName } from "agents";
import { describe, expect, it } from "vitest";
import type { ThreadAgent } from "../src/agents/thread-agent.ts";
import type { AgentWorkerEnv } from "../src/config.ts";
import { MAX_RUN_ATTEMPTS } from "../src/runs/run-engine.ts";
import { EventLog } from "../src/storage/event-log.ts";
import { ReceiptStore } from "../src/storage/receipt-store.ts";
import { RunStore } from "../src/storage/run-store.ts";
import { ThreadStore } from "../src/storage/thread-store.ts";
import { call, headers, postChat, readAnswer, textOf, uniqueThread, waitForRunStatus } from "./helpers.ts";

function thread(threadId: string) {
  return getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId);
}

/** Leaves the thread as a crash would: a user message stored and its run marked running. */
async function simulateCrashedRun(threadId: string, attempts: number): Promise<string> {
  let runId = "";
  await runInDurableObject(await thread(threadId), (_agent: ThreadAgent, state) => {
    const store = new ThreadStore(state.storage.sql);
    const runs = new RunStore(state.storage.sql);
    const now = Date.now();
    state.storage.transactionSync(() => {
      store.createMeta(threadId, "alice", now);
      store.appendMessage({ id: "u-crash", role: "user", parts: [{ type: "text", text: "hello after a crash" }] }, null, now);
      const run = runs.create(
        { id: "run-crashed", userMessageId: "u-crash", assistantMessageId: "msg-crashed", pendingMessage: null },
        now,
      );
      runs.setStatus(run.id, "running", now);
      for (let i = 0; i < attempts; i++) runs.countAttempt(run.id, now);
      runId = run.id;
    });
  });
  return runId;
}

async function eventTypes(threadId: string): Promise<string[]> {
  return runInDurableObject(await thread(threadId), (_agent: ThreadAgent, state) =>
    new EventLog(state.storage.sql).after(0, 10_000).map((event) => event.type),
  );
}

describe("recovery after a restart", () => {
  it("resumes a run that was running when the process died, and finishes it", async () => {
    const threadId = uniqueThread("recover");
    await simulateCrashedRun(threadId, 1);
    await runInDurableObject(await thread(threadId), (agent: ThreadAgent) => agent.onStart());
    await waitForRunStatus(threadId, null);
    const page = await (await call(`/internal/thread/${threadId}/messages`, { headers: headers("alice") })).json<any>();
    expect(page.messages.map((m: any) => m.id)).toEqual(["u-crash", "msg-crashed"]);
    expect(textOf(page.messages[1])).toMatch(/^Hello! I am the offline model/);
    const types = await eventTypes(threadId);
    expect(types).toContain("run.recovered");
    expect(types.filter((type) => type !== "thread.titled").at(-1)).toBe("run.finished");
  });

  it(`ends a run as failed, with a clear event, after ${MAX_RUN_ATTEMPTS} interrupted attempts`, async () => {
    const threadId = uniqueThread("exhausted");
    await simulateCrashedRun(threadId, MAX_RUN_ATTEMPTS);
    // What the last attempt left behind: a partial answer and a tool call in flight.
    await runInDurableObject(await thread(threadId), (_agent: ThreadAgent, state) => {
      const now = Date.now();
      new ThreadStore(state.storage.sql).appendMessage(
        {
          id: "msg-crashed",
          role: "assistant",
          parts: [{ type: "text", text: "partial" }],
          metadata: { runId: "run-crashed", status: "running" },
        },
        "run-crashed",
        now,
      );
      new ReceiptStore(state.storage.sql).start(
        { toolCallId: "call-inflight", runId: "run-crashed", tool: "backup_now", args: {}, approvalId: null, decidedBy: null },
        now,
      );
    });
    await runInDurableObject(await thread(threadId), (agent: ThreadAgent) => agent.onStart());
    const summary = await waitForRunStatus(threadId, null);
    expect(summary.activeRun).toBeNull();
    const page = await (await call(`/internal/thread/${threadId}/messages`, { headers: headers("alice") })).json<any>();
    expect(page.messages.at(-1)).toMatchObject({ id: "msg-crashed", metadata: { status: "failed" } });
    const receipts = await (await call(`/internal/thread/${threadId}/receipts`, { headers: headers("alice") })).json<any>();
    expect(receipts.receipts[0]).toMatchObject({ toolCallId: "call-inflight", status: "unknown" });
    const events = await runInDurableObject(await thread(threadId), (_agent: ThreadAgent, state) =>
      new EventLog(state.storage.sql).after(0, 100),
    );
    const failed = events.find((event) => event.type === "run.failed");
    expect(failed).toMatchObject({ runId: "run-crashed", error: { code: "recovery_exhausted" } });
  });
});

describe("retention", () => {
  it("compacts a finished run's chunk events, keeps its boundaries, and answers a stale reader with a snapshot", async () => {
    const threadId = uniqueThread("retain");
    const answer = await readAnswer(await postChat("alice", { threadId, input: "hello" }));
    const before = await eventTypes(threadId);
    expect(before).toContain("ui.chunks");

    const removed = await runInDurableObject(await thread(threadId), (agent: ThreadAgent, state) => {
      const runId = new RunStore(state.storage.sql).byUserMessage(
        new ThreadStore(state.storage.sql).pageMessages(undefined, 10)[0]!.id,
      )!.id;
      return agent.compactRun({ runId });
    });
    expect(removed).toBeGreaterThan(0);
    const after = await eventTypes(threadId);
    expect(after).not.toContain("ui.chunks");
    expect(after).toEqual(before.filter((type) => type !== "ui.chunks"));

    // The stored message is the durable record.
    const page = await (await call(`/internal/thread/${threadId}/messages`, { headers: headers("alice") })).json<any>();
    expect(textOf(page.messages[1])).toBe(textOf(answer));

    // A reader positioned before the compacted range gets a snapshot, never a silent gap.
    const stale = await readFramesUntil(
      await call(`/internal/thread/${threadId}/events?after=1`, { headers: headers("alice") }),
      () => true,
    );
    expect(JSON.parse(stale[0]!.data)).toMatchObject({ type: "snapshot", reason: "compacted", messageCount: 2, activeRun: null });
    // A reader from the start (nothing seen yet) also cannot get the removed events silently.
    const fresh = await readFramesUntil(await call(`/internal/thread/${threadId}/events`, { headers: headers("alice") }), () => true);
    expect(JSON.parse(fresh[0]!.data).type).toBe("snapshot");
  });

  it("schedules compaction after the grace period when a run finishes", async () => {
    const threadId = uniqueThread("grace");
    await readAnswer(await postChat("alice", { threadId, input: "hello" }));
    const schedules = await runInDurableObject(await thread(threadId), (agent: ThreadAgent) => agent.getSchedules());
    const compaction = schedules.find((schedule) => schedule.callback === "compactRun");
    expect(compaction).toBeDefined();
    expect(compaction!.type).toBe("delayed");
    expect(compaction!.payload).toMatchObject({ runId: expect.stringMatching(/^run_/) });
  });
});
