import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { retryDelayMs } from "../../apps/agent-worker/src/jobs/backoff.ts";
import { DEFAULT_READ_RETRIES } from "../../apps/agent-worker/src/openclaw/client.ts";
import {
  type FaultInput,
  type LoggedRequest,
  openclawControl,
  readAnswer,
  type System,
  sseChunks,
  startSystem,
  type ThreadApi,
  textOf,
  threadApi,
  toolParts,
  waitFor,
  waitForJobReport,
} from "./harness.ts";

// openclaw-local misbehaving (faults injected through its control surface): the agent's run
// always completes with a readable answer and a receipt. Reads are retried by the client. Writes
// that are background jobs (backup_now, restart) are retried by their job with the same
// Idempotency-Key when the fault is transient, end when it is permanent, and a restart is never
// sent twice; the job's end is posted to the thread.

const TIMEOUT_MS = 1500;
/** The client's read retries: one call and its retries. */
const READ_ATTEMPTS = 1 + DEFAULT_READ_RETRIES;
/** The job runner's first backoff: its note says "Retrying in 2 s". */
const FIRST_RETRY_MS = retryDelayMs(1);

let system: System;
beforeAll(async () => {
  system = await startSystem({ agentVars: { OPENCLAW_TIMEOUT_MS: String(TIMEOUT_MS), JOB_POLL_MS: "300" } });
});
afterAll(async () => {
  await system?.stop();
});

async function freshUser(name: string) {
  const user = `${name}-${randomBytes(4).toString("hex")}`;
  const control = openclawControl(system.openclaw, user);
  await control.seed({ instance: { status: "ready" }, balance_usd: 12.5 });
  return { user, control, thread: threadApi(system.agent, user, `thread-${user}`) };
}

/** One turn; the run must complete normally (no failed run) whatever the tool did. */
async function chatCompletes(thread: ThreadApi, input: string) {
  const answer = await readAnswer(await thread.send(input));
  await thread.waitForRun(null);
  const [, stored] = await thread.messages();
  expect(stored!.id).toBe(answer.id);
  expect(stored!.metadata).toMatchObject({ status: "completed" });
  const events = await thread.events();
  expect(events.filter((event) => event.type === "run.failed")).toEqual([]);
  expect(events.filter((event) => event.type === "run.finished" && event.runId === stored!.metadata!.runId)).toHaveLength(1);
  return { answer, parts: toolParts(stored!), text: textOf(stored!) };
}

const billingRequests = (log: LoggedRequest[]) => log.filter((request) => request.path === "/api/openclaw/billing/summary");
const backups = (log: LoggedRequest[]) => log.filter((request) => request.path === "/api/openclaw/runtime/backup");
/** Milliseconds between consecutive requests as openclaw-local received them. */
const gaps = (log: LoggedRequest[]) => log.slice(1).map((request, index) => Date.parse(request.at) - Date.parse(log[index]!.at));
/** What the job's lines in the thread's log say. */
async function jobLog(thread: ThreadApi, jobId: string) {
  return (await thread.events()).filter((event) => event.type === "job.log" && event.jobId === jobId).map((event) => event.message);
}

describe("a failing read is retried, then reported as a tool error; the run completes", () => {
  const cases: Array<{ name: string; fault: FaultInput; error: string; logged: string }> = [
    {
      name: "500 with the JSON envelope",
      fault: { method: "GET", path: "/openclaw/billing", kind: "500", message: "billing is on fire" },
      error: "get_billing_summary failed: billing is on fire (HTTP 500)",
      logged: "before:500",
    },
    {
      name: "non-JSON 500 (production when an upstream fetch throws)",
      fault: { method: "GET", path: "/openclaw/billing", kind: "non-json-500", message: "error code: 1101" },
      error: "get_billing_summary failed: OpenClaw API answered HTTP 500 without JSON: error code: 1101 (HTTP 500)",
      logged: "before:non-json-500",
    },
    {
      name: "a delay beyond the agent's OpenClaw timeout",
      fault: { method: "GET", path: "/openclaw/billing", kind: "delay", ms: 4000 },
      error: `get_billing_summary failed: The OpenClaw API did not answer within ${TIMEOUT_MS} ms.`,
      logged: "before:delay",
    },
    {
      name: "a dropped request",
      fault: { method: "GET", path: "/openclaw/billing", kind: "drop", ms: 4000 },
      error: `get_billing_summary failed: The OpenClaw API did not answer within ${TIMEOUT_MS} ms.`,
      logged: "before:drop",
    },
  ];

  it.each(cases)("$name", async ({ fault, error, logged }) => {
    const { thread, control } = await freshUser("read-fault");
    await control.addFault(fault);
    const startedAt = Date.now();
    const { parts, text } = await chatCompletes(thread, "what's my balance");
    const took = Date.now() - startedAt;

    // The tool's error, as the model and the UI both see it.
    expect(parts).toMatchObject([{ type: "tool-get_billing_summary", state: "output-error", errorText: `Error: ${error}` }]);
    expect(text).toContain(error.replace(/^get_billing_summary failed: /, ""));
    expect(text).toMatch(/^I couldn't read your balance\. .* Nothing was changed\.$/);
    const receipt = (await thread.receipts())[0];
    expect(receipt).toMatchObject({
      tool: "get_billing_summary",
      toolCallId: parts[0]!.toolCallId,
      status: "failed",
      resultSummary: error,
      attempts: 1,
    });

    const requests = billingRequests(await control.requests());
    expect(requests).toHaveLength(READ_ATTEMPTS);
    for (const request of requests) expect(request).toMatchObject({ method: "GET", fault: logged, idempotencyKey: null });
    // The client backs off between attempts (200 ms, then 600 ms).
    const [first, second] = gaps(requests);
    expect(first).toBeGreaterThanOrEqual(200);
    expect(second).toBeGreaterThanOrEqual(600);
    if (fault.kind === "delay" || fault.kind === "drop") expect(took).toBeGreaterThanOrEqual(READ_ATTEMPTS * TIMEOUT_MS);
  });

  it("a transient 500 is absorbed by the retry: the read succeeds", async () => {
    const { user, thread, control } = await freshUser("read-transient");
    await control.addFault({ method: "GET", path: "/openclaw/billing", kind: "500", message: "blip", count: 1 });
    const { parts } = await chatCompletes(thread, "what's my balance");
    expect(parts).toMatchObject([
      { type: "tool-get_billing_summary", state: "output-available", output: { user_id: user, balance_usd: 12.5 } },
    ]);
    expect(billingRequests(await control.requests()).map((request) => [request.status, request.fault])).toEqual([
      [500, "before:500"],
      [200, null],
    ]);
    expect((await thread.receipts())[0]).toMatchObject({ status: "succeeded" });
  });
});

describe("a failing backup: transient faults retry its job with the same key, a permanent one ends it", () => {
  it.each([
    { kind: "500" as const, reason: "backup refused" },
    { kind: "non-json-500" as const, reason: "OpenClaw API answered HTTP 503 without JSON: backup refused" },
  ])(
    "a $kind: retried with backoff and the same Idempotency-Key; once the fault clears it backs up once and reports it",
    async ({ kind, reason }) => {
      const { thread, control } = await freshUser(`write-${kind}`);
      await control.addFault({ method: "POST", path: "/openclaw/runtime/backup", kind, status: 503, message: "backup refused" });
      const { parts, text } = await chatCompletes(thread, "back up my openclaw");
      // The tool answered once its job existed: the first attempt failed and a retry is due.
      const retrying = `Retrying in 2 s: ${reason}`;
      expect(parts).toMatchObject([
        { type: "tool-backup_now", state: "output-available", output: { job: { kind: "backup", status: "waiting", message: retrying } } },
      ]);
      expect(text).toBe(`Backup started, but the first try failed (${reason}); I'm retrying in 2 s. I'll tell you when it is done.`);
      const { toolCallId } = parts[0]!;
      expect(await thread.receipts()).toMatchObject([{ tool: "backup_now", toolCallId, status: "succeeded" }]);

      await waitFor(async () => backups(await control.requests()).filter((request) => request.status === 503).length === 2, {
        what: "the first retry",
      });
      await control.clearFaults();
      const report = await waitForJobReport(thread, toolCallId);

      // Every attempt carried the tool-call id; only the last, after the fault cleared, backed up.
      const log = backups(await control.requests());
      expect(log.map((request) => [request.method, request.idempotencyKey, request.status, request.fault, request.effects])).toEqual([
        ["POST", toolCallId, 503, `before:${kind}`, []],
        ["POST", toolCallId, 503, `before:${kind}`, []],
        ["POST", toolCallId, 200, null, ["backup.completed"]],
      ]);
      const [first, second] = gaps(log);
      expect(first).toBeGreaterThanOrEqual(2000);
      expect(second).toBeGreaterThanOrEqual(4000);
      expect(await jobLog(thread, report.job.id)).toEqual([
        `Attempt 1 failed: ${reason}; retrying in 2 s`,
        `Attempt 2 failed: ${reason}; retrying in 4 s`,
      ]);

      expect(report.started).toHaveLength(1);
      expect(report.job).toMatchObject({ status: "succeeded", attempts: 3, error: null });
      const { lastBackup } = report.job.result as { lastBackup: string };
      expect(Date.parse(lastBackup)).toBeGreaterThanOrEqual(Date.parse(log[2]!.at));
      expect(report.notes).toEqual([`Background job backup (${report.job.id}) finished: Backup finished at ${lastBackup}.`]);
      expect(report.reply).toBe(`The backup is done. Backup finished at ${lastBackup.slice(0, 10)} ${lastBackup.slice(11, 16)} UTC.`);
    },
  );

  it("a 4xx is permanent: one request, the tool call and its job fail readably, and the note says so", async () => {
    const { thread, control } = await freshUser("write-4xx");
    await control.addFault({
      method: "POST",
      path: "/openclaw/runtime/backup",
      kind: "500",
      status: 409,
      message: "a backup is already running",
    });
    const { parts, text } = await chatCompletes(thread, "back up my openclaw");
    const error = "backup_now failed: a backup is already running (HTTP 409)";
    expect(parts).toMatchObject([{ type: "tool-backup_now", state: "output-error", errorText: `Error: ${error}` }]);
    expect(text).toBe(
      "I couldn't back up your OpenClaw. The OpenClaw API said: a backup is already running (HTTP 409). Nothing was changed.",
    );
    const { toolCallId } = parts[0]!;
    expect(await thread.receipts()).toMatchObject([{ tool: "backup_now", toolCallId, status: "failed", resultSummary: error }]);

    const report = await waitForJobReport(thread, toolCallId);
    expect(report.started).toHaveLength(1);
    expect(report.job).toMatchObject({
      status: "failed",
      attempts: 1,
      nextRunAt: null,
      message: "The backup was refused.",
      error: "a backup is already running (HTTP 409)",
    });
    expect(report.notes).toEqual([
      `Background job backup (${report.job.id}) failed: The backup was refused. (a backup is already running (HTTP 409))`,
    ]);
    expect(report.reply).toBe("The backup failed. The backup was refused. Reason: a backup is already running (HTTP 409).");
    // The job has ended (nextRunAt null); past the time its first retry would have come, nothing was sent again.
    await new Promise((resolve) => setTimeout(resolve, FIRST_RETRY_MS + 500));
    expect(backups(await control.requests())).toMatchObject([{ method: "POST", idempotencyKey: toolCallId, status: 409, effects: [] }]);
    expect(await jobLog(thread, report.job.id)).toEqual([]);
  });

  it("a backup that outlives the time-out: the retry carries the same key, openclaw-local replays the first answer, one backup", async () => {
    const { thread, control } = await freshUser("write-timeout");
    await control.addFault({ method: "POST", path: "/openclaw/runtime/backup", kind: "delay", ms: 2500, count: 1 });
    const { parts } = await chatCompletes(thread, "back up my openclaw");
    const retrying = `Retrying in 2 s: The OpenClaw API did not answer within ${TIMEOUT_MS} ms.`;
    expect(parts).toMatchObject([
      { type: "tool-backup_now", state: "output-available", output: { job: { status: "waiting", message: retrying } } },
    ]);
    const { toolCallId } = parts[0]!;

    const report = await waitForJobReport(thread, toolCallId);
    const log = backups(await control.requests());
    expect(log.map((request) => [request.idempotencyKey, request.status, request.replayed, request.fault, request.effects])).toEqual([
      [toolCallId, 200, false, "before:delay", ["backup.completed"]],
      [toolCallId, 200, true, null, []],
    ]);
    expect(report.job).toMatchObject({ status: "succeeded", attempts: 2 });
    // The job reports the backup the first request made.
    const { lastBackup } = report.job.result as { lastBackup: string };
    expect(Date.parse(lastBackup)).toBeLessThan(Date.parse(log[1]!.at));
    expect(report.notes).toEqual([`Background job backup (${report.job.id}) finished: Backup finished at ${lastBackup}.`]);
  });
});

describe("an approved restart that gets a 500 is never sent again", () => {
  const MAY_NOT_HAVE_RESTARTED =
    "The gateway is running. The restart call was interrupted, so it may not have restarted; ask again to restart it for sure.";
  it.each([
    { phase: "before" as const, effects: [] },
    { phase: "after" as const, effects: ["gateway.restarted"] },
  ])(
    "a 500 $phase the restart: one POST; the job only watches the gateway and says the restart may not have happened",
    async ({ phase, effects }) => {
      const { user, thread, control } = await freshUser(`write-gated-${phase}`);
      await control.addFault({ method: "POST", path: "/openclaw/runtime/restart", kind: "500", message: "runtime exploded", phase });
      const chunks = await sseChunks(await thread.send("restart my OpenClaw"));
      const request = chunks.find((chunk) => chunk.type === "tool-approval-request") as { approvalId: string; toolCallId: string };
      await thread.waitForRun("awaiting_approval");
      // Only the read-only check of the instance before asking.
      expect(await control.requests()).toMatchObject([{ method: "GET", path: "/api/openclaw/instance", status: 200 }]);
      expect(await control.requests()).toHaveLength(1);
      expect((await thread.respond(request.approvalId, "approved")).status).toBe(200);
      await thread.waitForRun(null);

      const [, answer] = await thread.messages();
      expect(answer!.metadata).toMatchObject({ status: "completed" });
      const output = { job: { kind: "restart", status: "waiting", message: "Retrying in 2 s: runtime exploded" } };
      expect(toolParts(answer!)).toMatchObject([{ type: "tool-restart", state: "output-available", output }]);
      expect(textOf(answer!)).toBe(
        "Restart started, but the first try failed (runtime exploded); I'm retrying in 2 s. I'll tell you when the gateway is back.",
      );
      expect(await thread.receipts()).toMatchObject([
        { toolCallId: request.toolCallId, status: "succeeded", approvalId: request.approvalId, decidedBy: user },
      ]);

      const report = await waitForJobReport(thread, request.toolCallId);
      expect(report.started).toHaveLength(1);
      expect(report.job).toMatchObject({
        status: "succeeded",
        message: MAY_NOT_HAVE_RESTARTED,
        result: { gateway: { status: "running" } },
      });
      expect(report.notes).toEqual([`Background job restart (${report.job.id}) finished: ${MAY_NOT_HAVE_RESTARTED}`]);
      expect(await jobLog(thread, report.job.id)).toEqual(["Attempt 1 failed: runtime exploded; retrying in 2 s"]);
      const log = await control.requests();
      expect(log.filter((entry) => entry.method !== "GET")).toMatchObject([
        {
          method: "POST",
          path: "/api/openclaw/runtime/restart",
          idempotencyKey: request.toolCallId,
          status: 500,
          fault: `${phase}:500`,
          effects,
        },
      ]);
      const reads = log.filter((entry) => entry.method === "GET");
      expect(reads.length).toBeGreaterThan(0);
      // The instance checks (before asking, once approved), then the job's status reads.
      expect(reads.slice(0, 2)).toMatchObject([
        { path: "/api/openclaw/instance", status: 200 },
        { path: "/api/openclaw/instance", status: 200 },
      ]);
      for (const read of reads.slice(2)) expect(read).toMatchObject({ path: "/api/openclaw/runtime/status", status: 200 });
    },
  );
});
