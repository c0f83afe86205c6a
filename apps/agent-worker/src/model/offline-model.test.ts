import type {
  LanguageModelV4CallOptions,
  LanguageModelV4FunctionTool,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
} from "@ai-sdk/provider";
import { createOfflineModel, OFFLINE_NOTICE, type OfflineIntent, offlineIntents } from "@oa/offline-model";
import { isStepCount, jsonSchema, streamText, tool } from "ai";
import { describe, expect, it } from "vitest";

function ask(text: string): LanguageModelV4Prompt {
  return [{ role: "user", content: [{ type: "text", text }] }];
}

function functionTool(name: string): LanguageModelV4FunctionTool {
  return { type: "function", name, inputSchema: { type: "object", properties: {} } };
}

async function streamParts(call: LanguageModelV4CallOptions, delayMs = 0, intents?: OfflineIntent[]): Promise<LanguageModelV4StreamPart[]> {
  const { stream } = await createOfflineModel({ delayMs, ...(intents ? { intents } : {}) }).doStream(call);
  const parts: LanguageModelV4StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

function deltasOf(parts: LanguageModelV4StreamPart[]): string[] {
  return parts.flatMap((part) => (part.type === "text-delta" ? [part.delta] : []));
}

function finishOf(parts: LanguageModelV4StreamPart[]) {
  const finish = parts.find((part) => part.type === "finish");
  if (finish?.type !== "finish") throw new Error("stream had no finish part");
  return finish;
}

/** One table entry: "restart my OpenClaw" becomes a `restart` tool call when that tool is offered. */
const restartIntent: OfflineIntent = {
  name: "restart",
  title: () => "Restart OpenClaw",
  match: /\brestart\b.*\bopenclaw\b/i,
  tool: { name: "restart", input: () => ({ target: "openclaw", reason: "asked by the user" }) },
  reply: () => "Offline model: I would restart your OpenClaw, but the restart tool is not connected yet.",
};
const intentsWithRestart = [restartIntent, ...offlineIntents];

describe("offline model, driven through doStream", () => {
  it("answers the same prompt with the same text every time", async () => {
    for (const question of ["hello", "what can you do", "tell me about the weather in Lisbon"]) {
      const first = deltasOf(await streamParts({ prompt: ask(question) })).join("");
      const second = deltasOf(await streamParts({ prompt: ask(question) })).join("");
      expect(first.length).toBeGreaterThan(0);
      expect(second).toBe(first);
    }
  });

  it("streams text in several deltas that join to the exact reply", async () => {
    const model = createOfflineModel({ delayMs: 0 });
    const generated = await model.doGenerate({ prompt: ask("tell me about the weather in Lisbon") });
    const reply = generated.content.find((part) => part.type === "text");
    if (reply?.type !== "text") throw new Error("doGenerate returned no text");

    const parts = await streamParts({ prompt: ask("tell me about the weather in Lisbon") });
    const deltas = deltasOf(parts);
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join("")).toBe(reply.text);
    expect(parts.map((part) => part.type).filter((type) => type.startsWith("text-") && type !== "text-delta")).toEqual([
      "text-start",
      "text-end",
    ]);
    expect(finishOf(parts).finishReason.unified).toBe("stop");
  });

  it("says plainly that it is the offline model, whatever it is asked", async () => {
    for (const question of ["hello", "help", "recap please", "give me a long answer", "what is 2 + 2?"]) {
      const text = deltasOf(await streamParts({ prompt: ask(question) })).join("");
      expect(text, question).toMatch(/offline model/i);
    }
    expect(deltasOf(await streamParts({ prompt: ask("what is 2 + 2?") })).join("")).toContain(OFFLINE_NOTICE);
  });

  it("answers a request for a code example with a paragraph, a fenced TypeScript block and a table", async () => {
    for (const question of ["show me a code example", "Code example please", "show me some code"]) {
      const text = deltasOf(await streamParts({ prompt: ask(question) })).join("");
      expect(text, question).toMatch(/^Here is a small TypeScript example \(offline model\)/);
      const block = /\n```ts\n([\s\S]*?)\n```\n/.exec(text)?.[1];
      expect(block?.split("\n")).toHaveLength(10);
      expect(text).toMatch(/\n\| Attempt \| Pause before it \|\n\| -+ \| -+ \|\n(\| .+ \|\n?){3}$/);
    }
    // Only a request for code: other messages that mention a code keep their own answers.
    for (const question of ["approve the pairing code ABCD1234", "the code is 1234"]) {
      expect(deltasOf(await streamParts({ prompt: ask(question) })).join(""), question).not.toContain("```");
    }
  });

  it("paces its words by delayMs", async () => {
    const delayMs = 20;
    const expected = deltasOf(await streamParts({ prompt: ask("hello") }));
    const started = performance.now();
    const parts = await streamParts({ prompt: ask("hello") }, delayMs);
    const elapsed = performance.now() - started;
    expect(deltasOf(parts)).toEqual(expected);
    // Lower bound only: timers may fire late, never early (a 1 ms allowance per timer for clock rounding).
    expect(elapsed).toBeGreaterThanOrEqual(expected.length * (delayMs - 1));
  });

  it("stops streaming when the abort signal fires", async () => {
    const controller = new AbortController();
    const full = deltasOf(await streamParts({ prompt: ask("give me a long answer") }));
    const { stream } = await createOfflineModel({ delayMs: 5 }).doStream({
      prompt: ask("give me a long answer"),
      abortSignal: controller.signal,
    });
    const received: string[] = [];
    let failure: unknown = null;
    try {
      for await (const part of stream) {
        if (part.type !== "text-delta") continue;
        received.push(part.delta);
        if (received.length === 3) controller.abort(new DOMException("stop", "AbortError"));
      }
    } catch (error) {
      failure = error;
    }
    expect(full.length).toBeGreaterThan(100);
    expect(received.length).toBeLessThan(10);
    expect((failure as Error | null)?.name).toBe("AbortError");
  });

  it("cuts a pending pause short when aborted", async () => {
    const controller = new AbortController();
    // A minute per word: the stream can only end within the test's timeout if abort interrupts the wait.
    const { stream } = await createOfflineModel({ delayMs: 60_000 }).doStream({ prompt: ask("hello"), abortSignal: controller.signal });
    setTimeout(() => controller.abort(new DOMException("stop", "AbortError")), 20);
    const types: string[] = [];
    await expect(
      (async () => {
        for await (const part of stream) types.push(part.type);
      })(),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect(types).not.toContain("text-delta");
    expect(types).not.toContain("finish");
  });

  it("streams nothing for a signal that was aborted before the call", async () => {
    const controller = new AbortController();
    controller.abort(new DOMException("stop", "AbortError"));
    const { stream } = await createOfflineModel({ delayMs: 5 }).doStream({
      prompt: ask("give me a long answer"),
      abortSignal: controller.signal,
    });
    const received: string[] = [];
    await expect(
      (async () => {
        for await (const part of stream) if (part.type === "text-delta") received.push(part.delta);
      })(),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect(received).toEqual([]);
  });

  it("turns a matching intent into a call of the offered tool", async () => {
    const parts = await streamParts({ prompt: ask("please restart my OpenClaw"), tools: [functionTool("restart")] }, 0, intentsWithRestart);
    expect(deltasOf(parts)).toEqual([]);
    expect(finishOf(parts).finishReason.unified).toBe("tool-calls");

    const start = parts.find((part) => part.type === "tool-input-start");
    const inputDeltas = parts.flatMap((part) => (part.type === "tool-input-delta" ? [part.delta] : []));
    const end = parts.find((part) => part.type === "tool-input-end");
    const call = parts.find((part) => part.type === "tool-call");
    if (start?.type !== "tool-input-start" || end?.type !== "tool-input-end" || call?.type !== "tool-call") {
      throw new Error(`missing tool parts: ${parts.map((part) => part.type).join(", ")}`);
    }
    expect(start.toolName).toBe("restart");
    expect(call.toolName).toBe("restart");
    expect(start.id).toBe(call.toolCallId);
    expect(end.id).toBe(call.toolCallId);
    expect(JSON.parse(call.input)).toEqual({ target: "openclaw", reason: "asked by the user" });
    expect(JSON.parse(inputDeltas.join(""))).toEqual({ target: "openclaw", reason: "asked by the user" });
  });

  it("answers the same intent in text when its tool is not offered", async () => {
    for (const tools of [undefined, [functionTool("status")]]) {
      const parts = await streamParts({ prompt: ask("please restart my OpenClaw"), ...(tools ? { tools } : {}) }, 0, intentsWithRestart);
      expect(parts.some((part) => part.type === "tool-call" || part.type === "tool-input-start")).toBe(false);
      expect(deltasOf(parts).join("")).toBe("Offline model: I would restart your OpenClaw, but the restart tool is not connected yet.");
      expect(finishOf(parts).finishReason.unified).toBe("stop");
    }
  });

  it("ignores the restart request without its table entry", async () => {
    const withoutRestart = offlineIntents.filter((intent) => intent.name !== "restart");
    const parts = await streamParts({ prompt: ask("please restart my OpenClaw"), tools: [functionTool("restart")] }, 0, withoutRestart);
    expect(parts.some((part) => part.type === "tool-call")).toBe(false);
    expect(deltasOf(parts).join("")).toContain(OFFLINE_NOTICE);
    expect(deltasOf(parts).join("")).not.toMatch(/restart/i);
  });

  it("reports a tool result that ends the prompt", async () => {
    const prompt: LanguageModelV4Prompt = [
      ...ask("please restart my OpenClaw"),
      { role: "assistant", content: [{ type: "tool-call", toolCallId: "c1", toolName: "restart", input: { target: "openclaw" } }] },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "c1",
            toolName: "restart",
            output: { type: "json", value: { restarted: true, tookMs: 4200 } },
          },
        ],
      },
    ];
    const text = deltasOf(await streamParts({ prompt, tools: [functionTool("restart")] }, 0, intentsWithRestart)).join("");
    expect(text).toBe("I ran restart: restarted true, took ms 4200.");
  });
});

describe("offline model, driven through streamText", () => {
  function restartTool(calls: unknown[]) {
    return tool({
      description: "Restart the user's OpenClaw runtime.",
      inputSchema: jsonSchema<{ target: string; reason: string }>({
        type: "object",
        properties: { target: { type: "string" }, reason: { type: "string" } },
        required: ["target"],
      }),
      execute: async (input) => {
        calls.push(input);
        return { restarted: true, target: input.target };
      },
    });
  }

  it("streams the reply text", async () => {
    const result = streamText({ model: createOfflineModel({ delayMs: 0 }), prompt: "hello" });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join("")).toBe(await result.text);
    expect(await result.text).toContain(OFFLINE_NOTICE);
    expect(await result.finishReason).toBe("stop");
  });

  it("calls the offered restart tool, then reports its result in text", async () => {
    const calls: unknown[] = [];
    const result = streamText({
      model: createOfflineModel({ delayMs: 0, intents: intentsWithRestart }),
      prompt: "restart my OpenClaw",
      tools: { restart: restartTool(calls) },
      stopWhen: isStepCount(3),
    });
    const steps = await result.steps;
    expect(calls).toEqual([{ target: "openclaw", reason: "asked by the user" }]);
    expect(steps).toHaveLength(2);
    expect(steps[0]!.finishReason).toBe("tool-calls");
    expect(steps[0]!.toolCalls.map((call) => [call.toolName, call.input])).toEqual([
      ["restart", { target: "openclaw", reason: "asked by the user" }],
    ]);
    expect(steps[0]!.toolResults.map((toolResult) => toolResult.output)).toEqual([{ restarted: true, target: "openclaw" }]);
    expect(await result.text).toBe("I ran restart: restarted true, target openclaw.");
    expect(await result.finishReason).toBe("stop");
  });

  it("answers in text when no restart tool is offered", async () => {
    const result = streamText({
      model: createOfflineModel({ delayMs: 0, intents: intentsWithRestart }),
      prompt: "restart my OpenClaw",
      stopWhen: isStepCount(3),
    });
    expect((await result.steps).length).toBe(1);
    expect(await result.toolCalls).toEqual([]);
    expect(await result.text).toBe("Offline model: I would restart your OpenClaw, but the restart tool is not connected yet.");
  });

  it("stops when streamText's abort signal fires", async () => {
    const controller = new AbortController();
    const result = streamText({
      model: createOfflineModel({ delayMs: 5 }),
      prompt: "give me a long answer",
      abortSignal: controller.signal,
    });
    const deltas: string[] = [];
    const types: string[] = [];
    for await (const part of result.fullStream) {
      types.push(part.type);
      if (part.type !== "text-delta") continue;
      deltas.push(part.text);
      if (deltas.length === 3) controller.abort();
    }
    expect(deltas.length).toBeLessThan(10);
    expect(types).toContain("abort");
    expect(types).not.toContain("finish");
  });
});
