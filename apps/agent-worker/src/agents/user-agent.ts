import type { Approval, ApprovalStatus, InboxItem, NewUserEvent, ThreadListItem, UserEvent } from "@oa/protocol";
import { Agent } from "agents";
import { readConfig, type AgentConfig, type AgentWorkerEnv } from "../config.ts";
import { eventFeedResponse } from "../http/event-feed.ts";
import { failureResponse } from "../http/errors.ts";
import { jsonResponse } from "../http/json.ts";
import { toListItem, type ThreadIndexRow } from "../threads-index/thread-index.ts";
import { FeedLog } from "../storage/feed-log.ts";
import { feedLease, FEED_LEASE_MS } from "../quotas/feed-lease.ts";
import { quotaFailure, type LeaseKind, type LeaseRequest, type QuotaVerdict } from "../quotas/quota.ts";
import { QuotaStore } from "../storage/quota-store.ts";
import { migrateUserSchema } from "../storage/user-schema.ts";
import { SearchIndex, type SearchDoc } from "../search/search-index.ts";

/** What a ThreadAgent tells its owner's UserAgent: the thread's row and the approvals that changed. */
export type ThreadUpdate = { row: ThreadIndexRow; approvals: Approval[] };

/** Resolved approvals the inbox keeps per user (pending ones are always kept). */
const RESOLVED_KEEP = 1_000;

const VISIBLE_FIELDS = ["title", "kind", "preview", "pendingApprovals", "archived", "pinned", "lastEventAt"] as const;

type ThreadStateRow = { id: string; row: string | null; version: number; created_at: number; deleted_at: number | null };

/**
 * One per user: the live fan-out of everything that changes across the user's threads (thread
 * created, updated, status, deleted; approvals requested and resolved) and the approval inbox.
 * ThreadAgents push to it, at least once and in any order; it keeps per-thread versions and
 * per-approval status so repeats and late arrivals change nothing.
 */
export class UserAgent extends Agent<AgentWorkerEnv> {
  private readonly feed: FeedLog;
  private readonly config: AgentConfig;
  /** The user's quota slots: every per-user count across threads is checked here, in one place. */
  private readonly quota: QuotaStore;
  /** The user's messages, full-text searchable; fed by their threads (search-sync.ts). */
  private readonly searchIndex: SearchIndex;

  constructor(ctx: DurableObjectState, env: AgentWorkerEnv) {
    super(ctx, env);
    migrateUserSchema(ctx.storage);
    this.feed = new FeedLog(ctx.storage.sql);
    this.config = readConfig(env);
    this.quota = new QuotaStore(ctx.storage.sql, this.config.quotas);
    this.searchIndex = new SearchIndex(ctx.storage.sql);
  }

  /** Takes one quota slot (counted and inserted in one transaction, so concurrent callers queue). */
  acquireLease(lease: LeaseRequest): QuotaVerdict {
    return this.ctx.storage.transactionSync(() => this.quota.acquire(lease, Date.now()));
  }

  releaseLeases(kind: LeaseKind, ids: string[]): number {
    return this.ctx.storage.transactionSync(() => this.quota.release(kind, ids));
  }

  refreshLease(kind: LeaseKind, id: string, expiresAt: number): boolean {
    return this.quota.refresh(kind, id, expiresAt);
  }

  /** Slots in use of one kind (tests and diagnostics). */
  leasesInUse(kind: LeaseKind): number {
    return this.quota.inUse(kind, Date.now());
  }

  private commit<T>(fn: () => T): T {
    try {
      const result = this.ctx.storage.transactionSync(fn);
      this.feed.publish();
      return result;
    } catch (error) {
      this.feed.discardPending();
      throw error;
    }
  }

  private threadState(threadId: string): ThreadStateRow | null {
    return this.ctx.storage.sql.exec<ThreadStateRow>("SELECT * FROM threads WHERE id = ?", threadId).toArray()[0] ?? null;
  }

  private titleOf(threadId: string): string | null {
    const state = this.threadState(threadId);
    return state?.row ? (JSON.parse(state.row) as ThreadIndexRow).title : null;
  }

  /** A ThreadAgent's push. Returns the number of feed events it produced (0 for a repeat). */
  publish(update: ThreadUpdate): number {
    const { row } = update;
    const sql = this.ctx.storage.sql;
    return this.commit(() => {
      const now = Date.now();
      const append = (event: NewUserEvent) => this.feed.append(event, now);
      const state = this.threadState(row.id);
      // A push from before the thread was deleted arrives late: it is history.
      if (state?.deleted_at != null && row.createdAt <= state.deleted_at) return 0;
      const before = this.feed.lastSeq();
      const item = toListItem(row);
      if (!state || state.deleted_at != null || state.row === null) {
        sql.exec(
          "INSERT OR REPLACE INTO threads (id, row, version, created_at, deleted_at) VALUES (?, ?, ?, ?, NULL)",
          row.id,
          JSON.stringify(row),
          row.version,
          row.createdAt,
        );
        append({ type: "thread.created", threadId: row.id, thread: item });
      } else if (row.version > state.version) {
        const previous = JSON.parse(state.row) as ThreadIndexRow;
        sql.exec("UPDATE threads SET row = ?, version = ? WHERE id = ?", JSON.stringify(row), row.version, row.id);
        if (previous.status !== row.status) {
          append({ type: "thread.status", threadId: row.id, status: row.status, previous: previous.status, thread: item });
        }
        const changed = VISIBLE_FIELDS.filter((field) => previous[field] !== row[field]);
        if (changed.length > 0) append({ type: "thread.updated", threadId: row.id, thread: item, changed: [...changed] });
      }
      for (const approval of update.approvals) this.applyApproval(approval, row.title, append);
      return this.feed.lastSeq() - before;
    });
  }

  private applyApproval(approval: Approval, threadTitle: string | null, append: (event: NewUserEvent) => void): void {
    const sql = this.ctx.storage.sql;
    const known = sql.exec<{ status: string }>("SELECT status FROM inbox WHERE id = ?", approval.id).toArray()[0];
    // Status only moves forward (pending, then one final state): anything else is a repeat.
    if (known && (known.status !== "pending" || approval.status === "pending")) return;
    const item: InboxItem = { ...approval, threadTitle };
    sql.exec(
      "INSERT OR REPLACE INTO inbox (id, thread_id, status, created_at, data) VALUES (?, ?, ?, ?, ?)",
      approval.id,
      approval.threadId,
      approval.status,
      Date.parse(approval.createdAt),
      JSON.stringify(approval),
    );
    append({ type: approval.status === "pending" ? "approval.requested" : "approval.resolved", threadId: approval.threadId, approval: item });
    if (approval.status !== "pending") {
      sql.exec(
        `DELETE FROM inbox WHERE status != 'pending' AND id NOT IN
           (SELECT id FROM inbox WHERE status != 'pending' ORDER BY created_at DESC LIMIT ?)`,
        RESOLVED_KEEP,
      );
    }
  }

  /** The thread is gone: its inbox entries go with it, and every client hears it. */
  threadDeleted(threadId: string): void {
    const sql = this.ctx.storage.sql;
    this.commit(() => {
      const now = Date.now();
      const state = this.threadState(threadId);
      if (state?.deleted_at != null) return;
      sql.exec(
        "INSERT OR REPLACE INTO threads (id, row, version, created_at, deleted_at) VALUES (?, NULL, ?, ?, ?)",
        threadId,
        Number.MAX_SAFE_INTEGER,
        state?.created_at ?? 0,
        now,
      );
      sql.exec("DELETE FROM inbox WHERE thread_id = ?", threadId);
      this.searchIndex.removeThread(threadId);
      // Its thread slot and whatever schedules, jobs, runs and feeds it held are free again.
      this.quota.releaseThread(threadId);
      this.feed.append({ type: "thread.deleted", threadId }, now);
    });
  }

  /**
   * A thread's messages, searchable (upserted by message id). A push that arrives after the
   * thread was deleted is history: messages from before the deletion are dropped.
   */
  indexMessages(threadId: string, docs: SearchDoc[]): number {
    const deletedAt = this.threadState(threadId)?.deleted_at ?? null;
    const current = deletedAt === null ? docs : docs.filter((doc) => doc.createdAt > deletedAt);
    this.ctx.storage.transactionSync(() => this.searchIndex.upsert(threadId, current));
    return current.length;
  }

  search(query: string, limit: number): Response {
    return jsonResponse({ ok: true, query, hits: this.searchIndex.search(query, limit) });
  }

  /** Messages of a thread in the search index (tests and diagnostics). */
  searchDocCount(threadId: string): number {
    return this.searchIndex.countForThread(threadId);
  }

  inbox(status: ApprovalStatus, limit: number): Response {
    const rows = this.ctx.storage.sql
      .exec<{ data: string; thread_id: string }>("SELECT data, thread_id FROM inbox WHERE status = ? ORDER BY created_at DESC, id DESC LIMIT ?", status, limit)
      .toArray();
    const titles = new Map<string, string | null>();
    const approvals = rows.map((row): InboxItem => {
      if (!titles.has(row.thread_id)) titles.set(row.thread_id, this.titleOf(row.thread_id));
      return { ...(JSON.parse(row.data) as Approval), threadTitle: titles.get(row.thread_id) ?? null };
    });
    return jsonResponse({ ok: true, approvals });
  }

  events(after: number): Response {
    const lease = feedLease(null);
    const verdict = this.acquireLease(lease);
    if (!verdict.ok) return failureResponse(quotaFailure(verdict));
    return eventFeedResponse<UserEvent>({
      source: this.feed,
      after,
      snapshot: (seq) => ({ type: "snapshot", reason: "compacted", seq, at: new Date().toISOString() }),
      stallMs: this.config.feedStallMs,
      onHeartbeat: () => this.quota.refresh("feed", lease.id, Date.now() + FEED_LEASE_MS),
      onClose: () => this.releaseLeases("feed", [lease.id]),
    });
  }

  /** The threads this user has, as this feed last heard of them (tests and diagnostics). */
  knownThreads(): ThreadListItem[] {
    return this.ctx.storage.sql
      .exec<{ row: string }>("SELECT row FROM threads WHERE deleted_at IS NULL AND row IS NOT NULL")
      .toArray()
      .map((state) => toListItem(JSON.parse(state.row) as ThreadIndexRow));
  }
}
