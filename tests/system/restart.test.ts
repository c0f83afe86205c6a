import { afterAll, describe, expect, it } from "vitest";
import { client, type Runtime, readAnswer, startAgentWorker, tempState, textOf } from "./harness.ts";

describe("the local runtime keeps history across a process kill", () => {
  const state = tempState();
  let runtime: Runtime | undefined;
  afterAll(async () => {
    await runtime?.stop("SIGKILL");
    state.cleanup();
  });

  it("chats over HTTP, is killed, restarts and finds the whole conversation", async () => {
    runtime = await startAgentWorker({ stateDir: state.dir });
    const alice = client(runtime, "alice");
    const first = await readAnswer(await alice.chat({ threadId: "sys-1", input: "hello" }));
    expect(textOf(first)).toContain("offline model");
    const second = await readAnswer(await alice.chat({ threadId: "sys-1", input: "my name is Ada" }));
    expect(textOf(second)).toContain("my name is Ada");

    await runtime.stop("SIGKILL");
    runtime = await startAgentWorker({ stateDir: state.dir, key: runtime.key });
    const again = client(runtime, "alice");

    const page = await (await again.get("/internal/thread/sys-1/messages")).json();
    expect(page.messages.map((m: { role: string }) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(textOf(page.messages[2])).toBe("my name is Ada");
    expect(page.messages[1].id).toBe(first.id);
    expect(textOf(page.messages[3])).toBe(textOf(second));

    const summary = await (await again.get("/internal/thread/sys-1/summary")).json();
    expect(summary).toMatchObject({ ok: true, threadId: "sys-1", messageCount: 4, activeRun: null });

    // The thread goes on after the restart, with its history in context.
    const recap = await readAnswer(await again.chat({ threadId: "sys-1", input: "recap" }));
    expect(textOf(recap)).toContain("my name is Ada");
    // And it is still private to its owner.
    expect((await client(runtime, "bob").get("/internal/thread/sys-1/summary")).status).toBe(404);
  });
});
