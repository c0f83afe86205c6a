import { describe, expect, it } from "vitest";
import { toolParts } from "./harness.ts";
import {
  askForApproval,
  chat,
  decideAndFollow,
  expectSameRunContinued,
  freshUser,
  INSTANCE_READ,
  READY,
  storedAnswer,
  useToolsSystem,
  writes,
} from "./openclaw-tools-kit.ts";

// Preconditions of the OpenClaw tools: a call that cannot happen is never put to the person for
// approval; the answer says what is true, and nothing reaches openclaw-local.

useToolsSystem();

describe("a call that cannot happen is not asked for: the answer says what is true and nothing is sent", () => {
  const readySince =
    /^You already have an OpenClaw instance \(ready since \d{4}-\d\d-\d\d \d\d:\d\d UTC\), so I did not provision another one\.$/;
  const noInstance = "You have no OpenClaw instance yet — shall I provision one?";
  const pairingRead = { method: "GET", path: "/api/openclaw/runtime/pairing/telegram", status: 200 };
  const cases = [
    {
      name: "provision with a ready instance",
      tool: "provision",
      input: "provision an OpenClaw instance",
      seed: READY,
      reason: "instance_exists",
      message: readySince,
      reads: [INSTANCE_READ],
    },
    {
      name: "provision while one is provisioning",
      tool: "provision",
      input: "provision an OpenClaw instance",
      seed: { instance: { status: "provisioning" as const, readyInMs: 3_600_000 } },
      reason: "instance_exists",
      message: /^You already have an OpenClaw instance; it is still provisioning/,
      reads: [INSTANCE_READ],
    },
    {
      name: "restart with no instance",
      tool: "restart",
      input: "restart my OpenClaw",
      seed: undefined,
      reason: "no_instance",
      message: noInstance,
      reads: [INSTANCE_READ],
    },
    {
      name: "restart while provisioning",
      tool: "restart",
      input: "restart my OpenClaw",
      seed: { instance: { status: "provisioning" as const, readyInMs: 3_600_000 } },
      reason: "instance_not_ready",
      message: "Your OpenClaw instance is still provisioning, so I cannot restart it yet; try again once it is ready.",
      reads: [INSTANCE_READ],
    },
    {
      name: "backup (not gated) with no instance",
      tool: "backup_now",
      input: "back up my openclaw",
      seed: undefined,
      reason: "no_instance",
      message: noInstance,
      reads: [INSTANCE_READ],
    },
    {
      name: "delete with no instance",
      tool: "delete_instance",
      input: "delete my openclaw instance",
      seed: undefined,
      reason: "no_instance",
      message: "You have no OpenClaw instance, so there is nothing to delete.",
      reads: [INSTANCE_READ],
    },
    {
      name: "approve a pairing code nobody sent",
      tool: "approve_pairing",
      input: "approve pairing code ZZZZ2345 on telegram",
      seed: { ...READY, pairing: { telegram: [{ code: "QRST2345" }] } },
      reason: "not_pending",
      message: "No telegram pairing request is waiting with code ZZZZ2345.",
      reads: [INSTANCE_READ, pairingRead],
    },
  ];
  it.each(cases)(
    "$name → $tool answers $reason without an approval",
    async ({ tool, input, seed, reason, message, reads: expectedReads }) => {
      const { thread, control } = await freshUser(`skip-${tool}`, seed);
      const { answer, parts } = await chat(thread, input);
      expect(parts).toMatchObject([{ type: `tool-${tool}`, state: "output-available", output: { skipped: true, reason, message } }]);
      expect(
        answer.parts.some((part) => part.type === "tool-approval-request" || (part as { state?: string }).state === "approval-requested"),
      ).toBe(false);
      expect(await thread.approvals()).toEqual([]);
      expect(await thread.receipts()).toEqual([]);
      expect(await thread.jobs()).toEqual([]);
      // Read-only checks, within their budget; nothing was sent that changes anything.
      expect(await control.requests()).toMatchObject(expectedReads);
      expect((await control.requests()).length).toBe(expectedReads.length);
    },
  );

  it("the facts come with the answer: provision names the instance it found", async () => {
    const { thread } = await freshUser("skip-facts", READY);
    const { parts } = await chat(thread, "provision an OpenClaw instance");
    expect(parts[0]!.output).toMatchObject({
      skipped: true,
      reason: "instance_exists",
      instance: { status: "ready", last_ready_at: expect.any(Number) },
    });
  });

  it("the OpenClaw API failing: nothing is asked for, nothing is sent, and the error is a sentence", async () => {
    const { thread, control } = await freshUser("skip-down", READY);
    await control.addFault({ method: "GET", path: "/openclaw/instance", kind: "500", message: "upstream unavailable" });
    const { parts } = await chat(thread, "restart my OpenClaw");
    expect(parts).toMatchObject([
      {
        type: "tool-restart",
        state: "output-error",
        // The toolset's error shape: the AI SDK's `Error: <message>`.
        errorText: "Error: I could not check your OpenClaw instance (upstream unavailable); nothing was changed. Try again in a moment.",
      },
    ]);
    expect(await thread.approvals()).toEqual([]);
    expect(await thread.receipts()).toEqual([]);
    const log = await control.requests();
    expect(writes(log)).toEqual([]);
    expect(log.length).toBeGreaterThan(0);
  });

  it("checked again once approved: the instance went away meanwhile, so the restart answers no_instance and sends nothing", async () => {
    const { user, thread, control } = await freshUser("recheck", READY);
    const asked = await askForApproval(thread, "restart my OpenClaw", "restart");
    await control.seed({ instance: null });

    const events = await decideAndFollow(thread, asked, "approved");
    expectSameRunContinued(events, asked, user, "approved");
    expect(events.filter((event) => event.type === "tool.receipt")).toEqual([]);
    expect(await thread.receipts()).toEqual([]);
    expect(await thread.jobs()).toEqual([]);
    expect(writes(await control.requests())).toEqual([]);
    expect(toolParts(await storedAnswer(thread, asked)).at(-1)).toMatchObject({
      type: "tool-restart",
      state: "output-available",
      approval: { id: asked.approvalId, approved: true },
      output: { skipped: true, reason: "no_instance", message: "You have no OpenClaw instance yet — shall I provision one?" },
    });
  });
});
