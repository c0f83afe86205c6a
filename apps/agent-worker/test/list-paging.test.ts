import { env, runInDurableObject } from "cloudflare:test";
import { getAgentByName } from "agents";
import { describe, expect, it } from "vitest";
import type { ThreadAgent } from "../src/agents/thread-agent.ts";
import type { AgentWorkerEnv } from "../src/config.ts";
import { JobStore } from "../src/storage/job-store.ts";
import { ReceiptStore } from "../src/storage/receipt-store.ts";
import { ScheduleStore } from "../src/storage/schedule-store.ts";
import { callJson, uniqueThread } from "./helpers.ts";

/** A thread with 150 schedules, jobs and receipts, several sharing a timestamp (ties page by id). */
async function crowdedThread(userId: string): Promise<string> {
  const created = await callJson("/internal/threads", userId, { method: "POST", body: "{}" });
  const threadId = created.body.threadId as string;
  const stub = await getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId);
  await runInDurableObject(stub, (_agent: ThreadAgent, state) => {
    const schedules = new ScheduleStore(state.storage.sql);
    const jobs = new JobStore(state.storage.sql);
    const receipts = new ReceiptStore(state.storage.sql);
    for (let i = 0; i < 150; i++) {
      const at = 1_000_000 + Math.floor(i / 3);
      schedules.create(
        {
          id: `sched_${i}`,
          kind: "cron",
          prompt: "check",
          cron: "0 * * * *",
          timezone: "UTC",
          nextRunAt: at + 3_600_000,
          toolCallId: null,
        },
        at,
      );
      jobs.create(
        {
          id: `job_${i}`,
          kind: "watch_status",
          input: {},
          idempotencyKey: `key_${i}`,
          runId: null,
          maxAttempts: 3,
          deadlineAt: at + 60_000,
        },
        at,
      );
      receipts.start({ toolCallId: `call_${i}`, runId: "run_x", tool: "get_status", args: {}, approvalId: null, decidedBy: null }, at);
    }
  });
  return threadId;
}

async function everyPage(path: string, userId: string, field: string, limit?: number): Promise<{ pages: number[]; ids: string[] }> {
  const pages: number[] = [];
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ ...(limit ? { limit: String(limit) } : {}), ...(cursor ? { cursor } : {}) });
    const { status, body } = await callJson(`${path}${params.size ? `?${params}` : ""}`, userId);
    expect(status).toBe(200);
    pages.push(body[field].length);
    ids.push(...body[field].map((item: any) => item.id ?? item.toolCallId));
    cursor = body.nextCursor;
  } while (cursor);
  return { pages, ids };
}

describe("thread lists page past their first page", () => {
  it("schedules, jobs and receipts: the first page is what it always was, nextCursor walks the rest once each", async () => {
    const user = uniqueThread("pager");
    const threadId = await crowdedThread(user);
    for (const [list, field, first] of [
      ["schedules", "schedules", 100],
      ["jobs", "jobs", 100],
      ["receipts", "receipts", 150],
    ] as const) {
      const all = await everyPage(`/internal/thread/${threadId}/${list}`, user, field);
      expect(all.pages[0], list).toBe(first);
      expect(all.ids, list).toHaveLength(150);
      expect(new Set(all.ids).size, list).toBe(150);
      const small = await everyPage(`/internal/thread/${threadId}/${list}`, user, field, 40);
      expect(small.pages, list).toEqual([40, 40, 40, 30]);
      expect(small.ids, list).toEqual(all.ids);
    }
  });

  it("refuses a bad limit or cursor with 400 and another user's list with 404", async () => {
    const user = uniqueThread("pager-bad");
    const threadId = await crowdedThread(user);
    for (const query of ["limit=0", "limit=201", "limit=abc", "cursor=not-a-cursor"]) {
      const { status, body } = await callJson(`/internal/thread/${threadId}/approvals?${query}`, user);
      expect(status, query).toBe(400);
      expect(body.error.code).toBe("invalid_request");
    }
    expect((await callJson(`/internal/thread/${threadId}/schedules?limit=5`, "someone-else")).status).toBe(404);
  });
});
