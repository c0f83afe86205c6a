import { env, runInDurableObject } from "cloudflare:test";
import { liveFeed } from "@oa/test-kit";
import { getAgentByName } from "agents";
import { describe, expect, it, vi } from "vitest";
import type { ThreadAgent } from "../src/agents/thread-agent.ts";
import type { AgentWorkerEnv } from "../src/config.ts";
import { call, callJson, headers, postChat, readAnswer, uniqueThread } from "./helpers.ts";

async function createThread(userId: string, body: unknown = {}): Promise<string> {
  const created = await callJson("/internal/threads", userId, { method: "POST", body: JSON.stringify(body) });
  expect(created.status).toBe(201);
  return created.body.threadId;
}

function feed(userId: string, lastEventId?: string) {
  return call("/internal/user/events", { headers: headers(userId, lastEventId === undefined ? {} : { "last-event-id": lastEventId }) });
}

async function pendingApproval(userId: string, threadId: string): Promise<any> {
  return vi.waitFor(
    async () => {
      const { body } = await callJson(`/internal/thread/${threadId}/approvals?status=pending`, userId);
      expect(body.approvals?.length).toBeGreaterThan(0);
      return body.approvals[0];
    },
    { timeout: 5_000, interval: 10 },
  );
}

describe("the user's live feed and approval inbox", () => {
  it("streams thread created, status, updates and approvals across threads, replayable by Last-Event-ID", async () => {
    const user = uniqueThread("feeder");
    const live = liveFeed(await feed(user));
    const bystander = uniqueThread("bystander");
    const other = liveFeed(await feed(bystander));

    const threadId = await createThread(user, { kind: "openclaw" });
    const created = await live.until((event) => event.type === "thread.created" && event.threadId === threadId);
    expect(created.thread).toMatchObject({ id: threadId, kind: "openclaw", status: "idle", title: null, archived: false });

    await readAnswer(await postChat(user, { threadId, input: "please restart my OpenClaw" }));
    // (Writes are coalesced over 100 ms: a short "running" may be folded into the next state.)
    const requested = await live.until((event) => event.type === "approval.requested");
    expect(requested.approval).toMatchObject({ threadId, tool: "restart", status: "pending" });
    await live.until((event) => event.type === "thread.status" && event.status === "awaiting_approval");
    const titled = await live.until((event) => event.type === "thread.updated" && event.changed.includes("title"));
    expect(titled.thread.title).toMatch(/restart/i);

    // The inbox lists it, with the thread's title.
    const inbox = await callJson("/internal/approvals?status=pending", user);
    expect(inbox.status).toBe(200);
    expect(inbox.body.approvals).toHaveLength(1);
    expect(inbox.body.approvals[0]).toMatchObject({
      id: requested.approval.id,
      threadId,
      tool: "restart",
      threadTitle: titled.thread.title,
    });

    const decided = await callJson("/internal/approval/respond", user, {
      method: "POST",
      body: JSON.stringify({ threadId, approvalId: requested.approval.id, decision: "rejected", reason: "not now" }),
    });
    expect(decided.status).toBe(200);
    const resolved = await live.until((event) => event.type === "approval.resolved");
    expect(resolved.approval).toMatchObject({ id: requested.approval.id, status: "rejected", reason: "not now" });
    await live.until((event) => event.type === "thread.status" && event.previous === "awaiting_approval");
    expect((await callJson("/internal/approvals", user)).body.approvals).toEqual([]);
    expect((await callJson("/internal/approvals?status=rejected", user)).body.approvals.map((a: any) => a.id)).toEqual([
      requested.approval.id,
    ]);

    // Seqs strictly increase; a second client resuming mid-way gets exactly the rest.
    const seqs = live.events.map((event) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const middle = live.events[Math.floor(live.events.length / 2)]!;
    const resumed = liveFeed(await feed(user, String(middle.seq)));
    const last = live.events[live.events.length - 1]!;
    await resumed.until((event) => event.seq === last.seq);
    expect(resumed.events.map((event) => event.seq)).toEqual(seqs.filter((seq) => seq > middle.seq));
    await resumed.close();
    await live.close();

    // Nothing of it reached anyone else: the bystander's own next thread is the signal that the feed has caught up.
    const marker = await createThread(bystander);
    await other.until((event) => event.type === "thread.created" && event.threadId === marker);
    expect(other.events.filter((event) => event.threadId !== marker)).toEqual([]);
    expect((await callJson("/internal/approvals", "bystander-2")).body.approvals).toEqual([]);
    await other.close();
  });

  it("rename, archive and pin reach the index and the feed; a repeat changes nothing", async () => {
    const user = uniqueThread("patcher");
    const threadId = await createThread(user, { title: "Original" });
    const live = liveFeed(await feed(user));
    await live.until((event) => event.type === "thread.created");
    const patched = await callJson(`/internal/threads/${threadId}`, user, {
      method: "PATCH",
      body: JSON.stringify({ title: "Renamed", pinned: true }),
    });
    expect(patched).toMatchObject({ status: 200, body: { ok: true, title: "Renamed", pinned: true, archived: false } });
    const updated = await live.until((event) => event.type === "thread.updated");
    expect(updated.changed.sort()).toEqual(["pinned", "title"]);
    const listed = await callJson("/internal/threads?pinned=true", user);
    expect(listed.body.threads).toMatchObject([{ id: threadId, title: "Renamed", pinned: true }]);

    await callJson(`/internal/threads/${threadId}`, user, { method: "PATCH", body: JSON.stringify({ title: "Renamed", pinned: true }) });
    await callJson(`/internal/threads/${threadId}`, user, { method: "PATCH", body: JSON.stringify({ archived: true }) });
    const archived = await live.until((event) => event.type === "thread.updated" && event.changed.includes("archived"));
    expect(archived.thread.archived).toBe(true);
    expect(live.events.filter((event) => event.type === "thread.updated")).toHaveLength(2);
    expect((await callJson("/internal/threads", user)).body.threads).toEqual([]);
    expect((await callJson("/internal/threads?archived=true", user)).body.threads.map((t: any) => t.id)).toEqual([threadId]);
    await live.close();
  });

  it("bad input on the feed and the inbox is a 400 and changes nothing", async () => {
    const user = uniqueThread("bad");
    for (const lastEventId of ["-1", "abc", "1.5", "99999999999999999999"]) {
      const response = await feed(user, lastEventId);
      expect(response.status, lastEventId).toBe(400);
      expect(((await response.json()) as any).error.code).toBe("invalid_request");
    }
    for (const query of ["?status=maybe", "?limit=0", "?limit=1000"]) {
      expect((await callJson(`/internal/approvals${query}`, user)).status, query).toBe(400);
    }
    expect((await call("/internal/user/events", { method: "POST", headers: headers(user) })).status).toBe(405);
    expect((await call("/internal/approvals", { headers: headers(null) })).status).toBe(400);
    expect((await call("/internal/user/events", { headers: { "x-oa-user-id": user } })).status).toBe(401);
  });
});

describe("deleting a thread", () => {
  it("removes its row, its inbox entries and every byte of its durable state, for the owner only", async () => {
    const owner = uniqueThread("deleter");
    const stranger = uniqueThread("stranger");
    const threadId = await createThread(owner);
    await readAnswer(await postChat(owner, { threadId, input: "check again in 10 minutes" }));
    await readAnswer(await postChat(owner, { threadId, input: "restart my OpenClaw" }));
    const approval = await pendingApproval(owner, threadId);
    const live = liveFeed(await feed(owner));
    await live.until((event) => event.type === "approval.requested" && event.approval.id === approval.id);
    const stub = await getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId);
    expect(await runInDurableObject(stub, async (_agent, state) => state.storage.getAlarm())).not.toBeNull();

    // Another user cannot delete it (or learn that it exists).
    const denied = await callJson(`/internal/threads/${threadId}`, stranger, { method: "DELETE" });
    expect(denied).toMatchObject({ status: 404, body: { error: { code: "thread_not_found" } } });
    expect((await callJson(`/internal/thread/${threadId}/messages`, owner)).body.messages.length).toBeGreaterThan(0);

    const deleted = await callJson(`/internal/threads/${threadId}`, owner, { method: "DELETE" });
    expect(deleted).toMatchObject({ status: 200, body: { ok: true, threadId, deleted: true } });
    await live.until((event) => event.type === "thread.deleted" && event.threadId === threadId);
    await live.close();

    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM threads WHERE id = ?").bind(threadId).first("n")).toBe(0);
    expect((await callJson("/internal/approvals", owner)).body.approvals).toEqual([]);
    expect((await callJson(`/internal/thread/${threadId}/messages`, owner)).status).toBe(404);
    expect((await callJson(`/internal/threads/${threadId}`, owner, { method: "DELETE" })).status).toBe(404);

    const leftover = await runInDurableObject(
      await getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId),
      async (_agent, state) => {
        const tables = state.storage.sql
          .exec<{ name: string }>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
          )
          .toArray()
          .map((row) => row.name);
        const rows: Record<string, number> = {};
        for (const name of tables) {
          if (name === "thread_schema") continue;
          rows[name] = state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM "${name}"`).one().n;
        }
        return { rows, alarm: await state.storage.getAlarm() };
      },
    );
    expect(
      Object.values(leftover.rows).every((count) => count === 0),
      JSON.stringify(leftover.rows),
    ).toBe(true);
    expect(leftover.alarm).toBeNull();
  });
});
