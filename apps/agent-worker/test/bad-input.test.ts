import { describe, expect, it } from "vitest";
import { call, headers, postChat, readAnswer, uniqueThread, userMessage } from "./helpers.ts";

const big = "x".repeat(100_001);

type Case = { name: string; body: string | unknown; status: number; code: string; threadHeader?: string };

const cases = (threadId: string): Case[] => [
  { name: "invalid JSON", body: "{not json", status: 400, code: "invalid_json" },
  { name: "empty body", body: "", status: 400, code: "invalid_json" },
  { name: "JSON array", body: [1, 2], status: 400, code: "invalid_request" },
  { name: "neither shape", body: { threadId, hello: "x" }, status: 400, code: "invalid_request" },
  { name: "empty input", body: { threadId, input: "" }, status: 400, code: "invalid_request" },
  { name: "input not a string", body: { threadId, input: 42 }, status: 400, code: "invalid_request" },
  { name: "no thread id", body: { input: "hi" }, status: 400, code: "invalid_thread_id" },
  { name: "thread id with a slash", body: { threadId: "a/b", input: "hi" }, status: 400, code: "invalid_thread_id" },
  { name: "thread id too long", body: { threadId: "a".repeat(129), input: "hi" }, status: 400, code: "invalid_thread_id" },
  { name: "thread id of dots", body: { threadId: "..", input: "hi" }, status: 400, code: "invalid_thread_id" },
  { name: "thread id starting with a dot", body: { threadId: ".hidden", input: "hi" }, status: 400, code: "invalid_thread_id" },
  { name: "message id of dots", body: { threadId, input: "hi", messageId: ".." }, status: 400, code: "invalid_request" },
  { name: "bad thread header", body: { threadId, input: "hi" }, status: 400, code: "invalid_thread_id", threadHeader: "bad id!" },
  { name: "input over 100,000 characters", body: { threadId, input: big }, status: 400, code: "message_too_long" },
  {
    name: "transport text over 100,000 characters",
    body: { id: threadId, trigger: "submit-message", messages: [userMessage("u-big", big)] },
    status: 400,
    code: "message_too_long",
  },
  { name: "body over 1 MiB", body: { threadId, input: "hi", pad: "y".repeat(1024 * 1024) }, status: 413, code: "body_too_large" },
  { name: "empty messages", body: { id: threadId, trigger: "submit-message", messages: [] }, status: 400, code: "invalid_request" },
  {
    name: "last message not from the user",
    body: { id: threadId, messages: [{ id: "a1", role: "assistant", parts: [{ type: "text", text: "x" }] }] },
    status: 400,
    code: "invalid_request",
  },
  {
    name: "a user part the user cannot send",
    body: {
      id: threadId,
      messages: [{ id: "u-tool", role: "user", parts: [{ type: "tool-restart", toolCallId: "c", state: "output-available" }] }],
    },
    status: 400,
    code: "invalid_request",
  },
  {
    name: "message id with spaces",
    body: { id: threadId, messages: [{ id: "has space", role: "user", parts: [{ type: "text", text: "x" }] }] },
    status: 400,
    code: "invalid_request",
  },
  {
    name: "unknown trigger",
    body: { id: threadId, trigger: "explode", messages: [userMessage("u-t", "x")] },
    status: 400,
    code: "invalid_request",
  },
  { name: "unknown busy policy", body: { threadId, input: "hi", onBusy: "panic" }, status: 400, code: "invalid_request" },
];

describe("bad input", () => {
  it("gets a clear 4xx with a code and persists nothing", async () => {
    const threadId = uniqueThread("bad");
    for (const testCase of cases(threadId)) {
      const response = await call("/internal/chat", {
        method: "POST",
        headers: headers("alice", testCase.threadHeader ? { "x-oa-thread-id": testCase.threadHeader } : {}),
        body: typeof testCase.body === "string" ? testCase.body : JSON.stringify(testCase.body),
      });
      expect(response.status, testCase.name).toBe(testCase.status);
      const body = await response.json<any>();
      expect(body.ok, testCase.name).toBe(false);
      expect(body.error.code, testCase.name).toBe(testCase.code);
      expect(typeof body.error.message, testCase.name).toBe("string");
      expect("details" in body.error, testCase.name).toBe(true);
    }
    // None of the rejected requests created the thread.
    const summary = await call(`/internal/thread/${threadId}/summary`, { headers: headers("alice") });
    expect(summary.status).toBe(404);
    // And the thread still works for a valid first message, owned by whoever sends it.
    await readAnswer(await postChat("alice", { threadId, input: "hi" }));
    const after = await (await call(`/internal/thread/${threadId}/summary`, { headers: headers("alice") })).json<any>();
    expect(after.messageCount).toBe(2);
  });

  it("answers 405 for a wrong method on a known path and 404 for an unknown path", async () => {
    const wrongMethod = await call("/internal/chat", { headers: headers("alice") });
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toMatchObject({ error: { code: "method_not_allowed" } });
    const unknown = await call("/internal/nope", { headers: headers("alice") });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("validates paging parameters", async () => {
    for (const query of ["limit=0", "limit=201", "limit=abc", "before=-1", "before=0"]) {
      const response = await call(`/internal/thread/abc/messages?${query}`, { headers: headers("alice") });
      expect(response.status, query).toBe(400);
    }
  });

  it("refuses dot-led ids in path parameters (a URL parser already resolves . and .. away)", async () => {
    const cases: Array<[string, string, string]> = [
      ["GET", "/internal/thread/.hidden/messages", "invalid_thread_id"],
      ["GET", "/internal/chat/.x/stream", "invalid_thread_id"],
      ["GET", "/internal/thread/-x/summary", "invalid_thread_id"],
      ["POST", "/internal/thread/t1/jobs/.x/cancel", "invalid_request"],
      ["DELETE", "/internal/thread/t1/schedules/..x", "invalid_request"],
      ["GET", "/internal/thread/%2E%2E/summary", "not_found"],
    ];
    for (const [method, path, code] of cases) {
      const response = await call(path, { method, headers: headers("alice") });
      expect((await response.json<any>()).error.code, path).toBe(code);
    }
  });
});
