import { truncate } from "@oa/offline-model";
import { generateText, type LanguageModel, type UIMessage } from "ai";
import type { ProviderKind } from "../config.ts";

/** The running summary never grows past this; older detail is what gets squeezed out. */
export const MAX_SUMMARY_CHARS = 4000;
/** Characters of each message in the offline (extractive) summary. */
const EXTRACT_LINE_CHARS = 120;
/** Characters of each message a real model reads when it folds a batch. */
const FOLD_MESSAGE_CHARS = 2000;

function plainText(message: UIMessage): string {
  return message.parts
    .map((part) => (part.type === "text" ? part.text : part.type.startsWith("tool-") ? `[${part.type.slice(5)}]` : ""))
    .filter(Boolean)
    .join(" ");
}

/** Deterministic summary for the offline model: one short line per message, newest kept. */
export function extractiveSummary(previous: string, messages: UIMessage[]): string {
  const lines = messages.map((message) => `${message.role}: ${truncate(plainText(message), EXTRACT_LINE_CHARS)}`);
  const combined = [previous, ...lines].filter(Boolean).join("\n");
  return combined.length <= MAX_SUMMARY_CHARS ? combined : `…${combined.slice(combined.length - MAX_SUMMARY_CHARS + 1)}`;
}

/**
 * Folds `messages` into `previous`. With a real model the model writes it (bounded input: the
 * old summary plus one batch); offline, it is extractive.
 */
export async function foldIntoSummary(
  provider: ProviderKind,
  model: LanguageModel,
  previous: string,
  messages: UIMessage[],
): Promise<string> {
  if (provider === "offline") return extractiveSummary(previous, messages);
  const transcript = messages.map((message) => `${message.role}: ${truncate(plainText(message), FOLD_MESSAGE_CHARS)}`).join("\n");
  const { text } = await generateText({
    model,
    system:
      "You maintain a running summary of a chat between a user and an assistant that manages the user's OpenClaw runtime. Keep facts, decisions, open tasks and preferences. Answer with the updated summary only, under 300 words.",
    prompt: `Current summary:\n${previous || "(none)"}\n\nNew messages:\n${transcript}`,
    maxRetries: 1,
  });
  return truncate(text, MAX_SUMMARY_CHARS);
}
