import { refuseDownloads } from "@oa/protocol";
import { convertToModelMessages, isStepCount, RetryError, streamText, type LanguageModel, type ToolSet, type UIMessage, type UIMessageChunk } from "ai";
import type { AgentConfig } from "../config.ts";
import type { ApprovalFlow } from "../approvals/approval-flow.ts";
import type { ApprovalStore } from "../storage/approval-store.ts";
import { ChunkWriter } from "./chunk-writer.ts";
import { placeTurn } from "../thread/branch-change.ts";
import { attachmentsForModel, AttachmentsUnavailableError, type AttachmentSource } from "../attachments/attachments-for-model.ts";
import { buildModelContext } from "./context.ts";
import type { EventLog } from "../storage/event-log.ts";
import { messageToChunks } from "./message-chunks.ts";
import type { RunHub } from "./run-hub.ts";
import type { RunRecord, RunStore } from "../storage/run-store.ts";
import type { ThreadStore } from "../storage/thread-store.ts";
import type { Commit } from "../storage/commit-then-publish.ts";

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

/**
 * One attempt at a run: the model loop with tools, every chunk to the live tails at once and to
 * the log coalesced, the answer checkpointed at each step. A run resumed after an approval or a
 * crash first replays its stored answer, then continues that same message.
 */
export async function executeRun(deps: ExecutionDeps, run: RunRecord, controller: AbortController): Promise<Outcome> {
  const { store, runs, log, hub, config } = deps;
  const startedAt = Date.now();
  const rowsBefore = deps.meter.rowsWritten;
  deps.commit(() => {
    placeTurn({ store, runs, log, flow: deps.flow }, run, startedAt);
    runs.clearPendingMessage(run.id);
    runs.setStatus(run.id, "running", startedAt);
    runs.countAttempt(run.id, startedAt);
    log.append({ type: "run.started", runId: run.id, messageId: run.assistantMessageId }, startedAt);
  });

  const writer = new ChunkWriter((chunks) =>
    deps.commit(() => log.append({ type: "ui.chunks", runId: run.id, messageId: run.assistantMessageId, chunks }, Date.now())),
  );
  const emit = (chunk: UIMessageChunk) => {
    hub.push(run.id, chunk);
    writer.add(chunk);
  };

  let errorText: string | null = null;
  let latest: UIMessage | null = store.getMessage(run.assistantMessageId);
  const checkpoint = (message: UIMessage) => {
    latest = message;
    const now = Date.now();
    deps.commit(() => {
      if (store.hasMessage(message.id)) store.updateMessage(message, now);
      else store.appendMessage(message, run.id, now, answerParent(store, run));
    });
  };

  try {
    const meta = store.meta()!;
    // The path through this run's own messages, whichever branch is active now.
    const anchor = store.hasMessage(run.assistantMessageId) ? run.assistantMessageId : run.userMessageId;
    const context = buildModelContext(store, meta, config, store.hasMessage(anchor) ? anchor : null);
    const resumed = latest !== null;
    if (resumed) for (const chunk of messageToChunks(latest!)) emit(chunk);
    hub.markContinuation(run.id);

    const result = streamText({
      model: deps.model(),
      system: context.system,
      // Files only as inline data within the context's budget (never URLs); and should one slip
      // through, the model call refuses to download it.
      messages: await convertToModelMessages(await attachmentsForModel(context.forModel, deps.attachments)),
      experimental_download: refuseDownloads,
      // Notes the agent writes to itself (job results, follow-ups) are system messages in the transcript.
      allowSystemInMessages: true,
      tools: deps.tools(run.id),
      abortSignal: controller.signal,
      stopWhen: isStepCount(config.maxSteps),
      maxRetries: 2,
      // A regenerated answer's version: the offline model words each version differently; real providers ignore it.
      providerOptions: { offline: { variant: store.answerVersion(run.userMessageId, run.assistantMessageId) } },
    });
    const stream = result.toUIMessageStream({
      originalMessages: context.messages,
      generateMessageId: () => run.assistantMessageId,
      sendReasoning: true,
      // A failing tool is the tool's output (the model reads it and answers); only stream errors fail the run.
      redactToolErrors: false,
      onError: (error) => {
        errorText = describeModelError(error);
        return errorText;
      },
      onStepEnd: ({ responseMessage }) => {
        checkpoint(responseMessage);
        deps.onStep?.();
      },
      onEnd: ({ responseMessage }) => {
        latest = responseMessage;
      },
    });
    const toolInputs = new Map<string, { toolName: string; input: unknown }>();
    for await (const chunk of stream) {
      // A resumed run already replayed its start and earlier parts.
      if (resumed && chunk.type === "start") continue;
      if (chunk.type === "tool-input-available") toolInputs.set(chunk.toolCallId, { toolName: chunk.toolName, input: chunk.input });
      if (chunk.type === "tool-approval-request") {
        // The server-side record exists before anyone can see the request.
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
  } catch (error) {
    if (!controller.signal.aborted) {
      errorText = error instanceof AttachmentsUnavailableError ? error.message : describeModelError(error);
      emit({ type: "error", errorText });
    }
  } finally {
    writer.flush();
  }

  const finishedAt = Date.now();
  const merged = deps.flow.mergeDecisions(latest ?? { id: run.assistantMessageId, role: "assistant", parts: [] });
  const outcome: Outcome = controller.signal.aborted
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
    const stats = { durationMs: finishedAt - startedAt, rowsWritten: deps.meter.rowsWritten - rowsBefore + 1 };
    if (outcome === "completed") log.append({ type: "run.finished", runId: run.id, messageId: finalMessage.id, ...stats }, finishedAt);
    else if (outcome === "awaiting_approval") log.append({ type: "run.status", runId: run.id, status: "awaiting_approval" }, finishedAt);
    else if (outcome === "continue") log.append({ type: "run.status", runId: run.id, status: "queued" }, finishedAt);
    else if (outcome === "cancelled") log.append({ type: "run.cancelled", runId: run.id, messageId: finalMessage.id }, finishedAt);
    else log.append({ type: "run.failed", runId: run.id, messageId: finalMessage.id, error: { code: "model_error", message: errorText ?? "" } }, finishedAt);
  });
  hub.end(run.id);
  return outcome;
}

/** An answer always follows the message that started its run (the leaf it was placed at). */
function answerParent(store: ThreadStore, run: RunRecord): string | null | undefined {
  return store.hasMessage(run.userMessageId) ? run.userMessageId : undefined;
}

export function describeModelError(error: unknown): string {
  // Retryable provider errors (429, 5xx) arrive wrapped once retries ran out; report the provider's own.
  const cause = RetryError.isInstance(error) ? error.lastError : error;
  if (cause instanceof Error) {
    const status = (cause as { statusCode?: number }).statusCode;
    // A 2xx status means the answer started and then broke off: the provider did not refuse it.
    return status && status >= 400 ? `The model provider failed (HTTP ${status}): ${cause.message}` : `The model failed: ${cause.message}`;
  }
  return "The model failed with an unknown error.";
}
