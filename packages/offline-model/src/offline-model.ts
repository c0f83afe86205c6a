import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
  LanguageModelV4ToolResultOutput,
  LanguageModelV4Usage,
} from "@ai-sdk/provider";
import { describeAttachedFiles, readAttachedFiles } from "./attached-files.ts";
import { describeJobNote } from "./job-note-phrasing.ts";
import { fallbackReply, type OfflineIntent, type OfflinePace, type OfflineReplyContext, offlineIntents } from "./offline-intents.ts";
import { plainText } from "./phrasing-text.ts";
import { describeToolOutcome, type ToolOutcome } from "./tool-result-phrasing.ts";

const MODEL_ID = "offline-rules-1";
/** The usual estimate of characters per token, for the usage the model reports. */
const CHARS_PER_TOKEN = 4;
/** Longest a system note the model does not recognise is repeated, in characters. */
const MAX_UPDATE_CHARS = 1500;

export type OfflineModelOptions = {
  /** Pause between streamed words, in milliseconds; 0 streams as fast as possible. */
  delayMs: number;
  intents?: OfflineIntent[];
};

type Plan = { kind: "text"; text: string; pace?: OfflinePace } | { kind: "tool-call"; toolName: string; input: Record<string, unknown> };

function userText(message: LanguageModelV4Prompt[number]): string {
  if (message.role !== "user") return "";
  return message.content
    .map((part) => (part.type === "text" ? part.text : ""))
    .join(" ")
    .trim();
}

function summaryFrom(prompt: LanguageModelV4Prompt): string | null {
  for (const message of prompt) {
    if (message.role !== "system") continue;
    const match = /Summary of the earlier conversation:\n([\s\S]*)$/.exec(message.content);
    if (match?.[1]) return match[1].trim();
  }
  return null;
}

/** How the model reads a tool result part's output. */
function outcomeOf(output: LanguageModelV4ToolResultOutput): ToolOutcome {
  switch (output.type) {
    case "json":
    case "text":
      return { kind: "result", value: output.value };
    case "error-text":
      return { kind: "error", message: output.value };
    case "error-json":
      return { kind: "error", message: typeof output.value === "string" ? output.value : JSON.stringify(output.value) };
    case "execution-denied":
      return { kind: "denied", reason: output.reason ?? null };
    default:
      return { kind: "result", value: output.value.map((part) => (part.type === "text" ? part.text : "")).join(" ") };
  }
}

/** The arguments of the call a result answers, from the assistant message that made it. */
function callInput(prompt: LanguageModelV4Prompt, toolCallId: string): Record<string, unknown> {
  for (const message of prompt) {
    if (message.role !== "assistant") continue;
    for (const part of message.content) {
      if (part.type === "tool-call" && part.toolCallId === toolCallId && part.input !== null && typeof part.input === "object") {
        return part.input as Record<string, unknown>;
      }
    }
  }
  return {};
}

function describeToolResult(prompt: LanguageModelV4Prompt): string {
  const last = prompt[prompt.length - 1];
  if (last?.role !== "tool") return "";
  return last.content
    .map((part) =>
      part.type === "tool-result" ? describeToolOutcome(part.toolName, outcomeOf(part.output), callInput(prompt, part.toolCallId)) : "",
    )
    .filter(Boolean)
    .join(" ");
}

/** A chained intent's next call, from the last tool result (only when that result is a success). */
function nextCall(message: LanguageModelV4Prompt[number], intent: OfflineIntent | undefined, text: string) {
  if (!intent?.next || message.role !== "tool") return null;
  const result = message.content.find((part) => part.type === "tool-result");
  if (result?.type !== "tool-result") return null;
  if (result.output.type !== "json" && result.output.type !== "text") return null;
  return intent.next(result.toolName, result.output.value, text);
}

/** A system note the agent wrote to itself: a follow-up to act on, or a job result to report. */
const FOLLOWUP = /^Scheduled follow-up: ([\s\S]+)$/;

/** The request being answered: the last user message, or a follow-up that came due after it. */
function lastRequest(prompt: LanguageModelV4Prompt): { text: string; index: number } {
  for (let index = prompt.length - 1; index >= 0; index--) {
    const message = prompt[index]!;
    if (message.role === "user") return { text: userText(message), index };
    if (message.role === "system" && index > 0) {
      const followup = FOLLOWUP.exec(message.content);
      if (followup) return { text: followup[1]!.trim(), index };
    }
  }
  return { text: "", index: -1 };
}

/** Decides the whole answer up front: the offline model is a pure function of its prompt. */
function planOfflineAnswer(options: LanguageModelV4CallOptions, intents: OfflineIntent[]): Plan {
  const prompt = options.prompt;
  const last = prompt[prompt.length - 1];
  const request = lastRequest(prompt);
  const text = request.text;
  const users = prompt.filter((message) => message.role === "user");
  const context: OfflineReplyContext = {
    summary: summaryFrom(prompt),
    userTurns: users.length,
    previousUserText: users.length > 1 ? userText(users[users.length - 2]!) : null,
  };
  const offered = new Set((options.tools ?? []).map((tool) => tool.name));
  if (last?.role === "tool") {
    const followUp = nextCall(
      last,
      intents.find((intent) => intent.match.test(text)),
      text,
    );
    if (followUp && offered.has(followUp.name)) return { kind: "tool-call", toolName: followUp.name, input: followUp.input };
    return { kind: "text", text: describeToolResult(prompt) };
  }
  // A job's result (not a follow-up to act on): report it.
  if (last?.role === "system" && prompt.length > 1 && !FOLLOWUP.test(last.content)) {
    return { kind: "text", text: describeJobNote(last.content) ?? `Update: ${plainText(last.content, MAX_UPDATE_CHARS)}` };
  }
  const files = last?.role === "user" ? readAttachedFiles(last) : [];
  if (files.length > 0) return { kind: "text", text: describeAttachedFiles(files) };
  for (const intent of intents) {
    if (!intent.match.test(text)) continue;
    if (intent.tool && offered.has(intent.tool.name)) {
      return { kind: "tool-call", toolName: intent.tool.name, input: intent.tool.input(text, context) };
    }
    const pace = intent.pace?.(text);
    return { kind: "text", text: intent.reply(text, context), ...(pace ? { pace } : {}) };
  }
  return { kind: "text", text: fallbackReply(text) };
}

/** Openings of a regenerated answer, so a person can tell its versions apart (picked by version number). */
const REGENERATED_OPENINGS = ["Put another way:", "Let me try that again:", "Here is another take:", "Once more, differently:"];

/** The version a regenerated answer is (`providerOptions.offline.variant`, 2 or more); 1 for a first answer. */
function variantOf(options: LanguageModelV4CallOptions): number {
  const variant = (options.providerOptions?.offline as { variant?: unknown } | undefined)?.variant;
  return typeof variant === "number" && Number.isInteger(variant) && variant > 1 ? variant : 1;
}

/** A regenerated text answer opens differently per version; the same version always reads the same. */
function planVariant(plan: Plan, variant: number): Plan {
  if (plan.kind !== "text" || variant <= 1) return plan;
  const opening = REGENERATED_OPENINGS[(variant - 2) % REGENERATED_OPENINGS.length]!;
  return { ...plan, text: `${opening} ${plan.text} (version ${variant})` };
}

function usageFor(options: LanguageModelV4CallOptions, output: string): LanguageModelV4Usage {
  const input = Math.ceil(JSON.stringify(options.prompt).length / CHARS_PER_TOKEN);
  const out = Math.ceil(output.length / CHARS_PER_TOKEN);
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: out, text: out, reasoning: 0 },
  };
}

/** Words with their trailing whitespace, so the deltas join back to the exact text. */
function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  // An already-aborted signal never fires "abort" again, so check it before waiting.
  if (signal?.aborted) return Promise.reject(signal.reason ?? new DOMException("aborted", "AbortError"));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason ?? new DOMException("aborted", "AbortError"));
      },
      { once: true },
    );
  });
}

/**
 * Tool-call ids must be unique for good: receipts, approvals and the OpenClaw Idempotency-Key are
 * keyed by them, and a per-process counter starts over after every restart.
 */
function uniqueId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

export function createOfflineModel(options: OfflineModelOptions): LanguageModelV4 {
  const intents = options.intents ?? offlineIntents;
  return {
    specificationVersion: "v4",
    provider: "offline",
    modelId: MODEL_ID,
    supportedUrls: {},

    async doGenerate(call) {
      const plan = planVariant(planOfflineAnswer(call, intents), variantOf(call));
      const content: LanguageModelV4Content[] =
        plan.kind === "text"
          ? [{ type: "text", text: plan.text }]
          : [{ type: "tool-call", toolCallId: uniqueId("offline-call"), toolName: plan.toolName, input: JSON.stringify(plan.input) }];
      return {
        content,
        finishReason: { unified: plan.kind === "text" ? "stop" : "tool-calls", raw: undefined },
        usage: usageFor(call, plan.kind === "text" ? plan.text : JSON.stringify(plan.input)),
        warnings: [],
      };
    },

    async doStream(call) {
      const plan = planVariant(planOfflineAnswer(call, intents), variantOf(call));
      const signal = call.abortSignal;
      const delayMs = options.delayMs;
      const stream = new ReadableStream<LanguageModelV4StreamPart>({
        async start(controller) {
          try {
            controller.enqueue({ type: "stream-start", warnings: [] });
            controller.enqueue({ type: "response-metadata", id: uniqueId("offline"), modelId: MODEL_ID, timestamp: new Date() });
            if (plan.kind === "text") {
              controller.enqueue({ type: "text-start", id: "t0" });
              const parts = words(plan.text);
              const pace = plan.pace ?? {};
              for (const [index, word] of parts.entries()) {
                const hold = index === parts.length - 1 ? (pace.holdBeforeLastMs ?? 0) : 0;
                await sleep(hold || (pace.delayMs ?? delayMs), signal);
                controller.enqueue({ type: "text-delta", id: "t0", delta: word });
              }
              controller.enqueue({ type: "text-end", id: "t0" });
            } else {
              const toolCallId = uniqueId("offline-call");
              const input = JSON.stringify(plan.input);
              await sleep(delayMs, signal);
              controller.enqueue({ type: "tool-input-start", id: toolCallId, toolName: plan.toolName });
              controller.enqueue({ type: "tool-input-delta", id: toolCallId, delta: input });
              controller.enqueue({ type: "tool-input-end", id: toolCallId });
              controller.enqueue({ type: "tool-call", toolCallId, toolName: plan.toolName, input });
            }
            controller.enqueue({
              type: "finish",
              finishReason: { unified: plan.kind === "text" ? "stop" : "tool-calls", raw: undefined },
              usage: usageFor(call, plan.kind === "text" ? plan.text : JSON.stringify(plan.input)),
            });
            controller.close();
          } catch (error) {
            controller.error(error);
          }
        },
      });
      return { stream };
    },
  };
}
