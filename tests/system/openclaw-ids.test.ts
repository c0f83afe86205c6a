import { describe, expect, it } from "vitest";
import { toolParts } from "./harness.ts";
import { chat, freshUser, READY, useToolsSystem } from "./openclaw-tools-kit.ts";

// Ids never become paths: an id that is not one safe path segment — whoever supplies it, the
// person or an OpenClaw answer — makes no OpenClaw request and asks for no approval; the model is
// told the input is invalid. Checked in openclaw-local's request log.

useToolsSystem();

describe("ids that would become paths reach no OpenClaw URL", () => {
  it.each(["..", ".", "%2F", "a/b"])("show me the history of %s → invalid input, no request, no approval", async (key) => {
    const { thread, control } = await freshUser("history-ids", READY);
    const { parts } = await chat(thread, `show me the history of ${key}`);
    expect(parts).toMatchObject([{ type: "tool-get_session_history", state: "output-error", input: { sessionKey: key } }]);
    expect(parts[0]!.errorText).toMatch(/invalid/i);
    expect(await control.requests()).toEqual([]);
    expect(await thread.approvals()).toEqual([]);
    expect(await thread.receipts()).toEqual([]);
  });

  it("approve the pending device whose request id is .. → only the read that listed it; no approval card", async () => {
    const { thread, control } = await freshUser("device-ids", { ...READY, devices: { pending: [{ requestId: ".." }] } });
    const { answer } = await chat(thread, "approve the pending device");
    expect(toolParts(answer)).toMatchObject([
      { type: "tool-list_devices", state: "output-available" },
      { type: "tool-approve_device", state: "output-error", input: { requestId: ".." } },
    ]);
    expect(answer.parts.some((part) => part.type === "tool-approve_device" && "approval" in part)).toBe(false);
    expect(await control.requests()).toMatchObject([{ method: "GET", path: "/api/openclaw/runtime/devices" }]);
    expect(await control.requests()).toHaveLength(1);
    expect(await thread.approvals()).toEqual([]);
    expect((await thread.summary()).activeRun).toBeNull();
  });
});
