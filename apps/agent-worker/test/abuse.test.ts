import { env, runInDurableObject } from "cloudflare:test";
import type { ErrorCode } from "@oa/protocol";
import { expectedRefusal } from "@oa/test-kit";
import { getAgentByName } from "agents";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ThreadAgent } from "../src/agents/thread-agent.ts";
import type { UserAgent } from "../src/agents/user-agent.ts";
import type { AgentWorkerEnv } from "../src/config.ts";
import { type Case, caseArb, ENDPOINTS, fixture, OTHER, OWNER, requestFor } from "./abuse-cases.ts";
import { call, headers, postChat, readAnswer } from "./helpers.ts";

// The abuse suite: property-based fuzzing of every internal endpoint (fast-check, 1,000 cases
// each). Whatever arrives, the answer is never a 5xx, and a 4xx changes nothing anywhere: not
// the threads' storage, not the D1 index, not the users' feeds and inboxes.

// 400 cases per endpoint in `npm test` (the suite's time is bounded by CI's budget); ABUSE_RUNS=5000 for a deeper run.
const RUNS = Number((env as unknown as { ABUSE_RUNS: string }).ABUSE_RUNS);

const TABLES = ["thread_meta", "messages", "events", "runs", "approvals", "receipts", "jobs", "schedules", "summaries"];

async function threadState(threadId: string): Promise<unknown> {
  const stub = await getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId);
  return runInDurableObject(stub, async (_agent, state) => {
    const sql = state.storage.sql;
    const known = new Set(
      sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
        .toArray()
        .map((row) => row.name),
    );
    const out: Record<string, unknown> = {};
    for (const table of TABLES) if (known.has(table)) out[table] = sql.exec(`SELECT * FROM ${table} ORDER BY rowid`).toArray();
    return out;
  });
}

async function userState(userId: string): Promise<unknown> {
  const stub = await getAgentByName<AgentWorkerEnv, UserAgent>(env.USER_AGENT, userId);
  return runInDurableObject(stub, async (_agent, state) => ({
    feed: state.storage.sql.exec("SELECT MAX(seq) AS seq, COUNT(*) AS n FROM feed").one(),
    inbox: state.storage.sql.exec("SELECT id, status FROM inbox ORDER BY id").toArray(),
  }));
}

/** Everything a request could have changed. */
async function snapshot(): Promise<string> {
  const { results } = await env.DB.prepare("SELECT * FROM threads WHERE user_id IN (?, ?) ORDER BY id").bind(OWNER, OTHER).all();
  return JSON.stringify({
    d1: results,
    threads: [await threadState(fixture.thread), await threadState(fixture.otherThread)],
    users: [await userState(OWNER), await userState(OTHER)],
  });
}

async function settle(): Promise<void> {
  // Index and feed writes run after the response (waitUntil): wait until two snapshots in a row agree.
  let previous = "";
  await vi.waitFor(
    async () => {
      const current = await snapshot();
      const settled = current === previous;
      previous = current;
      expect(settled, "the state is still changing").toBe(true);
    },
    { timeout: 5_000, interval: 20 },
  );
}

/**
 * The refusals the agent worker may answer. Every 4xx answer is checked on its own, its status and its code
 * together, against the test kit's REFUSAL_STATUS.
 */
const AGENT_REFUSALS = new Set<string>([
  "unauthorized",
  "missing_user_id",
  "invalid_user_id",
  "invalid_json",
  "invalid_request",
  "invalid_thread_id",
  "body_too_large",
  "message_too_long",
  "unsupported_file_part",
  "thread_not_found",
  "message_not_found",
  "attachment_not_found",
  "attachment_too_large",
  "unsupported_attachment",
  "attachment_in_use",
  "not_found",
  "method_not_allowed",
  "run_active",
  "approval_not_found",
  "approval_already_resolved",
  "approval_expired",
  "approval_mismatch",
  "conflict",
  "quota_exceeded",
]);

/** Per endpoint, how often each answer came (a status, and a refusal's code): reported after the suite. */
const tally: Array<{ endpoint: string; cases: number; answers: Record<string, number> }> = [];
afterAll(() => {
  if (tally.length === 0) return;
  const rows = tally.map(
    (row) =>
      `| ${row.endpoint} | ${row.cases} | ${Object.entries(row.answers)
        .map(([answer, n]) => `${answer} ×${n}`)
        .join(", ")} |`,
  );
  console.log(["", "| endpoint | cases | answers |", "|---|---|---|", ...rows].join("\n"));
});

// ── arbitraries ─────────────────────────────────────────────────────────────────────────────────

describe("abuse suite: fuzzing every internal endpoint", () => {
  beforeAll(async () => {
    const created = await call("/internal/threads", {
      method: "POST",
      headers: headers(OWNER),
      body: JSON.stringify({ title: "fuzz target" }),
    });
    fixture.thread = ((await created.json()) as { threadId: string }).threadId;
    await readAnswer(await postChat(OWNER, { threadId: fixture.thread, input: "hello" }));
    await readAnswer(await postChat(OWNER, { threadId: fixture.thread, input: "check again in 10 minutes" }));
    await readAnswer(await postChat(OWNER, { threadId: fixture.thread, input: "restart my OpenClaw" }));
    const approvals = (await (
      await call(`/internal/thread/${fixture.thread}/approvals?status=pending`, { headers: headers(OWNER) })
    ).json()) as {
      approvals: Array<{ id: string }>;
    };
    fixture.approval = approvals.approvals[0]!.id;
    const other = await call("/internal/threads", {
      method: "POST",
      headers: headers(OTHER),
      body: JSON.stringify({ title: "other's thread" }),
    });
    fixture.otherThread = ((await other.json()) as { threadId: string }).threadId;
    await readAnswer(await postChat(OTHER, { threadId: fixture.otherThread, input: "hello" }));
    await settle();
  }, 120_000);

  for (const endpoint of ENDPOINTS) {
    const name = `${endpoint.method} ${endpoint.path({ thread: ":threadId", extra: ":id" } as Case).replace(/%3A/g, ":")}`;
    it(`${name}: never a 5xx; a 4xx changes nothing`, async () => {
      const answers: Record<string, number> = {};
      let before = await snapshot();
      await fc.assert(
        fc.asyncProperty(caseArb(endpoint.shapes ?? [{}], endpoint.bodies), async (c) => {
          fc.pre(!endpoint.skip?.(c));
          const { path, init } = requestFor(endpoint, c);
          const response = await call(path, init);
          const label = `${name} ${JSON.stringify(c).slice(0, 400)}`;
          expect(response.status, label).toBeLessThan(500);
          if (endpoint.mustRefuse) expect(response.status, label).toBeGreaterThanOrEqual(400);
          if (response.status >= 400) {
            const body = (await response.json()) as { ok: boolean; error: { code: ErrorCode; message: string } };
            expect(body.ok, label).toBe(false);
            expect(typeof body.error.code, label).toBe("string");
            expect(typeof body.error.message, label).toBe("string");
            // This refusal on its own: its status is the one its code stands for.
            const refusal = { status: response.status, code: body.error.code };
            expect(refusal, label).toEqual(expectedRefusal(refusal.code, AGENT_REFUSALS));
            answers[`${refusal.status} ${refusal.code}`] = (answers[`${refusal.status} ${refusal.code}`] ?? 0) + 1;
            const after = await snapshot();
            expect(after, `${name}: a ${response.status} changed state`).toBe(before);
          } else {
            answers[response.status] = (answers[response.status] ?? 0) + 1;
            // A request that was accepted may change state: drain it, let it settle, go on from there.
            if (response.headers.get("content-type")?.includes("text/event-stream") && endpoint.path(c).includes("/internal/chat"))
              await response.text();
            else await response.body?.cancel();
            await settle();
            before = await snapshot();
          }
        }),
        { numRuns: endpoint.runs ?? RUNS },
      );
      tally.push({ endpoint: name, cases: endpoint.runs ?? RUNS, answers });
      expect(Object.values(answers).reduce((a, b) => a + b, 0)).toBe(endpoint.runs ?? RUNS);
    }, 600_000);
  }

  it("quota flood: 60 concurrent feed opens stop exactly at QUOTA_EVENT_FEEDS (20); the 429s change nothing", async () => {
    const flooder = "fuzz-flooder";
    const created = await call("/internal/threads", { method: "POST", headers: headers(flooder), body: "{}" });
    const threadId = ((await created.json()) as { threadId: string }).threadId;
    await settle();
    const before = await snapshot();
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        call(i % 3 === 0 ? "/internal/user/events" : `/internal/thread/${threadId}/events`, { headers: headers(flooder) }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(20);
    expect(statuses.filter((status) => status === 429)).toHaveLength(40);
    for (const response of responses.filter((r) => r.status === 429)) {
      expect(((await response.json()) as { error: { code: string; details: unknown } }).error).toMatchObject({
        code: "quota_exceeded",
        details: { quota: "event_feeds", limit: 20, current: 20 },
      });
    }
    expect(await snapshot()).toBe(before);
    const user = await getAgentByName<AgentWorkerEnv, UserAgent>(env.USER_AGENT, flooder);
    expect(await user.leasesInUse("feed")).toBe(20);
    await Promise.all(responses.filter((r) => r.status === 200).map((response) => response.body!.cancel()));
    // The runtime notices a gone reader on its next write: a rename reaches both kinds of feed.
    await call(`/internal/threads/${threadId}`, {
      method: "PATCH",
      headers: headers(flooder),
      body: JSON.stringify({ title: "flood over" }),
    });
    await vi.waitFor(async () => expect(await user.leasesInUse("feed")).toBe(0), { timeout: 10_000 });
  });
});
