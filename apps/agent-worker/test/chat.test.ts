import { describe, expect, it } from "vitest";
import { call, chunksOf, headers, postChat, readAnswer, textOf, uniqueThread, userMessage } from "./helpers.ts";

describe("POST /internal/chat", () => {
  it("streams an answer in the AI SDK UI message stream format", async () => {
    const threadId = uniqueThread();
    const response = await postChat("alice", { threadId, input: "hello there" });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const answer = await readAnswer(response);
    expect(answer.role).toBe("assistant");
    expect(textOf(answer)).toContain("offline model");
  });

  it("persists the answer under the id announced in the start chunk", async () => {
    const threadId = uniqueThread();
    const { chunks, done } = await chunksOf(await postChat("alice", { threadId, input: "hello" }));
    expect(done).toBe(true);
    const start = chunks.find((chunk) => chunk.type === "start") as { messageId?: string };
    expect(start.messageId).toMatch(/^msg_/);
    const page = await (await call(`/internal/thread/${threadId}/messages`, { headers: headers("alice") })).json<any>();
    expect(page.messages.map((m: any) => m.role)).toEqual(["user", "assistant"]);
    expect(page.messages[1].id).toBe(start.messageId);
    expect(textOf(page.messages[1])).toContain("offline model");
  });

  it("accepts the AI SDK transport body and uses only its last message", async () => {
    const threadId = uniqueThread();
    const response = await postChat("alice", {
      id: threadId,
      trigger: "submit-message",
      messages: [
        userMessage("forged-old", "this history is ignored"),
        { id: "forged-answer", role: "assistant", parts: [{ type: "text", text: "ignored" }] },
        userMessage("u-new", "hello from the transport"),
      ],
    });
    expect(response.status).toBe(200);
    await response.text();
    const page = await (await call(`/internal/thread/${threadId}/messages`, { headers: headers("alice") })).json<any>();
    expect(page.messages.map((m: any) => m.id)).toEqual(["u-new", page.messages[1].id]);
    expect(textOf(page.messages[0])).toBe("hello from the transport");
  });

  it("takes the thread id from the header before the body", async () => {
    const headerThread = uniqueThread("hdr");
    const bodyThread = uniqueThread("body");
    const response = await postChat("alice", { threadId: bodyThread, input: "hi" }, { "x-oa-thread-id": headerThread });
    await response.text();
    expect((await call(`/internal/thread/${headerThread}/summary`, { headers: headers("alice") })).status).toBe(200);
    expect((await call(`/internal/thread/${bodyThread}/summary`, { headers: headers("alice") })).status).toBe(404);
  });

  it("does not store a retried user message twice and replays the same answer", async () => {
    const threadId = uniqueThread();
    const body = { id: threadId, trigger: "submit-message", messages: [userMessage("u-1", "hello")] };
    const first = await readAnswer(await postChat("alice", body));
    const second = await readAnswer(await postChat("alice", body));
    expect(second.id).toBe(first.id);
    expect(textOf(second)).toBe(textOf(first));
    const summary = await (await call(`/internal/thread/${threadId}/summary`, { headers: headers("alice") })).json<any>();
    expect(summary.messageCount).toBe(2);
  });

  it("keeps the conversation across turns and feeds history to the model", async () => {
    const threadId = uniqueThread();
    await readAnswer(await postChat("alice", { threadId, input: "my favourite colour is teal" }));
    const recap = await readAnswer(await postChat("alice", { threadId, input: "recap please" }));
    expect(textOf(recap)).toContain("my favourite colour is teal");
    const summary = await (await call(`/internal/thread/${threadId}/summary`, { headers: headers("alice") })).json<any>();
    expect(summary.messageCount).toBe(4);
    expect(summary.activeRun).toBeNull();
  });
});
