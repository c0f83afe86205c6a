import type { Approval, ThreadEvent } from "@oa/protocol";
import type { LanguageModel } from "ai";
import type { ProviderKind } from "../config.ts";
import { type ApprovalStore, toApiApproval } from "../storage/approval-store.ts";
import type { Commit } from "../storage/commit-then-publish.ts";
import type { EventLog } from "../storage/event-log.ts";
import { LogProjection } from "../storage/log-projection.ts";
import type { RunStore } from "../storage/run-store.ts";
import type { ThreadStore } from "../storage/thread-store.ts";
import { type ThreadIndexRow, upsertThreadRow } from "./thread-index.ts";
import { heuristicTitle, writeTitle } from "./title.ts";

export type IndexSyncDeps = {
  db: D1Database | undefined;
  store: ThreadStore;
  runs: RunStore;
  approvals: ApprovalStore;
  log: EventLog;
  provider: ProviderKind;
  model: () => LanguageModel;
  waitUntil: (promise: Promise<unknown>) => void;
  commit: Commit;
  /** The owner's live feed and inbox (the UserAgent): at least once, it drops repeats. */
  publishToUser: (update: { row: ThreadIndexRow; approvals: Approval[] }) => Promise<unknown>;
  /** D1 or the feed failed: try again later (alarm-backed), so both catch up by themselves. */
  retryLater: () => void;
};

/** How long index and feed writes wait to gather a burst of events (the sidebar lags by this much). */
export const FLUSH_DELAY_MS = 100;
/** Characters of the last message the sidebar shows. */
const PREVIEW_CHARS = 160;
/** A fresh instance tells the feed about this many of the thread's approvals, newest first. */
const APPROVALS_RESENT = 1_000;

const RELEVANT = /^(message\.stored|run\.|approval\.|thread\.|branch\.)/;

function textOf(message: { parts: Array<{ type: string; text?: unknown }> }): string {
  return message.parts
    .map((part) => (part.type === "text" && typeof part.text === "string" ? part.text : ""))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Keeps the thread's projections current: its D1 index row and its owner's live feed. After
 * any run, message, approval or thread change the row is rewritten (one small, idempotent,
 * versioned upsert) and pushed to the owner's UserAgent with the approvals that changed.
 * It never blocks or fails a chat turn; when D1 or the feed is down it retries later.
 */
export class IndexSync {
  private titling = false;
  /** Approvals the feed has not heard about yet; null = all of them (a fresh instance). */
  private unsentApprovals: Set<string> | null = null;
  private readonly projection: LogProjection;

  constructor(private readonly deps: IndexSyncDeps) {
    this.projection = new LogProjection({ delayMs: FLUSH_DELAY_MS, waitUntil: deps.waitUntil, catchUp: () => this.flush() });
    deps.log.subscribe((event) => this.onEvent(event));
  }

  private onEvent(event: ThreadEvent): void {
    if (!RELEVANT.test(event.type)) return;
    if (event.type === "approval.requested" || event.type === "approval.resolved") this.unsentApprovals?.add(event.approvalId);
    // The first exchange is over on any terminal state: answered, waiting for an approval, or
    // failed/stopped — a thread whose first run fails still gets a title (from the person's words).
    if (event.type === "run.finished" || (event.type === "run.status" && event.status === "awaiting_approval")) {
      this.deps.waitUntil(this.ensureTitle(true));
    } else if (event.type === "run.failed" || event.type === "run.cancelled") {
      this.deps.waitUntil(this.ensureTitle(false));
    }
    this.request();
  }

  /** The thread is being deleted: nothing may write its row again. */
  stop(): void {
    this.projection.stop();
  }

  /**
   * Coalesces everything that happens within FLUSH_DELAY_MS into one write: a turn's start (user
   * message, run started, running) is one upsert and one feed push instead of three, and none of
   * them competes with the model's first token.
   */
  request(): void {
    this.projection.request();
  }

  async flush(): Promise<boolean> {
    const row = this.projection.stopped ? null : this.row();
    if (!row) return true;
    const [indexed, published] = await Promise.all([this.writeIndex(row), this.publish(row)]);
    if (indexed && published) return true;
    this.deps.retryLater();
    return false;
  }

  private async writeIndex(row: ThreadIndexRow): Promise<boolean> {
    if (!this.deps.db) return true;
    try {
      await upsertThreadRow(this.deps.db, row);
      return true;
    } catch (error) {
      console.warn("thread index write failed; will retry", error);
      return false;
    }
  }

  private async publish(row: ThreadIndexRow): Promise<boolean> {
    const ids = this.unsentApprovals;
    this.unsentApprovals = new Set();
    const records =
      ids === null
        ? this.deps.approvals.list(undefined, APPROVALS_RESENT)
        : [...ids].map((id) => this.deps.approvals.get(id)).filter((record) => record !== null);
    try {
      await this.deps.publishToUser({ row, approvals: records.map((record) => toApiApproval(record, row.id)) });
      return true;
    } catch (error) {
      console.warn("user feed push failed; will retry", error);
      // What was not delivered goes out with the next push.
      if (ids === null) this.unsentApprovals = null;
      else for (const id of ids) this.unsentApprovals?.add(id);
      return false;
    }
  }

  private row(): ThreadIndexRow | null {
    const { store, runs, approvals, log } = this.deps;
    const meta = store.meta();
    if (!meta) return null;
    const active = runs.active();
    const latest = runs.latest();
    const status = active.some((run) => run.status === "awaiting_approval")
      ? "awaiting_approval"
      : active.length > 0
        ? "running"
        : latest?.status === "failed"
          ? "error"
          : "idle";
    const last = store.leafMessage();
    const preview = last ? textOf(last).slice(0, PREVIEW_CHARS) || null : null;
    return {
      id: meta.threadId,
      userId: meta.ownerId,
      kind: meta.kind,
      title: meta.title,
      status,
      preview,
      pendingApprovals: approvals.list("pending").length,
      createdAt: meta.createdAt,
      updatedAt: meta.updatedAt,
      lastEventAt: meta.lastMessageAt ?? meta.createdAt,
      archived: meta.archived,
      pinned: meta.pinned,
      version: log.lastSeq(),
    };
  }

  /**
   * After the first exchange the thread gets a title: by the model when it is a real one and it
   * answered; from the person's first message when there is no answer to title with.
   */
  private async ensureTitle(answered: boolean): Promise<void> {
    const { store } = this.deps;
    const meta = store.meta();
    if (!meta || meta.title || this.titling) return;
    const [first, answer] = store.messagesBetween(0, Number.MAX_SAFE_INTEGER, 2);
    if (first?.role !== "user") return;
    this.titling = true;
    try {
      const answerText = answered && answer ? textOf(answer) : "";
      const title = answerText
        ? await writeTitle(this.deps.provider, this.deps.model(), textOf(first), answerText)
        : heuristicTitle(textOf(first));
      // The title change is an event like any other: it reaches the log, the feeds and the index.
      this.deps.commit(() => {
        if (store.meta()?.title) return;
        const now = Date.now();
        store.setTitle(title, now);
        this.deps.log.append({ type: "thread.titled", title }, now);
      });
    } finally {
      this.titling = false;
    }
  }
}
