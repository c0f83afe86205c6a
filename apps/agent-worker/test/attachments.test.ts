import { env, runInDurableObject } from "cloudflare:test";
import {
  attachmentUploadResultSchema,
  MAX_ATTACHMENT_IMAGE_BYTES,
  MAX_ATTACHMENT_TEXT_BYTES,
  MAX_ATTACHMENTS_PER_MESSAGE,
  MAX_ATTACHMENTS_PER_THREAD,
  MAX_THREAD_ATTACHMENT_BYTES,
} from "@oa/protocol";
import { getAgentByName } from "agents";
import { convertToModelMessages } from "ai";
import { describe, expect, it } from "vitest";
import type { ThreadAgent } from "../src/agents/thread-agent.ts";
import { attachmentsForModel } from "../src/attachments/attachments-for-model.ts";
import { threadAttachmentQuotaProblem } from "../src/attachments/thread-attachments.ts";
import { type AgentWorkerEnv, readConfig } from "../src/config.ts";
import { buildModelContext } from "../src/runs/context.ts";
import { EventLog } from "../src/storage/event-log.ts";
import { ThreadStore } from "../src/storage/thread-store.ts";
import { call, callJson, headers, postChat, readAnswer, textOf } from "./helpers.ts";

// Files attached to a thread live in R2 under threads/<threadId>/; only the owner sees them, the
// model reads them from R2 (never a URL), and they go with the thread.

const PNG_1x1 = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="),
  (c) => c.charCodeAt(0),
);
const LOG = "service started\nlistening on :8080\nERROR: connection refused\ndone\n";

async function newThread(userId: string): Promise<string> {
  const created = await callJson("/internal/threads", userId, { method: "POST", body: JSON.stringify({}) });
  expect(created.status).toBe(201);
  return created.body.threadId;
}

function upload(threadId: string, userId: string, body: BodyInit, mediaType: string, filename: string | null = "file"): Promise<Response> {
  const extra: Record<string, string> = { "content-type": mediaType };
  if (filename !== null) extra["x-oa-filename"] = encodeURIComponent(filename);
  return call(`/internal/thread/${threadId}/attachments`, { method: "POST", headers: headers(userId, extra), body });
}

async function uploadOk(threadId: string, userId: string, body: BodyInit, mediaType: string, filename: string) {
  const response = await upload(threadId, userId, body, mediaType, filename);
  expect(response.status).toBe(201);
  return attachmentUploadResultSchema.parse(await response.json()).attachment;
}

async function objectKeys(prefix: string): Promise<string[]> {
  return (await env.ATTACHMENTS.list({ prefix })).objects.map((object) => object.key);
}

function chatWith(threadId: string, messageId: string, ...files: Array<Record<string, unknown>>) {
  return postChat("alice", {
    id: threadId,
    trigger: "submit-message",
    messages: [
      {
        id: messageId,
        role: "user",
        parts: [{ type: "text", text: "look at these" }, ...files.map((file) => ({ type: "file", ...file }))],
      },
    ],
  });
}

describe("attachments", () => {
  it("uploads, lists and downloads the same bytes, with safe download headers", async () => {
    const threadId = await newThread("alice");
    const image = await uploadOk(threadId, "alice", PNG_1x1, "image/png", "pixel.png");
    expect(image).toMatchObject({
      threadId,
      filename: "pixel.png",
      mediaType: "image/png",
      size: PNG_1x1.byteLength,
      url: `attachment:${image.id}`,
      messageId: null,
    });
    const text = await uploadOk(threadId, "alice", LOG, "text/x-log", "résumé run.log");

    const list = await callJson(`/internal/thread/${threadId}/attachments`, "alice");
    expect(list.status).toBe(200);
    expect(list.body.attachments.map((a: { id: string }) => a.id)).toEqual([image.id, text.id]);

    const download = await call(`/internal/thread/${threadId}/attachments/${image.id}`, { headers: headers("alice") });
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(PNG_1x1);
    expect(download.headers.get("content-type")).toBe("image/png");
    expect(download.headers.get("content-disposition")).toBe(`inline; filename="pixel.png"; filename*=UTF-8''pixel.png`);
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
    expect(download.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(download.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");

    const textDownload = await call(`/internal/thread/${threadId}/attachments/${text.id}`, { headers: headers("alice") });
    expect(await textDownload.text()).toBe(LOG);
    expect(textDownload.headers.get("content-disposition")).toBe(
      `attachment; filename="r_sum_ run.log"; filename*=UTF-8''r%C3%A9sum%C3%A9%20run.log`,
    );
    expect(await objectKeys(`threads/${threadId}/`)).toEqual([`threads/${threadId}/${image.id}`, `threads/${threadId}/${text.id}`].sort());
  });

  it("is the owner's only: another user gets 404 for the thread's attachments, uploads included", async () => {
    const threadId = await newThread("alice");
    const image = await uploadOk(threadId, "alice", PNG_1x1, "image/png", "pixel.png");
    for (const [path, method] of [
      [`/internal/thread/${threadId}/attachments`, "GET"],
      [`/internal/thread/${threadId}/attachments/${image.id}`, "GET"],
      [`/internal/thread/${threadId}/attachments/${image.id}`, "DELETE"],
    ] as const) {
      const response = await callJson(path, "mallory", { method });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.body.error.code).toBe("thread_not_found");
    }
    const foreignUpload = await upload(threadId, "mallory", PNG_1x1, "image/png", "mine.png");
    expect(foreignUpload.status).toBe(404);
    expect((await callJson(`/internal/thread/${threadId}/attachments`, "alice")).body.attachments).toHaveLength(1);
    expect(await objectKeys(`threads/${threadId}/`)).toHaveLength(1);
  });

  it("refuses a type not accepted, content that is not its type, a missing name and an unknown thread", async () => {
    const threadId = await newThread("alice");
    const refused: Array<[string, BodyInit, string, string | null, number, string]> = [
      ["html", "<script>alert(1)</script>", "text/html", "x.html", 415, "unsupported_attachment"],
      ["a pdf", "%PDF-1.4", "application/pdf", "x.pdf", 415, "unsupported_attachment"],
      ["no content type", "hello", "", "x.txt", 415, "unsupported_attachment"],
      ["a .png that is not a PNG", "just text pretending", "image/png", "fake.png", 415, "unsupported_attachment"],
      ["a jpeg that is a png", PNG_1x1, "image/jpeg", "x.jpg", 415, "unsupported_attachment"],
      ["text that is not UTF-8", new Uint8Array([0x68, 0xff, 0xfe, 0x69]), "text/plain", "bad.txt", 415, "unsupported_attachment"],
      ["text with NUL", "a\u0000b", "text/plain", "nul.txt", 415, "unsupported_attachment"],
      ["an empty file", "", "text/plain", "empty.txt", 415, "unsupported_attachment"],
      ["no X-OA-Filename", "hello", "text/plain", null, 400, "invalid_request"],
      ["a blank name", "hello", "text/plain", "  ", 400, "invalid_request"],
    ];
    for (const [name, body, type, filename, status, code] of refused) {
      const response = await upload(threadId, "alice", body, type, filename);
      expect(response.status, name).toBe(status);
      expect(((await response.json()) as any).error.code, name).toBe(code);
    }
    const unknown = await upload("t-no-such-thread", "alice", "hello", "text/plain", "a.txt");
    expect(unknown.status).toBe(404);
    expect((await callJson(`/internal/thread/${threadId}/attachments`, "alice")).body.attachments).toEqual([]);
    expect(await objectKeys(`threads/${threadId}/`)).toEqual([]);
  });

  it("refuses a file over its type's byte limit: 413 attachment_too_large, nothing stored", async () => {
    const threadId = await newThread("alice");
    const text = await upload(threadId, "alice", "a".repeat(MAX_ATTACHMENT_TEXT_BYTES + 1), "text/plain", "big.txt");
    expect(text.status).toBe(413);
    expect(((await text.json()) as any).error.code).toBe("attachment_too_large");
    // Counted while reading: a body without Content-Length is cut off at the limit too.
    const oversized = new Uint8Array(MAX_ATTACHMENT_IMAGE_BYTES + 1);
    oversized.set(PNG_1x1);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < oversized.length; at += 256 * 1024) controller.enqueue(oversized.slice(at, at + 256 * 1024));
        controller.close();
      },
    });
    const image = await upload(threadId, "alice", stream, "image/png", "big.png");
    expect(image.status).toBe(413);
    // Exactly at the limit is fine.
    await uploadOk(threadId, "alice", "b".repeat(MAX_ATTACHMENT_TEXT_BYTES), "text/plain", "exact.txt");
    expect((await callJson(`/internal/thread/${threadId}/attachments`, "alice")).body.attachments).toHaveLength(1);
  });

  it("counts the thread's attachments and bytes against its limits", () => {
    expect(threadAttachmentQuotaProblem({ count: MAX_ATTACHMENTS_PER_THREAD - 1, bytes: 0 }, 10)).toBeNull();
    expect(threadAttachmentQuotaProblem({ count: MAX_ATTACHMENTS_PER_THREAD, bytes: 0 }, 10)).toMatch(/at most 200 attachments/);
    expect(threadAttachmentQuotaProblem({ count: 1, bytes: MAX_THREAD_ATTACHMENT_BYTES - 10 }, 10)).toBeNull();
    expect(threadAttachmentQuotaProblem({ count: 1, bytes: MAX_THREAD_ATTACHMENT_BYTES - 10 }, 11)).toMatch(/bytes together/);
  });

  it("refuses the upload over the thread's byte limit with 429 quota_exceeded", async () => {
    const threadId = await newThread("alice");
    // Rows as if the thread already held nearly its limit (without writing 100 MB to R2).
    await runInDurableObject(await getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId), (_agent, state) => {
      state.storage.sql.exec(
        "INSERT INTO attachments (id, filename, media_type, size, r2_key, message_id, created_at) VALUES ('att_filler', 'filler.bin', 'text/plain', ?, 'threads/x/filler', NULL, 0)",
        MAX_THREAD_ATTACHMENT_BYTES - 4,
      );
    });
    const refused = await upload(threadId, "alice", "hello", "text/plain", "one-too-many.txt");
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as any).error).toMatchObject({
      code: "quota_exceeded",
      message: expect.stringMatching(/bytes together/),
    });
    await uploadOk(threadId, "alice", "hey", "text/plain", "fits.txt");
    expect(await objectKeys(`threads/${threadId}/`)).toHaveLength(1);
  });

  it("gives the model the image as image bytes and the text file as text, read from R2; the offline model uses both", async () => {
    const threadId = await newThread("alice");
    const image = await uploadOk(threadId, "alice", PNG_1x1, "image/png", "pixel.png");
    const log = await uploadOk(threadId, "alice", LOG, "text/x-log", "service.log");
    // The client's type and name are not trusted: the record's replace them.
    const response = await chatWith(
      threadId,
      "m-attach-1",
      { url: image.url, mediaType: "text/plain", filename: "evil.txt" },
      { url: log.url, mediaType: "image/png" },
    );
    expect(response.status).toBe(200);
    const answer = textOf(await readAnswer(response));
    expect(answer).toContain("pixel.png is a 1×1 PNG image.");
    expect(answer).toContain(
      'service.log has 4 lines; the first reads "service started"; 1 mentions an error, first "ERROR: connection refused".',
    );

    const stored = await callJson(`/internal/thread/${threadId}/messages`, "alice");
    expect(stored.body.messages[0].parts.slice(1)).toEqual([
      { type: "file", url: image.url, mediaType: "image/png", filename: "pixel.png" },
      { type: "file", url: log.url, mediaType: "text/x-log", filename: "service.log" },
    ]);
    const listed = await callJson(`/internal/thread/${threadId}/attachments`, "alice");
    expect(listed.body.attachments.map((a: { messageId: string }) => a.messageId)).toEqual(["m-attach-1", "m-attach-1"]);

    const seen = await runInDurableObject(
      await getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId),
      async (_agent, state) => {
        const store = new ThreadStore(state.storage.sql);
        const context = buildModelContext(store, store.meta()!, readConfig(env), store.leafId());
        const rows = state.storage.sql
          .exec<{ id: string; r2_key: string; filename: string; media_type: string; size: number }>("SELECT * FROM attachments")
          .toArray();
        const byId = new Map(rows.map((row) => [row.id, row]));
        const forModel = await attachmentsForModel(context.forModel, {
          facts: (id) => {
            const row = byId.get(id);
            return row ? { filename: row.filename, mediaType: row.media_type, size: row.size } : null;
          },
          bytes: async (id) => new Uint8Array(await (await env.ATTACHMENTS.get(byId.get(id)!.r2_key))!.arrayBuffer()),
        });
        return convertToModelMessages(forModel);
      },
    );
    const user = seen[0]!;
    if (user.role !== "user" || typeof user.content === "string") throw new Error("expected the user message's parts");
    const file = user.content.find((part) => part.type === "file");
    expect(file).toMatchObject({ type: "file", mediaType: "image/png", filename: "pixel.png" });
    // Inline bytes as a data: URL (the AI SDK hands it to the provider as data, never fetching it).
    expect(String((file as { data: { url: unknown } }).data.url)).toBe(`data:image/png;base64,${btoa(String.fromCharCode(...PNG_1x1))}`);
    expect(user.content).toContainEqual({ type: "text", text: `Attached file service.log (text/x-log, ${LOG.length} bytes):\n${LOG}` });
    expect(JSON.stringify(seen)).not.toContain("attachment:");
  });

  it("refuses a message naming an attachment of another thread, or none, storing nothing", async () => {
    const threadId = await newThread("alice");
    const other = await newThread("alice");
    const elsewhere = await uploadOk(other, "alice", "other thread", "text/plain", "other.txt");
    for (const url of [elsewhere.url, "attachment:att_doesnotexist", "attachment:"]) {
      const response = await chatWith(threadId, "m-unknown", { url, mediaType: "text/plain" });
      expect(response.status, url).toBe(404);
      expect(((await response.json()) as any).error.code, url).toBe("attachment_not_found");
    }
    expect((await callJson(`/internal/thread/${threadId}/messages`, "alice")).body.messages).toEqual([]);
    expect((await callJson(`/internal/thread/${other}/attachments`, "alice")).body.attachments[0].messageId).toBeNull();
  });

  it("limits the attachments one message refers to", async () => {
    const threadId = await newThread("alice");
    const file = await uploadOk(threadId, "alice", "x", "text/plain", "x.txt");
    const parts = Array.from({ length: MAX_ATTACHMENTS_PER_MESSAGE + 1 }, () => ({ url: file.url, mediaType: "text/plain" }));
    const response = await chatWith(threadId, "m-many", ...parts);
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.code).toBe("unsupported_file_part");
  });

  it("deletes an attachment no message refers to, and refuses one a message refers to (409)", async () => {
    const threadId = await newThread("alice");
    const loose = await uploadOk(threadId, "alice", "draft", "text/plain", "draft.txt");
    const used = await uploadOk(threadId, "alice", "used", "text/plain", "used.txt");
    await readAnswer(await chatWith(threadId, "m-uses", { url: used.url, mediaType: "text/plain" }));

    const inUse = await callJson(`/internal/thread/${threadId}/attachments/${used.id}`, "alice", { method: "DELETE" });
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.code).toBe("attachment_in_use");

    const deleted = await callJson(`/internal/thread/${threadId}/attachments/${loose.id}`, "alice", { method: "DELETE" });
    expect(deleted).toMatchObject({ status: 200, body: { ok: true, attachmentId: loose.id, deleted: true } });
    expect(await objectKeys(`threads/${threadId}/`)).toEqual([`threads/${threadId}/${used.id}`]);
    const again = await callJson(`/internal/thread/${threadId}/attachments/${loose.id}`, "alice", { method: "DELETE" });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe("attachment_not_found");
    const gone = await call(`/internal/thread/${threadId}/attachments/${loose.id}`, { headers: headers("alice") });
    expect(gone.status).toBe(404);

    const events = await runInDurableObject(
      await getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId),
      (_agent, state) => new EventLog(state.storage.sql).after(0, 1000),
    );
    expect(events.filter((event) => event.type.startsWith("attachment."))).toMatchObject([
      { type: "attachment.stored", attachmentId: loose.id, filename: "draft.txt", mediaType: "text/plain", size: 5 },
      { type: "attachment.stored", attachmentId: used.id, filename: "used.txt" },
      { type: "attachment.deleted", attachmentId: loose.id },
    ]);
  });

  it("deletes every object of the thread in R2 with the thread", async () => {
    const threadId = await newThread("alice");
    const keep = await newThread("alice");
    const image = await uploadOk(threadId, "alice", PNG_1x1, "image/png", "pixel.png");
    await uploadOk(threadId, "alice", LOG, "text/plain", "a.log");
    await readAnswer(await chatWith(threadId, "m-del", { url: image.url, mediaType: "image/png" }));
    await uploadOk(keep, "alice", "stays", "text/plain", "stays.txt");
    expect(await objectKeys(`threads/${threadId}/`)).toHaveLength(2);

    const deleted = await callJson(`/internal/threads/${threadId}`, "alice", { method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(await objectKeys(`threads/${threadId}/`)).toEqual([]);
    expect(await objectKeys(`threads/${keep}/`)).toHaveLength(1);
    const after = await call(`/internal/thread/${threadId}/attachments/${image.id}`, { headers: headers("alice") });
    expect(after.status).toBe(404);
  });

  it("answers 405 for other methods on the attachment paths", async () => {
    const threadId = await newThread("alice");
    expect((await call(`/internal/thread/${threadId}/attachments`, { method: "PUT", headers: headers("alice") })).status).toBe(405);
    expect((await call(`/internal/thread/${threadId}/attachments/att_x`, { method: "POST", headers: headers("alice") })).status).toBe(405);
  });
});
