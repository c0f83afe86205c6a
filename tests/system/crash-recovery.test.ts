import { afterAll, describe, expect, it, vi } from "vitest";
import { KEEP_ALIVE_INTERVAL_MS } from "../../apps/agent-worker/src/runs/keep-alive.ts";
import { client, type Runtime, startAgentWorker, tempState, textOf } from "./harness.ts";

type Event = { seq: number; type: string; at: string; runId?: string; role?: string; chunks?: Array<{ type: string; delta?: string }> };

async function readEvents(runtime: Runtime, threadId: string): Promise<Event[]> {
  const response = await client(runtime, "alice").get(`/internal/thread/${threadId}/events`);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  // The feed stays open for live events: read what is there, then hang up.
  const deadline = Date.now() + 1500;
  while (Date.now() < deadline) {
    const next = await Promise.race([reader.read(), new Promise<null>((resolve) => setTimeout(() => resolve(null), 300))]);
    if (next === null) break;
    if (next.done) break;
    text += decoder.decode(next.value, { stream: true });
  }
  await reader.cancel().catch(() => {});
  return text
    .split("\n\n")
    .map((frame) => frame.split("\n").find((line) => line.startsWith("data: ")))
    .filter((line): line is string => Boolean(line))
    .map((line) => JSON.parse(line.slice(6)) as Event);
}

describe("crash recovery", () => {
  const state = tempState();
  let runtime: Runtime | undefined;
  afterAll(async () => {
    await runtime?.stop("SIGKILL");
    state.cleanup();
  });

  it("SIGKILL mid-answer: the alarm recovers the run, which completes once with a consistent log", async () => {
    const vars = { OFFLINE_MODEL_DELAY_MS: "15" };
    runtime = await startAgentWorker({ stateDir: state.dir, vars });
    const response = await client(runtime, "alice").chat({ threadId: "crash-1", input: "give me a long answer" });
    const reader = response.body!.getReader();
    let received = "";
    // Well into the answer (each word is one text-delta frame), but far from its end.
    while ((received.match(/text-delta/g) ?? []).length < 30) {
      const { done, value } = await reader.read();
      if (done) throw new Error("the answer ended before the crash");
      received += new TextDecoder().decode(value);
    }

    runtime.kill("SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 500));
    runtime = await startAgentWorker({ stateDir: state.dir, key: runtime.key, vars });

    // Nobody touches the thread: only the persisted alarm can wake it to recover. It beats once per
    // keep-alive interval; give it that interval and as much again for the restarted runtime to fire it.
    await new Promise((resolve) => setTimeout(resolve, 2 * KEEP_ALIVE_INTERVAL_MS));
    const firstRequestAt = Date.now();
    const alice = client(runtime, "alice");
    await vi.waitFor(
      async () => {
        const summary = await (await alice.get("/internal/thread/crash-1/summary")).json();
        expect(summary).toMatchObject({ activeRun: null, messageCount: 2 });
      },
      { timeout: 30_000, interval: 250 },
    );

    const events = await readEvents(runtime, "crash-1");
    const seqs = events.map((event) => event.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    const types = events.map((event) => event.type);
    const recovered = events.find((event) => event.type === "run.recovered");
    expect(recovered, types.join(",")).toBeDefined();
    expect(Date.parse(recovered!.at)).toBeLessThan(firstRequestAt);
    expect(types.filter((type) => type === "run.finished")).toHaveLength(1);
    expect(types.filter((type) => type === "run.failed" || type === "run.cancelled")).toHaveLength(0);
    expect(events.filter((event) => event.type === "message.stored").map((event) => event.role)).toEqual(["user", "assistant"]);
    // run.started twice (the attempt that died, the one that finished), one recovery between them.
    expect(types.indexOf("run.recovered")).toBeGreaterThan(types.indexOf("run.started"));
    expect(types.lastIndexOf("run.started")).toBeGreaterThan(types.indexOf("run.recovered"));

    // The chunks logged after the recovery rebuild the final answer exactly, once.
    const afterRecovery = events.slice(types.indexOf("run.recovered"));
    const text = afterRecovery
      .flatMap((event) => event.chunks ?? [])
      .filter((chunk) => chunk.type === "text-delta")
      .map((chunk) => chunk.delta)
      .join("");
    const page = await (await alice.get("/internal/thread/crash-1/messages")).json();
    const answer = page.messages[1];
    expect(answer.metadata).toMatchObject({ status: "completed" });
    expect(textOf(answer)).toBe(text);
    expect(textOf(answer).match(/Sentence 40 of/g)).toHaveLength(1);
    expect(textOf(answer)).toMatch(/^Offline model, long answer: Sentence 1 of/);
  });
});
