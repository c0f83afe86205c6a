import { randomBytes } from "node:crypto";
import type { UIMessage, UIMessageChunk } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SYSTEM_PROMPT } from "../../apps/agent-worker/src/runs/context.ts";
import { type FakeOpenAI, type RecordedRequest, startFakeOpenAI } from "./fake-openai.ts";
import { client, type Runtime, sseChunks, startAgentWorker, tempState, textOf, waitFor as waitUntil } from "./harness.ts";

/** The thread works in the background after a turn: poll for what it does. */
const waitFor = <T>(check: () => T | Promise<T>) => waitUntil(check, { timeoutMs: 10_000, intervalMs: 50 });

const REPLY = "Your runtime is healthy and all three agents are online.";

type Thread = { messages: Array<UIMessage & { metadata?: { status?: string } }> };

function errorTexts(chunks: UIMessageChunk[]): string[] {
  return chunks.flatMap((chunk) => (chunk.type === "error" ? [chunk.errorText] : []));
}

function textDeltas(chunks: UIMessageChunk[]): string[] {
  return chunks.flatMap((chunk) => (chunk.type === "text-delta" ? [chunk.delta] : []));
}

/** One real worker under `wrangler dev`, configured against the fake, with its own state. */
function workerAgainstFake(vars: (fake: FakeOpenAI) => Record<string, string>) {
  const setup = { fake: undefined as unknown as FakeOpenAI, runtime: undefined as unknown as Runtime };
  let state: ReturnType<typeof tempState> | undefined;
  // Created in the hook, not at collection: a filtered-out block runs no hooks and would leak it.
  beforeAll(async () => {
    state = tempState();
    setup.fake = await startFakeOpenAI();
    setup.runtime = await startAgentWorker({ stateDir: state.dir, vars: vars(setup.fake) });
  });
  beforeEach(() => {
    setup.fake.reset();
    setup.fake.behave({ type: "reply", text: REPLY });
  });
  afterAll(async () => {
    await setup.runtime?.stop("SIGKILL");
    await setup.fake?.close();
    state?.cleanup();
  });
  return setup;
}

/** A thread's title is written by the model after its first exchange: a separate, small call. */
function isTitleCall(request: RecordedRequest): boolean {
  return JSON.stringify(request.body).includes("word title for this chat");
}

describe("the openai provider, against a fake Responses API", () => {
  const apiKey = `sk-test-${randomBytes(8).toString("hex")}`;
  // A two-message window makes the third turn fold the first two into the running summary.
  const setup = workerAgainstFake((fake) => ({
    MODEL_PROVIDER: "openai",
    OPENAI_API_KEY: apiKey,
    OPENAI_BASE_URL: fake.baseUrl,
    MODEL: "gpt-4o-mini",
    CONTEXT_WINDOW_MESSAGES: "2",
  }));
  const fake = () => setup.fake;
  const modelCalls = () => fake().requests.filter((request) => !isTitleCall(request));
  const alice = () => client(setup.runtime, "alice");
  const thread = async (id: string): Promise<Thread> => (await alice().get(`/internal/thread/${id}/messages`)).json();
  const summary = async (id: string) => (await alice().get(`/internal/thread/${id}/summary`)).json();

  it("streams the model's reply over /v1/responses and stores it", async () => {
    const chunks = await sseChunks(await alice().chat({ threadId: "oa-1", input: "How is my runtime?" }));

    expect(textDeltas(chunks).length).toBeGreaterThan(1);
    expect(textDeltas(chunks).join("")).toBe(REPLY);
    expect(errorTexts(chunks)).toEqual([]);
    const stored = await thread("oa-1");
    expect(stored.messages.map((message) => message.role)).toEqual(["user", "assistant"]);
    expect(textOf(stored.messages[1]!)).toBe(REPLY);
    expect(stored.messages[1]!.metadata).toMatchObject({ status: "completed" });

    expect(modelCalls()).toHaveLength(1);
    const request = modelCalls()[0]!;
    // After the first exchange the model also titled the thread, in one small non-streamed call.
    const titleCall = await waitFor(() => fake().requests.find(isTitleCall));
    expect(titleCall).toMatchObject({ path: "/v1/responses", streamed: false });
    expect(JSON.stringify(titleCall.body)).toContain("How is my runtime?");
    expect(request).toMatchObject({ method: "POST", path: "/v1/responses", streamed: true });
    expect(request.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(request.body.model).toBe("gpt-4o-mini");
    expect(request.body.input).toEqual([
      { role: "system", content: SYSTEM_PROMPT },
      { role: "user", content: [{ type: "input_text", text: "How is my runtime?" }] },
    ]);
  });

  it("reports a failing provider as an error chunk, keeps the user's message and recovers", async () => {
    fake().behave({ type: "fail", status: 500, message: "The server had an error while processing your request." });
    const response = await alice().chat({ threadId: "oa-2", input: "Restart my runtime" });
    const raw = await response.clone().text();
    const chunks = await sseChunks(response);

    expect(errorTexts(chunks)).toEqual(["The model provider failed (HTTP 500): The server had an error while processing your request."]);
    expect(raw.trimEnd().endsWith("data: [DONE]")).toBe(true);
    // The SDK retried twice before giving up, so the failure is not a one-off blip.
    expect(modelCalls()).toHaveLength(3);

    expect(await summary("oa-2")).toMatchObject({ ok: true, activeRun: null });
    const failed = await thread("oa-2");
    expect(failed.messages.map((message) => message.role)).toEqual(["user", "assistant"]);
    expect(textOf(failed.messages[0]!)).toBe("Restart my runtime");
    expect(failed.messages[1]!.metadata).toMatchObject({ status: "failed" });
    // A thread whose first run failed still gets a title: the offline summary of the person's words, no model call.
    const row = await waitFor(async () => {
      const listed = (await (await alice().get("/internal/threads")).json()) as {
        threads: Array<{ id: string; title: string | null; status: string }>;
      };
      return listed.threads.find((candidate) => candidate.id === "oa-2" && candidate.title);
    });
    expect(row).toMatchObject({ title: "Restart OpenClaw", status: "error" });
    expect(fake().requests.filter(isTitleCall)).toEqual([]);

    fake().behave({ type: "reply", text: REPLY });
    fake().reset();
    const retry = await sseChunks(await alice().chat({ threadId: "oa-2", input: "Please try again" }));
    expect(textDeltas(retry).join("")).toBe(REPLY);
    const recovered = await thread("oa-2");
    expect(recovered.messages.map((message) => textOf(message))).toEqual(["Restart my runtime", "", "Please try again", REPLY]);
    // The failed turn's question stays in the history; its empty answer is not sent.
    expect(modelCalls()[0]!.body.input).toEqual([
      { role: "system", content: SYSTEM_PROMPT },
      { role: "user", content: [{ type: "input_text", text: "Restart my runtime" }] },
      { role: "user", content: [{ type: "input_text", text: "Please try again" }] },
    ]);
  });

  it("reports a rejected API key at once, without retrying", async () => {
    fake().behave({ type: "fail", status: 401, message: "Incorrect API key provided.", code: "invalid_api_key" });
    const chunks = await sseChunks(await alice().chat({ threadId: "oa-5", input: "Hello?" }));

    expect(errorTexts(chunks)).toEqual(["The model provider failed (HTTP 401): Incorrect API key provided."]);
    expect(modelCalls()).toHaveLength(1);
    expect(await summary("oa-5")).toMatchObject({ activeRun: null });
  });

  it("keeps the partial answer and fails the run when the connection drops mid-stream", async () => {
    fake().behave({ type: "drop", text: REPLY, afterDeltas: 3 });
    const chunks = await sseChunks(await alice().chat({ threadId: "oa-3", input: "Status?" }));

    const partial = "Your runtime is";
    expect(textDeltas(chunks).join("")).toBe(partial);
    // The answer had started (HTTP 200), so the message must not blame an HTTP status.
    expect(errorTexts(chunks)).toEqual([expect.stringMatching(/^The model failed: /)]);
    expect(await summary("oa-3")).toMatchObject({ activeRun: null });
    const stored = await thread("oa-3");
    expect(stored.messages.map((message) => message.role)).toEqual(["user", "assistant"]);
    expect(textOf(stored.messages[1]!)).toBe(partial);
    expect(stored.messages[1]!.metadata).toMatchObject({ status: "failed" });
  });

  it("folds older turns into a running summary written by a non-streaming /v1/responses call", async () => {
    const written = "The user asked about turns one and two.";
    fake().behave((request) => ({ type: "reply", text: request.streamed ? REPLY : written }));
    for (const input of ["turn one", "turn two", "turn three"]) {
      await sseChunks(await alice().chat({ threadId: "oa-4", input }));
    }
    // The summary is written beside the next turn; wait until it is stored, then take that turn.
    const summaryCall = await waitFor(() => modelCalls().find((request) => !request.streamed));
    await waitFor(async () => Date.parse((await summary("oa-4")).updatedAt) > summaryCall.receivedAt);
    await sseChunks(await alice().chat({ threadId: "oa-4", input: "turn four" }));

    expect(modelCalls().filter((request) => !request.streamed)).toHaveLength(1);
    expect(summaryCall).toMatchObject({ path: "/v1/responses", headers: { authorization: `Bearer ${apiKey}` } });
    expect(JSON.stringify(summaryCall.body.input)).toContain("turn one");
    // The next turn's system prompt carries the summary instead of the folded messages.
    const last = modelCalls().at(-1)!;
    expect(last.streamed).toBe(true);
    expect(last.body.input[0]).toEqual({ role: "system", content: expect.stringContaining(written) });
    expect(JSON.stringify(last.body.input)).not.toContain("turn one");
    expect(JSON.stringify(last.body.input)).toContain("turn four");
  });
});

describe("the openai-compatible provider, against a fake Chat Completions API", () => {
  const setup = workerAgainstFake((fake) => ({
    MODEL_PROVIDER: "openai-compatible",
    OPENAI_BASE_URL: fake.baseUrl,
    MODEL: "some-local-model",
  }));
  const fake = () => setup.fake;
  const modelCalls = () => fake().requests.filter((request) => !isTitleCall(request));
  const alice = () => client(setup.runtime, "alice");

  it("streams the model's reply over /v1/chat/completions and stores it", async () => {
    const chunks = await sseChunks(await alice().chat({ threadId: "oc-1", input: "How is my runtime?" }));

    expect(textDeltas(chunks).length).toBeGreaterThan(1);
    expect(textDeltas(chunks).join("")).toBe(REPLY);
    const stored: Thread = await (await alice().get("/internal/thread/oc-1/messages")).json();
    expect(stored.messages.map((message) => textOf(message))).toEqual(["How is my runtime?", REPLY]);
    expect(stored.messages[1]!.metadata).toMatchObject({ status: "completed" });

    expect(modelCalls()).toHaveLength(1);
    const request: RecordedRequest = modelCalls()[0]!;
    expect(request).toMatchObject({ method: "POST", path: "/v1/chat/completions", streamed: true });
    // No key configured: a local server gets no Authorization header at all.
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body.model).toBe("some-local-model");
    expect(request.body.messages).toEqual([
      { role: "system", content: SYSTEM_PROMPT },
      { role: "user", content: "How is my runtime?" },
    ]);
  });

  it("waits out a 429 for as long as retry-after-ms says, then answers", async () => {
    let calls = 0;
    fake().behave(() =>
      calls++ === 0
        ? {
            type: "fail",
            status: 429,
            message: "Rate limit reached for requests",
            code: "rate_limit_exceeded",
            headers: { "retry-after-ms": "50" },
          }
        : { type: "reply", text: REPLY },
    );
    const started = Date.now();
    const chunks = await sseChunks(await alice().chat({ threadId: "oc-2", input: "Hello?" }));

    expect(textDeltas(chunks).join("")).toBe(REPLY);
    expect(errorTexts(chunks)).toEqual([]);
    expect(modelCalls().map((request) => request.path)).toEqual(["/v1/chat/completions", "/v1/chat/completions"]);
    // The default backoff would wait 2 s; the header's 50 ms was honoured instead.
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
