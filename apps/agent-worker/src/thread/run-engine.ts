import type { BusyPolicy } from "@oa/protocol";
import { convertToModelMessages, isStepCount, RetryError, streamText, type LanguageModel, type UIMessage, type UIMessageChunk } from "ai";
import type { AgentConfig } from "../config.ts";
import { failure, type Failure } from "../http/errors.ts";
import { foldIntoSummary } from "../model/summarize.ts";
import { ChunkWriter } from "./chunk-writer.ts";
import { buildModelContext, pendingSummaryRange } from "./context.ts";
import type { EventLog } from "./event-log.ts";
import { messageToChunks } from "./message-chunks.ts";
import type { RunHub } from "./run-hub.ts";
import type { RunRecord, RunStore } from "./run-store.ts";
import type { ThreadStore } from "./store.ts";

/** A run that keeps failing to recover is ended after this many attempts. */
export const MAX_RUN_ATTEMPTS = 3;

export type RunEngineDeps = {
  threadId: string;
  storage: DurableObjectStorage;
  store: ThreadStore;
  runs: RunStore;
  log: EventLog;
  hub: RunHub;
  config: AgentConfig;
  model: () => LanguageModel;
  keepAliveWhile: <T>(fn: () => Promise<T>) => Promise<T>;
  newId: (prefix: string) => string;
  /** Called once a run reached a final status (retention schedules its compaction). */
  afterRun: (runId: string) => void;
  /** Rows written through this thread's storage; a run reports its own share. */
  meter: { rowsWritten: number };
};

export type TurnInput = {
  userId: string;
  message: UIMessage;
  trigger: "submit-message" | "regenerate-message";
  onBusy: BusyPolicy | undefined;
};

/** What the chat response does: follow a run live, or replay an answer that already exists. */
export type TurnOutcome =
  | { ok: true; kind: "tail"; runId: string; assistantMessageId: string }
  | { ok: true; kind: "replay"; chunks: UIMessageChunk[] };

type ActiveExecution = { runId: string; controller: AbortController };

/**
 * Turns live in the thread, not in the request: a submitted turn becomes a queued run, runs
 * execute one at a time inside the Durable Object, and any number of tails follow them.
 */
export class RunEngine {
  private executing: ActiveExecution | null = null;
  /** One summary update at a time, so two turns never fold the same messages twice. */
  private summarizing = false;

  constructor(private readonly deps: RunEngineDeps) {}

  /** Runs `fn` as one transaction; events reach listeners only once it committed. */
  transact<T>(fn: () => T): T {
    try {
      const result = this.deps.storage.transactionSync(fn);
      this.deps.log.publish();
      return result;
    } catch (error) {
      this.deps.log.discardPending();
      throw error;
    }
  }

  submitTurn(input: TurnInput): TurnOutcome | Failure {
    const { store, runs, log, hub } = this.deps;
    const now = Date.now();
    const existing = store.getMessage(input.message.id);
    const alreadySubmitted = existing !== null || runs.byUserMessage(input.message.id) !== null;
    if (alreadySubmitted && (input.trigger === "submit-message" || !existing)) return this.retryOutcome(input.message.id);
    if (existing && existing.role !== "user") {
      return failure("invalid_request", "Only a user message can be regenerated.", { messageId: existing.id });
    }

    const active = runs.active();
    const policy = input.onBusy ?? this.deps.config.busyPolicy;
    if (active.length > 0 && policy === "reject") {
      return failure("run_active", "A run is active in this thread; retry later or send with onBusy=queue.", {
        runId: active[0]!.id,
        status: active[0]!.status,
      });
    }

    const runId = this.deps.newId("run");
    const assistantMessageId = this.deps.newId("msg");
    this.transact(() => {
      if (!store.meta()) store.createMeta(this.deps.threadId, input.userId, now);
      runs.create({ id: runId, userMessageId: input.message.id, assistantMessageId, pendingMessage: existing ? null : input.message }, now);
      log.append({ type: "run.status", runId, status: "queued" }, now);
    });
    hub.open(runId);
    if (active.length > 0 && policy === "interrupt") for (const run of active) this.cancelRun(run.id);
    this.pump();
    return { ok: true, kind: "tail", runId, assistantMessageId };
  }

  /** A retried request: never stores the message twice; follows or replays its answer. */
  private retryOutcome(userMessageId: string): TurnOutcome {
    const run = this.deps.runs.byUserMessage(userMessageId);
    if (run && this.deps.hub.isLive(run.id)) {
      return { ok: true, kind: "tail", runId: run.id, assistantMessageId: run.assistantMessageId };
    }
    const answer = run ? this.deps.store.getMessage(run.assistantMessageId) : null;
    const chunks: UIMessageChunk[] = answer ? messageToChunks(answer) : [{ type: "start", ...(run ? { messageId: run.assistantMessageId } : {}) }];
    chunks.push({ type: "finish" });
    return { ok: true, kind: "replay", chunks };
  }

  /** Explicit stop. Returns false when the run is not active. */
  cancelRun(runId: string): boolean {
    const run = this.deps.runs.get(runId);
    if (!run || (run.status !== "queued" && run.status !== "running" && run.status !== "awaiting_approval")) return false;
    if (this.executing?.runId === runId) {
      this.executing.controller.abort(new DOMException("stopped by the user", "AbortError"));
      return true;
    }
    const now = Date.now();
    this.transact(() => {
      // The person's words are kept even when their queued turn is cancelled before it ran.
      if (run.pendingMessage && !this.deps.store.hasMessage(run.pendingMessage.id)) {
        this.deps.store.appendMessage(run.pendingMessage, null, now);
        this.deps.log.append({ type: "message.stored", messageId: run.pendingMessage.id, role: "user", runId }, now);
      }
      this.deps.runs.clearPendingMessage(runId);
      this.deps.runs.setStatus(runId, "cancelled", now);
      this.deps.log.append({ type: "run.cancelled", runId, messageId: run.assistantMessageId }, now);
    });
    this.deps.hub.push(runId, { type: "abort", reason: "stopped by the user" });
    this.deps.hub.end(runId);
    this.deps.afterRun(runId);
    return true;
  }

  activeRunId(): string | null {
    return this.deps.runs.active()[0]?.id ?? null;
  }

  /** Starts the oldest queued run when nothing is executing. */
  pump(): void {
    if (this.executing) return;
    const next = this.deps.runs.nextQueued();
    if (!next) return;
    const controller = new AbortController();
    this.executing = { runId: next.id, controller };
    void this.deps
      .keepAliveWhile(async () => {
        try {
          await this.execute(next, controller);
        } finally {
          // The next turn starts now; housekeeping for this one runs beside it.
          this.executing = null;
          this.pump();
        }
        this.deps.afterRun(next.id);
        await this.updateSummary().catch((error) => console.warn("summary update failed; will retry next turn", error));
      })
      .catch((error) => console.error("run execution failed unexpectedly", error));
  }

  /**
   * After a restart, runs that were executing have no process behind them. Each resumes from
   * its last checkpoint, or ends as failed once it used up its attempts.
   */
  recoverInterruptedRuns(): void {
    const now = Date.now();
    for (const run of this.deps.runs.active()) {
      if (run.status !== "running" || this.executing?.runId === run.id) continue;
      if (run.attempts >= MAX_RUN_ATTEMPTS) {
        this.transact(() => {
          const message = `The run was interrupted ${run.attempts} times and was stopped.`;
          this.deps.runs.setStatus(run.id, "failed", now, message);
          this.deps.log.append({ type: "run.failed", runId: run.id, messageId: run.assistantMessageId, error: { code: "recovery_exhausted", message } }, now);
        });
        continue;
      }
      this.transact(() => {
        this.deps.runs.setStatus(run.id, "queued", now);
        this.deps.log.append({ type: "run.recovered", runId: run.id, messageId: run.assistantMessageId, attempt: run.attempts + 1 }, now);
      });
      this.deps.hub.open(run.id);
    }
    this.pump();
  }

  private async execute(run: RunRecord, controller: AbortController): Promise<void> {
    const { store, runs, log, hub, config } = this.deps;
    const startedAt = Date.now();
    const rowsBefore = this.deps.meter.rowsWritten;
    this.transact(() => {
      if (run.pendingMessage && !store.hasMessage(run.pendingMessage.id)) {
        store.appendMessage(run.pendingMessage, null, startedAt);
        log.append({ type: "message.stored", messageId: run.pendingMessage.id, role: "user", runId: run.id }, startedAt);
      }
      runs.clearPendingMessage(run.id);
      runs.setStatus(run.id, "running", startedAt);
      runs.countAttempt(run.id, startedAt);
      log.append({ type: "run.started", runId: run.id, messageId: run.assistantMessageId }, startedAt);
    });

    const writer = new ChunkWriter((chunks) =>
      this.transact(() => log.append({ type: "ui.chunks", runId: run.id, messageId: run.assistantMessageId, chunks }, Date.now())),
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
      this.transact(() => {
        if (store.hasMessage(message.id)) store.updateMessage(message, now);
        else store.appendMessage(message, run.id, now);
      });
    };

    try {
      const meta = store.meta()!;
      const anchor = store.getMessage(latest ? run.assistantMessageId : run.userMessageId);
      const context = buildModelContext(store, meta, config, anchor?.position ?? Number.MAX_SAFE_INTEGER);
      const resumed = latest !== null;
      if (resumed) for (const chunk of messageToChunks(latest!)) emit(chunk);

      const result = streamText({
        model: this.deps.model(),
        system: context.system,
        messages: await convertToModelMessages(context.messages),
        abortSignal: controller.signal,
        stopWhen: isStepCount(config.maxSteps),
        maxRetries: 2,
      });
      const stream = result.toUIMessageStream({
        originalMessages: context.messages,
        generateMessageId: () => run.assistantMessageId,
        sendReasoning: true,
        onError: (error) => {
          errorText = describeModelError(error);
          return errorText;
        },
        onStepEnd: ({ responseMessage }) => checkpoint(responseMessage),
        onEnd: ({ responseMessage }) => {
          latest = responseMessage;
        },
      });
      for await (const chunk of stream) {
        // A resumed run already replayed its start and earlier parts.
        if (resumed && chunk.type === "start") continue;
        emit(chunk);
      }
    } catch (error) {
      if (!controller.signal.aborted) {
        errorText = describeModelError(error);
        emit({ type: "error", errorText });
      }
    } finally {
      writer.flush();
    }

    const finishedAt = Date.now();
    const outcome = controller.signal.aborted ? "cancelled" : errorText ? "failed" : "completed";
    const finalMessage: UIMessage = {
      ...(latest ?? { id: run.assistantMessageId, role: "assistant", parts: [] }),
      metadata: { runId: run.id, status: outcome === "cancelled" ? "stopped" : outcome },
    };
    this.transact(() => {
      if (store.hasMessage(finalMessage.id)) store.updateMessage(finalMessage, finishedAt);
      else store.appendMessage(finalMessage, run.id, finishedAt);
      log.append({ type: "message.stored", messageId: finalMessage.id, role: "assistant", runId: run.id }, finishedAt);
      runs.setStatus(run.id, outcome, finishedAt, errorText);
      // Counted before the closing event's own row (one more, every run alike).
      const stats = { durationMs: finishedAt - startedAt, rowsWritten: this.deps.meter.rowsWritten - rowsBefore + 1 };
      if (outcome === "completed") log.append({ type: "run.finished", runId: run.id, messageId: finalMessage.id, ...stats }, finishedAt);
      else if (outcome === "cancelled") log.append({ type: "run.cancelled", runId: run.id, messageId: finalMessage.id }, finishedAt);
      else log.append({ type: "run.failed", runId: run.id, messageId: finalMessage.id, error: { code: "model_error", message: errorText ?? "" } }, finishedAt);
    });
    hub.end(run.id);
  }

  /** Folds messages that left the context window into the running summary, a batch at a time. */
  private async updateSummary(): Promise<void> {
    if (this.summarizing) return;
    this.summarizing = true;
    try {
      await this.foldPendingSummary();
    } finally {
      this.summarizing = false;
    }
  }

  private async foldPendingSummary(): Promise<void> {
    const { store, config } = this.deps;
    const meta = store.meta();
    if (!meta) return;
    const last = store.lastMessages(1)[0];
    if (!last) return;
    const range = pendingSummaryRange(meta, last.position, config);
    if (!range) return;
    const batch = store.messagesBetween(range.after, range.through, config.summaryBatch * 2);
    if (batch.length === 0) return;
    const summary = await foldIntoSummary(config.provider, this.deps.model(), meta.summary, batch);
    store.setSummary(summary, batch[batch.length - 1]!.position, Date.now());
  }
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
