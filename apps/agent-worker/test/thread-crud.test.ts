import { env } from "cloudflare:test";
import { liveFeed } from "@oa/test-kit";
import { describe, expect, it, vi } from "vitest";
import { call, callJson, headers, postChat, readAnswer, uniqueThread } from "./helpers.ts";

async function createThreads(userId: string, count: number, title = (i: number) => `thread ${i}`): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 25) {
    const batch = Array.from({ length: Math.min(25, count - start) }, (_, k) =>
      callJson("/internal/threads", userId, { method: "POST", body: JSON.stringify({ title: title(start + k) }) }),
    );
    for (const created of await Promise.all(batch)) {
      expect(created.status).toBe(201);
      ids.push(created.body.threadId);
    }
  }
  return ids;
}

describe("thread list paging", () => {
  it("pages through 500 threads exactly once each while new threads arrive and others change", async () => {
    const user = uniqueThread("pager");
    await createThreads(user, 500);
    const { results } = await env.DB.prepare("SELECT id FROM threads WHERE user_id = ? ORDER BY created_at DESC, id DESC")
      .bind(user)
      .all<{ id: string }>();
    const expected = results.map((row) => row.id);
    expect(expected).toHaveLength(500);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: any } = await callJson(`/internal/threads?limit=37${cursor ? `&cursor=${cursor}` : ""}`, user);
      expect(page.status).toBe(200);
      seen.push(...page.body.threads.map((thread: any) => thread.id));
      cursor = page.body.nextCursor;
      pages++;
      // Between pages: new threads arrive and an already-listed one is renamed and used.
      await createThreads(user, 3, (i) => `late ${pages}-${i}`);
      const listed = seen[seen.length - 1]!;
      await callJson(`/internal/threads/${listed}`, user, { method: "PATCH", body: JSON.stringify({ title: `renamed on page ${pages}` }) });
    } while (cursor);
    expect(pages).toBe(Math.ceil(500 / 37));
    expect(seen).toEqual(expected);
    // The renames and late arrivals are all there on a fresh read.
    expect((await callJson("/internal/threads?q=renamed%20on%20page&limit=100", user)).body.threads).toHaveLength(pages);
    expect((await callJson("/internal/threads?q=late&limit=100", user)).body.threads).toHaveLength(pages * 3);
  });
});

describe("isolation between users", () => {
  it("another user sees, changes and deletes nothing of mine: list, patch, delete, inbox, feed", async () => {
    const alice = uniqueThread("alice");
    const mallory = uniqueThread("mallory");
    const malloryFeed = liveFeed(await call("/internal/user/events", { headers: headers(mallory) }));
    const threadId = (await createThreads(alice, 1, () => "Alice's private plans"))[0]!;
    await readAnswer(await postChat(alice, { threadId, input: "restart my OpenClaw" }));
    await vi.waitFor(async () => expect((await callJson("/internal/approvals", alice)).body.approvals).toHaveLength(1), {
      timeout: 5_000,
      interval: 10,
    });

    expect((await callJson("/internal/threads", mallory)).body.threads).toEqual([]);
    expect((await callJson("/internal/threads?q=Alice", mallory)).body.threads).toEqual([]);
    expect((await callJson("/internal/approvals", mallory)).body.approvals).toEqual([]);
    const patch = await callJson(`/internal/threads/${threadId}`, mallory, {
      method: "PATCH",
      body: JSON.stringify({ title: "pwned", archived: true }),
    });
    expect(patch).toMatchObject({ status: 404, body: { error: { code: "thread_not_found" } } });
    const del = await callJson(`/internal/threads/${threadId}`, mallory, { method: "DELETE" });
    expect(del).toMatchObject({ status: 404, body: { error: { code: "thread_not_found" } } });

    const row = await env.DB.prepare("SELECT title, archived, user_id FROM threads WHERE id = ?").bind(threadId).first<any>();
    expect(row).toEqual({ title: "Alice's private plans", archived: 0, user_id: alice });
    expect((await callJson(`/internal/thread/${threadId}/messages`, alice)).status).toBe(200);
    expect((await callJson("/internal/approvals", alice)).body.approvals).toHaveLength(1);
    // Mallory's own next thread is the signal: anything of Alice's that leaked would have arrived before it.
    const [marker] = await createThreads(mallory, 1, () => "Mallory's own");
    await malloryFeed.until((event) => event.type === "thread.created" && event.threadId === marker);
    expect(malloryFeed.events.filter((event) => event.threadId !== marker)).toEqual([]);
    await malloryFeed.close();
  });
});
