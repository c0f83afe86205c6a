import {
  approvalListSchema,
  approvalRespondResultSchema,
  attachmentDeleteResultSchema,
  attachmentListSchema,
  attachmentUploadResultSchema,
  createThreadResultSchema,
  deleteThreadResultSchema,
  ERROR_STATUS,
  errorBodySchema,
  inboxSchema,
  jobListSchema,
  messagesPageSchema,
  openclawOverviewSchema,
  openclawRuntimeStatusAnswerSchema,
  patchThreadResultSchema,
  receiptListSchema,
  scheduleCancelResultSchema,
  scheduleListSchema,
  searchResultSchema,
  stopResultSchema,
  switchBranchResultSchema,
  threadEventSchema,
  threadExportSchema,
  threadListPageSchema,
  threadSummarySchema,
  userEventSchema,
} from "@oa/protocol";
import { readFramesUntil } from "@oa/test-kit";
import { describe, expect, it, vi } from "vitest";
import type { z } from "zod";
import { call, headers, postChat, readAnswer, textOf, uniqueThread } from "./helpers.ts";

/**
 * The real endpoints answer what `@oa/protocol` says they answer: every body and every feed event
 * below is `parse`d with the protocol's schema (a field renamed on either side fails here), and
 * every error's status is the one the protocol's ERROR_STATUS gives its code.
 */

async function answer<T extends z.ZodType>(
  schema: T,
  path: string,
  userId: string,
  init: RequestInit = {},
  status = 200,
): Promise<z.infer<T>> {
  const response = await call(path, { ...init, headers: { ...headers(userId), ...(init.headers as Record<string, string> | undefined) } });
  const body: unknown = await response.json();
  expect(response.status, `${path}: ${JSON.stringify(body)}`).toBe(status);
  return schema.parse(body);
}

const post = (body: unknown): RequestInit => ({ method: "POST", body: JSON.stringify(body) });

describe("the agent worker speaks @oa/protocol", () => {
  it("every answer of a thread's life parses with the protocol's schemas, and so does every feed event", async () => {
    const user = uniqueThread("conformance-user");
    const created = await answer(createThreadResultSchema, "/internal/threads", user, post({ kind: "chat", title: "Conformance" }), 201);
    const threadId = created.threadId;

    // Chat: the answer is a UI message stream the AI SDK's own reader accepts; what it stored, the protocol's page.
    expect(textOf(await readAnswer(await postChat(user, { threadId, input: "hello" })))).not.toBe("");
    await readAnswer(await postChat(user, { threadId, input: "remind me in 10 minutes to say hello" }));
    await readAnswer(await postChat(user, { threadId, input: "restart my OpenClaw" }));

    const list = await answer(threadListPageSchema, "/internal/threads", user);
    expect(list.threads.map((thread) => thread.id)).toContain(threadId);
    const summary = await answer(threadSummarySchema, `/internal/thread/${threadId}/summary`, user);
    expect(summary.activeRun?.status).toBe("awaiting_approval");
    const page = await answer(messagesPageSchema, `/internal/thread/${threadId}/messages`, user);
    expect(page.messages).toHaveLength(6);
    const approvals = await answer(approvalListSchema, `/internal/thread/${threadId}/approvals?status=pending`, user);
    expect(approvals.approvals).toHaveLength(1);
    const approvalId = approvals.approvals[0]!.id;
    // The inbox is the user's index, brought up to date after the thread's commit.
    await vi.waitFor(async () => {
      const inbox = await answer(inboxSchema, "/internal/approvals?status=pending", user);
      expect(inbox.approvals.map((item) => item.id)).toContain(approvalId);
    });
    await answer(receiptListSchema, `/internal/thread/${threadId}/receipts`, user);
    await answer(jobListSchema, `/internal/thread/${threadId}/jobs`, user);
    const schedules = await answer(scheduleListSchema, `/internal/thread/${threadId}/schedules`, user);
    expect(schedules.schedules).toHaveLength(1);
    await vi.waitFor(async () => {
      const search = await answer(searchResultSchema, "/internal/search?q=hello", user);
      expect(search.hits.length).toBeGreaterThan(0);
    });
    const exported = await answer(threadExportSchema, `/internal/thread/${threadId}/export?format=json`, user);
    expect(exported.messages).toHaveLength(6);
    const overview = await answer(openclawOverviewSchema, "/internal/openclaw/overview", user);
    expect(overview.configured).toBe(false);
    await answer(openclawRuntimeStatusAnswerSchema, "/internal/openclaw/runtime-status", user, post({}));

    const responded = await answer(
      approvalRespondResultSchema,
      "/internal/approval/respond",
      user,
      post({ threadId, approvalId, decision: "rejected" }),
    );
    expect(responded.approval.status).toBe("rejected");
    await vi.waitFor(async () =>
      expect((await answer(threadSummarySchema, `/internal/thread/${threadId}/summary`, user)).activeRun).toBeNull(),
    );
    const after = await answer(messagesPageSchema, `/internal/thread/${threadId}/messages`, user);
    await answer(switchBranchResultSchema, `/internal/thread/${threadId}/branch`, user, post({ messageId: after.leafId }));
    await answer(patchThreadResultSchema, `/internal/threads/${threadId}`, user, {
      method: "PATCH",
      body: JSON.stringify({ pinned: true }),
    });
    await answer(scheduleCancelResultSchema, `/internal/thread/${threadId}/schedules/${schedules.schedules[0]!.id}`, user, {
      method: "DELETE",
    });

    const upload = await answer(
      attachmentUploadResultSchema,
      `/internal/thread/${threadId}/attachments`,
      user,
      {
        method: "POST",
        headers: { "content-type": "text/plain", "x-oa-filename": "notes.txt" },
        body: "some notes",
      },
      201,
    );
    expect((await answer(attachmentListSchema, `/internal/thread/${threadId}/attachments`, user)).attachments).toHaveLength(1);
    await answer(attachmentDeleteResultSchema, `/internal/thread/${threadId}/attachments/${upload.attachment.id}`, user, {
      method: "DELETE",
    });
    await answer(stopResultSchema, `/internal/chat/${threadId}/stop`, user, post({}));

    // The thread's feed from the start, through the last thing done to it (the attachment's deletion).
    const feed = await call(`/internal/thread/${threadId}/events`, { headers: headers(user) });
    const frames = await readFramesUntil(feed, (frame) => /"type":"attachment\.deleted"/.test(frame.data));
    const events = frames.map((frame) => threadEventSchema.parse(JSON.parse(frame.data)));
    const types = new Set(events.map((event) => event.type));
    for (const type of [
      "message.stored",
      "run.started",
      "ui.chunks",
      "run.finished",
      "schedule.created",
      "approval.requested",
      "approval.resolved",
      "schedule.cancelled",
      "attachment.stored",
      "attachment.deleted",
    ]) {
      expect(types, type).toContain(type);
    }

    await answer(deleteThreadResultSchema, `/internal/threads/${threadId}`, user, { method: "DELETE" });
    // The user's feed from the start, through the thread's deletion.
    const userFeed = await call("/internal/user/events", { headers: headers(user) });
    const userFrames = await readFramesUntil(userFeed, (frame) => /"type":"thread\.deleted"/.test(frame.data));
    const userEvents = userFrames.map((frame) => userEventSchema.parse(JSON.parse(frame.data)));
    expect(userEvents[0]).toMatchObject({ type: "thread.created", threadId });
    expect(userEvents.map((event) => event.type)).toContain("approval.requested");
  });

  it("every error body parses with the protocol's error schema, with the status its code has in ERROR_STATUS", async () => {
    const user = uniqueThread("conformance-errors");
    const threadId = (await answer(createThreadResultSchema, "/internal/threads", user, post({}), 201)).threadId;
    const cases: Array<[string, RequestInit]> = [
      [`/internal/thread/${uniqueThread("missing")}/summary`, {}],
      [`/internal/thread/${threadId}/messages?limit=0`, {}],
      ["/internal/threads", { method: "PUT" }],
      ["/internal/chat", { method: "POST", body: "{" }],
      ["/internal/chat", post({ threadId, input: "hi", pad: "y".repeat(1024 * 1024) })],
      [`/internal/thread/${threadId}/attachments/att_missing`, {}],
      ["/internal/approval/respond", post({ threadId, approvalId: "nope", decision: "approved" })],
    ];
    for (const [path, init] of cases) {
      const response = await call(path, { ...init, headers: headers(user) });
      const body = errorBodySchema.parse(await response.json());
      expect(response.status, `${path}: ${body.error.code}`).toBe(ERROR_STATUS[body.error.code]);
    }
    const unauthenticated = await call("/internal/threads", { headers: headers(null) });
    const body = errorBodySchema.parse(await unauthenticated.json());
    expect(unauthenticated.status).toBe(ERROR_STATUS[body.error.code]);
  });
});
