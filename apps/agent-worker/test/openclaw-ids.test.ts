import { describe, expect, it } from "vitest";
import { toolSpecsByName } from "../src/tools/openclaw/catalog.ts";
import { call, headers, postChat, readAnswer, uniqueThread } from "./helpers.ts";

// Ids never become paths: an id that is not one safe path segment is refused by the tool's own
// input schema, before any call and before any approval; the model is told the input is invalid.

const UNSAFE = ["..", ".", ".hidden", "%2F", "a/b", "..%2F..", "-x", "a?b", "a#b", ""];

describe("ids that would become paths", () => {
  it("are refused by every OpenClaw tool input that goes into a URL", () => {
    for (const id of UNSAFE) {
      expect(toolSpecsByName.get("approve_device")!.input.safeParse({ requestId: id }).success, id).toBe(false);
      expect(toolSpecsByName.get("get_session_history")!.input.safeParse({ sessionKey: id }).success, id).toBe(false);
      expect(toolSpecsByName.get("send_session_message")!.input.safeParse({ sessionKey: id, message: "hi" }).success, id).toBe(false);
      expect(toolSpecsByName.get("list_pairing_requests")!.input.safeParse({ channel: id }).success, id).toBe(false);
    }
    for (const id of ["req-1", "main", "cron:daily", "agent:main:whatsapp:dm:+15550100", "a.b"]) {
      expect(toolSpecsByName.get("get_session_history")!.input.safeParse({ sessionKey: id }).success, id).toBe(true);
    }
  });

  it("reach no tool through chat: the model is told the input is invalid, no receipt, no approval", async () => {
    for (const key of ["..", ".", "%2F", "a/b"]) {
      const threadId = uniqueThread("ids");
      const answer = await readAnswer(await postChat("alice", { threadId, input: `show me the history of ${key}` }));
      const part = answer.parts.find((candidate) => candidate.type === "tool-get_session_history") as {
        state: string;
        input: unknown;
        errorText?: string;
      };
      expect(part, key).toMatchObject({ state: "output-error", input: { sessionKey: key } });
      expect(part.errorText, key).toMatch(/invalid/i);
      expect(part.errorText, key).not.toMatch(/not configured/);
      const receipts = await (await call(`/internal/thread/${threadId}/receipts`, { headers: headers("alice") })).json<any>();
      expect(receipts.receipts, key).toEqual([]);
      const approvals = await (await call(`/internal/thread/${threadId}/approvals`, { headers: headers("alice") })).json<any>();
      expect(approvals.approvals, key).toEqual([]);
    }
  });
});
