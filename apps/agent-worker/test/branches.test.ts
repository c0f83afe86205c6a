import { env, runInDurableObject } from "cloudflare:test";
import { getAgentByName } from "agents";
import { describe, expect, it, vi } from "vitest";
import type { ThreadAgent } from "../src/agents/thread-agent.ts";
import type { AgentWorkerEnv } from "../src/config.ts";
import { migrate } from "../src/storage/migrate.ts";
import { migrations } from "../src/storage/thread-schema.ts";
import { callJson, chunksOf, postChat, readAnswer, textOf, uniqueThread, userMessage, waitForRunStatus } from "./helpers.ts";

type PageMessage = {
  id: string;
  role: string;
  parts: Array<{ type: string; text?: string }>;
  position: number;
  parentId: string | null;
  branch: { index: number; count: number; previousId: string | null; nextId: string | null };
};

function thread(threadId: string) {
  return getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId);
}

async function page(threadId: string, userId = "alice"): Promise<{ messages: PageMessage[]; leafId: string | null }> {
  const { status, body } = await callJson(`/internal/thread/${threadId}/messages`, userId);
  expect(status).toBe(200);
  return body;
}

const texts = (messages: PageMessage[]) => messages.map((message) => textOf(message));

/** The AI SDK transport's body (what `DefaultChatTransport` posts). */
function send(threadId: string, messages: unknown[], extra: Record<string, unknown> = {}) {
  return postChat("alice", { id: threadId, messages, trigger: "submit-message", ...extra });
}

function switchBranch(threadId: string, messageId: unknown, userId = "alice") {
  return callJson(`/internal/thread/${threadId}/branch`, userId, { method: "POST", body: JSON.stringify({ messageId }) });
}

async function loggedSwitches(threadId: string): Promise<Array<{ leafId: string; messageId: string }>> {
  return runInDurableObject(await thread(threadId), (_agent: ThreadAgent, state) =>
    state.storage.sql
      .exec<{ data: string }>("SELECT data FROM events WHERE type = 'branch.switched' ORDER BY seq")
      .toArray()
      .map((row) => JSON.parse(row.data)),
  );
}

/** Asks for a gated tool; the run waits for the person's approval. */
async function askForRestart(threadId: string): Promise<string> {
  const { chunks } = await chunksOf(await postChat("alice", { threadId, input: "restart my OpenClaw" }));
  const request = chunks.find((chunk) => chunk.type === "tool-approval-request") as { approvalId: string } | undefined;
  expect(request, JSON.stringify(chunks)).toBeDefined();
  await waitForRunStatus(threadId, "awaiting_approval");
  return request!.approvalId;
}

async function approvalStatus(threadId: string, approvalId: string): Promise<{ status: string; reason: string | null }> {
  const { body } = await callJson(`/internal/thread/${threadId}/approvals`, "alice");
  const approval = body.approvals.find((item: { id: string }) => item.id === approvalId);
  return { status: approval.status, reason: approval.reason ?? null };
}

describe("edit and regenerate build a tree of versions", () => {
  it("an AI SDK edit (submit-message with the message's id) starts a new branch from its parent", async () => {
    const threadId = uniqueThread("edit-sdk");
    const first = await readAnswer(await send(threadId, [userMessage("u-1", "my favourite colour is teal")]));
    const edited = await readAnswer(await send(threadId, [userMessage("u-1", "my favourite colour is red")], { messageId: "u-1" }));
    expect(edited.id).not.toBe(first.id);

    const after = await page(threadId);
    expect(texts(after.messages)[0]).toBe("my favourite colour is red");
    expect(after.messages).toHaveLength(2);
    const [question, answer] = after.messages;
    expect(question!.id).not.toBe("u-1");
    expect(question!.parentId).toBeNull();
    expect(question!.branch).toEqual({ index: 2, count: 2, previousId: "u-1", nextId: null });
    expect(answer!).toMatchObject({ id: edited.id, parentId: question!.id, branch: { index: 1, count: 1 } });
    expect(after.leafId).toBe(edited.id);
    expect(await loggedSwitches(threadId)).toEqual([{ leafId: question!.id, messageId: question!.id }]);

    // The old branch is intact and can be switched back to.
    const switched = await switchBranch(threadId, "u-1");
    expect(switched).toEqual({ status: 200, body: { ok: true, threadId, messageId: "u-1", leafId: first.id } });
    const back = await page(threadId);
    expect(back.messages.map((message) => message.id)).toEqual(["u-1", first.id]);
    expect(back.messages[0]!.branch).toEqual({ index: 1, count: 2, previousId: null, nextId: question!.id });
  });

  it("a retried submit of the same message is not an edit: nothing new is stored", async () => {
    const threadId = uniqueThread("edit-retry");
    await readAnswer(await send(threadId, [userMessage("u-1", "hello there")]));
    await readAnswer(await send(threadId, [userMessage("u-1", "hello there")], { messageId: "u-1" }));
    const { body } = await callJson(`/internal/thread/${threadId}/summary`, "alice");
    expect(body.messageCount).toBe(2);
    expect(await loggedSwitches(threadId)).toEqual([]);
  });

  it("the same AI SDK edit sent again (a retried request) follows the version it made: no third version, no second run", async () => {
    const threadId = uniqueThread("edit-sdk-retry");
    await readAnswer(await send(threadId, [userMessage("u-1", "my favourite colour is teal")]));
    const edited = await readAnswer(await send(threadId, [userMessage("u-1", "my favourite colour is red")], { messageId: "u-1" }));
    const again = await readAnswer(await send(threadId, [userMessage("u-1", "my favourite colour is red")], { messageId: "u-1" }));
    expect(again.id).toBe(edited.id);
    const { body } = await callJson(`/internal/thread/${threadId}/summary`, "alice");
    expect(body.messageCount).toBe(4);
    expect((await page(threadId)).messages[0]!.branch).toMatchObject({ index: 2, count: 2 });
  });

  it("an edit queued behind a run stays the active path when a message interrupts both and the stopped answer lands elsewhere", async () => {
    const threadId = uniqueThread("edit-queued-interrupt");
    await readAnswer(await send(threadId, [userMessage("q-1", "first question")]));
    const running = postChat("alice", { threadId, input: "give me a long answer please" });
    await waitForRunStatus(threadId, "running");
    // An edit of the first question, queued behind the long answer.
    const queued = send(threadId, [userMessage("q-1b", "first question, edited")], { parentId: null });
    await vi.waitFor(async () => {
      const count = await runInDurableObject(
        await thread(threadId),
        (_agent: ThreadAgent, state) =>
          state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM runs WHERE status = 'queued'").one().n,
      );
      expect(count).toBe(1);
    });
    // A message that interrupts: the queued edit is cancelled (its words kept, as a new branch), then the running answer stops.
    const interrupting = await readAnswer(
      await postChat("alice", { threadId, input: "never mind, count to 3", messageId: "q-3", onBusy: "interrupt" }),
    );
    await (await running).text();
    await (await queued).text();
    await waitForRunStatus(threadId, null);
    const after = await page(threadId);
    // The stopped answer, stored under its own question, did not pull the active path back to it.
    expect(after.messages.map((message) => message.id)).toEqual(["q-1b", "q-3", interrupting.id]);
    expect((await loggedSwitches(threadId)).map((change) => change.messageId)).toContain("q-1b");
  });

  it("a website edit (parentId) puts the new message under that message; the old branch stays", async () => {
    const threadId = uniqueThread("edit-parent");
    const a1 = await readAnswer(await send(threadId, [userMessage("q-1", "first question")]));
    const a2 = await readAnswer(await send(threadId, [userMessage("q-2", "second question")]));
    const a3 = await readAnswer(await send(threadId, [userMessage("q-2b", "second question, edited")], { parentId: a1.id }));

    const after = await page(threadId);
    expect(after.messages.map((message) => message.id)).toEqual(["q-1", a1.id, "q-2b", a3.id]);
    expect(after.messages[2]).toMatchObject({ parentId: a1.id, branch: { index: 2, count: 2, previousId: "q-2", nextId: null } });

    expect((await switchBranch(threadId, "q-2")).body.leafId).toBe(a2.id);
    expect((await page(threadId)).messages.map((message) => message.id)).toEqual(["q-1", a1.id, "q-2", a2.id]);
  });

  it("refuses a parentId that names no message of the thread, storing nothing", async () => {
    const threadId = uniqueThread("edit-unknown");
    await readAnswer(await send(threadId, [userMessage("q-1", "first question")]));
    const response = await send(threadId, [userMessage("q-2", "lost")], { parentId: "msg_nowhere" });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "message_not_found" } });
    const { body } = await callJson(`/internal/thread/${threadId}/summary`, "alice");
    expect(body.messageCount).toBe(2);
  });

  it("regenerate adds a sibling answer worded differently; the active path holds exactly one answer", async () => {
    const threadId = uniqueThread("regen");
    const first = await readAnswer(await send(threadId, [userMessage("q-1", "hello")]));
    const second = await readAnswer(
      await send(threadId, [userMessage("q-1", "hello")], { trigger: "regenerate-message", messageId: first.id }),
    );
    expect(second.id).not.toBe(first.id);
    expect(textOf(second)).not.toBe(textOf(first));

    const after = await page(threadId);
    expect(after.messages.map((message) => message.id)).toEqual(["q-1", second.id]);
    expect(after.messages[1]).toMatchObject({ parentId: "q-1", branch: { index: 2, count: 2, previousId: first.id, nextId: null } });

    // Without messageId (the AI SDK's regenerate() of the last answer) it is a third version.
    const third = await readAnswer(await send(threadId, [userMessage("q-1", "hello")], { trigger: "regenerate-message" }));
    const latest = await page(threadId);
    expect(latest.messages.map((message) => message.id)).toEqual(["q-1", third.id]);
    expect(latest.messages[1]!.branch).toEqual({ index: 3, count: 3, previousId: second.id, nextId: null });
    expect((await loggedSwitches(threadId)).map((event) => event.leafId)).toEqual(["q-1", "q-1"]);
  });

  it("refuses to regenerate with an answer id that does not answer the last message", async () => {
    const threadId = uniqueThread("regen-bad");
    const a1 = await readAnswer(await send(threadId, [userMessage("q-1", "hello")]));
    await readAnswer(await send(threadId, [userMessage("q-2", "and again")]));
    const response = await send(threadId, [userMessage("q-2", "and again")], { trigger: "regenerate-message", messageId: a1.id });
    expect(response.status).toBe(400);
    const missing = await send(threadId, [userMessage("q-2", "and again")], { trigger: "regenerate-message", messageId: "msg_gone" });
    expect(missing.status).toBe(404);
    const { body } = await callJson(`/internal/thread/${threadId}/summary`, "alice");
    expect(body.messageCount).toBe(4);
  });
});

describe("the model sees the active branch only", () => {
  it("after an edit the model's context holds the new version, not the old one", async () => {
    const threadId = uniqueThread("context");
    await readAnswer(await send(threadId, [userMessage("u-1", "my favourite colour is teal")]));
    await readAnswer(await send(threadId, [userMessage("u-1", "my favourite colour is red")], { messageId: "u-1" }));
    const recap = textOf(await readAnswer(await send(threadId, [userMessage("u-2", "recap please")])));
    expect(recap).toContain("my favourite colour is red");
    expect(recap).not.toContain("teal");
    // Two user messages on the active path, though the thread holds three.
    expect(recap).toContain("keep 2 of your messages");

    // Back on the first version, the model sees teal.
    await switchBranch(threadId, "u-1");
    const old = textOf(await readAnswer(await send(threadId, [userMessage("u-3", "recap please")])));
    expect(old).toContain("my favourite colour is teal");
    expect(old).not.toContain("colour is red");
  });
});

describe("POST /internal/thread/:threadId/branch", () => {
  it("continues to the newest leaf below the message, logs branch.switched and the messages endpoint follows", async () => {
    const threadId = uniqueThread("switch");
    const a1 = await readAnswer(await send(threadId, [userMessage("q-1", "first question")]));
    const a2 = await readAnswer(await send(threadId, [userMessage("q-2", "second question")]));
    await readAnswer(await send(threadId, [userMessage("q-1b", "first question, again")], { parentId: null }));
    expect((await switchBranch(threadId, "q-1")).body).toMatchObject({ messageId: "q-1", leafId: a2.id });
    expect((await page(threadId)).messages.map((message) => message.id)).toEqual(["q-1", a1.id, "q-2", a2.id]);
    expect((await loggedSwitches(threadId)).at(-1)).toEqual({ leafId: a2.id, messageId: "q-1" });
  });

  it("answers 404 for an unknown message and for another user's thread, 400 for a bad body", async () => {
    const threadId = uniqueThread("switch-404");
    const a1 = await readAnswer(await send(threadId, [userMessage("q-1", "first question")]));
    expect(await switchBranch(threadId, "msg_unknown")).toMatchObject({ status: 404, body: { error: { code: "message_not_found" } } });
    expect(await switchBranch(threadId, a1.id, "mallory")).toMatchObject({ status: 404, body: { error: { code: "thread_not_found" } } });
    expect((await switchBranch(threadId, 42)).status).toBe(400);
    const wrongMethod = await callJson(`/internal/thread/${threadId}/branch`, "alice", { method: "GET" });
    expect(wrongMethod.status).toBe(405);
    expect(await loggedSwitches(threadId)).toEqual([]);
  });

  it("answers 409 run_active while a run is running", async () => {
    const threadId = uniqueThread("switch-busy");
    await readAnswer(await send(threadId, [userMessage("q-1", "first question")]));
    const running = postChat("alice", { threadId, input: "give me a long answer please" });
    await waitForRunStatus(threadId, "running");
    expect(await switchBranch(threadId, "q-1")).toMatchObject({ status: 409, body: { error: { code: "run_active" } } });
    await (await running).text();
    await waitForRunStatus(threadId, null);
    expect(await loggedSwitches(threadId)).toEqual([]);
  });
});

describe("an approval pending on a branch that is left is withdrawn", () => {
  it("by a switch to another version", async () => {
    const threadId = uniqueThread("withdraw-switch");
    await readAnswer(await send(threadId, [userMessage("q-1", "hello")]));
    await readAnswer(await send(threadId, [userMessage("q-1", "hello, edited")], { messageId: "q-1" }));
    const approvalId = await askForRestart(threadId);
    await switchBranch(threadId, "q-1");
    expect(await approvalStatus(threadId, approvalId)).toEqual({
      status: "superseded",
      reason: expect.stringMatching(/switched to another version/),
    });
    await waitForRunStatus(threadId, null);
  });

  it("not by a switch that keeps its answer on the active path", async () => {
    const threadId = uniqueThread("withdraw-keep");
    await readAnswer(await send(threadId, [userMessage("q-1", "hello")]));
    const approvalId = await askForRestart(threadId);
    await switchBranch(threadId, "q-1");
    expect((await approvalStatus(threadId, approvalId)).status).toBe("pending");
  });

  it("by an edit of an earlier message", async () => {
    const threadId = uniqueThread("withdraw-edit");
    await readAnswer(await send(threadId, [userMessage("q-1", "hello")]));
    const approvalId = await askForRestart(threadId);
    await readAnswer(await send(threadId, [userMessage("q-1", "hello, edited")], { messageId: "q-1" }));
    expect(await approvalStatus(threadId, approvalId)).toEqual({
      status: "superseded",
      reason: expect.stringMatching(/edited an earlier message/),
    });
    expect(texts((await page(threadId)).messages)[0]).toBe("hello, edited");
  });
});

describe("schema 10", () => {
  it("turns an existing linear transcript into one path ending at its last message", async () => {
    const threadId = uniqueThread("backfill");
    const stub = await thread(threadId);
    await runInDurableObject(stub, (_agent: ThreadAgent, state) => {
      const sql = state.storage.sql;
      // Rebuild this thread's storage as schema 9 left it, then migrate it again.
      for (const table of [
        "thread_meta",
        "messages",
        "events",
        "runs",
        "approvals",
        "receipts",
        "jobs",
        "schedules",
        "summaries",
        "attachments",
        "search_sync",
      ]) {
        sql.exec(`DROP TABLE IF EXISTS ${table}`);
      }
      sql.exec("UPDATE thread_schema SET version = 0");
      migrate(state.storage, "thread_schema", migrations.slice(0, 9));
      sql.exec(
        "INSERT INTO thread_meta (singleton, thread_id, owner_id, summary, summary_through, created_at, updated_at, message_count) VALUES (1, ?, 'alice', 'earlier talk', 2, 1, 1, 3)",
        threadId,
      );
      for (const [id, role] of [
        ["m-1", "user"],
        ["m-2", "assistant"],
        ["m-3", "user"],
      ]) {
        sql.exec(
          "INSERT INTO messages (id, role, parts, created_at, updated_at) VALUES (?, ?, ?, 1, 1)",
          id,
          role,
          JSON.stringify([{ type: "text", text: id }]),
        );
      }
      migrate(state.storage, "thread_schema", migrations);
    });
    const after = await page(threadId);
    expect(after.messages.map((message) => [message.id, message.parentId])).toEqual([
      ["m-1", null],
      ["m-2", "m-1"],
      ["m-3", "m-2"],
    ]);
    expect(after.leafId).toBe("m-3");
    for (const message of after.messages) expect(message.branch).toEqual({ index: 1, count: 1, previousId: null, nextId: null });
    const summaries = await runInDurableObject(stub, (_agent: ThreadAgent, state) =>
      state.storage.sql.exec("SELECT through_id, summary FROM summaries").toArray(),
    );
    expect(summaries).toEqual([{ through_id: "m-2", summary: "earlier talk" }]);
  });
});
