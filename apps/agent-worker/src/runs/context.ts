import { MAX_CONTEXT_FILE_BYTES } from "@oa/protocol";
import { filesForModel } from "../attachments/files-for-model.ts";
import type { AgentConfig } from "../config.ts";
import type { PathSummary, StoredMessage, ThreadMeta, ThreadStore } from "../storage/thread-store.ts";
import type { PathStep } from "../thread/message-tree.ts";

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
 * How far back along a path the summary is looked for first: twice the context cap. Folds keep
 * the active path's summary within one cap of its end, so that walk finds it. Only a path whose
 * summary lags further (a long seeded history, a branch from far back, failed folds) is walked
 * to its first message, until folds caught up with it.
 */
function lookback(config: AgentConfig): number {
  return 2 * (config.contextWindow + config.summaryBatch);
}

/** The path from `anchorId` back to (excluding) its furthest summary, newest first, with that summary. */
function unsummarizedPath(
  store: ThreadStore,
  config: AgentConfig,
  anchorId: string | null,
): { steps: PathStep[]; summary: PathSummary | null } {
  let walked = store.pathFrom(anchorId, lookback(config));
  let summary = store.summaryOnPath(walked);
  if (!summary && walked.length >= lookback(config) && walked.at(-1)!.parentId !== null) {
    walked = store.pathFrom(anchorId, Number.MAX_SAFE_INTEGER);
    summary = store.summaryOnPath(walked);
  }
  const steps = summary ? walked.filter((step) => step.position > summary.throughPosition) : walked;
  return { steps, summary };
}

/**
 * Bounded model context of one path (the one through `anchorId`; null: the active path): its
 * running summary plus the messages it does not cover yet, at most `contextWindow + summaryBatch`
 * of them — independent of the thread's length and branch count — holding at most
 * MAX_CONTEXT_FILE_BYTES of file data (newest first; older files are described, not inlined).
 * Other branches never reach the model.
 */
export function buildModelContext(store: ThreadStore, _meta: ThreadMeta, config: AgentConfig, anchorId: string | null): ModelContext {
  const cap = config.contextWindow + config.summaryBatch;
  const { steps, summary } = unsummarizedPath(store, config, anchorId);
  const messages = store.contextMessages(
    steps.slice(0, cap).map((step) => step.position),
    CONTEXT_FILE_CHARS,
  );
  const system = summary ? `${SYSTEM_PROMPT}\n\nSummary of the earlier conversation:\n${summary.summary}` : SYSTEM_PROMPT;
  return { system, messages, forModel: filesForModel(messages) };
}

/**
 * What the next summary update of the active path folds in (oldest first, at most two batches),
 * with the summary it extends; null when the path's summary is current enough.
 */
export function pendingSummaryFold(store: ThreadStore, config: AgentConfig): { previous: PathSummary | null; batch: PathStep[] } | null {
  const { steps, summary } = unsummarizedPath(store, config, null);
  if (steps.length <= config.contextWindow + config.summaryBatch) return null;
  const oldestFirst = [...steps].reverse();
  const batch = oldestFirst.slice(0, Math.min(steps.length - config.contextWindow, config.summaryBatch * 2));
  return { previous: summary, batch };
}
