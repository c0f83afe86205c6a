import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBehaviour, type FakeOpenAI, startFakeOpenAI } from "../fake-openai.ts";
import { type Runtime, sseChunks, startAgentWorker, tempState, textOf, threadApi } from "../harness.ts";
import { count, lostEvents, record } from "./suite.ts";

/** The model provider failing: rate limits and errors retried, a dropped stream kept as it was. */
export function describeModelProviderFailures(): void {
  describe("the model provider fails", () => {
    let fake: FakeOpenAI;
    let agent: Runtime;
    const state = tempState();
    beforeAll(async () => {
      fake = await startFakeOpenAI();
      agent = await startAgentWorker({
        stateDir: state.dir,
        vars: { MODEL_PROVIDER: "openai-compatible", OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: "sk-test", MODEL: "fake-model" },
      });
    });
    afterAll(async () => {
      await agent?.stop("SIGKILL");
      await fake?.close();
      state.cleanup();
    });

    async function turn(name: string) {
      const threadId = `${name}-${randomBytes(4).toString("hex")}`;
      const thread = threadApi(agent, "model-user", threadId);
      const chunks = await sseChunks(await thread.send("hello"));
      const events = await thread.events({ quietMs: 300 });
      return { thread, chunks, events, messages: await thread.messages() };
    }

    for (const [status, label] of [
      [429, "429 rate limited, once"],
      [500, "500, twice"],
    ] as const) {
      it(label, async () => {
        fake.reset();
        let failures = status === 429 ? 1 : 2;
        fake.behave(
          (): FakeBehaviour =>
            failures-- > 0
              ? { type: "fail", status, message: "upstream trouble", headers: status === 429 ? { "retry-after-ms": "200" } : {} }
              : { type: "reply", text: "recovered fine" },
        );
        const { chunks, events, messages } = await turn(`m${status}`);
        expect(chunks.some((chunk) => chunk.type === "error")).toBe(false);
        expect(textOf(messages.at(-1)!)).toBe("recovered fine");
        record({
          phase: "model call",
          fault: label,
          outcome: `retried (${fake.requests.length} requests), answered once`,
          lost: lostEvents(events, events),
          duplicated: count(events, "run.finished") - 1 + (messages.filter((m) => m.role === "assistant").length - 1),
        });
      });
    }

    it("stream dropped mid-answer", async () => {
      fake.reset();
      fake.behave({ type: "drop", text: "this answer will be cut off in the middle of it", afterDeltas: 4 });
      const { chunks, events, messages } = await turn("mdrop");
      expect(chunks.some((chunk) => chunk.type === "error")).toBe(true);
      expect(messages.map((m) => m.role)).toEqual(["user", "assistant"]);
      record({
        phase: "model call",
        fault: "stream dropped after 4 deltas",
        outcome: "not retried (tokens already streamed); partial answer kept, run failed with an error event",
        lost: lostEvents(events, events),
        duplicated: count(events, "run.failed") - 1 + (fake.requests.length - 1),
      });
    });
  });
}
