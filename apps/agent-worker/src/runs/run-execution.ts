import { refuseDownloads } from "@oa/protocol";
import {
  convertToModelMessages,
  isStepCount,
  type LanguageModel,
  RetryError,
  streamText,
  type ToolSet,
  type UIMessage,
  type UIMessageChunk,
} from "ai";
import type { ApprovalFlow } from "../approvals/approval-flow.ts";
import { type AttachmentSource, AttachmentsUnavailableError, attachmentsForModel } from "../attachments/attachments-for-model.ts";
import type { AgentConfig } from "../config.ts";
import type { ApprovalStore } from "../storage/approval-store.ts";
import type { Commit } from "../storage/commit-then-publish.ts";
import type { EventLog } from "../storage/event-log.ts";
import type { RunRecord, RunStore } from "../storage/run-store.ts";
import type { ThreadStore } from "../storage/thread-store.ts";
import { placeTurn } from "../thread/branch-change.ts";
import { ChunkWriter } from "./chunk-writer.ts";
import { buildModelContext, type ModelContext } from "./context.ts";
import { messageToChunks } from "./message-chunks.ts";
import type { RunHub } from "./run-hub.ts";

export type ExecutionDeps = {
  store: ThreadStore;
  runs: RunStore;
  log: EventLog;
  hub: RunHub;
  approvals: ApprovalStore;
  flow: ApprovalFlow;
  config: AgentConfig;
  model: () => LanguageModel;
  tools: (runId: string) => ToolSet;
  commit: Commit;
  meter: { rowsWritten: number };
  /** After each step: the run is alive (its run slot's lease is pushed on). */
  onStep?: () => void;
  /** The thread's R2 attachments, read for the model. */
  attachments: AttachmentSource;
};

/** `continue`: a decision arrived while this attempt was finishing; the run goes on at once. */
type Outcome = "completed" | "failed" | "cancelled" | "awaiting_approval" | "continue";

/** Retries of a failing model call within one attempt (429, 5xx), before the run fails. */
const MODEL_CALL_RETRIES = 2;

/** What an attempt has produced so far: the answer as last seen, and the error that fails the run. */
type AttemptProgress = { latest: UIMessage | null; errorText: string | null };

type Emit = (chunk: UIMessageChunk) => void;

/**
 * One attempt at a run: the model loop with tools, every chunk to the live tails at once and to
 * the log coalesced, the answer checkpointed at each step. A run resumed after an approval or a
 * crash first replays its stored answer, then continues that same message.
 */
export async function executeRun(deps: ExecutionDeps, run: RunRecord, controller: AbortController): Promise<Outcome> {
  const startedAt = Date.now();
  const rowsBefore = deps.meter.rowsWritten;
  deps.commit(() => startAttempt(deps, run, startedAt));

  const writer = new ChunkWriter((chunks) =>
    deps.commit(() => deps.log.append({ type: "ui.chunks", runId: run.id, messageId: run.assistantMessageId, chunks }, Date.now())),
  );
  const emit: Emit = (chunk) => {
    deps.hub.push(run.id, chunk);
    writer.add(chunk);
  };

  const progress: AttemptProgress = { latest: deps.store.getMessage(run.assistantMessageId), errorText: null };
  try {
    await streamAnswer(deps, run, controller, progress, emit);
  } catch (error) {
    if (!controller.signal.aborted) {
      progress.errorText = error instanceof AttachmentsUnavailableError ? error.message : describeModelError(error);
      emit({ type: "error", errorText: progress.errorText });
    }
  } finally {
    writer.flush();
  }

  const outcome = finishAttempt(deps, run, progress, controller.signal.aborted, { startedAt, rowsBefore });
  deps.hub.end(run.id);
  return outcome;
}

/** Inside the attempt's first transaction: the question takes its place and the run is running. */
function startAttempt(deps: ExecutionDeps, run: RunRecord, now: number): void {
  const { store, runs, log } = deps;
  placeTurn({ store, runs, log, flow: deps.flow }, run, now);
  runs.clearPendingMessage(run.id);
  runs.setStatus(run.id, "running", now);
  runs.countAttempt(run.id, now);
  log.append({ type: "run.started", runId: run.id, messageId: run.assistantMessageId }, now);
}

/** The answer so far is stored (updated in place, or appended after the run's question). */
function checkpointAnswer(deps: ExecutionDeps, run: RunRecord, message: UIMessage): void {
  const { store } = deps;
  const now = Date.now();
  deps.commit(() => {
    if (store.hasMessage(message.id)) store.updateMessage(message, now);
    else store.appendMessage(message, run.id, now, answerParent(store, run));
  });
}

/** Replays what a resumed run already said, then streams the model's answer to the tails and the log. */
async function streamAnswer(
  deps: ExecutionDeps,
  run: RunRecord,
  controller: AbortController,
  progress: AttemptProgress,
  emit: Emit,
): Promise<void> {
  const { store, hub } = deps;
  const meta = store.meta()!;
  // The path through this run's own messages, whichever branch is active now.
  const anchor = store.hasMessage(run.assistantMessageId) ? run.assistantMessageId : run.userMessageId;
  const context = buildModelContext(store, meta, deps.config, store.hasMessage(anchor) ? anchor : null);
  const resumed = progress.latest !== null;
  if (resumed) for (const chunk of messageToChunks(progress.latest!)) emit(chunk);
  hub.markContinuation(run.id);

  const result = await startModelCall(deps, run, context, controller.signal);
  const stream = result.toUIMessageStream({
    originalMessages: context.messages,
    generateMessageId: () => run.assistantMessageId,
    sendReasoning: true,
    // A failing tool is the tool's output (the model reads it and answers); only stream errors fail the run.
    redactToolErrors: false,
    onError: (error) => {
      progress.errorText = describeModelError(error);
      return progress.errorText;
    },
    onStepEnd: ({ responseMessage }) => {
      progress.latest = responseMessage;
      checkpointAnswer(deps, run, responseMessage);
      deps.onStep?.();
    },
    onEnd: ({ responseMessage }) => {
      progress.latest = responseMessage;
    },
  });
  await forwardChunks(deps, run, stream, resumed, emit);
}

/** The model call: the run's context with its files inline, the run's tools, the step limit. */
async function startModelCall(deps: ExecutionDeps, run: RunRecord, context: ModelContext, abortSignal: AbortSignal) {
  const { store, config } = deps;
  return streamText({
    model: deps.model(),
    system: context.system,
    // Files only as inline data within the context's budget (never URLs); and should one slip
    // through, the model call refuses to download it.
    messages: await convertToModelMessages(await attachmentsForModel(context.forModel, deps.attachments)),
    experimental_download: refuseDownloads,
    // Notes the agent writes to itself (job results, follow-ups) are system messages in the transcript.
    allowSystemInMessages: true,
    tools: deps.tools(run.id),
    abortSignal,
    stopWhen: isStepCount(config.maxSteps),
    maxRetries: MODEL_CALL_RETRIES,
    // A regenerated answer's version: the offline model words each version differently; real providers ignore it.
    providerOptions: { offline: { variant: store.answerVersion(run.userMessageId, run.assistantMessageId) } },
  });
}

/** Every chunk goes out; an approval request is recorded on the server before anyone can see it. */
async function forwardChunks(
  deps: ExecutionDeps,
  run: RunRecord,
  stream: AsyncIterable<UIMessageChunk>,
  resumed: boolean,
  emit: Emit,
): Promise<void> {
  const toolInputs = new Map<string, { toolName: string; input: unknown }>();
  for await (const chunk of stream) {
    // A resumed run already replayed its start and earlier parts.
    if (resumed && chunk.type === "start") continue;
    if (chunk.type === "tool-input-available") toolInputs.set(chunk.toolCallId, { toolName: chunk.toolName, input: chunk.input });
    if (chunk.type === "tool-approval-request") {
      const call = toolInputs.get(chunk.toolCallId);
      if (call) {
        await deps.flow.request(run.id, run.assistantMessageId, {
          approvalId: chunk.approvalId,
          toolCallId: chunk.toolCallId,
          tool: call.toolName,
          input: (call.input ?? {}) as Record<string, unknown>,
        });
      }
    }
    emit(chunk);
  }
}

/** The attempt ends: the answer is stored with its status, and the run's state and closing event in the same transaction. */
function finishAttempt(
  deps: ExecutionDeps,
  run: RunRecord,
  progress: AttemptProgress,
  aborted: boolean,
  started: { startedAt: number; rowsBefore: number },
): Outcome {
  const { store, runs, log } = deps;
  const { errorText } = progress;
  const finishedAt = Date.now();
  const merged = deps.flow.mergeDecisions(progress.latest ?? { id: run.assistantMessageId, role: "assistant", parts: [] });
  const outcome: Outcome = aborted
    ? "cancelled"
    : errorText
      ? "failed"
      : deps.approvals.pendingForRun(run.id).length > 0
        ? "awaiting_approval"
        : merged.decided
          ? "continue"
          : "completed";
  const shownStatus = outcome === "cancelled" ? "stopped" : outcome === "continue" ? "running" : outcome;
  const finalMessage: UIMessage = { ...merged.message, metadata: { runId: run.id, status: shownStatus } };
  deps.commit(() => {
    if (store.hasMessage(finalMessage.id)) store.updateMessage(finalMessage, finishedAt);
    else store.appendMessage(finalMessage, run.id, finishedAt, answerParent(store, run));
    log.append({ type: "message.stored", messageId: finalMessage.id, role: "assistant", runId: run.id }, finishedAt);
    runs.setStatus(run.id, outcome === "continue" ? "queued" : outcome, finishedAt, errorText);
    // Going on after an approval is not a recovery: only interruptions count toward MAX_RUN_ATTEMPTS.
    if (outcome === "awaiting_approval" || outcome === "continue") runs.resetAttempts(run.id);
    // Counted before the closing event's own row (one more, every run alike).
    const stats = { durationMs: finishedAt - started.startedAt, rowsWritten: deps.meter.rowsWritten - started.rowsBefore + 1 };
    if (outcome === "completed") log.append({ type: "run.finished", runId: run.id, messageId: finalMessage.id, ...stats }, finishedAt);
    else if (outcome === "awaiting_approval") log.append({ type: "run.status", runId: run.id, status: "awaiting_approval" }, finishedAt);
    else if (outcome === "continue") log.append({ type: "run.status", runId: run.id, status: "queued" }, finishedAt);
    else if (outcome === "cancelled") log.append({ type: "run.cancelled", runId: run.id, messageId: finalMessage.id }, finishedAt);
    else
      log.append(
        { type: "run.failed", runId: run.id, messageId: finalMessage.id, error: { code: "model_error", message: errorText ?? "" } },
        finishedAt,
      );
  });
  return outcome;
}

/** An answer always follows the message that started its run (the leaf it was placed at). */
function answerParent(store: ThreadStore, run: RunRecord): string | null | undefined {
  return store.hasMessage(run.userMessageId) ? run.userMessageId : undefined;
}

function describeModelError(error: unknown): string {
  // Retryable provider errors (429, 5xx) arrive wrapped once retries ran out; report the provider's own.
  const cause = RetryError.isInstance(error) ? error.lastError : error;
  if (cause instanceof Error) {
    const status = (cause as { statusCode?: number }).statusCode;
    // A 2xx status means the answer started and then broke off: the provider did not refuse it.
    return status && status >= 400 ? `The model provider failed (HTTP ${status}): ${cause.message}` : `The model failed: ${cause.message}`;
  }
  return "The model failed with an unknown error.";
}
