import { randomBytes } from "node:crypto";
import type { UIMessageChunk } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  messageFromChunks,
  openclawControl,
  readAnswer,
  sseChunks,
  startSystem,
  textOf,
  threadApi,
  toolParts,
  waitForJobReport,
  type LoggedRequest,
  type OpenClawControl,
  type Seed,
  type System,
  type ThreadApi,
  type ThreadEventRecord,
} from "./harness.ts";

// The agent's OpenClaw tools, driven through chat with the offline model, against openclaw-local.
// Both run under real `wrangler dev`; every effect is checked in openclaw-local's request log.
// provision, restart and backup_now start background jobs: the tool answers once the job exists
// and its first step (the one keyed call) has happened; the job's result comes as a new run.

let system: System;
beforeAll(async () => {
  // Job steps poll often; a restart lasts long enough that its job sees the gateway starting.
  system = await startSystem({ agentVars: { JOB_POLL_MS: "300" }, openclawVars: { RESTART_DELAY_MS: "2500" } });
});
afterAll(async () => {
  await system?.stop();
});

/** A fresh user (so openclaw-local's log is theirs alone) with one thread. */
async function freshUser(name: string, seed?: Seed): Promise<{ user: string; thread: ThreadApi; control: OpenClawControl }> {
  const user = `${name}-${randomBytes(4).toString("hex")}`;
  const control = openclawControl(system.openclaw, user);
  if (seed) await control.seed(seed);
  return { user, thread: threadApi(system.agent, user, `thread-${user}`), control };
}

const READY = { instance: { status: "ready" } } as const;
const writes = (log: LoggedRequest[]) => log.filter((request) => request.method !== "GET");
const reads = (log: LoggedRequest[]) => log.filter((request) => request.method === "GET");
/** A thread whose tool call started a job: the turn, then the job's note and its answer. */
const JOB_REPORTED = ["user", "assistant", "system", "assistant"];
type JobOutput = { job: { id: string; kind: string; status: string; progress: number; message: string } };

/** One chat turn that needs no approval: the answer as the AI SDK rebuilds it from the stream. */
async function chat(thread: ThreadApi, input: string) {
  const answer = await readAnswer(await thread.send(input));
  expect(await thread.summary()).toMatchObject({ activeRun: null });
  return { answer, parts: toolParts(answer), text: textOf(answer) };
}

/** The thread's receipt for a tool call. */
async function receiptOf(thread: ThreadApi, toolCallId: string) {
  const receipt = (await thread.receipts()).find((candidate) => candidate.toolCallId === toolCallId);
  expect(receipt, `receipt for ${toolCallId}`).toBeDefined();
  return receipt!;
}

/** The turn asks for approval: the stream carries the request and the run waits. */
async function askForApproval(thread: ThreadApi, input: string, tool: string) {
  const chunks = await sseChunks(await thread.send(input));
  const start = chunks.find((chunk) => chunk.type === "start") as Extract<UIMessageChunk, { type: "start" }>;
  const request = chunks.find((chunk) => chunk.type === "tool-approval-request") as Extract<UIMessageChunk, { type: "tool-approval-request" }> | undefined;
  expect(request, JSON.stringify(chunks)).toBeDefined();
  const call = chunks.find((chunk) => chunk.type === "tool-input-available" && chunk.toolCallId === request!.toolCallId);
  expect(call).toMatchObject({ toolName: tool });
  expect(chunks.some((chunk) => chunk.type === "tool-output-available" && chunk.toolCallId === request!.toolCallId)).toBe(false);
  const summary = await thread.waitForRun("awaiting_approval");
  const runId = summary.activeRun!.id;
  const [approval] = await thread.approvals("pending");
  expect(approval).toMatchObject({ id: request!.approvalId, toolCallId: request!.toolCallId, tool, runId, status: "pending" });
  // Where the thread's log stood when the run paused; the continuation comes after it.
  const paused = await thread.events({
    until: (events) => events.some((event) => event.type === "run.status" && event.runId === runId && event.status === "awaiting_approval"),
  });
  // Nothing ran for the gated call (a read before it, as in "approve the pending device", did).
  expect((await thread.receipts()).filter((receipt) => receipt.toolCallId === request!.toolCallId)).toEqual([]);
  return { chunks, runId, messageId: start.messageId!, approvalId: request!.approvalId, toolCallId: request!.toolCallId, pausedAt: paused.at(-1)!.seq };
}

type Asked = Awaited<ReturnType<typeof askForApproval>>;

/** The thread's events after the pause, up to the end of that same run. */
async function followRun(thread: ThreadApi, asked: Asked) {
  const ended = (event: ThreadEventRecord) => event.runId === asked.runId && ["run.finished", "run.failed", "run.cancelled"].includes(event.type);
  const events = await thread.events({ after: asked.pausedAt, until: (seen) => seen.some(ended) });
  return events.slice(0, events.findIndex(ended) + 1);
}

/** Decides, then reads the thread's events until that same run is over. */
async function decideAndFollow(thread: ThreadApi, asked: Asked, decision: "approved" | "rejected", reason?: string) {
  const response = await thread.respond(asked.approvalId, decision, reason);
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ ok: true, runId: asked.runId, continued: true, approval: { status: decision } });
  const events = await followRun(thread, asked);
  await thread.waitForRun(null, 30_000);
  return events;
}

/** The run went on by itself: one decision, no new user message, the same run and message to the end. */
function expectSameRunContinued(events: ThreadEventRecord[], asked: Asked, user: string, decision: "approved" | "rejected") {
  expect(events[0]).toMatchObject({ type: "approval.resolved", approvalId: asked.approvalId, runId: asked.runId, status: decision, decidedBy: user });
  expect(events.filter((event) => event.type === "message.stored" && event.role === "user")).toEqual([]);
  expect(new Set(events.filter((event) => event.runId !== undefined).map((event) => event.runId))).toEqual(new Set([asked.runId]));
  const types = events.map((event) => event.type);
  expect(types.slice(1, 3)).toEqual(["run.status", "run.started"]);
  expect(events[1]).toMatchObject({ status: "queued" });
  expect(types.at(-1)).toBe("run.finished");
  expect(events.filter((event) => event.type === "message.stored").map((event) => event.messageId)).toEqual([asked.messageId]);
}

/** The call's one job ended and the agent said so once: a note in the thread, and a new run answering it. */
function expectReported(report: Awaited<ReturnType<typeof waitForJobReport>>, kind: string, message: string) {
  expect(report.started).toHaveLength(1);
  expect(report.notes).toEqual([`Background job ${kind} (${report.job.id}) finished: ${message}`]);
  expect(report.reply).toBe(`Update from the offline model: ${report.note}`);
}

/** Receipt transitions the log recorded for one tool call. */
function receiptStatuses(events: ThreadEventRecord[], toolCallId: string): unknown[] {
  return events.filter((event) => event.type === "tool.receipt" && event.toolCallId === toolCallId).map((event) => event.status);
}

/** The final stored answer: still the one assistant message the run started. */
async function storedAnswer(thread: ThreadApi, asked: Asked, roles = ["user", "assistant"]) {
  const messages = await thread.messages();
  expect(messages.map((message) => message.role)).toEqual(roles);
  expect(messages[1]!.id).toBe(asked.messageId);
  expect(messages[1]!.metadata).toMatchObject({ runId: asked.runId, status: "completed" });
  return messages[1]!;
}

describe("tools that need no approval run at once, each reaching openclaw-local once", () => {
  it("what's my balance → get_billing_summary", async () => {
    const { user, thread, control } = await freshUser("billing", { balance_usd: 3.5 });
    const { parts, text } = await chat(thread, "what's my balance");
    expect(parts).toMatchObject([{ type: "tool-get_billing_summary", state: "output-available", output: { user_id: user, balance_usd: 3.5 } }]);
    expect(text).toContain('"balance_usd":3.5');
    expect(await control.requests()).toMatchObject([{ method: "GET", path: "/api/openclaw/billing/summary", status: 200, idempotencyKey: null }]);
    expect(await receiptOf(thread, parts[0]!.toolCallId)).toMatchObject({ tool: "get_billing_summary", status: "succeeded", approvalId: null, decidedBy: null, attempts: 1 });
    expect(await thread.approvals()).toEqual([]);
  });

  it("do I have an openclaw → get_instance (null without one)", async () => {
    const { thread, control } = await freshUser("instance");
    const { parts, text } = await chat(thread, "do i have an openclaw?");
    expect(parts).toMatchObject([{ type: "tool-get_instance", state: "output-available", output: null }]);
    expect(text).toContain("get_instance: null");
    expect(await control.requests()).toMatchObject([{ method: "GET", path: "/api/openclaw/instance", status: 200 }]);
  });

  it("is my openclaw running → get_status", async () => {
    const { thread, control } = await freshUser("status", READY);
    const { parts } = await chat(thread, "is my openclaw running?");
    expect(parts).toMatchObject([
      { type: "tool-get_status", state: "output-available", output: { gateway: { status: "running" }, container: { instanceType: "standard-4" } } },
    ]);
    expect(await control.requests()).toMatchObject([{ method: "GET", path: "/api/openclaw/runtime/status", status: 200 }]);
  });

  it("show my devices → list_devices", async () => {
    const { thread, control } = await freshUser("devices", {
      ...READY,
      devices: { pending: [{ requestId: "req-1", client: { platform: "ios", mode: "node" } }], paired: [{ deviceId: "dev-1" }] },
    });
    const { parts } = await chat(thread, "show my devices");
    expect(parts).toMatchObject([
      {
        type: "tool-list_devices",
        state: "output-available",
        output: { pending: [{ requestId: "req-1", client: { platform: "ios", mode: "node" } }], paired: [{ deviceId: "dev-1" }] },
      },
    ]);
    expect(await control.requests()).toMatchObject([{ method: "GET", path: "/api/openclaw/runtime/devices", status: 200 }]);
  });

  it("list telegram pairing requests → list_pairing_requests", async () => {
    const { thread, control } = await freshUser("pairing", { ...READY, pairing: { telegram: [{ id: "12345", code: "QRST2345", meta: { username: "ada" } }] } });
    const { parts } = await chat(thread, "list telegram pairing requests");
    expect(parts).toMatchObject([
      {
        type: "tool-list_pairing_requests",
        input: { channel: "telegram" },
        state: "output-available",
        output: { channel: "telegram", requests: [{ id: "12345", code: "QRST2345", meta: { username: "ada" } }] },
      },
    ]);
    expect(await control.requests()).toMatchObject([{ method: "GET", path: "/api/openclaw/runtime/pairing/telegram", status: 200 }]);
  });

  it("list my sessions → list_sessions", async () => {
    const { thread, control } = await freshUser("sessions", {
      ...READY,
      sessions: [{ key: "cron:daily", kind: "cron", ageMinutes: 90, messages: [{ role: "user", text: "run the report" }] }],
    });
    const { parts } = await chat(thread, "list my sessions");
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ type: "tool-list_sessions", input: { limit: 20 }, state: "output-available" });
    const keys = (parts[0]!.output as Array<{ key: string; kind: string }>).map((row) => [row.key, row.kind]);
    expect(keys).toEqual([["main", "main"], ["cron:daily", "cron"]]);
    expect(await control.requests()).toMatchObject([{ method: "GET", path: "/api/openclaw/sessions", query: "limit=20", status: 200 }]);
  });

  it("tell my openclaw session: hello → send_session_message (once, keyed by its tool-call id), then history of session main", async () => {
    const { thread, control } = await freshUser("session-send", READY);
    const sent = await chat(thread, "tell my openclaw session: hello there");
    expect(sent.parts).toMatchObject([
      {
        type: "tool-send_session_message",
        input: { sessionKey: "main", message: "hello there", timeoutSeconds: 30 },
        state: "output-available",
        output: { status: "ok", reply: 'OpenClaw (local) received: "hello there"' },
      },
    ]);
    const toolCallId = sent.parts[0]!.toolCallId;
    expect(writes(await control.requests())).toMatchObject([
      { method: "POST", path: "/api/openclaw/sessions/main/send", idempotencyKey: toolCallId, status: 200, replayed: false, effects: ["session.message"] },
    ]);
    expect(await thread.approvals()).toEqual([]);

    const history = await chat(thread, "history of session main");
    expect(history.parts).toMatchObject([{ type: "tool-get_session_history", input: { sessionKey: "main", limit: 20 }, state: "output-available" }]);
    const transcript = (history.parts[0]!.output as { messages: Array<{ role: string; content: Array<{ text: string }> }> }).messages;
    expect(transcript.map((message) => [message.role, message.content[0]!.text])).toEqual([
      ["user", "hello there"],
      ["assistant", 'OpenClaw (local) received: "hello there"'],
    ]);
    expect((await control.requests()).at(-1)).toMatchObject({ method: "GET", path: "/api/openclaw/sessions/main/history", query: "limit=20", status: 200 });
  });

  it("back up my openclaw → backup_now: a job whose one step backs up once (keyed by the tool-call id); its result comes back as a new run", async () => {
    const { thread, control } = await freshUser("backup", READY);
    const answer = await readAnswer(await thread.send("back up my openclaw"));
    const [part, ...more] = toolParts(answer);
    expect([part, ...more]).toMatchObject([{ type: "tool-backup_now", state: "output-available", output: { job: { kind: "backup", status: "succeeded", progress: 1 } } }]);
    const { toolCallId, output } = part!;
    const { job } = output as JobOutput;
    const lastBackup = /^Backup finished at (\S+)\.$/.exec(job.message)?.[1];
    expect(Date.parse(lastBackup!)).toBeGreaterThan(Date.now() - 60_000);
    // The job's progress rode along in the open response, one part updated in place.
    expect(answer.parts.filter((part) => part.type === "data-job")).toMatchObject([{ id: job.id, data: { id: job.id, status: "succeeded", progress: 1 } }]);
    const backedUp = { path: "/api/openclaw/runtime/backup", idempotencyKey: toolCallId, status: 200, replayed: false, effects: ["backup.completed"] };
    expect(await control.requests()).toMatchObject([{ method: "POST", ...backedUp }]);
    expect(await receiptOf(thread, toolCallId)).toMatchObject({ tool: "backup_now", status: "succeeded", attempts: 1 });

    const report = await waitForJobReport(thread, toolCallId);
    expect(report.job).toMatchObject({ id: job.id, kind: "backup", status: "succeeded", attempts: 1, result: { lastBackup } });
    expectReported(report, "backup", `Backup finished at ${lastBackup}.`);
    expect(report.messages.map((message) => message.role)).toEqual(JOB_REPORTED);

    const status = await chat(thread, "what is my openclaw status?");
    expect(status.parts[0]).toMatchObject({ type: "tool-get_status", output: { lastBackup } });
    expect(writes(await control.requests())).toHaveLength(1);
  });
});

describe("gated tools wait for approval, then the same run goes on and the effect reaches openclaw-local once", () => {
  it("restart my OpenClaw → restart: nothing happens until approved; the resume stream shows the job start; the job watches the gateway come back", async () => {
    const { user, thread, control } = await freshUser("restart", READY);
    const asked = await askForApproval(thread, "restart my OpenClaw", "restart");
    expect(await control.requests()).toEqual([]);
    // Hold the restart in openclaw-local for a moment so the continuation can be watched live.
    await control.addFault({ method: "POST", path: "/openclaw/runtime/restart", kind: "delay", ms: 1500, count: 1 });

    const response = await thread.respond(asked.approvalId, "approved");
    expect(await response.json()).toMatchObject({ continued: true, approval: { status: "approved", decidedBy: user, decidedVia: "api" } });
    const resumed = await thread.resume();
    expect(resumed.status).toBe(200);
    const chunks = await sseChunks(resumed);
    expect(chunks[0]).toEqual({ type: "start", messageId: asked.messageId });
    const output = chunks.find((chunk) => chunk.type === "tool-output-available" && chunk.toolCallId === asked.toolCallId);
    const started = { kind: "restart", status: "waiting", progress: 0.2, message: "Restart requested; the gateway is starting." };
    expect(output).toMatchObject({ output: { job: started } });
    const jobId = (output as { output: JobOutput }).output.job.id;
    expect(chunks).toContainEqual({ type: "data-job", id: jobId, data: { id: jobId, ...started } });
    const live = textOf(await messageFromChunks(chunks));
    expect(live).toContain(`restart: {"job":{"id":"${jobId}","kind":"restart","status":"waiting"`);

    const events = await followRun(thread, asked);
    expectSameRunContinued(events, asked, user, "approved");
    expect(receiptStatuses(events, asked.toolCallId)).toEqual(["started", "succeeded"]);
    expect(events.filter((event) => event.type.startsWith("job."))).toMatchObject([
      { type: "job.started", jobId, kind: "restart", runId: asked.runId },
      { type: "job.log", jobId, message: "Restart requested" },
      { type: "job.progress", jobId, ...started },
    ]);
    const receipt = { tool: "restart", runId: asked.runId, status: "succeeded", approvalId: asked.approvalId, decidedBy: user, attempts: 1 };
    expect(await receiptOf(thread, asked.toolCallId)).toMatchObject(receipt);

    // The job goes on without the run: it saw the gateway starting, then running, and reports that.
    const report = await waitForJobReport(thread, asked.toolCallId);
    expect(report.job).toMatchObject({ id: jobId, status: "succeeded", runId: asked.runId, result: { gateway: { status: "running" } } });
    expectReported(report, "restart", "The gateway is running again.");
    const watched = (await thread.events()).filter((event) => event.type === "job.progress" && event.jobId === jobId).map((event) => event.message);
    expect(watched).toContain("The gateway is starting.");

    const log = await control.requests();
    const restarted = { path: "/api/openclaw/runtime/restart", idempotencyKey: asked.toolCallId, status: 200, replayed: false, effects: ["gateway.restarted"] };
    expect(writes(log)).toMatchObject([{ method: "POST", fault: "before:delay", ...restarted }]);
    for (const read of reads(log)) expect(read).toMatchObject({ path: "/api/openclaw/runtime/status", status: 200, effects: [] });
    const answer = await storedAnswer(thread, asked, JOB_REPORTED);
    expect(toolParts(answer)).toMatchObject([{ type: "tool-restart", state: "output-available", approval: { id: asked.approvalId, approved: true }, output: { job: { id: jobId, ...started } } }]);
    expect(textOf(answer)).toBe(live);
  });

  it("provision an OpenClaw instance → provision: one keyed POST, then the job polls until the instance is ready and reports it", async () => {
    const { user, thread, control } = await freshUser("provision");
    const asked = await askForApproval(thread, "provision an OpenClaw instance", "provision");
    expect(await control.requests()).toEqual([]);

    const events = await decideAndFollow(thread, asked, "approved");
    expectSameRunContinued(events, asked, user, "approved");
    expect(receiptStatuses(events, asked.toolCallId)).toEqual(["started", "succeeded"]);
    const started = { kind: "provision", status: "waiting", progress: 0.1, message: "Provisioning requested." };
    expect(events.filter((event) => event.type.startsWith("job."))).toMatchObject([
      { type: "job.started", kind: "provision", runId: asked.runId },
      { type: "job.log", message: "Provisioning requested" },
      { type: "job.progress", ...started },
    ]);
    expect(await receiptOf(thread, asked.toolCallId)).toMatchObject({ status: "succeeded", approvalId: asked.approvalId, decidedBy: user, attempts: 1 });

    const report = await waitForJobReport(thread, asked.toolCallId);
    expect(report.job).toMatchObject({ status: "succeeded", runId: asked.runId, progress: 1, result: { status: "ready" } });
    expectReported(report, "provision", "Your OpenClaw instance is ready.");
    const answer = await storedAnswer(thread, asked, JOB_REPORTED);
    expect(toolParts(answer)).toMatchObject([{ type: "tool-provision", state: "output-available", output: { job: { id: report.job.id, ...started } } }]);
    expect(textOf(answer)).toContain('"message":"Provisioning requested."');

    // One keyed POST made the instance; everything after it was the job reading it.
    const log = await control.requests();
    const provisioned = { path: "/api/openclaw/instance", idempotencyKey: asked.toolCallId, status: 200, replayed: false, effects: ["instance.provisioning"] };
    expect(writes(log)).toMatchObject([{ method: "POST", ...provisioned }]);
    for (const read of reads(log)) expect(read).toMatchObject({ path: "/api/openclaw/instance", status: 200 });
    const instance = await chat(thread, "do i have an openclaw?");
    expect(instance.parts[0]).toMatchObject({ type: "tool-get_instance", output: { status: "ready" } });
  });

  it("delete my openclaw instance → delete_instance, which stops the runtime and removes it", async () => {
    const { user, thread, control } = await freshUser("delete", READY);
    const asked = await askForApproval(thread, "delete my openclaw instance", "delete_instance");
    expect(await control.requests()).toEqual([]);

    const events = await decideAndFollow(thread, asked, "approved");
    expectSameRunContinued(events, asked, user, "approved");
    expect(receiptStatuses(events, asked.toolCallId)).toEqual(["started", "succeeded"]);
    expect(await control.requests()).toMatchObject([
      { method: "DELETE", path: "/api/openclaw/instance", idempotencyKey: asked.toolCallId, status: 200, effects: ["gateway.stopped", "instance.deleted"] },
    ]);
    expect(await receiptOf(thread, asked.toolCallId)).toMatchObject({ status: "succeeded", approvalId: asked.approvalId, decidedBy: user, attempts: 1 });
    expect(toolParts(await storedAnswer(thread, asked))).toMatchObject([{ type: "tool-delete_instance", state: "output-available", output: { deleted: true } }]);

    const instance = await chat(thread, "do i have an openclaw?");
    expect(instance.parts[0]).toMatchObject({ type: "tool-get_instance", output: null });
  });

  it("approve the pending device → list_devices, then approve_device for the request it found", async () => {
    const { user, thread, control } = await freshUser("approve-device", { ...READY, devices: { pending: [{ requestId: "req-7", client: { platform: "macos" } }] } });
    const asked = await askForApproval(thread, "approve the pending device", "approve_device");
    expect((await thread.approvals())[0]).toMatchObject({ args: { requestId: "req-7" }, risk: "high" });
    // Only the read that found the request has reached openclaw-local.
    expect(await control.requests()).toMatchObject([{ method: "GET", path: "/api/openclaw/runtime/devices" }]);

    const events = await decideAndFollow(thread, asked, "approved");
    expectSameRunContinued(events, asked, user, "approved");
    expect(receiptStatuses(events, asked.toolCallId)).toEqual(["started", "succeeded"]);
    expect(writes(await control.requests())).toMatchObject([
      { method: "POST", path: "/api/openclaw/runtime/devices/req-7/approve", idempotencyKey: asked.toolCallId, status: 200, effects: ["device.approved"] },
    ]);
    expect(await receiptOf(thread, asked.toolCallId)).toMatchObject({ args: { requestId: "req-7" }, status: "succeeded", approvalId: asked.approvalId, decidedBy: user });
    expect(toolParts(await storedAnswer(thread, asked))).toMatchObject([
      { type: "tool-list_devices", state: "output-available" },
      { type: "tool-approve_device", state: "output-available", input: { requestId: "req-7" }, output: { approved: true, requestId: "req-7" } },
    ]);

    const devices = await chat(thread, "show my devices");
    expect(devices.parts[0]!.output).toMatchObject({ pending: [], paired: [{ client: { platform: "macos" } }] });
  });

  it("approve pairing code … on telegram → approve_pairing", async () => {
    const { user, thread, control } = await freshUser("approve-pairing", { ...READY, pairing: { telegram: [{ id: "4242", code: "QRST2345" }] } });
    const asked = await askForApproval(thread, "approve pairing code QRST2345 on telegram", "approve_pairing");
    expect((await thread.approvals())[0]).toMatchObject({ args: { channel: "telegram", code: "QRST2345" } });
    expect(await control.requests()).toEqual([]);

    const events = await decideAndFollow(thread, asked, "approved");
    expectSameRunContinued(events, asked, user, "approved");
    expect(receiptStatuses(events, asked.toolCallId)).toEqual(["started", "succeeded"]);
    expect(await control.requests()).toMatchObject([
      { method: "POST", path: "/api/openclaw/runtime/pairing/telegram/approve", idempotencyKey: asked.toolCallId, status: 200, effects: ["pairing.approved"] },
    ]);
    expect(await receiptOf(thread, asked.toolCallId)).toMatchObject({ status: "succeeded", approvalId: asked.approvalId, decidedBy: user });
    expect(toolParts(await storedAnswer(thread, asked))).toMatchObject([
      { type: "tool-approve_pairing", state: "output-available", output: { approved: true, channel: "telegram", code: "QRST2345" } },
    ]);

    const pairing = await chat(thread, "list telegram pairing requests");
    expect(pairing.parts[0]!.output).toMatchObject({ channel: "telegram", requests: [] });
  });
});

describe("a rejected approval: openclaw-local sees nothing and the answer says so", () => {
  const cases = [
    { tool: "restart", input: "restart my OpenClaw", seed: READY },
    { tool: "provision", input: "provision an OpenClaw instance", seed: undefined },
    { tool: "delete_instance", input: "delete my openclaw instance", seed: READY },
    { tool: "approve_device", input: "approve the pending device", seed: { ...READY, devices: { pending: [{ requestId: "req-9" }] } } },
    { tool: "approve_pairing", input: "approve pairing code ABCDEFGH on telegram", seed: { ...READY, pairing: { telegram: [{ code: "ABCDEFGH" }] } } },
  ];
  it.each(cases)("$tool", async ({ tool, input, seed }) => {
    const { user, thread, control } = await freshUser(`reject-${tool}`, seed);
    const asked = await askForApproval(thread, input, tool);
    const before = await control.requests();

    const events = await decideAndFollow(thread, asked, "rejected", "not during the demo");
    expectSameRunContinued(events, asked, user, "rejected");
    expect(events.filter((event) => event.type === "tool.receipt")).toEqual([]);
    expect(await control.requests()).toEqual(before);
    expect(writes(before)).toEqual([]);
    expect((await thread.receipts()).filter((receipt) => receipt.tool === tool)).toEqual([]);
    expect(await thread.jobs()).toEqual([]);
    expect((await thread.approvals())[0]).toMatchObject({ status: "rejected", decidedBy: user, reason: "not during the demo" });

    const answer = await storedAnswer(thread, asked);
    expect(toolParts(answer).at(-1)).toMatchObject({ type: `tool-${tool}`, state: "output-denied", approval: { id: asked.approvalId, approved: false } });
    expect(textOf(answer)).toContain(`${tool}: {"denied":"not during the demo"}`);
  });
});
