import { readFramesUntil } from "@oa/test-kit";
import { describe, expect, it } from "vitest";
import { TestChat } from "./chat-client.ts";
import { call, chunksOf, headers, postChat, readAnswer, textOf, uniqueThread, waitForRunStatus } from "./helpers.ts";

const LONG = "give me a long answer please";

function eventFeed(threadId: string, userId = "alice", extra: Record<string, string> = {}, query = "") {
  return call(`/internal/thread/${threadId}/events${query}`, { headers: headers(userId, extra) });
}

const untilRunEnds = (frame: { data: string }) => /"type":"run\.(finished|failed|cancelled)"/.test(frame.data);

describe("durable runs", () => {
  it("keeps running when the client disconnects; the AI SDK client resumes the whole answer", async () => {
    const threadId = uniqueThread("resume");
    const response = await postChat("alice", { threadId, input: LONG });
    // Read a little, then hang up.
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();

    await waitForRunStatus(threadId, "running");
    const chat = new TestChat(threadId, "alice");
    await chat.resumeStream();
    const resumed = chat.chatState.messages.at(-1)!;
    expect(resumed.role).toBe("assistant");
    expect(textOf(resumed)).toContain("Sentence 40 of a deliberately long answer");
    expect(textOf(resumed)).toMatch(/^Offline model, long answer: Sentence 1 /);

    await waitForRunStatus(threadId, null);
    const page = await (await call(`/internal/thread/${threadId}/messages`, { headers: headers("alice") })).json<any>();
    const stored = page.messages.at(-1);
    expect(stored.id).toBe(resumed.id);
    expect(textOf(stored)).toBe(textOf(resumed));
  });

  it("answers 204 on the resume endpoint when nothing is running", async () => {
    const threadId = uniqueThread("idle");
    await readAnswer(await postChat("alice", { threadId, input: "hello" }));
    const response = await call(`/internal/chat/${threadId}/stream`, { headers: headers("alice") });
    expect(response.status).toBe(204);
    const chat = new TestChat(threadId, "alice");
    await chat.resumeStream();
    expect(chat.chatState.messages).toEqual([]);
  });

  it("two subscribers see the same events in the same order, with seq ids", async () => {
    const threadId = uniqueThread("subs");
    await readAnswer(await postChat("alice", { threadId, input: "hello" }));
    const [a, b] = [eventFeed(threadId), eventFeed(threadId)];
    const reads = Promise.all([readFramesUntil(await a, untilRunEnds), readFramesUntil(await b, untilRunEnds)]);
    // The first run already ended, so read until the second run's end.
    const second = postChat("alice", { threadId, input: LONG });
    const [framesA, framesB] = await reads;
    await (await second).text();
    expect(framesA.length).toBeGreaterThan(3);
    expect(framesA).toEqual(framesB);
    const seqs = framesA.map((frame) => Number(frame.id));
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    for (const frame of framesA) expect(JSON.parse(frame.data).seq).toBe(Number(frame.id));
  });

  it("replays exactly the events after Last-Event-ID, and `after` works the same", async () => {
    const threadId = uniqueThread("replay");
    await readAnswer(await postChat("alice", { threadId, input: "hello" }));
    const all = await readFramesUntil(await eventFeed(threadId), untilRunEnds);
    const cut = all[2]!.id!;
    const byHeader = await readFramesUntil(await eventFeed(threadId, "alice", { "last-event-id": cut }), untilRunEnds);
    const byQuery = await readFramesUntil(await eventFeed(threadId, "alice", {}, `?after=${cut}`), untilRunEnds);
    expect(byHeader).toEqual(all.slice(3));
    expect(byQuery).toEqual(all.slice(3));
  });

  it("refuses a malformed Last-Event-ID with 400 and another user's feed with 404", async () => {
    const threadId = uniqueThread("feedbad");
    await readAnswer(await postChat("alice", { threadId, input: "hello" }));
    for (const bad of ["abc", "-1", "1.5", "9".repeat(30)]) {
      const response = await eventFeed(threadId, "alice", { "last-event-id": bad });
      expect(response.status, bad).toBe(400);
      expect(await response.json()).toMatchObject({ ok: false, error: { code: "invalid_request" } });
    }
    expect((await eventFeed(threadId, "mallory")).status).toBe(404);
  });

  it("stop aborts the model, keeps the partial answer marked stopped, and emits run.cancelled", async () => {
    const threadId = uniqueThread("stop");
    const pending = postChat("alice", { threadId, input: LONG });
    await waitForRunStatus(threadId, "running");
    // The answer has begun: its first words are in the log.
    await readFramesUntil(
      await eventFeed(threadId),
      (frame) => /"type":"ui\.chunks"/.test(frame.data) && frame.data.includes("text-delta"),
    );
    const stop = await call(`/internal/chat/${threadId}/stop`, { method: "POST", headers: headers("alice") });
    expect(await stop.json()).toMatchObject({ ok: true, stopped: true });
    const { chunks, done } = await chunksOf(await pending);
    expect(done).toBe(true);
    expect(chunks.some((chunk) => chunk.type === "abort")).toBe(true);

    await waitForRunStatus(threadId, null);
    const page = await (await call(`/internal/thread/${threadId}/messages`, { headers: headers("alice") })).json<any>();
    const partial = page.messages.at(-1);
    expect(partial.role).toBe("assistant");
    expect(partial.metadata).toMatchObject({ status: "stopped" });
    expect(textOf(partial)).not.toContain("Sentence 40");
    const events = await readFramesUntil(await eventFeed(threadId), untilRunEnds);
    expect(events.map((frame) => JSON.parse(frame.data).type)).toContain("run.cancelled");
  });

  it("busy policy reject answers 409 run_active and stores nothing", async () => {
    const threadId = uniqueThread("reject");
    const first = postChat("alice", { threadId, input: LONG });
    await waitForRunStatus(threadId, "running");
    const rejected = await postChat("alice", { threadId, input: "me too", onBusy: "reject" });
    expect(rejected.status).toBe(409);
    expect(await rejected.json()).toMatchObject({ error: { code: "run_active" } });
    await (await first).text();
    const summary = await waitForRunStatus(threadId, null);
    expect(summary.messageCount).toBe(2);
  });

  it("busy policy queue (the default) answers queued messages in order after the current run", async () => {
    const threadId = uniqueThread("queue");
    const first = postChat("alice", { threadId, input: LONG });
    await waitForRunStatus(threadId, "running");
    const second = postChat("alice", { threadId, input: "second message" });
    const third = postChat("alice", { threadId, input: "third message" });
    const answers = await Promise.all([first, second, third].map(async (response) => readAnswer(await response)));
    expect(textOf(answers[1]!)).toContain("second message");
    expect(textOf(answers[2]!)).toContain("third message");
    const page = await (await call(`/internal/thread/${threadId}/messages`, { headers: headers("alice") })).json<any>();
    expect(page.messages.map((m: any) => textOf(m).slice(0, 40))).toEqual([
      LONG,
      textOf(answers[0]!).slice(0, 40),
      "second message",
      textOf(answers[1]!).slice(0, 40),
      "third message",
      textOf(answers[2]!).slice(0, 40),
    ]);
  });

  it("busy policy interrupt stops the current run and starts the new one", async () => {
    const threadId = uniqueThread("interrupt");
    const first = postChat("alice", { threadId, input: LONG });
    await waitForRunStatus(threadId, "running");
    const second = await readAnswer(await postChat("alice", { threadId, input: "urgent", onBusy: "interrupt" }));
    expect(textOf(second)).toContain("urgent");
    const { chunks } = await chunksOf(await first);
    expect(chunks.some((chunk) => chunk.type === "abort")).toBe(true);
    const page = await (await call(`/internal/thread/${threadId}/messages`, { headers: headers("alice") })).json<any>();
    expect(page.messages[1].metadata).toMatchObject({ status: "stopped" });
    expect(page.messages.at(-1).metadata).toMatchObject({ status: "completed" });
  });
});
