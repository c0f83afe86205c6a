import { randomBytes } from "node:crypto";
import type { UIMessageChunk } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  openclawControl,
  readAnswer,
  sseChunks,
  startSystem,
  textOf,
  threadApi,
  toolParts,
  waitFor,
  type LoggedRequest,
  type System,
  type ThreadEventRecord,
} from "./harness.ts";

// Approvals and in-flight OpenClaw calls across a SIGKILL of the agent worker's whole process
// group (wrangler and workerd), restarted on the same state; openclaw-local keeps running and
// its request log says what really happened.

/** How long openclaw-local holds an approved call, so the agent can be killed while it waits. */
const IN_FLIGHT_MS = 6000;

let system: System;
beforeAll(async () => {
  system = await startSystem();
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
  const request = chunks.find((chunk) => chunk.type === "tool-approval-request") as Extract<UIMessageChunk, { type: "tool-approval-request" }>;
  expect(request, JSON.stringify(chunks)).toBeDefined();
  const summary = await thread.waitForRun("awaiting_approval");
  const paused = await thread.events({ until: (events) => events.some((event) => event.type === "run.status" && event.status === "awaiting_approval") });
  return { runId: summary.activeRun!.id, messageId: start.messageId!, approvalId: request.approvalId, toolCallId: request.toolCallId, pausedAt: paused.at(-1)!.seq };
}

const onPath = (path: string) => (log: LoggedRequest[]) => log.filter((request) => request.path === path);
const restarts = onPath("/api/openclaw/runtime/restart");
const provisions = onPath("/api/openclaw/instance");
const effects = (log: LoggedRequest[], effect: string) => log.flatMap((request) => request.effects).filter((name) => name === effect).length;

/** Waits until openclaw-local has received the call and is still holding it (no answer yet). */
async function waitUntilInFlight(control: ReturnType<typeof openclawControl>, select: (log: LoggedRequest[]) => LoggedRequest[]) {
  return waitFor(async () => {
    const [request] = select(await control.requests());
    return request && request.status === null ? request : null;
  }, { what: "the call to be in flight at openclaw-local" });
}

function eventsOfRun(events: ThreadEventRecord[], runId: string) {
  return events.filter((event) => event.runId === runId);
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
    expect(await control.requests()).toEqual([]);

    const response = await thread().respond(asked.approvalId, "approved");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ runId: asked.runId, continued: true, approval: { status: "approved", decidedBy: user } });
    const events = await thread().events({
      after: asked.pausedAt,
      until: (seen) => seen.some((event) => event.type === "run.finished" && event.runId === asked.runId),
    });
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining(["approval.resolved", "run.status", "run.started", "tool.receipt", "message.stored", "run.finished"]),
    );
    expect(events.filter((event) => event.type === "message.stored").map((event) => [event.role, event.messageId])).toEqual([["assistant", asked.messageId]]);
    expect(eventsOfRun(events, asked.runId)).toHaveLength(events.length);
    expect(events.filter((event) => event.type === "tool.receipt").map((event) => event.status)).toEqual(["started", "succeeded"]);

    expect(restarts(await control.requests())).toMatchObject([
      { method: "POST", idempotencyKey: asked.toolCallId, status: 200, replayed: false, effects: ["gateway.restarted"] },
    ]);
    expect(await thread().receipts()).toMatchObject([
      { toolCallId: asked.toolCallId, tool: "restart", status: "succeeded", approvalId: asked.approvalId, decidedBy: user, attempts: 1 },
    ]);
    const [, answer] = await thread().messages();
    expect(answer).toMatchObject({ id: asked.messageId, metadata: { runId: asked.runId, status: "completed" } });
    expect(toolParts(answer!)).toMatchObject([{ type: "tool-restart", state: "output-available", output: { message: "restarting" } }]);
  });

  it("while an approved restart is in flight: the run ends with the receipt unknown and asks to check the status; openclaw-local saw it at most once", async () => {
    const { user, control, thread } = freshUser("inflight-restart");
    await control.seed({ instance: { status: "ready" } });
    await control.addFault({ method: "POST", path: "/openclaw/runtime/restart", kind: "delay", ms: IN_FLIGHT_MS, count: 1 });
    const asked = await askForApproval(thread(), "restart my OpenClaw");
    expect((await thread().respond(asked.approvalId, "approved")).status).toBe(200);
    const inFlight = await waitUntilInFlight(control, restarts);
    expect(inFlight.idempotencyKey).toBe(asked.toolCallId);
    expect(await thread().receipts()).toMatchObject([{ toolCallId: asked.toolCallId, status: "started" }]);

    await crashAndRestartAgent();
    await thread().waitForRun(null, 30_000);

    const events = eventsOfRun(await thread().events({ after: asked.pausedAt }), asked.runId);
    const types = events.map((event) => event.type);
    expect(types).toContain("run.recovered");
    expect(types.at(-1)).toBe("run.finished");
    expect(types.filter((type) => type === "run.failed")).toEqual([]);
    // Started once before the crash; after it, the call was not repeated but marked unknown.
    expect(events.filter((event) => event.type === "tool.receipt").map((event) => event.status)).toEqual(["started", "unknown"]);
    const [receipt] = await thread().receipts();
    expect(receipt).toMatchObject({ toolCallId: asked.toolCallId, status: "unknown", approvalId: asked.approvalId, decidedBy: user, attempts: 1 });

    const [, answer] = await thread().messages();
    expect(answer).toMatchObject({ id: asked.messageId, metadata: { status: "completed" } });
    const [part] = toolParts(answer!);
    expect(part).toMatchObject({ type: "tool-restart", state: "output-error" });
    expect(part!.errorText).toMatch(/The outcome of restart is unknown: the agent was interrupted while the call was in flight/);
    expect(textOf(answer!)).toMatch(/Check the current status \(for example with get_status\) before trying again/);

    // Once openclaw-local's hold is over, the restart was performed at most once.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(inFlight.at) + IN_FLIGHT_MS + 500 - Date.now())));
    const log = await control.requests();
    expect(restarts(log)).toHaveLength(1);
    expect(effects(log, "gateway.restarted")).toBeLessThanOrEqual(1);

    // And the person can check, as the answer suggests.
    const status = await readAnswer(await thread().send("is my openclaw running?"));
    expect(toolParts(status)).toMatchObject([{ type: "tool-get_status", state: "output-available" }]);
  });

  it("while an approved provision is in flight: it is retried with the same Idempotency-Key and provisions once", async () => {
    const { user, control, thread } = freshUser("inflight-provision");
    await control.addFault({ method: "POST", path: "/openclaw/instance", kind: "delay", ms: IN_FLIGHT_MS, count: 1 });
    const asked = await askForApproval(thread(), "provision an OpenClaw instance");
    expect((await thread().respond(asked.approvalId, "approved")).status).toBe(200);
    const inFlight = await waitUntilInFlight(control, provisions);
    expect(inFlight).toMatchObject({ method: "POST", idempotencyKey: asked.toolCallId });

    await crashAndRestartAgent();
    await thread().waitForRun(null, 30_000);

    const events = eventsOfRun(await thread().events({ after: asked.pausedAt }), asked.runId);
    expect(events.map((event) => event.type)).toContain("run.recovered");
    expect(events.filter((event) => event.type === "tool.receipt").map((event) => event.status)).toEqual(["started", "started", "succeeded"]);
    expect(await thread().receipts()).toMatchObject([
      { toolCallId: asked.toolCallId, tool: "provision", status: "succeeded", approvalId: asked.approvalId, decidedBy: user, attempts: 2 },
    ]);
    const [, answer] = await thread().messages();
    expect(answer).toMatchObject({ id: asked.messageId, metadata: { status: "completed" } });
    expect(toolParts(answer!)).toMatchObject([{ type: "tool-provision", state: "output-available", output: { status: "provisioning" } }]);

    // After the interrupted call's hold is over too: every attempt carried the tool-call id, and
    // openclaw-local provisioned exactly once.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(inFlight.at) + IN_FLIGHT_MS + 500 - Date.now())));
    const log = provisions(await control.requests());
    expect(log.length).toBeGreaterThanOrEqual(2);
    for (const request of log) expect(request).toMatchObject({ method: "POST", idempotencyKey: asked.toolCallId });
    expect(effects(log, "instance.provisioning")).toBe(1);
    const performedBy = log.filter((request) => request.effects.includes("instance.provisioning"));
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

    await crashAndRestartAgent();
    await control.setBalance(7);
    const after = {
      balance: await readAnswer(await thread().send("what's my balance")),
      backup: await readAnswer(await thread().send("back up my openclaw")),
    };
    expect(toolParts(after.balance)[0]).toMatchObject({ state: "output-available", output: { balance_usd: 7 } });
    expect(toolParts(after.backup)[0]).toMatchObject({ state: "output-available" });

    const ids = [before.balance, before.backup, after.balance, after.backup].map((message) => toolParts(message)[0]!.toolCallId);
    expect(new Set(ids).size).toBe(4);
    const receipts = await thread().receipts();
    expect(receipts.map((receipt) => receipt.toolCallId).sort()).toEqual([...ids].sort());
    const backups = (await control.requests()).filter((request) => request.path === "/api/openclaw/runtime/backup");
    expect(backups.map((request) => [request.idempotencyKey, request.replayed, request.effects])).toEqual([
      [ids[1], false, ["backup.completed"]],
      [ids[3], false, ["backup.completed"]],
    ]);
  });
});

describe("a run that went on after two approvals is SIGKILLed once", () => {
  // Every tool gated: "approve the pending device" needs one approval to list, one to approve.
  let gatedAll: System;
  beforeAll(async () => {
    gatedAll = await startSystem({ agentVars: { APPROVAL_POLICY: "all" } });
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
      const [approval] = await waitFor(async () => {
        const pending = await thread().approvals("pending");
        return pending.length === 1 ? pending : null;
      }, { what: `the approval for ${tool}` });
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
