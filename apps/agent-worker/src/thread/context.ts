import { MAX_CONTEXT_FILE_BYTES } from "@oa/protocol";
import type { AgentConfig } from "../config.ts";
import { filesForModel } from "./files-for-model.ts";
import type { StoredMessage, ThreadMeta, ThreadStore } from "./store.ts";

export const SYSTEM_PROMPT = [
  "You are the OpenAgents assistant inside a durable chat thread on openagents.com.",
  "You help the person manage their hosted OpenClaw runtime and answer their questions.",
  "Be concise and concrete. Sensitive actions always wait for the person's approval.",
].join(" ");

/** `messages` as stored (the run continues the last one); `forModel` is what the model sees of them. */
export type ModelContext = { system: string; messages: StoredMessage[]; forModel: StoredMessage[] };

/** Base64 characters of inline file data one context may hold (MAX_CONTEXT_FILE_BYTES decoded). */
export const CONTEXT_FILE_CHARS = Math.ceil(MAX_CONTEXT_FILE_BYTES / 3) * 4 + 64;

/**
 * Bounded model context: the running summary plus the messages it does not cover yet, at most
 * `contextWindow + summaryBatch` of them — independent of the thread's length — holding at most
 * MAX_CONTEXT_FILE_BYTES of file data (newest first; older files are described, not inlined).
 */
export function buildModelContext(store: ThreadStore, meta: ThreadMeta, config: AgentConfig, through: number): ModelContext {
  const cap = config.contextWindow + config.summaryBatch;
  const messages = store.contextMessages(cap, through, CONTEXT_FILE_CHARS).filter((message) => message.position > meta.summaryThrough);
  const system = meta.summary ? `${SYSTEM_PROMPT}\n\nSummary of the earlier conversation:\n${meta.summary}` : SYSTEM_PROMPT;
  return { system, messages, forModel: filesForModel(messages) };
}

/** Which messages the next summary update folds in, or null when the summary is current enough. */
export function pendingSummaryRange(meta: ThreadMeta, lastPosition: number, config: AgentConfig): { after: number; through: number } | null {
  const unsummarized = lastPosition - meta.summaryThrough;
  if (unsummarized <= config.contextWindow + config.summaryBatch) return null;
  return { after: meta.summaryThrough, through: lastPosition - config.contextWindow };
}
