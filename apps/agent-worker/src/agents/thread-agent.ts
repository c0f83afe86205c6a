import type { ApprovalRespond, ApprovalStatus, ExportFormat, ThreadPatch } from "@oa/protocol";
import { Agent } from "agents";
import { listApprovals, listReceipts, respondToApproval } from "../approvals/approval-requests.ts";
import { deleteAttachment, downloadAttachment, listAttachments, uploadAttachment } from "../attachments/attachment-requests.ts";
import type { AttachmentUpload } from "../attachments/thread-attachments.ts";
import type { AgentWorkerEnv } from "../config.ts";
import type { Failure } from "../failure.ts";
import { failureResponse } from "../http/errors.ts";
import { cancelJob, deleteSchedule, listJobs, listSchedules } from "../jobs/job-requests.ts";
import { KEEP_ALIVE_INTERVAL_MS } from "../runs/keep-alive.ts";
import type { ThreadKind, ThreadMeta } from "../storage/thread-store.ts";
import type { ListPage } from "../thread/list-page.ts";
import { compactRun, createThread, deleteThread, patchThread, seedHistory } from "../thread/thread-metadata.ts";
import { exportThread, messagesPage, stopRun, switchBranch, threadSummary } from "../thread/thread-requests.ts";
import { buildThreadServices, type ThreadServices } from "./thread-services.ts";
import { type ApprovalChatCall, type ChatCall, ThreadStreams } from "./thread-streams.ts";

export type { ListPage } from "../thread/list-page.ts";
export type { ApprovalChatCall, ChatCall } from "./thread-streams.ts";

/**
 * One durable agent per chat thread. The class owns lifecycle (start, recovery, the scheduled
 * callbacks the Agents SDK calls by name) and the RPC surface the router calls; each RPC is
 * answered by a module. Values come back as `T | Failure`; only streams are `Response`s.
 */
export class ThreadAgent extends Agent<AgentWorkerEnv> {
  static override options = { keepAliveIntervalMs: KEEP_ALIVE_INTERVAL_MS };

  private readonly services: ThreadServices;
  private readonly streams: ThreadStreams;

  constructor(ctx: DurableObjectState, env: AgentWorkerEnv) {
    super(ctx, env);
    this.services = buildThreadServices({
      ctx,
      env,
      schedule: (when, callback, payload, options) => this.schedule(when, callback, payload, options),
      wakeTimes: () =>
        this.getSchedules()
          .filter((schedule) => schedule.callback === "wake")
          .map((schedule) => schedule.time),
      keepAliveDuring: (fn) => this.keepAliveDuring(fn),
    });
    this.streams = new ThreadStreams(this.services);
  }

  override onStart(): void {
    const meta = this.services.store.meta();
    if (!meta) return;
    this.runs(meta.threadId).recoverInterruptedRuns();
    // Whatever happened while the runtime was away reaches the index and the search.
    this.services.index.request();
    this.services.search.request();
    // Jobs and follow-ups that came due while the runtime was down run now.
    this.services.work(meta.threadId).rearm();
  }

  /** Scheduled callback: the thread index write that failed earlier, again. */
  async syncIndex(): Promise<void> {
    await this.services.index.flush();
  }

  /** Scheduled callback: the search index push that failed earlier, again. */
  async syncSearch(): Promise<void> {
    await this.services.search.sync();
  }

  /** Scheduled callback: due job steps and follow-ups. */
  async wake(): Promise<void> {
    const meta = this.services.store.meta();
    if (meta) await this.services.work(meta.threadId).wake();
  }

  /** Scheduled callback: approvals past their expiry resolve like rejections. */
  expireApprovals(): void {
    const meta = this.services.store.meta();
    if (meta) this.runs(meta.threadId).approvals.expireDue();
  }

  /** Scheduled callback: retention for one finished run. */
  compactRun(payload: { runId: string }): number {
    return compactRun(this.services, payload.runId);
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

  // The thread's own engine, log and commit, also reached by tests that drive a thread from inside.
  private runs(threadId: string) {
    return this.services.runs(threadId);
  }

  private get log() {
    return this.services.log;
  }

  private get commit() {
    return this.services.commit;
  }

  private toolsFor(runId: string) {
    return this.services.toolsFor(runId);
  }

  /** Runs `fn` for the thread's owner; anyone else gets thread_not_found, as if the thread did not exist. */
  private async owned<T>(userId: string, fn: (meta: ThreadMeta) => T | Promise<T>): Promise<T | Failure> {
    const meta = this.services.ownedMeta(userId);
    return "ok" in meta ? meta : fn(meta);
  }

  /** Like `owned`, for the answers that are streams: a failure becomes its HTTP answer here. */
  private async ownedStream(userId: string, fn: (meta: ThreadMeta) => Response | Promise<Response>): Promise<Response> {
    const meta = this.services.ownedMeta(userId);
    return "ok" in meta ? failureResponse(meta) : fn(meta);
  }

  // Streams.
  async chat(call: ChatCall): Promise<Response> {
    return this.streams.chat(call);
  }

  async chatApproval(call: ApprovalChatCall): Promise<Response> {
    return this.ownedStream(call.userId, (meta) => this.streams.chatApproval(meta, call));
  }

  async resumeStream(userId: string): Promise<Response> {
    return this.ownedStream(userId, (meta) => this.streams.resumeStream(meta));
  }

  async events(userId: string, after: number): Promise<Response> {
    return this.ownedStream(userId, (meta) => this.streams.events(meta, after));
  }

  async exportThread(userId: string, format: ExportFormat): Promise<Response> {
    return this.ownedStream(userId, (meta) => exportThread(this.services, meta, format));
  }

  async downloadAttachment(userId: string, attachmentId: string): Promise<Response> {
    return this.ownedStream(userId, (meta) => downloadAttachment(this.services, meta, attachmentId));
  }

  // The thread itself.
  async createThread(userId: string, threadId: string, kind: ThreadKind, title: string | null): Promise<boolean> {
    return createThread(this.services, userId, threadId, kind, title);
  }

  async patchThread(userId: string, patch: ThreadPatch) {
    return this.owned(userId, (meta) => patchThread(this.services, meta, patch));
  }

  async deleteThread(userId: string) {
    return this.owned(userId, (meta) => deleteThread(this.services, meta, userId));
  }

  async seedHistory(userId: string, threadId: string, count: number, padding = { events: 0, bytes: 0 }) {
    return seedHistory(this.services, userId, threadId, count, padding);
  }

  async summary(userId: string) {
    return this.owned(userId, (meta) => threadSummary(this.services, meta));
  }

  async messages(userId: string, before: number | undefined, limit: number) {
    return this.owned(userId, (meta) => messagesPage(this.services, meta, before, limit));
  }

  async switchBranch(userId: string, messageId: string) {
    return this.owned(userId, (meta) => switchBranch(this.services, meta, messageId));
  }

  async stop(userId: string) {
    return this.owned(userId, (meta) => stopRun(this.services, meta));
  }

  // Approvals and receipts.
  async approvals(userId: string, status: ApprovalStatus | undefined, page: ListPage) {
    return this.owned(userId, (meta) => listApprovals(this.services, meta, status, page));
  }

  async respondToApproval(userId: string, body: ApprovalRespond) {
    return this.owned(userId, (meta) => respondToApproval(this.services, meta, userId, body));
  }

  async receiptsList(userId: string, page: ListPage) {
    return this.owned(userId, (meta) => listReceipts(this.services, meta, page));
  }

  // Jobs and schedules.
  async jobsList(userId: string, page: ListPage) {
    return this.owned(userId, (meta) => listJobs(this.services, meta, page));
  }

  async cancelJob(userId: string, jobId: string) {
    return this.owned(userId, (meta) => cancelJob(this.services, meta, jobId));
  }

  async schedulesList(userId: string, page: ListPage) {
    return this.owned(userId, (meta) => listSchedules(this.services, meta, page));
  }

  async deleteSchedule(userId: string, scheduleId: string) {
    return this.owned(userId, (meta) => deleteSchedule(this.services, meta, scheduleId));
  }

  // Attachments.
  async uploadAttachment(userId: string, upload: AttachmentUpload) {
    return this.owned(userId, (meta) => uploadAttachment(this.services, meta, upload));
  }

  async attachmentsList(userId: string) {
    return this.owned(userId, (meta) => listAttachments(this.services, meta));
  }

  async deleteAttachment(userId: string, attachmentId: string) {
    return this.owned(userId, (meta) => deleteAttachment(this.services, meta, attachmentId));
  }
}
