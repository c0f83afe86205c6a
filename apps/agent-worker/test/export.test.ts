import { env, runInDurableObject } from "cloudflare:test";
import { THREAD_EXPORT_FORMAT, THREAD_EXPORT_VERSION } from "@oa/protocol";
import { getAgentByName } from "agents";
import { describe, expect, it, vi } from "vitest";
import type { ThreadAgent } from "../src/agents/thread-agent.ts";
import type { AgentWorkerEnv } from "../src/config.ts";
import { ReceiptStore } from "../src/storage/receipt-store.ts";
import { call, callJson, chunksOf, headers, postChat, readAnswer, uniqueThread, waitForRunStatus } from "./helpers.ts";

function exportOf(threadId: string, userId: string, format?: string): Promise<Response> {
  return call(`/internal/thread/${threadId}/export${format ? `?format=${format}` : ""}`, { headers: headers(userId) });
}

/** A thread where the agent asked to restart OpenClaw and the person said no, with a reason. */
async function rejectedRestart(userId: string, title: string): Promise<{ threadId: string; toolCallId: string; approvalId: string }> {
  const created = await callJson("/internal/threads", userId, { method: "POST", body: JSON.stringify({ kind: "openclaw", title }) });
  const threadId = created.body.threadId as string;
  const { chunks } = await chunksOf(await postChat(userId, { threadId, input: "restart my OpenClaw" }));
  const request = chunks.find((chunk) => chunk.type === "tool-approval-request") as { approvalId: string; toolCallId: string };
  expect(request).toBeDefined();
  await vi.waitFor(async () =>
    expect((await callJson(`/internal/thread/${threadId}/approvals?status=pending`, userId)).body.approvals).toHaveLength(1),
  );
  const decided = await callJson("/internal/approval/respond", userId, {
    method: "POST",
    body: JSON.stringify({ threadId, approvalId: request.approvalId, decision: "rejected", reason: "not during the demo" }),
  });
  expect(decided.status).toBe(200);
  await waitForRunStatus(threadId, null, userId);
  return { threadId, ...request };
}

describe("thread export", () => {
  it("writes the conversation as Markdown: title, who and when, text, one line per tool call with its approval decision", async () => {
    const user = uniqueThread("md");
    const { threadId } = await rejectedRestart(user, "Gateway maintenance");
    const response = await exportOf(threadId, user, "markdown");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="gateway-maintenance.md"');
    expect(response.headers.get("cache-control")).toBe("no-store");
    const markdown = await response.text();
    expect(markdown.startsWith("# Gateway maintenance\n\n*Exported ")).toBe(true);
    const you = markdown.indexOf("**You** · ");
    const agent = markdown.indexOf("**Agent** · ");
    expect(you).toBeGreaterThan(0);
    expect(agent).toBeGreaterThan(you);
    expect(markdown).toContain("restart my OpenClaw");
    expect(markdown).toContain(
      `- Tool: **Restart OpenClaw** (\`restart\`) — not run (denied); approval: rejected by ${user} (“not during the demo”)`,
    );
    expect(markdown).toContain("OK, I won't restart your OpenClaw gateway. Your reason: not during the demo.");
    // Markdown is the default format.
    expect(await (await exportOf(threadId, user)).text()).toContain("**Agent** · ");
  });

  it("writes the audit trail as JSON: every message with its parent and path, approvals, receipts, jobs", async () => {
    const user = uniqueThread("json");
    const { threadId, toolCallId, approvalId } = await rejectedRestart(user, "Audit me");
    // A tool call that ran leaves a receipt; recorded through the thread's own store.
    const stub = await getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId);
    await runInDurableObject(stub, (_agent: ThreadAgent, state) => {
      const receipts = new ReceiptStore(state.storage.sql);
      receipts.start(
        { toolCallId: "call-status", runId: "run-x", tool: "get_status", args: {}, approvalId: null, decidedBy: null },
        Date.now(),
      );
      receipts.finish("call-status", "succeeded", "The gateway is running.", { status: "running" }, Date.now());
    });
    const response = await exportOf(threadId, user, "json");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="audit-me.json"');
    const body = (await response.json()) as any;
    expect(body).toMatchObject({
      format: THREAD_EXPORT_FORMAT,
      version: THREAD_EXPORT_VERSION,
      thread: { id: threadId, kind: "openclaw", title: "Audit me" },
    });
    expect(Date.parse(body.exportedAt)).not.toBeNaN();
    expect(body.messages).toHaveLength(2);
    const [question, answer] = body.messages;
    expect(question).toMatchObject({
      role: "user",
      parentId: null,
      onActivePath: true,
      parts: [{ type: "text", text: "restart my OpenClaw" }],
    });
    expect(answer).toMatchObject({ role: "assistant", parentId: question.id, onActivePath: true });
    expect(answer.parts.find((part: any) => part.toolCallId === toolCallId)).toMatchObject({
      type: "tool-restart",
      state: "output-denied",
    });
    expect(body.leafId).toBe(answer.id);
    expect(body.approvals).toEqual([
      expect.objectContaining({
        id: approvalId,
        threadId,
        tool: "restart",
        status: "rejected",
        reason: "not during the demo",
        decidedBy: user,
      }),
    ]);
    expect(body.receipts).toEqual([
      expect.objectContaining({
        toolCallId: "call-status",
        tool: "get_status",
        status: "succeeded",
        resultSummary: "The gateway is running.",
      }),
    ]);
    expect(body.jobs).toEqual([]);
  });

  it("keeps a thread longer than a page whole, each message once, in storage order", async () => {
    const user = uniqueThread("paged");
    const threadId = uniqueThread("t-paged");
    const stub = await getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId);
    expect(await stub.seedHistory(user, threadId, 450)).toMatchObject({ ok: true, threadId, seeded: 450 });
    const body = (await (await exportOf(threadId, user, "json")).json()) as any;
    expect(body.messages).toHaveLength(450);
    expect(new Set(body.messages.map((message: any) => message.id)).size).toBe(450);
    expect(body.messages[449].parts[0].text).toBe("Seeded answer 449: it is running fine.");
    const markdown = await (await exportOf(threadId, user, "markdown")).text();
    expect(markdown.match(/\*\*You\*\* · /g)).toHaveLength(225);
    expect(markdown.indexOf("Seeded question 0:")).toBeLessThan(markdown.indexOf("Seeded question 448:"));
  });

  it("exports every turn with its parent, oldest first", async () => {
    const user = uniqueThread("long");
    const threadId = uniqueThread("t-long");
    for (let turn = 0; turn < 3; turn++) await readAnswer(await postChat(user, { threadId, input: `note number ${turn}` }));
    const body = (await (await exportOf(threadId, user, "json")).json()) as any;
    expect(body.messages).toHaveLength(6);
    expect(body.messages.filter((message: any) => message.role === "user").map((message: any) => message.parts[0].text)).toEqual([
      "note number 0",
      "note number 1",
      "note number 2",
    ]);
    for (let index = 1; index < 6; index++) expect(body.messages[index].parentId).toBe(body.messages[index - 1].id);
    const markdown = await (await exportOf(threadId, user, "markdown")).text();
    expect(markdown.indexOf("note number 0")).toBeLessThan(markdown.indexOf("note number 2"));
    // An untitled thread (the offline title may come later) is named by its title or its id, never empty.
    expect((await exportOf(threadId, user, "json")).headers.get("content-disposition")).toMatch(
      /^attachment; filename="[a-z0-9-]+\.json"$/,
    );
  });

  it("names a non-ASCII title's file with RFC 6266 filename*", async () => {
    const user = uniqueThread("intl");
    const created = await callJson("/internal/threads", user, { method: "POST", body: JSON.stringify({ title: "Café notes" }) });
    const response = await exportOf(created.body.threadId, user, "markdown");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="caf_-notes.md"; filename*=UTF-8''caf%C3%A9-notes.md`);
    expect(await response.text()).toMatch(/^# Café notes\n/);
  });

  it("is the owner's only: another user, a missing thread, a bad format or method get nothing", async () => {
    const owner = uniqueThread("owner");
    const threadId = uniqueThread("t-owned");
    await readAnswer(await postChat(owner, { threadId, input: "private words" }));
    for (const format of ["markdown", "json"]) {
      const response = await exportOf(threadId, uniqueThread("intruder"), format);
      expect(response.status).toBe(404);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ ok: false, error: { code: "thread_not_found" } });
      expect(text).not.toContain("private words");
      expect((await exportOf(uniqueThread("t-missing"), owner, format)).status).toBe(404);
    }
    const bad = await exportOf(threadId, owner, "pdf");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.code).toBe("invalid_request");
    expect((await call(`/internal/thread/${threadId}/export`, { method: "POST", headers: headers(owner) })).status).toBe(405);
  });
});
