import type { UIMessage } from "ai";
import { describe, expect, it } from "vitest";
import { rebuildMessage } from "../../test/helpers.ts";
import { messageToChunks } from "./message-chunks.ts";

/** A two-step answer shaped like the ones the run engine stores from `toUIMessageStream`. */
const answer: UIMessage = {
  id: "msg_answer_1",
  role: "assistant",
  parts: [
    { type: "step-start" },
    { type: "reasoning", id: "reasoning-0", text: "The user wants a restart; check status first.", state: "done" },
    { type: "text", text: "Let me look at your runtime.", state: "done" },
    {
      type: "tool-status",
      toolCallId: "call_status",
      state: "output-available",
      input: { runtime: "openclaw" },
      output: { healthy: false, uptimeSeconds: 12, notes: ["gateway stuck"] },
    },
    {
      type: "tool-restart",
      toolCallId: "call_restart",
      state: "output-error",
      input: { runtime: "openclaw", force: true },
      errorText: "restart refused: a backup is running",
    },
    { type: "data-runtime", id: "runtime-card", data: { status: "degraded", region: "eu-west" } },
    { type: "step-start" },
    { type: "text", text: "The restart failed because a backup is running.", state: "done" },
  ],
};

describe("messageToChunks", () => {
  it("rebuilds an equal message through readUIMessageStream", async () => {
    const rebuilt = await rebuildMessage(messageToChunks(answer));
    expect(rebuilt.id).toBe(answer.id);
    expect(rebuilt.role).toBe("assistant");
    expect(rebuilt.parts).toEqual(answer.parts);
  });

  it("rebuilds the same message again from its own rebuilt copy", async () => {
    const once = await rebuildMessage(messageToChunks(answer));
    const twice = await rebuildMessage(messageToChunks(once));
    expect(twice).toEqual(once);
  });

  it("opens and closes one step per step-start part", () => {
    const types = messageToChunks(answer).map((chunk) => chunk.type);
    expect(types[0]).toBe("start");
    expect(types.filter((type) => type === "start-step")).toHaveLength(2);
    expect(types.filter((type) => type === "finish-step")).toHaveLength(2);
    expect(types[types.length - 1]).toBe("finish-step");
    expect(types.indexOf("finish-step")).toBeLessThan(types.lastIndexOf("start-step"));
  });
});
