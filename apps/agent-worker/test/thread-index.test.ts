import { env, runInDurableObject } from "cloudflare:test";
import { getAgentByName } from "agents";
import { describe, expect, it, vi } from "vitest";
import type { ThreadAgent } from "../src/agents/thread-agent.ts";
import type { AgentWorkerEnv } from "../src/config.ts";
import { call, headers, postChat, readAnswer, uniqueThread } from "./helpers.ts";

async function list(userId: string, query = ""): Promise<any> {
  const response = await call(`/internal/threads${query}`, { headers: headers(userId) });
  return { status: response.status, body: await response.json() };
}

function waitForRow(threadId: string, check: (row: any) => boolean): Promise<any> {
  return vi.waitFor(
    async () => {
      const row = await env.DB.prepare("SELECT * FROM threads WHERE id = ?").bind(threadId).first<any>();
      if (!row || !check(row)) throw new Error(`the index row is not there yet: ${JSON.stringify(row)}`);
      return row;
    },
    { timeout: 10_000, interval: 10 },
  );
}

describe("thread index in D1", () => {
  it("the agent keeps its row current: title after the first exchange, status, preview", async () => {
    const user = uniqueThread("owner");
    const threadId = uniqueThread("indexed");
    await readAnswer(await postChat(user, { threadId, input: "How is my OpenClaw runtime doing today, in detail please?" }));
    const row = await waitForRow(threadId, (candidate) => candidate.title !== null && candidate.status === "idle");
    expect(row).toMatchObject({ user_id: user, kind: "chat", status: "idle", pending_approvals: 0 });
    // The offline title is a short summary of the first message, not the message itself.
    expect(row.title).toBe("OpenClaw status");
    // OPENCLAW_API_BASE is not configured in these tests: the answer says so, in words.
    expect(row.preview).toMatch(/^I couldn't check your OpenClaw status: the OpenClaw API is not configured/);

    await readAnswer(await postChat(user, { threadId, input: "restart my OpenClaw" }));
    const waiting = await waitForRow(threadId, (candidate) => candidate.status === "awaiting_approval");
    expect(waiting.pending_approvals).toBe(1);
    expect(waiting.title).toBe(row.title); // the title is set once
  });

  it("lists only the caller's threads, newest first, with stable cursor pages and filters", async () => {
    const user = uniqueThread("lister");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const threadId = uniqueThread(`mine-${i}`);
      ids.push(threadId);
      await readAnswer(await postChat(user, { threadId, input: `topic number ${i}` }));
      await waitForRow(threadId, (row) => row.title !== null);
    }
    await readAnswer(await postChat("someone-else", { threadId: uniqueThread("theirs"), input: "private" }));

    const first = (await list(user, "?limit=2")).body;
    expect(first.threads.map((t: any) => t.id)).toEqual([ids[4], ids[3]]);
    // A new thread arriving between pages changes nothing in the pages that follow.
    const late = uniqueThread("late");
    await readAnswer(await postChat(user, { threadId: late, input: "arrived later" }));
    await waitForRow(late, (row) => row.status === "idle");
    const second = (await list(user, `?limit=2&cursor=${first.nextCursor}`)).body;
    const third = (await list(user, `?limit=2&cursor=${second.nextCursor}`)).body;
    expect([...second.threads, ...third.threads].map((t: any) => t.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(third.nextCursor).toBeNull();

    const search = (await list(user, "?q=number%203")).body;
    expect(search.threads.map((t: any) => t.id)).toEqual([ids[3]]);
    expect((await list(user, "?q=%25")).body.threads).toEqual([]);
    expect((await list(user, "?status=running")).body.threads).toEqual([]);
    expect((await list("nobody-at-all")).body.threads).toEqual([]);
    for (const bad of ["?limit=0", "?limit=101", "?status=busy", "?cursor=nonsense", "?archived=maybe"]) {
      expect((await list(user, bad)).status, bad).toBe(400);
    }
  });

  it("a D1 failure leaves chat working, and the index catches up later", async () => {
    const threadId = uniqueThread("d1down");
    await env.DB.exec("ALTER TABLE threads RENAME TO threads_away");
    try {
      const answer = await readAnswer(await postChat("dora", { threadId, input: "hello while the index is down" }));
      expect(answer.role).toBe("assistant");
      const stub = await getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId);
      const retries = await runInDurableObject(
        stub,
        (agent: ThreadAgent) => agent.getSchedules().filter((s) => s.callback === "syncIndex").length,
      );
      expect(retries).toBe(1);
    } finally {
      await env.DB.exec("ALTER TABLE threads_away RENAME TO threads");
    }
    const stub = await getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId);
    await runInDurableObject(stub, (agent: ThreadAgent) => agent.syncIndex());
    const row = await waitForRow(threadId, (candidate) => candidate.title !== null);
    expect(row).toMatchObject({ user_id: "dora", status: "idle" });
  });
});

describe("thread CRUD on the index", () => {
  async function send(method: string, path: string, userId: string, body: unknown) {
    const response = await call(path, { method, headers: headers(userId), body: JSON.stringify(body) });
    return { status: response.status, body: await response.json<any>() };
  }

  it("creates a thread before its first message, then renames, archives and pins it for its owner only", async () => {
    const user = uniqueThread("crud");
    const created = await send("POST", "/internal/threads", user, { kind: "openclaw", title: "My runtime" });
    expect(created.status).toBe(201);
    const threadId = created.body.threadId as string;
    expect(threadId).toMatch(/^t_/);
    const listed = (await list(user)).body.threads;
    expect(listed).toEqual([expect.objectContaining({ id: threadId, kind: "openclaw", title: "My runtime", status: "idle" })]);

    // The first message goes to the created thread; the chosen title stays.
    await readAnswer(await postChat(user, { threadId, input: "hello there" }));
    await waitForRow(threadId, (row) => row.preview !== null);
    expect((await list(user)).body.threads[0].title).toBe("My runtime");

    expect((await send("PATCH", `/internal/threads/${threadId}`, "mallory", { title: "mine now" })).status).toBe(404);
    expect((await send("PATCH", `/internal/threads/${threadId}`, user, {})).status).toBe(400);
    expect((await send("PATCH", `/internal/threads/${threadId}`, user, { owner: "x" })).status).toBe(400);
    expect((await send("PATCH", `/internal/threads/${threadId}`, user, { title: "Renamed", pinned: true })).status).toBe(200);
    expect((await list(user)).body.threads[0]).toMatchObject({ title: "Renamed", pinned: true, archived: false });
    const summary = await (await call(`/internal/thread/${threadId}/summary`, { headers: headers(user) })).json<any>();
    expect(summary.title).toBe("Renamed");

    await send("PATCH", `/internal/threads/${threadId}`, user, { archived: true });
    expect((await list(user)).body.threads).toEqual([]);
    expect((await list(user, "?archived=true")).body.threads.map((t: any) => t.id)).toEqual([threadId]);
    expect((await list("mallory", "?archived=true")).body.threads).toEqual([]);
  });

  it("refuses bad create bodies", async () => {
    for (const bad of [{ kind: "diary" }, { title: "" }, { title: "x".repeat(201) }]) {
      expect((await send("POST", "/internal/threads", "alice", bad)).status).toBe(400);
    }
  });
});
