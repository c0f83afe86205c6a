import { randomBytes } from "node:crypto";
import type { UIMessageChunk } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type LoggedRequest,
  openclawControl,
  readAnswer,
  type System,
  sseChunks,
  startSystem,
  type ThreadEventRecord,
  threadApi,
  toolParts,
  waitFor,
  waitForJobReport,
} from "./harness.ts";

// Approvals and in-flight OpenClaw calls across a SIGKILL of the agent worker's whole process
// group (wrangler and workerd), restarted on the same state; openclaw-local keeps running and
// its request log says what really happened. provision and restart are background jobs keyed by
// the tool-call id: their first step runs inside the approved call, the rest after the run.

/** How long openclaw-local holds an approved call, so the agent can be killed while it waits. */
const IN_FLIGHT_MS = 6000;
const JOB_POLL = { JOB_POLL_MS: "300" };
/** What a restart job says when its restart call may not have happened. */
const MAY_NOT_HAVE_RESTARTED =
  "The gateway is running. The restart call was interrupted, so it may not have restarted; ask again to restart it for sure.";

let system: System;
beforeAll(async () => {
  system = await startSystem({ agentVars: JOB_POLL });
});
afterAll(async () => {
  await system?.stop();
});

function freshUser(name: string) {
  const user = `${name}-${randomBytes(4).toString("hex")}`;
  const control = openclawControl(system.openclaw, user);
  // The agent process changes across a crash: always talk to the current one.
  const thread = () => threadApi(system.agent, user, `thread-${user}`);
  return { user, control, thread };
}

async function crashAndRestartAgent() {
  const killed = system.agent;
  await system.killAgent();
  // The whole group is gone: nothing answers on the old port.
  await expect(fetch(killed.url, { signal: AbortSignal.timeout(1000) })).rejects.toThrow();
  await system.restartAgent();
}

async function askForApproval(thread: ReturnType<typeof threadApi>, input: string) {
  const chunks = await sseChunks(await thread.send(input));
  const start = chunks.find((chunk) => chunk.type === "start") as Extract<UIMessageChunk, { type: "start" }>;
  const request = chunks.find((chunk) => chunk.type === "tool-approval-request") as Extract<
    UIMessageChunk,
    { type: "tool-approval-request" }
  >;
  expect(request, JSON.stringify(chunks)).toBeDefined();
  const summary = await thread.waitForRun("awaiting_approval");
  const paused = await thread.events({
    until: (events) => events.some((event) => event.type === "run.status" && event.status === "awaiting_approval"),
  });
  return {
    runId: summary.activeRun!.id,
    messageId: start.messageId!,
    approvalId: request.approvalId,
    toolCallId: request.toolCallId,
    pausedAt: paused.at(-1)!.seq,
  };
}

const onPath = (path: string) => (log: LoggedRequest[]) => log.filter((request) => request.path === path);
const restarts = onPath("/api/openclaw/runtime/restart");
/** The provision POSTs (the same path is also read, to check the instance before asking). */
const provisions = (log: LoggedRequest[]) => onPath("/api/openclaw/instance")(log).filter((request) => request.method === "POST");
/** Only the read-only check of the instance a gated call makes before it is asked for. */
const onlyTheInstanceCheck = [{ method: "GET", path: "/api/openclaw/instance", status: 200, effects: [] }];
const effects = (log: LoggedRequest[], effect: string) =>
  log.flatMap((request) => request.effects).filter((name) => name === effect).length;

/** Waits until openclaw-local has received the call and is still holding it (no answer yet). */
async function waitUntilInFlight(control: ReturnType<typeof openclawControl>, select: (log: LoggedRequest[]) => LoggedRequest[]) {
  return waitFor(
    async () => {
      const [request] = select(await control.requests());
      return request && request.status === null ? request : null;
    },
    { what: "the call to be in flight at openclaw-local" },
  );
}

function eventsOfRun(events: ThreadEventRecord[], runId: string) {
  return events.filter((event) => event.runId === runId);
}

/** Waits until openclaw-local's hold on the interrupted call is over, so its log is final. */
async function afterHold(inFlight: LoggedRequest) {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(inFlight.at) + IN_FLIGHT_MS + 500 - Date.now())));
}

describe("the agent worker is SIGKILLed", () => {
  it("while an approval is pending: after the restart, approving continues the same run and the restart reaches openclaw-local once", async () => {
    const { user, control, thread } = freshUser("pending");
    await control.seed({ instance: { status: "ready" } });
    const asked = await askForApproval(thread(), "restart my OpenClaw");

    await crashAndRestartAgent();
    // The waiting run and its approval survived the crash.
    expect(await thread().summary()).toMatchObject({ activeRun: { id: asked.runId, status: "awaiting_approval" }, messageCount: 2 });
    expect(await thread().approvals("pending")).toMatchObject([{ id: asked.approvalId, toolCallId: asked.toolCallId, tool: "restart" }]);
    expect(await control.requests()).toMatchObject(onlyTheInstanceCheck);
    expect(await control.requests()).toHaveLength(1);

    const response = await thread().respond(asked.approvalId, "approved");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ runId: asked.runId, continued: true, approval: { status: "approved", decidedBy: user } });
    const ended = (event: ThreadEventRecord) => event.type === "run.finished" && event.runId === asked.runId;
    const seen = await thread().events({ after: asked.pausedAt, until: (events) => events.some(ended) });
    const events = seen.slice(0, seen.findIndex(ended) + 1);
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining([
        "approval.resolved",
        "run.status",
        "run.started",
        "tool.receipt",
        "job.started",
        "message.stored",
        "run.finished",
      ]),
    );
    expect(events.filter((event) => event.type === "message.stored").map((event) => [event.role, event.messageId])).toEqual([
      ["assistant", asked.messageId],
    ]);
    // Everything up to the end of the run was that run's, or its job's progress.
    expect(
      events.filter((event) => event.runId !== asked.runId).every((event) => event.runId === undefined && event.type.startsWith("job.")),
    ).toBe(true);
    expect(events.filter((event) => event.type === "tool.receipt").map((event) => event.status)).toEqual(["started", "succeeded"]);
    expect(await thread().receipts()).toMatchObject([
      { toolCallId: asked.toolCallId, tool: "restart", status: "succeeded", approvalId: asked.approvalId, decidedBy: user, attempts: 1 },
    ]);

    // The job it started watched the gateway come back; the agent reported that in the thread.
    const report = await waitForJobReport(thread(), asked.toolCallId);
    expect(report.started).toHaveLength(1);
    expect(report.job).toMatchObject({
      kind: "restart",
      status: "succeeded",
      runId: asked.runId,
      message: "The gateway is running again.",
    });
    expect(report.notes).toEqual([`Background job restart (${report.job.id}) finished: The gateway is running again.`]);
    expect(report.messages.map((message) => message.role)).toEqual(["user", "assistant", "system", "assistant"]);
    const answer = report.messages[1]!;
    expect(answer).toMatchObject({ id: asked.messageId, metadata: { runId: asked.runId, status: "completed" } });
    const started = { id: report.job.id, kind: "restart", status: "waiting", message: "Restart requested; the gateway is starting." };
    expect(toolParts(answer)).toMatchObject([{ type: "tool-restart", state: "output-available", output: { job: started } }]);
    expect(restarts(await control.requests())).toMatchObject([
      { method: "POST", idempotencyKey: asked.toolCallId, status: 200, replayed: false, effects: ["gateway.restarted"] },
    ]);
  });

  it("while an approved restart is in flight: it is never sent again; the recovered job only watches the gateway and says the restart may not have happened", async () => {
    const { user, control, thread } = freshUser("inflight-restart");
    await control.seed({ instance: { status: "ready" } });
    await control.addFault({ method: "POST", path: "/openclaw/runtime/restart", kind: "delay", ms: IN_FLIGHT_MS, count: 1 });
    const asked = await askForApproval(thread(), "restart my OpenClaw");
    expect(await control.requests()).toMatchObject(onlyTheInstanceCheck);
    expect(await control.requests()).toHaveLength(1);
    expect((await thread().respond(asked.approvalId, "approved")).status).toBe(200);
    const inFlight = await waitUntilInFlight(control, restarts);
    expect(inFlight.idempotencyKey).toBe(asked.toolCallId);
    expect(await thread().receipts()).toMatchObject([{ toolCallId: asked.toolCallId, status: "started" }]);
    // The job checkpointed its attempt before it called.
    expect(await thread().jobs()).toMatchObject([{ kind: "restart", idempotencyKey: asked.toolCallId, status: "running" }]);

    await crashAndRestartAgent();
    const report = await waitForJobReport(thread(), asked.toolCallId, 60_000);
    expect(report.started).toHaveLength(1);
    expect(report.job).toMatchObject({
      status: "succeeded",
      runId: asked.runId,
      message: MAY_NOT_HAVE_RESTARTED,
      result: { gateway: { status: "running" } },
    });
    expect(report.notes).toEqual([`Background job restart (${report.job.id}) finished: ${MAY_NOT_HAVE_RESTARTED}`]);
    expect(report.reply).toBe(`The restart is done. ${MAY_NOT_HAVE_RESTARTED}`);

    const events = eventsOfRun(await thread().events({ after: asked.pausedAt }), asked.runId);
    const types = events.map((event) => event.type);
    expect(types).toContain("run.recovered");
    expect(types.at(-1)).toBe("run.finished");
    expect(types.filter((type) => type === "run.failed")).toEqual([]);
    // The recovered run repeated the call: it found the call's job (one per call) instead of calling again.
    expect(events.filter((event) => event.type === "tool.receipt").map((event) => event.status)).toEqual([
      "started",
      "started",
      "succeeded",
    ]);
    expect(types.filter((type) => type === "job.started")).toHaveLength(1);
    expect(await thread().receipts()).toMatchObject([
      { toolCallId: asked.toolCallId, tool: "restart", status: "succeeded", approvalId: asked.approvalId, decidedBy: user, attempts: 2 },
    ]);
    const answer = report.messages[1]!;
    expect(answer).toMatchObject({ id: asked.messageId, metadata: { runId: asked.runId, status: "completed" } });
    expect(toolParts(answer)).toMatchObject([
      { type: "tool-restart", state: "output-available", output: { job: { id: report.job.id, kind: "restart" } } },
    ]);

    // Once openclaw-local's hold is over: one restart call ever, performed at most once; besides
    // it, only reads (the instance checks before asking and going on, the job's status reads).
    await afterHold(inFlight);
    const log = await control.requests();
    expect(restarts(log)).toMatchObject([{ method: "POST", idempotencyKey: asked.toolCallId }]);
    expect(effects(log, "gateway.restarted")).toBeLessThanOrEqual(1);
    const others = log.filter((request) => request.path !== "/api/openclaw/runtime/restart");
    expect(others.length).toBeGreaterThan(0);
    for (const request of others)
      expect(["GET /api/openclaw/instance", "GET /api/openclaw/runtime/status"]).toContain(`${request.method} ${request.path}`);
  });

  it("while an approved provision is in flight: the recovered job sends it again with the same Idempotency-Key and it provisions once", async () => {
    const { user, control, thread } = freshUser("inflight-provision");
    await control.addFault({ method: "POST", path: "/openclaw/instance", kind: "delay", ms: IN_FLIGHT_MS, count: 1 });
    const asked = await askForApproval(thread(), "provision an OpenClaw instance");
    expect(await control.requests()).toMatchObject(onlyTheInstanceCheck);
    expect(await control.requests()).toHaveLength(1);
    expect((await thread().respond(asked.approvalId, "approved")).status).toBe(200);
    const inFlight = await waitUntilInFlight(control, provisions);
    expect(inFlight).toMatchObject({ method: "POST", idempotencyKey: asked.toolCallId });

    await crashAndRestartAgent();
    const report = await waitForJobReport(thread(), asked.toolCallId, 60_000);
    expect(report.started).toHaveLength(1);
    expect(report.job).toMatchObject({
      status: "succeeded",
      runId: asked.runId,
      message: "Your OpenClaw instance is ready.",
      result: { status: "ready" },
    });
    expect(report.notes).toEqual([`Background job provision (${report.job.id}) finished: Your OpenClaw instance is ready.`]);

    const events = eventsOfRun(await thread().events({ after: asked.pausedAt }), asked.runId);
    expect(events.map((event) => event.type)).toContain("run.recovered");
    expect(events.filter((event) => event.type === "tool.receipt").map((event) => event.status)).toEqual([
      "started",
      "started",
      "succeeded",
    ]);
    expect(await thread().receipts()).toMatchObject([
      { toolCallId: asked.toolCallId, tool: "provision", status: "succeeded", approvalId: asked.approvalId, decidedBy: user, attempts: 2 },
    ]);
    const answer = report.messages[1]!;
    expect(answer).toMatchObject({ id: asked.messageId, metadata: { status: "completed" } });
    expect(toolParts(answer)).toMatchObject([
      { type: "tool-provision", state: "output-available", output: { job: { id: report.job.id, kind: "provision" } } },
    ]);

    // After the interrupted call's hold is over too: every POST carried the tool-call id, and
    // openclaw-local provisioned exactly once.
    await afterHold(inFlight);
    const posts = provisions(await control.requests());
    expect(posts.length).toBeGreaterThanOrEqual(2);
    for (const request of posts) expect(request).toMatchObject({ idempotencyKey: asked.toolCallId });
    expect(effects(posts, "instance.provisioning")).toBe(1);
    const performedBy = posts.filter((request) => request.effects.includes("instance.provisioning"));
    expect(performedBy).toHaveLength(1);
    expect(performedBy[0]!.replayed).toBe(false);
  });

  it("between two identical requests: the new tool calls are new (fresh data, a second backup), not mistaken for the old ones", async () => {
    const { control, thread } = freshUser("fresh-ids");
    await control.seed({ instance: { status: "ready" }, balance_usd: 3.5 });
    const before = {
      balance: await readAnswer(await thread().send("what's my balance")),
      backup: await readAnswer(await thread().send("back up my openclaw")),
    };
    expect(toolParts(before.balance)[0]).toMatchObject({ output: { balance_usd: 3.5 } });
    await waitForJobReport(thread(), toolParts(before.backup)[0]!.toolCallId);

    await crashAndRestartAgent();
    await control.setBalance(7);
    const after = {
      balance: await readAnswer(await thread().send("what's my balance")),
      backup: await readAnswer(await thread().send("back up my openclaw")),
    };
    expect(toolParts(after.balance)[0]).toMatchObject({ state: "output-available", output: { balance_usd: 7 } });
    expect(toolParts(after.backup)[0]).toMatchObject({
      state: "output-available",
      output: { job: { kind: "backup", status: "succeeded" } },
    });

    const ids = [before.balance, before.backup, after.balance, after.backup].map((message) => toolParts(message)[0]!.toolCallId);
    expect(new Set(ids).size).toBe(4);
    const receipts = await thread().receipts();
    expect(receipts.map((receipt) => receipt.toolCallId).sort()).toEqual([...ids].sort());
    const backups = (await control.requests()).filter((request) => request.path === "/api/openclaw/runtime/backup");
    expect(backups.map((request) => [request.idempotencyKey, request.replayed, request.effects])).toEqual([
      [ids[1], false, ["backup.completed"]],
      [ids[3], false, ["backup.completed"]],
    ]);
    // Each backup call started its own job, and each job was reported once.
    const reports = [await waitForJobReport(thread(), ids[1]!), await waitForJobReport(thread(), ids[3]!)];
    expect(reports.map((report) => [report.started.length, report.job.status, report.notes.length])).toEqual([
      [1, "succeeded", 1],
      [1, "succeeded", 1],
    ]);
    expect(reports[0]!.job.id).not.toBe(reports[1]!.job.id);
    expect((await thread().jobs()).map((job) => job.idempotencyKey).sort()).toEqual([ids[1], ids[3]].sort());
  });
});

describe("a run that went on after two approvals is SIGKILLed once", () => {
  // Every tool gated: "approve the pending device" needs one approval to list, one to approve.
  let gatedAll: System;
  beforeAll(async () => {
    gatedAll = await startSystem({ agentVars: { APPROVAL_POLICY: "all", ...JOB_POLL } });
  });
  afterAll(async () => {
    await gatedAll?.stop();
  });

  it("recovers (going on after a decision is not an interruption) and approves the device once", async () => {
    const user = `two-approvals-${randomBytes(4).toString("hex")}`;
    const control = openclawControl(gatedAll.openclaw, user);
    const thread = () => threadApi(gatedAll.agent, user, `thread-${user}`);
    await control.seed({ instance: { status: "ready" }, devices: { pending: [{ requestId: "req-3" }] } });
    await control.addFault({ method: "POST", path: "/openclaw/runtime/devices/req-3/approve", kind: "delay", ms: IN_FLIGHT_MS, count: 1 });

    await sseChunks(await thread().send("approve the pending device"));
    for (const tool of ["list_devices", "approve_device"]) {
      const [approval] = await waitFor(
        async () => {
          const pending = await thread().approvals("pending");
          return pending.length === 1 ? pending : null;
        },
        { what: `the approval for ${tool}` },
      );
      expect(approval).toMatchObject({ tool });
      expect((await thread().respond(approval!.id, "approved")).status).toBe(200);
    }
    const inFlight = await waitUntilInFlight(control, onPath("/api/openclaw/runtime/devices/req-3/approve"));

    await gatedAll.killAgent();
    await gatedAll.restartAgent();
    await thread().waitForRun(null, 30_000);

    const [, answer] = await thread().messages();
    expect(answer!.metadata).toMatchObject({ status: "completed" });
    expect(toolParts(answer!)).toMatchObject([
      { type: "tool-list_devices", state: "output-available" },
      { type: "tool-approve_device", state: "output-available", output: { approved: true, requestId: "req-3" } },
    ]);
    const events = await thread().events();
    expect(events.filter((event) => event.type === "run.failed")).toEqual([]);
    expect(events.filter((event) => event.type === "run.recovered")).toMatchObject([{ attempt: 2 }]);
    const receipt = (await thread().receipts()).find((candidate) => candidate.tool === "approve_device");
    expect(receipt).toMatchObject({ toolCallId: inFlight.idempotencyKey, status: "succeeded", attempts: 2 });

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(inFlight.at) + IN_FLIGHT_MS + 500 - Date.now())));
    const approvals = onPath("/api/openclaw/runtime/devices/req-3/approve")(await control.requests());
    for (const request of approvals) expect(request.idempotencyKey).toBe(inFlight.idempotencyKey);
    expect(effects(approvals, "device.approved")).toBe(1);
  });
});
