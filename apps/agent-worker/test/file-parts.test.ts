import { env, runInDurableObject } from "cloudflare:test";
import { MAX_FILE_PART_BYTES, MAX_MESSAGE_FILE_BYTES } from "@oa/protocol";
import { getAgentByName } from "agents";
import { convertToModelMessages } from "ai";
import { describe, expect, it } from "vitest";
import type { ThreadAgent } from "../src/agents/thread-agent.ts";
import { type AgentWorkerEnv, readConfig } from "../src/config.ts";
import { ApiError } from "../src/failure.ts";
import { parseChatRequest } from "../src/http/chat-request.ts";
import { buildModelContext } from "../src/runs/context.ts";
import { ThreadStore } from "../src/storage/thread-store.ts";
import { call, headers, postChat, readAnswer, textOf, uniqueThread } from "./helpers.ts";

// A chat message never makes the server fetch anything: files travel inline as base64 data: URLs
// of an allowed type within the limits; a URL is refused, and one stored before is only described.

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const dataUrl = (mediaType: string, bytes: number) => `data:${mediaType};base64,${btoa("a".repeat(bytes))}`;

function fileMessage(id: string, ...files: Array<Record<string, unknown>>) {
  return { id, role: "user", parts: [{ type: "text", text: "here is a file" }, ...files.map((file) => ({ type: "file", ...file }))] };
}

function postFiles(threadId: string, ...files: Array<Record<string, unknown>>) {
  return postChat("alice", { id: threadId, trigger: "submit-message", messages: [fileMessage(`m-${threadId}`, ...files)] });
}

function thread(threadId: string) {
  return getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId);
}

describe("file parts", () => {
  it("refuses every file by URL, of a type not allowed, mislabelled, not base64 or too big: 400 unsupported_file_part, nothing stored", async () => {
    const threadId = uniqueThread("files-bad");
    const refused: Array<[string, Record<string, unknown>]> = [
      [
        "a remote URL declared as 90 MiB",
        { url: "https://example.com/huge.bin", mediaType: "application/pdf", filename: "huge.pdf", size: 90 * 1024 * 1024 },
      ],
      ["http://localhost", { url: "http://localhost:8788/internal/threads", mediaType: "text/plain" }],
      ["a host that resolves to 127.0.0.1", { url: "http://127.0.0.1.nip.io/x.png", mediaType: "image/png" }],
      ["ftp:", { url: "ftp://example.com/a.txt", mediaType: "text/plain" }],
      ["javascript:", { url: "javascript:alert(1)", mediaType: "text/plain" }],
      ["a data: URL that is not base64", { url: "data:text/plain,hello", mediaType: "text/plain" }],
      ["broken base64", { url: "data:text/plain;base64,ab$c", mediaType: "text/plain" }],
      ["a data: URL of another type than declared", { url: `data:text/html;base64,${btoa("<script>")}`, mediaType: "text/plain" }],
      ["a type not allowed", { url: `data:text/html;base64,${btoa("<b>")}`, mediaType: "text/html" }],
      ["over the per-part limit", { url: dataUrl("text/plain", MAX_FILE_PART_BYTES + 3), mediaType: "text/plain" }],
      ["no url", { mediaType: "text/plain" }],
    ];
    for (const [name, file] of refused) {
      const response = await postFiles(threadId, file);
      expect(response.status, name).toBe(400);
      expect(await response.json(), name).toMatchObject({ ok: false, error: { code: "unsupported_file_part" } });
    }
    expect((await call(`/internal/thread/${threadId}/summary`, { headers: headers("alice") })).status).toBe(404);
  });

  it("limits the files of one message together", () => {
    const half = { type: "file", url: dataUrl("text/plain", Math.floor(MAX_MESSAGE_FILE_BYTES / 2) + 3), mediaType: "text/plain" };
    const body = { id: "t-files", messages: [{ id: "m1", role: "user", parts: [half, half] }] };
    expect(() => parseChatRequest(body, null)).toThrow(ApiError);
    try {
      parseChatRequest(body, null);
    } catch (error) {
      expect((error as ApiError).code).toBe("unsupported_file_part");
    }
    expect(parseChatRequest({ id: "t-files", messages: [{ id: "m1", role: "user", parts: [half] }] }, null)).toMatchObject({
      kind: "message",
    });
  });

  it("accepts a small data: image and the model gets it as a file", async () => {
    const threadId = uniqueThread("files-ok");
    const response = await postFiles(threadId, { url: `data:image/png;base64,${PNG}`, mediaType: "image/png", filename: "pixel.png" });
    expect(response.status).toBe(200);
    const answer = await readAnswer(response);
    expect(textOf(answer)).toContain("I received pixel.png (image/png, 70 bytes)");
    const stored = await (await call(`/internal/thread/${threadId}/messages`, { headers: headers("alice") })).json<any>();
    expect(stored.messages[0].parts[1]).toEqual({
      type: "file",
      url: `data:image/png;base64,${PNG}`,
      mediaType: "image/png",
      filename: "pixel.png",
    });
  });

  it("a thread that already holds URL file parts still answers, describing them and fetching nothing", async () => {
    const threadId = uniqueThread("files-legacy");
    const legacy = [
      { type: "file", url: "http://127.0.0.1:9/ninety-mebibytes.bin", mediaType: "application/octet-stream", filename: "huge.bin" },
      { type: "file", url: "ftp://example.com/a.txt", mediaType: "text/plain", filename: "a.txt" },
      { type: "file", url: "javascript:alert(1)", mediaType: "text/plain" },
      { type: "file", url: "http://localhost:8788/x.png", mediaType: "image/png", filename: "x.png" },
    ];
    await runInDurableObject(await thread(threadId), (_agent: ThreadAgent, state) => {
      const store = new ThreadStore(state.storage.sql);
      const now = Date.now();
      state.storage.transactionSync(() => {
        store.createMeta(threadId, "alice", now);
        store.appendMessage(
          { id: "legacy-1", role: "user", parts: [{ type: "text", text: "look at these" }, ...legacy] as never },
          null,
          now,
        );
        store.appendMessage({ id: "legacy-2", role: "assistant", parts: [{ type: "text", text: "ok" }] }, null, now);
      });
    });
    const answer = await readAnswer(await postChat("alice", { threadId, input: "hello again" }));
    expect(textOf(answer)).not.toBe("");
    const stored = await (await call(`/internal/thread/${threadId}/messages`, { headers: headers("alice") })).json<any>();
    expect(stored.messages.at(-1).metadata).toMatchObject({ status: "completed" });

    const forModel = await runInDurableObject(await thread(threadId), async (_agent: ThreadAgent, state) => {
      const store = new ThreadStore(state.storage.sql);
      const context = buildModelContext(store, store.meta()!, readConfig(env), null);
      return JSON.stringify(await convertToModelMessages(context.forModel));
    });
    expect(forModel).toContain("[file: huge.bin, application/octet-stream — not available]");
    expect(forModel).toContain("[file: a.txt, text/plain — not available]");
    expect(forModel).toContain("[file: unnamed, text/plain — not available]");
    expect(forModel).not.toMatch(/127\.0\.0\.1|ftp:|javascript:|localhost/);
  });

  it("bounds the file data of one context: the newest files are inlined, older ones described", async () => {
    const threadId = uniqueThread("files-budget");
    const big = (n: number) => ({
      type: "file",
      url: dataUrl("text/plain", 700 * 1024 + n),
      mediaType: "text/plain",
      filename: `f${n}.txt`,
    });
    await runInDurableObject(await thread(threadId), (_agent: ThreadAgent, state) => {
      const store = new ThreadStore(state.storage.sql);
      const now = Date.now();
      state.storage.transactionSync(() => {
        store.createMeta(threadId, "alice", now);
        for (let n = 1; n <= 4; n++) store.appendMessage({ id: `big-${n}`, role: "user", parts: [big(n)] as never }, null, now);
      });
    });
    const seen = await runInDurableObject(await thread(threadId), (_agent: ThreadAgent, state) => {
      const store = new ThreadStore(state.storage.sql);
      const context = buildModelContext(store, store.meta()!, readConfig(env), null);
      return context.forModel.map((message) => {
        const part = message.parts[0] as { type: string; text?: string; url?: string };
        return part.type === "file" ? `inline ${part.url!.length}` : part.text;
      });
    });
    expect(seen.slice(0, 2)).toEqual([
      "[file: f1.txt, text/plain — not included: only the newest files fit the context]",
      "[file: f2.txt, text/plain — not included: only the newest files fit the context]",
    ]);
    expect(seen.slice(2).every((entry) => entry?.startsWith("inline "))).toBe(true);
  });
});
