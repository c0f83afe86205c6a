import { afterAll, describe, expect, it } from "vitest";
import { client, type Runtime, readAnswer, readUserEvents, startAgentWorker, tempState, waitFor } from "./harness.ts";

describe("the thread list, inbox and user feed survive a runtime restart", () => {
  const state = tempState();
  let runtime: Runtime | undefined;
  afterAll(async () => {
    await runtime?.stop("SIGKILL");
    state.cleanup();
  });

  async function list(userId: string): Promise<any[]> {
    return (await (await client(runtime!, userId).get("/internal/threads")).json()).threads;
  }

  it("lists titled threads with live status for every client of the user, and never for another", async () => {
    runtime = await startAgentWorker({ stateDir: state.dir });
    const ada = client(runtime, "ada");
    const created = await (await ada.post("/internal/threads", { kind: "openclaw" })).json();
    expect(created).toMatchObject({ ok: true, kind: "openclaw" });
    await readAnswer(await ada.chat({ threadId: created.threadId, input: "restart my OpenClaw please" }));
    await readAnswer(await ada.chat({ threadId: "sys-index-2", input: "What is the capital of France?" }));

    // A second client of the same user follows along on the feed.
    const feed = await readUserEvents(runtime, "ada", {
      until: (events) =>
        events.some((event) => event.type === "approval.requested") &&
        events.filter((event) => event.type === "thread.updated" && (event.changed as string[]).includes("title")).length === 2,
    });
    expect(
      feed
        .filter((event) => event.type === "thread.created")
        .map((event) => event.threadId)
        .sort(),
    ).toEqual([created.threadId, "sys-index-2"].sort());

    const before = await waitFor(async () => {
      const threads = await list("ada");
      return threads.length === 2 && threads.every((thread) => thread.title) ? threads : null;
    });
    expect(before.find((thread) => thread.id === created.threadId)).toMatchObject({
      status: "awaiting_approval",
      pendingApprovals: 1,
      kind: "openclaw",
    });

    await runtime.stop("SIGKILL");
    runtime = await startAgentWorker({ stateDir: state.dir, key: runtime.key });

    const after = await list("ada");
    expect(after.map((thread) => [thread.id, thread.title, thread.status])).toEqual(
      before.map((thread) => [thread.id, thread.title, thread.status]),
    );
    const inbox = await (await client(runtime, "ada").get("/internal/approvals")).json();
    expect(inbox.approvals).toMatchObject([{ threadId: created.threadId, tool: "restart", status: "pending" }]);
    // The feed replays from where a client left off, after the restart too.
    const lastSeen = feed[feed.length - 1]!.seq;
    await client(runtime, "ada").post("/internal/approval/respond", {
      threadId: created.threadId,
      approvalId: inbox.approvals[0].id,
      decision: "rejected",
    });
    const resumed = await readUserEvents(runtime, "ada", {
      after: lastSeen,
      until: (events) => events.some((event) => event.type === "approval.resolved"),
    });
    expect(resumed.every((event) => event.seq > lastSeen)).toBe(true);

    expect(await list("eve")).toEqual([]);
    expect((await (await client(runtime, "eve").get("/internal/approvals")).json()).approvals).toEqual([]);
    expect(await readUserEvents(runtime, "eve", { quietMs: 300 })).toEqual([]);
  });
});
