import type { ApprovalRespond, ApprovalStatus, BusyPolicy } from "@oa/protocol";
import { Agent, getAgentByName } from "agents";
import { generateId, type UIMessage } from "ai";
import { readConfig, type AgentConfig, type AgentWorkerEnv } from "../config.ts";
import { failureResponse } from "../http/errors.ts";
import { failure, type Failure } from "../failure.ts";
import { jsonResponse, resultResponse } from "../http/json.ts";
import { selectModel } from "../model/provider.ts";
import type { OpenClawClient } from "../openclaw/client.ts";
import { configuredOpenClawClient } from "../openclaw/configured-client.ts";
import { toApiJob } from "../storage/job-store.ts";
import { toApiSchedule } from "../storage/schedule-store.ts";
import { IndexSync } from "../threads-index/index-sync.ts";
import { SearchSync } from "../search/search-sync.ts";
import { exportResponse } from "../export/thread-export.ts";
import type { ExportFormat } from "@oa/protocol";
import { deleteThreadRow } from "../threads-index/thread-index.ts";
import type { ThreadUpdate, UserAgent } from "./user-agent.ts";
import { ThreadJobs } from "../jobs/thread-jobs.ts";
import { buildThreadTools } from "../tools/thread-tools.ts";
import type { Decision } from "../approvals/approval-flow.ts";
import { ApprovalStore, toApiApproval } from "../storage/approval-store.ts";
import { eventFeedResponse } from "../http/event-feed.ts";
import { EventLog } from "../storage/event-log.ts";
import { commitThenPublish, type Commit } from "../storage/commit-then-publish.ts";
import { isUserTurn, RunEngine } from "../runs/run-engine.ts";
import { RunHub } from "../runs/run-hub.ts";
import { RunStore } from "../storage/run-store.ts";
import { meteredSql, type WriteMeter } from "../storage/metered-sql.ts";
import { ReceiptStore, toApiReceipt } from "../storage/receipt-store.ts";
import { migrateThreadSchema } from "../storage/thread-schema.ts";
import { ThreadStore, type ThreadKind, type ThreadMeta } from "../storage/thread-store.ts";
import type { SwitchBranchResult, ThreadPatch } from "@oa/protocol";
import { replayResponse, tailRunResponse } from "../http/tail-stream.ts";
import { RUN_LEASE_MS, ThreadQuota } from "../quotas/thread-quota.ts";
import type { PageAfter } from "../storage/keyset-page.ts";
import { encodeCursor } from "../threads-index/thread-index.ts";
import { feedLease, FEED_LEASE_MS } from "../quotas/feed-lease.ts";
import { quotaFailure, type QuotaVerdict } from "../quotas/quota.ts";
import { messagesPageBody, snapshotEvent, summaryBody } from "../thread/api-shapes.ts";
import { ThreadAttachments, type AttachmentUpload } from "../attachments/thread-attachments.ts";
import { toApiAttachment } from "../storage/attachment-store.ts";
import { attachmentDownloadResponse } from "../http/download-response.ts";

/** Which page of a list: how many, after which row (null: the first page). */
export type ListPage = { limit: number; after: PageAfter | null };

const nextCursor = (next: PageAfter | null) => (next ? encodeCursor(next[0], next[1]) : null);

export type ChatCall = {
  userId: string;
  threadId: string;
  message: UIMessage;
  trigger: "submit-message" | "regenerate-message";
  onBusy?: BusyPolicy;
  /** The transport's `messageId` (an edit's message, a regenerated answer). */
  messageId?: string;
  /** Where the new user message goes (null: first); absent: at the active leaf. */
  parentId?: string | null;
  /** The run's id, under which the router took its run slot. */
  runId: string;
  /** The answer stream's feed slot, taken by the router with the run slot. */
  feedKey: string;
};

/** The AI SDK's approval continuation: decisions taken from the client's tool parts. */
export type ApprovalChatCall = { userId: string; threadId: string; decisions: Decision[] };


/**
 * One durable agent per chat thread. The class owns lifecycle and the RPC surface the router
 * calls; each concern lives in its own module.
 */
export class ThreadAgent extends Agent<AgentWorkerEnv> {
  /** While a run is active the alarm beats this often; after a crash it is what wakes the thread to recover. */
  static override options = { keepAliveIntervalMs: 5_000 };

  private readonly config: AgentConfig;
  private readonly store: ThreadStore;
  private readonly runStore: RunStore;
  private readonly log: EventLog;
  private readonly approvalStore: ApprovalStore;
  private readonly receipts: ReceiptStore;
  /** Every write of this thread: one transaction, its events published once it committed. */
  private readonly commit: Commit;
  private readonly hub = new RunHub();
  private readonly meter: WriteMeter = { rowsWritten: 0 };
  private engine: RunEngine | null = null;
  private attachmentsOf: ThreadAttachments | null = null;
  private background: ThreadJobs | null = null;
  private readonly index: IndexSync;
  /** Feeds the owner's message search from this thread's log. */
  private readonly search: SearchSync;
  /** First messages in flight per user, each holding a claim on that user's thread slot for this thread. */
  private readonly threadSlotClaims = new Map<string, number>();
  /** A thread slot release under way per user; a new claim waits for it. */
  private readonly threadSlotReleases = new Map<string, Promise<void>>();
  /** Set once the thread's storage is wiped, until the runtime discards this instance. */
  private deleted = false;
  /** This thread's storage, metered (the SDK's own `sql` tag is a different thing). */
  private readonly meteredSql: SqlStorage;

  constructor(ctx: DurableObjectState, env: AgentWorkerEnv) {
    super(ctx, env);
    migrateThreadSchema(ctx.storage);
    this.config = readConfig(env);
    const sql = meteredSql(ctx.storage.sql, this.meter);
    this.meteredSql = sql;
    this.store = new ThreadStore(sql);
    this.runStore = new RunStore(sql);
    this.log = new EventLog(sql);
    this.approvalStore = new ApprovalStore(sql);
    this.receipts = new ReceiptStore(sql);
    this.commit = commitThenPublish(ctx.storage, this.log);
    this.index = new IndexSync({
      db: env.DB,
      store: this.store,
      runs: this.runStore,
      approvals: this.approvalStore,
      log: this.log,
      provider: this.config.provider,
      model: () => selectModel(this.config),
      waitUntil: (promise) => this.ctx.waitUntil(promise),
      commit: this.commit,
      publishToUser: async (update) => (await this.userAgent(update.row.userId)).publish(update),
      retryLater: () => {
        this.ctx.waitUntil(this.schedule(30, "syncIndex", {}, { idempotent: true }).then(() => undefined, () => undefined));
      },
    });
    this.search = new SearchSync({
      sql: ctx.storage.sql,
      store: this.store,
      waitUntil: (promise) => this.ctx.waitUntil(promise),
      push: async (ownerId, threadId, docs) => (await this.userAgent(ownerId)).indexMessages(threadId, docs),
      retryLater: () => {
        this.ctx.waitUntil(this.schedule(30, "syncSearch", {}, { idempotent: true }).then(() => undefined, () => undefined));
      },
    });
    this.log.subscribe((event) => this.search.onEvent(event));
  }

  private userAgent(userId: string): Promise<DurableObjectStub<UserAgent>> {
    return getAgentByName<AgentWorkerEnv, UserAgent>(this.env.USER_AGENT, userId);
  }

  /** The owner's quota slots, as seen from this thread. */
  private quota(threadId: string, ownerId: string): ThreadQuota {
    return new ThreadQuota({
      threadId,
      limits: this.config.quotas,
      userAgent: () => this.userAgent(ownerId),
      waitUntil: (promise) => this.ctx.waitUntil(promise),
    });
  }

  /** A user turn's run slot (`${threadId}/${runId}`) goes back once the run holds nothing; system turns hold none. */
  private releaseRunSlot(runId: string): void {
    const meta = this.store.meta();
    const run = this.runStore.get(runId);
    if (meta && run && isUserTurn(run, this.store)) this.quota(meta.threadId, meta.ownerId).release("run", [runId]);
  }

  private ownerQuota(): ThreadQuota {
    const meta = this.store.meta()!;
    return this.quota(meta.threadId, meta.ownerId);
  }

  /** Scheduled callback: the thread index write that failed earlier, again. */
  async syncIndex(): Promise<void> {
    await this.index.flush();
  }

  /** Scheduled callback: the search index push that failed earlier, again. */
  async syncSearch(): Promise<void> {
    await this.search.sync();
  }

  override onStart(): void {
    const meta = this.store.meta();
    if (!meta) return;
    this.runs(meta.threadId).recoverInterruptedRuns();
    // Whatever happened while the runtime was away reaches the index and the search.
    this.index.request();
    this.search.request();
    // Jobs and follow-ups that came due while the runtime was down run now.
    this.work(meta.threadId).rearm();
  }

  private runs(threadId: string): RunEngine {
    this.engine ??= new RunEngine({
      threadId,
      commit: this.commit,
      store: this.store,
      runs: this.runStore,
      log: this.log,
      hub: this.hub,
      config: this.config,
      model: () => selectModel(this.config),
      keepAliveWhile: (fn) => this.keepAliveDuring(fn),
      newId: (prefix) => `${prefix}_${generateId()}`,
      afterRun: (runId) => this.scheduleCompaction(runId),
      onRunSettled: (runId) => this.releaseRunSlot(runId),
      acquireRunSlot: (runId) => this.ownerQuota().acquire("run", runId, Date.now() + RUN_LEASE_MS),
      refreshRunSlot: (runId) => this.ownerQuota().refresh("run", runId, Date.now() + RUN_LEASE_MS),
      meter: this.meter,
      approvals: this.approvalStore,
      receipts: this.receipts,
      tools: (runId) => this.toolsFor(runId),
      approvalTtlSeconds: this.config.approvalTtlSeconds,
      onApprovalRequested: (approval) => {
        this.ctx.waitUntil(this.schedule(new Date(approval.expiresAt + 1000), "expireApprovals", {}).then(() => undefined));
      },
      attachments: {
        facts: (id) => this.attachments(threadId).store.get(id),
        bytes: async (id) => {
          const record = this.attachments(threadId).store.get(id);
          const object = record ? await this.env.ATTACHMENTS.get(record.r2Key) : null;
          return object ? new Uint8Array(await object.arrayBuffer()) : null;
        },
      },
    });
    return this.engine;
  }

  /** The thread's files (rows here, bytes in R2). */
  private attachments(threadId: string): ThreadAttachments {
    this.attachmentsOf ??= new ThreadAttachments({
      threadId,
      sql: this.meteredSql,
      log: this.log,
      bucket: this.env.ATTACHMENTS,
      commit: this.commit,
      newId: () => `att_${generateId()}`,
    });
    return this.attachmentsOf;
  }

  private openclawClient(): OpenClawClient | null {
    const meta = this.store.meta();
    return meta ? configuredOpenClawClient(this.config, meta.ownerId) : null;
  }

  private work(threadId: string): ThreadJobs {
    this.background ??= new ThreadJobs({
      sql: this.meteredSql,
      log: this.log,
      hub: this.hub,
      commit: this.commit,
      client: () => this.openclawClient(),
      wakeAt: (at) => this.wakeAt(at),
      postToThread: (text, origin) => this.runs(threadId).submitSystemTurn(text, origin),
      newId: (prefix) => `${prefix}_${generateId()}`,
      pollMs: this.config.jobPollMs,
      maxAttempts: 6,
      quota: this.quota(threadId, this.store.meta()!.ownerId),
    });
    return this.background;
  }

  /** Arms one alarm-backed wake-up at `at` unless an earlier future one is already set. */
  private wakeAt(at: number): void {
    // The scheduler counts whole seconds: round up so a wake-up never comes before the work is due.
    const when = Math.max(Math.ceil(at / 1000) * 1000, Date.now());
    const now = Date.now();
    // A wake-up whose time has come is firing (or just fired) and will not come again.
    const pending = this.getSchedules().filter((schedule) => schedule.callback === "wake" && schedule.time * 1000 > now);
    if (pending.some((schedule) => schedule.time * 1000 <= when)) return;
    this.ctx.waitUntil(
      this.schedule(new Date(when), "wake", {}).then(
        () => undefined,
        (error) => console.error("could not arm the wake-up alarm", error),
      ),
    );
  }

  /** Scheduled callback: due job steps and follow-ups. */
  async wake(): Promise<void> {
    const meta = this.store.meta();
    if (meta) await this.work(meta.threadId).wake();
  }

  /** The tools for one run, acting for the thread's owner. */
  private toolsFor(runId: string) {
    const threadId = this.store.meta()!.threadId;
    return buildThreadTools({
      runId,
      config: this.config,
      client: this.openclawClient(),
      store: this.store,
      runs: this.runStore,
      approvals: this.approvalStore,
      receipts: this.receipts,
      log: this.log,
      background: this.work(threadId),
      commit: this.commit,
      newId: (prefix) => `${prefix}_${generateId()}`,
    });
  }

  async jobsList(userId: string, page: ListPage): Promise<Response> {
    return this.whenOwnedBy(userId, (meta) => {
      const { jobs, next } = this.work(meta.threadId).jobs.page(page.limit, page.after);
      return jsonResponse({ ok: true, threadId: meta.threadId, jobs: jobs.map(toApiJob), nextCursor: nextCursor(next) });
    });
  }

  async cancelJob(userId: string, jobId: string): Promise<Response> {
    return this.whenOwnedBy(userId, async (meta) => {
      const job = this.work(meta.threadId).runner.cancel(jobId);
      if (!job) return failureResponse(failure("not_found", "No such job in this thread.", { jobId }));
      return jsonResponse({ ok: true, job: toApiJob(job) });
    });
  }

  async schedulesList(userId: string, page: ListPage): Promise<Response> {
    return this.whenOwnedBy(userId, (meta) => {
      const { schedules, next } = this.work(meta.threadId).schedules.page(page.limit, page.after);
      return jsonResponse({ ok: true, threadId: meta.threadId, schedules: schedules.map(toApiSchedule), nextCursor: nextCursor(next) });
    });
  }

  async deleteSchedule(userId: string, scheduleId: string): Promise<Response> {
    return this.whenOwnedBy(userId, async (meta) => {
      const background = this.work(meta.threadId);
      if (!background.schedules.get(scheduleId)) return failureResponse(failure("not_found", "No such schedule in this thread.", { scheduleId }));
      const cancelled = background.cancelSchedule(scheduleId);
      return jsonResponse({ ok: true, cancelled, schedule: toApiSchedule(background.schedules.get(scheduleId)!) });
    });
  }

  /** Scheduled callback: approvals past their expiry resolve like rejections. */
  expireApprovals(): void {
    const meta = this.store.meta();
    if (meta) this.runs(meta.threadId).approvals.expireDue();
  }

  async respondToApproval(userId: string, body: ApprovalRespond): Promise<Response> {
    return this.whenOwnedBy(userId, async (meta) => {
      const result = await this.runs(meta.threadId).approvals.decide(userId, "api", [
        { approvalId: body.approvalId, approved: body.decision === "approved", reason: body.reason ?? null },
      ]);
      if (!result.ok) return failureResponse(result);
      return jsonResponse({
        ok: true,
        approval: toApiApproval(result.approvals[0]!, meta.threadId),
        runId: result.runId,
        continued: result.continued,
      });
    });
  }

  /** The AI SDK flow: the next chat request carries `approval-responded` tool parts. */
  async chatApproval(call: ApprovalChatCall): Promise<Response> {
    return this.whenOwnedBy(call.userId, async (meta) => {
      const result = await this.runs(meta.threadId).approvals.decide(call.userId, "chat", call.decisions);
      if (!result.ok) return failureResponse(result);
      const run = this.runStore.get(result.runId)!;
      if (result.continued && this.hub.isLive(run.id)) return this.tailRun(meta, run.id, true);
      return replayResponse([{ type: "start", messageId: run.assistantMessageId }, { type: "finish" }]);
    });
  }

  async approvals(userId: string, status: ApprovalStatus | undefined, page: ListPage): Promise<Response> {
    return this.whenOwnedBy(userId, (meta) => {
      const { approvals, next } = this.approvalStore.page(status, page.limit, page.after);
      return jsonResponse({ ok: true, threadId: meta.threadId, approvals: approvals.map((record) => toApiApproval(record, meta.threadId)), nextCursor: nextCursor(next) });
    });
  }

  async receiptsList(userId: string, page: ListPage): Promise<Response> {
    return this.whenOwnedBy(userId, (meta) => {
      const { receipts, next } = this.receipts.page(page.limit, page.after);
      return jsonResponse({ ok: true, threadId: meta.threadId, receipts: receipts.map(toApiReceipt), nextCursor: nextCursor(next) });
    });
  }

  /**
   * Like the SDK's keepAliveWhile, but the work starts at once: arming the heartbeat alarm
   * (a storage write) runs alongside it instead of delaying the first token.
   */
  private async keepAliveDuring<T>(fn: () => Promise<T>): Promise<T> {
    const disposer = this.keepAlive();
    try {
      return await fn();
    } finally {
      (await disposer)();
    }
  }

  /** Runs `fn` for the thread's owner; anyone else gets 404, as if the thread did not exist. */
  private async whenOwnedBy(userId: string, fn: (meta: ThreadMeta) => Response | Promise<Response>): Promise<Response> {
    const meta = this.ownedMeta(userId);
    return "ok" in meta ? failureResponse(meta) : fn(meta);
  }

  /** The thread's meta when `userId` owns it; another user's thread does not exist for them. */
  private ownedMeta(userId: string): ThreadMeta | Failure {
    const meta = this.deleted ? null : this.store.meta();
    if (!meta || meta.ownerId !== userId) return failure("thread_not_found", "No such thread.");
    return meta;
  }

  /**
   * A user turn. The router already took the turn's run slot (`${threadId}/${runId}`) and
   * its answer stream's feed slot from the owner's quota; a turn that starts no run gives both back at once.
   */
  async chat(call: ChatCall): Promise<Response> {
    const quota = this.quota(call.threadId, call.userId);
    const refuse = (result: Failure) => {
      quota.release("run", [call.runId]);
      quota.release("feed", [call.feedKey]);
      return failureResponse(result);
    };
    if (this.deleted) return refuse(failure("thread_not_found", "No such thread."));
    let meta = this.store.meta();
    if (meta && meta.ownerId !== call.userId) return refuse(failure("thread_not_found", "No such thread."));
    // Files the message refers to must be this thread's attachments; their facts come from the record.
    const references = this.attachments(call.threadId).resolveReferences(call.message);
    if (!references.ok) return refuse(references);
    const message = references.message;
    let claimedThreadSlot = false;
    if (!meta) {
      // A first message creates the thread: it takes a thread slot like POST /internal/threads.
      const verdict = await this.claimThreadSlot(quota, call.threadId, call.userId);
      if (!verdict.ok) return refuse(quotaFailure(verdict));
      claimedThreadSlot = true;
      meta = this.store.meta();
      if (meta && meta.ownerId !== call.userId) {
        // Someone else created the thread meanwhile: the slot taken for it goes back too.
        this.settleThreadSlot(quota, call.threadId, call.userId);
        return refuse(failure("thread_not_found", "No such thread."));
      }
    }
    const outcome = this.runs(call.threadId).submitTurn({
      runId: call.runId,
      userId: call.userId,
      message,
      trigger: call.trigger,
      onBusy: call.onBusy,
      messageId: call.messageId,
      parentId: call.parentId,
    });
    if (claimedThreadSlot) this.settleThreadSlot(quota, call.threadId, call.userId);
    if (!outcome.ok) return refuse(outcome);
    // Only the message this request stored refers to its files (an edit is stored under a new id; a retry stores nothing).
    if (outcome.kind === "tail" && outcome.storedMessageId) this.attachments(call.threadId).markReferenced(references.ids, outcome.storedMessageId);
    // A retried request follows the run its first attempt started, which holds its own slot.
    if (outcome.kind === "tail" && outcome.runId !== call.runId) quota.release("run", [call.runId]);
    if (outcome.kind === "tail") return this.tailWithSlot(quota, call.feedKey, outcome.runId);
    quota.release("run", [call.runId]);
    quota.release("feed", [call.feedKey]);
    return replayResponse(outcome.chunks);
  }

  /**
   * The owner's thread slot for this thread, taken by a first message. Concurrent first messages
   * of one user share the slot: it goes back only when the last of them settles and none created
   * the thread, and a new claim waits for a release under way, so no claim is undone by it.
   */
  private async claimThreadSlot(quota: ThreadQuota, threadId: string, userId: string): Promise<QuotaVerdict> {
    this.threadSlotClaims.set(userId, (this.threadSlotClaims.get(userId) ?? 0) + 1);
    try {
      await this.threadSlotReleases.get(userId);
      const verdict = await quota.acquire("thread", threadId, null);
      if (!verdict.ok) this.dropThreadSlotClaim(userId);
      return verdict;
    } catch (error) {
      this.dropThreadSlotClaim(userId);
      throw error;
    }
  }

  /** A first message is done with its claim: the thread exists (the slot stays) or the last claim gives it back. */
  private settleThreadSlot(quota: ThreadQuota, threadId: string, userId: string): void {
    const left = this.dropThreadSlotClaim(userId);
    const meta = this.store.meta();
    if (meta?.ownerId === userId || left > 0) return;
    const released = quota.release("thread", [threadId]);
    this.threadSlotReleases.set(userId, released);
    void released.then(() => {
      if (this.threadSlotReleases.get(userId) === released) this.threadSlotReleases.delete(userId);
    });
  }

  private dropThreadSlotClaim(userId: string): number {
    const left = (this.threadSlotClaims.get(userId) ?? 1) - 1;
    if (left > 0) this.threadSlotClaims.set(userId, left);
    else this.threadSlotClaims.delete(userId);
    return left;
  }

  /** Follows a run on a feed slot already taken; the slot lives while the tail does. */
  private tailWithSlot(quota: ThreadQuota, feedKey: string, runId: string, continuationOnly = false): Response {
    return tailRunResponse(this.hub, runId, {
      continuationOnly,
      stallMs: this.config.feedStallMs,
      onHeartbeat: () => quota.refresh("feed", feedKey, Date.now() + FEED_LEASE_MS),
      onClose: () => quota.release("feed", [feedKey]),
    });
  }

  /** Takes a feed slot and follows a run; 429 over QUOTA_EVENT_FEEDS, 204 once the run is over. */
  private async tailRun(meta: ThreadMeta, runId: string, continuationOnly = false): Promise<Response> {
    const quota = this.quota(meta.threadId, meta.ownerId);
    const lease = feedLease(meta.threadId);
    const verdict = await quota.acquire("feed", lease.id, lease.expiresAt);
    if (!verdict.ok) return failureResponse(quotaFailure(verdict));
    return this.tailWithSlot(quota, lease.id, runId, continuationOnly);
  }

  private scheduleCompaction(runId: string): void {
    const grace = this.config.retentionGraceSeconds;
    if (grace === 0) {
      this.compactRun({ runId });
      return;
    }
    this.ctx.waitUntil(this.schedule(grace, "compactRun", { runId }).then(() => undefined));
  }

  /** Scheduled callback: retention for one finished run. */
  compactRun(payload: { runId: string }): number {
    const run = this.runStore.get(payload.runId);
    if (!run || run.status === "queued" || run.status === "running" || run.status === "awaiting_approval") return 0;
    return this.ctx.storage.transactionSync(() => this.log.compactRunChunks(payload.runId));
  }

  async events(userId: string, after: number): Promise<Response> {
    return this.whenOwnedBy(userId, async (meta) => {
      const quota = this.quota(meta.threadId, meta.ownerId);
      const lease = feedLease(meta.threadId);
      const verdict = await quota.acquire("feed", lease.id, lease.expiresAt);
      if (!verdict.ok) return failureResponse(quotaFailure(verdict));
      return eventFeedResponse({
        source: this.log,
        after,
        snapshot: (seq) => snapshotEvent(this.store.meta()!, this.runStore, seq),
        stallMs: this.config.feedStallMs,
        onHeartbeat: () => quota.refresh("feed", lease.id, Date.now() + FEED_LEASE_MS),
        onClose: () => quota.release("feed", [lease.id]),
      });
    });
  }

  /**
   * Creates the thread for `userId` before its first message (the sidebar's New chat). Returns
   * false when the id is taken (by anyone: another user's thread does not exist for the caller).
   */
  async createThread(userId: string, threadId: string, kind: ThreadKind, title: string | null): Promise<boolean> {
    if (this.deleted || this.store.meta()) return false;
    this.commit(() => {
      const now = Date.now();
      this.store.createMeta(threadId, userId, now, kind, title);
      if (title) this.log.append({ type: "thread.titled", title }, now);
    });
    // The index row exists when the caller gets the id (or is retried if D1 is down).
    await this.index.flush();
    return true;
  }

  /** The person renames, archives or pins the thread; a chosen title replaces the agent's. */
  async patchThread(userId: string, patch: ThreadPatch): Promise<Response> {
    return this.whenOwnedBy(userId, async (meta) => {
      const now = Date.now();
      this.commit(() => {
        if (patch.title !== undefined && patch.title !== meta.title) {
          this.store.setTitle(patch.title, now);
          this.log.append({ type: "thread.titled", title: patch.title }, now);
        }
        const flags = { archived: patch.archived ?? meta.archived, pinned: patch.pinned ?? meta.pinned };
        if (flags.archived !== meta.archived || flags.pinned !== meta.pinned) {
          this.store.setFlags(flags, now);
          this.log.append({ type: "thread.flagged", ...flags }, now);
        }
      });
      // The caller's next list read sees the change (or the write is retried if D1 is down).
      await this.index.flush();
      const after = this.store.meta()!;
      return jsonResponse({ ok: true, threadId: meta.threadId, title: after.title, archived: after.archived, pinned: after.pinned });
    });
  }

  /**
   * Deletes the thread: its index row, its inbox entries and feed (a `thread.deleted` event),
   * then every byte of its durable state (transcript, log, runs, approvals, receipts, jobs,
   * schedules, alarms) and its attachments' objects in R2. Runs in flight are stopped first.
   * The R2 objects go first: if R2 cannot be reached the thread stays whole (503, nothing else
   * touched; objects deleted before the failure stay deleted and read as gone). If D1 or the feed
   * cannot be reached nothing more is destroyed and the caller gets 503, so a retry finishes the job.
   */
  async deleteThread(userId: string): Promise<Response> {
    return this.whenOwnedBy(userId, async (meta) => {
      await this.runs(meta.threadId).cancelAll();
      try {
        await this.attachments(meta.threadId).purgeForThreadDeletion();
      } catch (error) {
        console.warn("thread delete could not reach the attachment storage", error);
        return failureResponse(failure("dependency_unavailable", "The attachment storage is unreachable; the thread was not deleted. Try again."));
      }
      try {
        if (this.env.DB) await deleteThreadRow(this.env.DB, meta.threadId, userId);
        await (await this.userAgent(userId)).threadDeleted(meta.threadId);
      } catch (error) {
        console.warn("thread delete could not reach the index or the feed", error);
        this.attachments(meta.threadId).reopen();
        return failureResponse(failure("dependency_unavailable", "The thread index is unreachable; nothing was deleted. Try again."));
      }
      this.index.stop();
      this.search.stop();
      this.deleted = true;
      await this.ctx.storage.deleteAlarm();
      await this.ctx.storage.deleteAll();
      // The instance's in-memory state describes storage that no longer exists: start afresh.
      setTimeout(() => this.ctx.abort("thread deleted"), 0);
      return jsonResponse({ ok: true, threadId: meta.threadId, deleted: true });
    });
  }

  /**
   * Benchmark/test aid, reachable only when ALLOW_DEV_SEED is set: appends `count` plain
   * messages in one transaction so long-history behaviour can be measured without 5,000 turns.
   */
  async seedHistory(userId: string, threadId: string, count: number, padding = { events: 0, bytes: 0 }): Promise<Response> {
    const meta = this.deleted ? null : this.store.meta();
    if (this.deleted || (meta && meta.ownerId !== userId)) return failureResponse(failure("thread_not_found", "No such thread."));
    const now = Date.now();
    const filler = "x".repeat(padding.bytes);
    this.commit(() => {
      if (!meta) this.store.createMeta(threadId, userId, now);
      // Seeded messages are stored messages like any other: the log says so, and search reads it.
      for (const message of this.store.appendSeeded(count, now)) this.log.append({ type: "message.stored", messageId: message.id, role: message.role, runId: null }, now);
      for (let index = 0; index < padding.events; index++) this.log.append({ type: "job.log", jobId: "seed", message: `${index} ${filler}` }, now);
    });
    return jsonResponse({ ok: true, threadId, seeded: count, messageCount: this.store.meta()!.messageCount });
  }

  /** The thread as a Markdown or JSON download (export/thread-export.ts). */
  async exportThread(userId: string, format: ExportFormat): Promise<Response> {
    return this.whenOwnedBy(userId, (meta) =>
      exportResponse(format, {
        meta,
        store: this.store,
        approvals: this.approvalStore,
        receipts: this.receipts,
        jobs: this.work(meta.threadId).jobs,
        now: Date.now(),
      }),
    );
  }

  /** Stores a file the router already checked (type, size, content) in the thread. */
  async uploadAttachment(userId: string, upload: AttachmentUpload): Promise<Response> {
    return this.whenOwnedBy(userId, async (meta) => {
      const result = await this.attachments(meta.threadId).upload(upload);
      if (!result.ok) return failureResponse(result);
      return jsonResponse({ ok: true, attachment: toApiAttachment(result.record, meta.threadId) }, 201);
    });
  }

  async attachmentsList(userId: string): Promise<Response> {
    return this.whenOwnedBy(userId, (meta) =>
      jsonResponse({ ok: true, threadId: meta.threadId, attachments: this.attachments(meta.threadId).store.list().map((record) => toApiAttachment(record, meta.threadId)) }),
    );
  }

  async downloadAttachment(userId: string, attachmentId: string): Promise<Response> {
    return this.whenOwnedBy(userId, async (meta) => {
      const result = await this.attachments(meta.threadId).read(attachmentId);
      return result.ok ? attachmentDownloadResponse(result.record, result.object.body) : failureResponse(result);
    });
  }

  async deleteAttachment(userId: string, attachmentId: string): Promise<Response> {
    return this.whenOwnedBy(userId, async (meta) => {
      const result = await this.attachments(meta.threadId).remove(attachmentId);
      if (!result.ok) return failureResponse(result);
      return jsonResponse({ ok: true, threadId: meta.threadId, attachmentId, deleted: true });
    });
  }

  async summary(userId: string): Promise<Response> {
    return this.whenOwnedBy(userId, (meta) => jsonResponse(summaryBody(meta, this.runStore)));
  }

  async messages(userId: string, before: number | undefined, limit: number): Promise<Response> {
    return this.whenOwnedBy(userId, (meta) => {
      const page = this.store.activePath(before, limit);
      return jsonResponse(messagesPageBody(meta, page, this.store.branchInfo(page), this.store.leafId(), this.log.lastSeq()));
    });
  }

  /** `POST …/branch`: the path through `messageId` becomes the active one (see RunEngine.switchBranch). */
  async switchBranch(userId: string, messageId: string): Promise<Response> {
    return this.whenOwnedBy(userId, async (meta) => {
      const result = this.runs(meta.threadId).switchBranch(messageId);
      if (!result.ok) return failureResponse(result);
      const body: SwitchBranchResult = { ok: true, threadId: meta.threadId, messageId, leafId: result.leafId };
      return jsonResponse(body);
    });
  }

  async stop(userId: string): Promise<Response> {
    return this.whenOwnedBy(userId, async (meta) => {
      const engine = this.runs(meta.threadId);
      const runId = engine.activeRunId();
      const stopped = runId !== null && engine.cancelRun(runId);
      return resultResponse({ ok: true as const, stopped, runId });
    });
  }

  async resumeStream(userId: string): Promise<Response> {
    return this.whenOwnedBy(userId, async (meta) => {
      const runId = this.runs(meta.threadId).activeRunId();
      if (!runId || !this.hub.isLive(runId)) return new Response(null, { status: 204 });
      return this.tailRun(meta, runId);
    });
  }
}
