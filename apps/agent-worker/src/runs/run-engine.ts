import type { BusyPolicy, ChatTrigger } from "@oa/protocol";
import type { LanguageModel, ToolSet, UIMessage, UIMessageChunk } from "ai";
import { ApprovalFlow } from "../approvals/approval-flow.ts";
import type { AttachmentSource } from "../attachments/attachments-for-model.ts";
import type { AgentConfig } from "../config.ts";
import { type Failure, failure } from "../failure.ts";
import type { QuotaVerdict } from "../quotas/quota.ts";
import type { ApprovalRecord, ApprovalStore } from "../storage/approval-store.ts";
import type { Commit } from "../storage/commit-then-publish.ts";
import type { EventLog } from "../storage/event-log.ts";
import type { ReceiptStore } from "../storage/receipt-store.ts";
import type { RunRecord, RunStore } from "../storage/run-store.ts";
import type { ThreadStore } from "../storage/thread-store.ts";
import { closeWaitingRun, LEFT_BRANCH_REASON, moveLeaf, placePendingMessage } from "../thread/branch-change.ts";
import { resolveTurn } from "../thread/turn-placement.ts";
import { messageToChunks } from "./message-chunks.ts";
import { endExhaustedRun, failRun } from "./run-endings.ts";
import { executeRun } from "./run-execution.ts";
import type { RunHub } from "./run-hub.ts";
import { SummaryFolder } from "./summary-folder.ts";

/** A run that keeps failing to recover is ended after this many attempts. */
export const MAX_RUN_ATTEMPTS = 3;

/** `cancelAll` looks this often, this far apart, for the running run to wind down (3 s in all). */
const CANCEL_ALL_POLLS = 150;
const CANCEL_ALL_POLL_MS = 20;

export type RunEngineDeps = {
  threadId: string;
  /** The thread's commit-then-publish write path (storage/commit-then-publish.ts). */
  commit: Commit;
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
  /** The run holds nothing any more: it ended, or it waits for a person's approval. */
  onRunSettled: (runId: string) => void;
  /** A user turn continued after its approvals takes a run slot again (it gave it back to wait). */
  acquireRunSlot: (runId: string) => Promise<QuotaVerdict>;
  /** A running user turn is alive: its slot's lease is pushed on (at each step). */
  refreshRunSlot: (runId: string) => void;
  /** Rows written through this thread's storage; a run reports its own share. */
  meter: { rowsWritten: number };
  approvals: ApprovalStore;
  receipts: ReceiptStore;
  /** The tools a run may call (built per run: receipts and approvals are per call). */
  tools: (runId: string) => ToolSet;
  approvalTtlSeconds: number;
  /** A new approval was requested; expiry gets scheduled. */
  onApprovalRequested: (approval: ApprovalRecord) => void;
  /** The thread's R2 attachments, read for the model. */
  attachments: AttachmentSource;
};

export type TurnInput = {
  /** The run's id, when the caller took its run slot under it already. */
  runId?: string;
  userId: string;
  message: UIMessage;
  trigger: ChatTrigger;
  onBusy: BusyPolicy | undefined;
  /** The transport's `messageId`: with submit, the user message an edit replaces; with regenerate, the answer replaced. */
  messageId?: string;
  /** Where a new user message goes (null: first in the thread); absent: at the active leaf. */
  parentId?: string | null;
};

/** What the chat response does: follow a run live, or replay an answer that already exists. */
export type TurnOutcome =
  /** `storedMessageId`: the user message this request put into the thread (none for a retry or a regenerate). */
  | { ok: true; kind: "tail"; runId: string; assistantMessageId: string; storedMessageId?: string }
  | { ok: true; kind: "replay"; chunks: UIMessageChunk[] };

type ActiveExecution = { runId: string; controller: AbortController };

/**
 * Turns live in the thread, not in the request: a submitted turn becomes a queued run, runs
 * execute one at a time inside the Durable Object, and any number of tails follow them.
 */
export class RunEngine {
  private executing: ActiveExecution | null = null;
  /** Approved runs taking their run slot again (one attempt each, however often they are continued). */
  private readonly continuing = new Set<string>();
  private readonly summary: SummaryFolder;

  readonly approvals: ApprovalFlow;

  constructor(private readonly deps: RunEngineDeps) {
    this.summary = new SummaryFolder(deps);
    this.approvals = new ApprovalFlow({
      store: deps.store,
      runs: deps.runs,
      approvals: deps.approvals,
      log: deps.log,
      ttlSeconds: deps.approvalTtlSeconds,
      commit: deps.commit,
      continueRun: (runId) => this.continueRun(runId),
      onRequested: deps.onApprovalRequested,
    });
  }

  submitTurn(input: TurnInput): TurnOutcome | Failure {
    const { store, runs, log, hub } = this.deps;
    const now = Date.now();
    const turn = resolveTurn(store, runs, input, this.deps.newId);
    if (!turn.ok) return turn;
    if (turn.kind === "retry") return this.retryOutcome(turn.userMessageId ?? input.message.id);

    // A run waiting for approval holds nothing; a new message closes it and goes ahead.
    const waiting = runs.active().filter((run) => run.status === "awaiting_approval");
    const active = runs.active().filter((run) => run.status !== "awaiting_approval");
    const policy = input.onBusy ?? this.deps.config.busyPolicy;
    if (active.length > 0 && policy === "reject") {
      return failure("run_active", "A run is active in this thread; retry later or send with onBusy=queue.", {
        runId: active[0]!.id,
        status: active[0]!.status,
      });
    }

    const runId = input.runId ?? this.deps.newId("run");
    const assistantMessageId = this.deps.newId("msg");
    this.deps.commit(() => {
      if (!store.meta()) store.createMeta(this.deps.threadId, input.userId, now);
      const reason = LEFT_BRANCH_REASON[turn.kind];
      for (const run of waiting) closeWaitingRun(this.branchDeps(), run.id, run.assistantMessageId, reason, now);
      runs.create(
        {
          id: runId,
          userMessageId: turn.userMessageId,
          assistantMessageId,
          pendingMessage: turn.pendingMessage,
          placement: turn.placement,
        },
        now,
      );
      log.append({ type: "run.status", runId, status: "queued" }, now);
    });
    hub.open(runId, assistantMessageId);
    if (active.length > 0 && policy === "interrupt") for (const run of active) this.cancelRun(run.id);
    this.pump();
    // The message this request stored holds the parts it sent (a regenerate stores none).
    const stored = turn.kind === "regenerate" ? undefined : turn.userMessageId;
    return { ok: true, kind: "tail", runId, assistantMessageId, ...(stored ? { storedMessageId: stored } : {}) };
  }

  private branchDeps() {
    return { store: this.deps.store, runs: this.deps.runs, log: this.deps.log, flow: this.approvals };
  }

  /**
   * Makes the path through `messageId` the active one (down to its newest descendant): refused
   * while a run is queued or running; a run waiting for approval on the branch left is closed.
   */
  switchBranch(messageId: string): { ok: true; leafId: string } | Failure {
    const { store, runs } = this.deps;
    const busy = runs.active().find((run) => run.status !== "awaiting_approval");
    if (busy)
      return failure("run_active", "A run is active in this thread; switch once it finished.", { runId: busy.id, status: busy.status });
    if (!store.hasMessage(messageId)) return failure("message_not_found", "No such message in this thread.", { messageId });
    const now = Date.now();
    const leafId = this.deps.commit(() => {
      const leaf = store.newestLeafUnder(messageId);
      moveLeaf(this.branchDeps(), leaf, messageId, LEFT_BRANCH_REASON.switch, now);
      return leaf;
    });
    return { ok: true, leafId };
  }

  /**
   * The last pending approval of a run was decided: the run goes on by itself. A user turn gave
   * its run slot back while it waited, so it takes one again first; over QUOTA_CONCURRENT_RUNS
   * it fails with a `quota_exceeded` error the person sees, rather than running uncounted.
   */
  continueRun(runId: string): void {
    const run = this.deps.runs.get(runId);
    if (run?.status !== "awaiting_approval" || this.continuing.has(runId)) return;
    // Tails may attach at once (the approval's own response follows the continuation).
    this.deps.hub.open(runId, run.assistantMessageId);
    if (!isUserTurn(run, this.deps.store)) {
      this.requeue(runId);
      return;
    }
    this.continuing.add(runId);
    void this.deps
      .acquireRunSlot(runId)
      .catch((error): QuotaVerdict => {
        console.warn("could not take a run slot for a continuation", error);
        return { ok: true, current: 0 };
      })
      .then((verdict) => {
        this.continuing.delete(runId);
        if (verdict.ok) this.requeue(runId);
        else
          this.failOverQuota(
            runId,
            `You already have ${verdict.current} runs active, the most allowed is ${verdict.limit}; the approved run could not go on. Send the message again once one finished.`,
          );
      });
  }

  private requeue(runId: string): void {
    if (this.deps.runs.get(runId)?.status !== "awaiting_approval") return;
    const now = Date.now();
    this.deps.commit(() => {
      this.deps.runs.setStatus(runId, "queued", now);
      this.deps.log.append({ type: "run.status", runId, status: "queued" }, now);
    });
    this.pump();
  }

  private failOverQuota(runId: string, message: string): void {
    const run = this.deps.runs.get(runId);
    if (run?.status !== "awaiting_approval") return;
    const now = Date.now();
    this.deps.commit(() => failRun(this.deps, runId, run.assistantMessageId, { code: "quota_exceeded", message }, now));
    this.deps.hub.push(runId, { type: "error", errorText: message });
    this.deps.hub.end(runId);
    this.deps.afterRun(runId);
  }

  /**
   * A run the agent starts by itself (a finished job, a follow-up that came due): its trigger is
   * a system note in the transcript, and it queues like any turn.
   */
  submitSystemTurn(text: string, origin: { kind: string; id: string }): string {
    const now = Date.now();
    const runId = this.deps.newId("run");
    const assistantMessageId = this.deps.newId("msg");
    const note: UIMessage = { id: this.deps.newId("msg"), role: "system", parts: [{ type: "text", text }], metadata: { origin } };
    this.deps.commit(() => {
      this.deps.runs.create({ id: runId, userMessageId: note.id, assistantMessageId, pendingMessage: note }, now);
      this.deps.log.append({ type: "run.status", runId, status: "queued" }, now);
    });
    this.deps.hub.open(runId, assistantMessageId);
    this.pump();
    return runId;
  }

  /** A retried request: never stores the message twice; follows or replays its answer. */
  private retryOutcome(userMessageId: string): TurnOutcome {
    const run = this.deps.runs.byUserMessage(userMessageId);
    if (run && this.deps.hub.isLive(run.id)) {
      return { ok: true, kind: "tail", runId: run.id, assistantMessageId: run.assistantMessageId };
    }
    const answer = run ? this.deps.store.getMessage(run.assistantMessageId) : null;
    const chunks: UIMessageChunk[] = answer
      ? messageToChunks(answer)
      : [{ type: "start", ...(run ? { messageId: run.assistantMessageId } : {}) }];
    chunks.push({ type: "finish" });
    return { ok: true, kind: "replay", chunks };
  }

  /** Cancels queued and running runs and waits (briefly) for the running one to wind down. */
  async cancelAll(): Promise<void> {
    for (let i = 0; i < CANCEL_ALL_POLLS; i++) {
      const active = this.deps.runs.active();
      if (active.length === 0) return;
      // Queued ones first, so none of them starts when the running one ends.
      for (const run of [...active].reverse()) this.cancelRun(run.id);
      await scheduler.wait(CANCEL_ALL_POLL_MS);
    }
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
    if (run.status === "awaiting_approval") {
      this.deps.commit(() => {
        this.approvals.withdraw(runId, "The run was stopped.", now);
        this.deps.runs.setStatus(runId, "cancelled", now);
        this.deps.log.append({ type: "run.cancelled", runId, messageId: run.assistantMessageId }, now);
      });
      this.deps.afterRun(runId);
      this.deps.onRunSettled(runId);
      return true;
    }
    this.deps.commit(() => {
      // The person's words are kept even when their queued turn is cancelled before it ran.
      placePendingMessage(this.branchDeps(), run, now);
      this.deps.runs.clearPendingMessage(runId);
      this.deps.runs.setStatus(runId, "cancelled", now);
      this.deps.log.append({ type: "run.cancelled", runId, messageId: run.assistantMessageId }, now);
    });
    this.deps.hub.push(runId, { type: "abort", reason: "stopped by the user" });
    this.deps.hub.end(runId);
    this.deps.afterRun(runId);
    this.deps.onRunSettled(runId);
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
        let outcome: Awaited<ReturnType<typeof executeRun>> | null = null;
        try {
          const onStep = isUserTurn(next, this.deps.store) ? () => this.deps.refreshRunSlot(next.id) : undefined;
          outcome = await executeRun({ ...this.deps, flow: this.approvals, onStep }, next, controller);
          if (outcome === "continue") this.deps.hub.open(next.id, next.assistantMessageId);
        } finally {
          // The next turn starts now; housekeeping for this one runs beside it.
          this.executing = null;
          this.pump();
        }
        if (outcome === "completed" || outcome === "failed" || outcome === "cancelled") this.deps.afterRun(next.id);
        if (outcome !== null && outcome !== "continue") this.deps.onRunSettled(next.id);
        await this.summary.update().catch((error) => console.warn("summary update failed; will retry next turn", error));
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
        this.deps.commit(() => endExhaustedRun(this.deps, run.id, run.assistantMessageId, run.attempts, now));
        continue;
      }
      this.deps.commit(() => {
        this.deps.runs.setStatus(run.id, "queued", now);
        this.deps.log.append({ type: "run.recovered", runId: run.id, messageId: run.assistantMessageId, attempt: run.attempts + 1 }, now);
      });
      this.deps.hub.open(run.id, run.assistantMessageId);
    }
    this.approvals.expireDue();
    // A continuation interrupted while it took its run slot: every approval decided, never requeued.
    for (const run of this.deps.runs.active()) {
      if (run.status === "awaiting_approval" && this.deps.approvals.pendingForRun(run.id).length === 0) this.continueRun(run.id);
    }
    this.pump();
  }
}

/** A person's turn, which holds a run slot; the agent's own turns (follow-ups, job notes) hold none. */
export function isUserTurn(run: RunRecord, store: ThreadStore): boolean {
  const trigger = run.pendingMessage ?? store.getMessage(run.userMessageId);
  return trigger?.role !== "system";
}
