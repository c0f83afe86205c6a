import { describe, expect, it } from "vitest";
import { messageFromChunks, sseChunks, textOf, toolParts, waitForJobReport } from "./harness.ts";
import {
  askForApproval,
  chat,
  decideAndFollow,
  expectReported,
  expectSameRunContinued,
  followRun,
  freshUser,
  INSTANCE_READ,
  JOB_REPORTED,
  type JobOutput,
  READY,
  reads,
  receiptOf,
  receiptStatuses,
  storedAnswer,
  useToolsSystem,
  writes,
} from "./openclaw-tools-kit.ts";

// The gated OpenClaw tools: nothing reaches openclaw-local until the person approves; then the
// same run goes on and the effect happens once. Rejections reach nothing.

useToolsSystem();

describe("gated tools wait for approval, then the same run goes on and the effect reaches openclaw-local once", () => {
  it("restart my OpenClaw → restart: nothing happens until approved; the resume stream shows the job start; the job watches the gateway come back", async () => {
    const { user, thread, control } = await freshUser("restart", READY);
    const asked = await askForApproval(thread, "restart my OpenClaw", "restart");
    // Only the read that checked the instance before asking.
    expect(await control.requests()).toMatchObject([INSTANCE_READ]);
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
    expect(live).toBe("Restart started; I'll tell you when the gateway is back.");

    const events = await followRun(thread, asked);
    expectSameRunContinued(events, asked, user, "approved");
    expect(receiptStatuses(events, asked.toolCallId)).toEqual(["started", "succeeded"]);
    expect(events.filter((event) => event.type.startsWith("job."))).toMatchObject([
      { type: "job.started", jobId, kind: "restart", runId: asked.runId },
      { type: "job.log", jobId, message: "Restart requested" },
      { type: "job.progress", jobId, ...started },
    ]);
    const receipt = {
      tool: "restart",
      runId: asked.runId,
      status: "succeeded",
      approvalId: asked.approvalId,
      decidedBy: user,
      attempts: 1,
    };
    expect(await receiptOf(thread, asked.toolCallId)).toMatchObject(receipt);

    // The job goes on without the run: it saw the gateway starting, then running, and reports that.
    const report = await waitForJobReport(thread, asked.toolCallId);
    expect(report.job).toMatchObject({ id: jobId, status: "succeeded", runId: asked.runId, result: { gateway: { status: "running" } } });
    expectReported(report, "restart", "The gateway is running again.", "The restart is done. The gateway is running again.");
    const watched = (await thread.events())
      .filter((event) => event.type === "job.progress" && event.jobId === jobId)
      .map((event) => event.message);
    expect(watched).toContain("The gateway is starting.");

    const log = await control.requests();
    const restarted = {
      path: "/api/openclaw/runtime/restart",
      idempotencyKey: asked.toolCallId,
      status: 200,
      replayed: false,
      effects: ["gateway.restarted"],
    };
    expect(writes(log)).toMatchObject([{ method: "POST", fault: "before:delay", ...restarted }]);
    // Reads: the instance, before asking and again once approved; then the job watching the gateway.
    expect(reads(log).slice(0, 2)).toMatchObject([INSTANCE_READ, INSTANCE_READ]);
    for (const read of reads(log).slice(2)) expect(read).toMatchObject({ path: "/api/openclaw/runtime/status", status: 200, effects: [] });
    const answer = await storedAnswer(thread, asked, JOB_REPORTED);
    expect(toolParts(answer)).toMatchObject([
      {
        type: "tool-restart",
        state: "output-available",
        approval: { id: asked.approvalId, approved: true },
        output: { job: { id: jobId, ...started } },
      },
    ]);
    expect(textOf(answer)).toBe(live);
  });

  it("provision an OpenClaw instance → provision: one keyed POST, then the job polls until the instance is ready and reports it", async () => {
    const { user, thread, control } = await freshUser("provision");
    const asked = await askForApproval(thread, "provision an OpenClaw instance", "provision");
    expect(await control.requests()).toMatchObject([INSTANCE_READ]);

    const events = await decideAndFollow(thread, asked, "approved");
    expectSameRunContinued(events, asked, user, "approved");
    expect(receiptStatuses(events, asked.toolCallId)).toEqual(["started", "succeeded"]);
    const started = { kind: "provision", status: "waiting", progress: 0.1, message: "Provisioning requested." };
    expect(events.filter((event) => event.type.startsWith("job."))).toMatchObject([
      { type: "job.started", kind: "provision", runId: asked.runId },
      { type: "job.log", message: "Provisioning requested" },
      { type: "job.progress", ...started },
    ]);
    expect(await receiptOf(thread, asked.toolCallId)).toMatchObject({
      status: "succeeded",
      approvalId: asked.approvalId,
      decidedBy: user,
      attempts: 1,
    });

    const report = await waitForJobReport(thread, asked.toolCallId);
    expect(report.job).toMatchObject({ status: "succeeded", runId: asked.runId, progress: 1, result: { status: "ready" } });
    expectReported(report, "provision", "Your OpenClaw instance is ready.", "Provisioning is done. Your OpenClaw instance is ready.");
    const answer = await storedAnswer(thread, asked, JOB_REPORTED);
    expect(toolParts(answer)).toMatchObject([
      { type: "tool-provision", state: "output-available", output: { job: { id: report.job.id, ...started } } },
    ]);
    expect(textOf(answer)).toBe("Provisioning started; I'll tell you when your OpenClaw instance is ready.");

    // One keyed POST made the instance; everything after it was the job reading it.
    const log = await control.requests();
    const provisioned = {
      path: "/api/openclaw/instance",
      idempotencyKey: asked.toolCallId,
      status: 200,
      replayed: false,
      effects: ["instance.provisioning"],
    };
    expect(writes(log)).toMatchObject([{ method: "POST", ...provisioned }]);
    for (const read of reads(log)) expect(read).toMatchObject({ path: "/api/openclaw/instance", status: 200 });
    const instance = await chat(thread, "do i have an openclaw?");
    expect(instance.parts[0]).toMatchObject({ type: "tool-get_instance", output: { status: "ready" } });
  });

  it("delete my openclaw instance → delete_instance, which stops the runtime and removes it", async () => {
    const { user, thread, control } = await freshUser("delete", READY);
    const asked = await askForApproval(thread, "delete my openclaw instance", "delete_instance");
    expect(await control.requests()).toMatchObject([INSTANCE_READ]);

    const events = await decideAndFollow(thread, asked, "approved");
    expectSameRunContinued(events, asked, user, "approved");
    expect(receiptStatuses(events, asked.toolCallId)).toEqual(["started", "succeeded"]);
    expect(writes(await control.requests())).toMatchObject([
      {
        method: "DELETE",
        path: "/api/openclaw/instance",
        idempotencyKey: asked.toolCallId,
        status: 200,
        effects: ["gateway.stopped", "instance.deleted"],
      },
    ]);
    expect(await receiptOf(thread, asked.toolCallId)).toMatchObject({
      status: "succeeded",
      approvalId: asked.approvalId,
      decidedBy: user,
      attempts: 1,
    });
    expect(toolParts(await storedAnswer(thread, asked))).toMatchObject([
      { type: "tool-delete_instance", state: "output-available", output: { deleted: true } },
    ]);

    const instance = await chat(thread, "do i have an openclaw?");
    expect(instance.parts[0]).toMatchObject({ type: "tool-get_instance", output: null });
  });

  it("approve the pending device → list_devices, then approve_device for the request it found", async () => {
    const { user, thread, control } = await freshUser("approve-device", {
      ...READY,
      devices: { pending: [{ requestId: "req-7", client: { platform: "macos" } }] },
    });
    const asked = await askForApproval(thread, "approve the pending device", "approve_device");
    // The approval shows, and binds, the exact request it allows.
    expect((await thread.approvals())[0]).toMatchObject({
      args: { requestId: "req-7" },
      risk: "high",
      request: { method: "POST", path: "/runtime/devices/req-7/approve", bodyHash: null },
    });
    // Only reads have reached openclaw-local: the one that found the request, then the checks before asking.
    const devicesRead = { method: "GET", path: "/api/openclaw/runtime/devices", status: 200 };
    expect(await control.requests()).toMatchObject([devicesRead, INSTANCE_READ, devicesRead]);

    const events = await decideAndFollow(thread, asked, "approved");
    expectSameRunContinued(events, asked, user, "approved");
    expect(receiptStatuses(events, asked.toolCallId)).toEqual(["started", "succeeded"]);
    expect(writes(await control.requests())).toMatchObject([
      {
        method: "POST",
        path: "/api/openclaw/runtime/devices/req-7/approve",
        idempotencyKey: asked.toolCallId,
        status: 200,
        effects: ["device.approved"],
      },
    ]);
    expect(await receiptOf(thread, asked.toolCallId)).toMatchObject({
      args: { requestId: "req-7" },
      status: "succeeded",
      approvalId: asked.approvalId,
      decidedBy: user,
    });
    expect(toolParts(await storedAnswer(thread, asked))).toMatchObject([
      { type: "tool-list_devices", state: "output-available" },
      {
        type: "tool-approve_device",
        state: "output-available",
        input: { requestId: "req-7" },
        output: { approved: true, requestId: "req-7" },
      },
    ]);

    const devices = await chat(thread, "show my devices");
    expect(devices.parts[0]!.output).toMatchObject({ pending: [], paired: [{ client: { platform: "macos" } }] });
  });

  it("approve pairing code … on telegram → approve_pairing", async () => {
    const { user, thread, control } = await freshUser("approve-pairing", {
      ...READY,
      pairing: { telegram: [{ id: "4242", code: "QRST2345" }] },
    });
    const asked = await askForApproval(thread, "approve pairing code QRST2345 on telegram", "approve_pairing");
    expect((await thread.approvals())[0]).toMatchObject({
      args: { channel: "telegram", code: "QRST2345" },
      request: { method: "POST", path: "/runtime/pairing/telegram/approve", bodyHash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(await control.requests()).toMatchObject([
      INSTANCE_READ,
      { method: "GET", path: "/api/openclaw/runtime/pairing/telegram", status: 200 },
    ]);

    const events = await decideAndFollow(thread, asked, "approved");
    expectSameRunContinued(events, asked, user, "approved");
    expect(receiptStatuses(events, asked.toolCallId)).toEqual(["started", "succeeded"]);
    expect(writes(await control.requests())).toMatchObject([
      {
        method: "POST",
        path: "/api/openclaw/runtime/pairing/telegram/approve",
        idempotencyKey: asked.toolCallId,
        status: 200,
        effects: ["pairing.approved"],
      },
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
    {
      tool: "approve_pairing",
      input: "approve pairing code ABCDEFGH on telegram",
      seed: { ...READY, pairing: { telegram: [{ code: "ABCDEFGH" }] } },
    },
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
    expect(toolParts(answer).at(-1)).toMatchObject({
      type: `tool-${tool}`,
      state: "output-denied",
      approval: { id: asked.approvalId, approved: false },
    });
    expect(textOf(answer)).toMatch(/^OK, I won't [^.]+\. Your reason: not during the demo\.$/);
  });
});
