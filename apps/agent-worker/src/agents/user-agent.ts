import type { ApprovalStatus, ThreadListItem, UserEvent } from "@oa/protocol";
import { Agent } from "agents";
import { type AgentConfig, type AgentWorkerEnv, readConfig } from "../config.ts";
import { failureResponse } from "../http/errors.ts";
import { eventFeedResponse } from "../http/event-feed.ts";
import { FEED_LEASE_MS, feedLease } from "../quotas/feed-lease.ts";
import { type LeaseKind, type LeaseRequest, type QuotaVerdict, quotaFailure } from "../quotas/quota.ts";
import { type SearchDoc, SearchIndex } from "../search/search-index.ts";
import { type Commit, commitThenPublish } from "../storage/commit-then-publish.ts";
import { FeedLog } from "../storage/feed-log.ts";
import { InboxStore } from "../storage/inbox-store.ts";
import { QuotaStore } from "../storage/quota-store.ts";
import { migrateUserSchema } from "../storage/user-schema.ts";
import { UserThreadStore } from "../storage/user-thread-store.ts";
import { type ThreadUpdate, UserFeed } from "../threads-index/user-feed.ts";

export type { ThreadUpdate } from "../threads-index/user-feed.ts";

/**
 * One per user: the live fan-out of everything that changes across the user's threads (thread
 * created, updated, status, deleted; approvals requested and resolved) and the approval inbox.
 * ThreadAgents push to it, at least once and in any order (see UserFeed); it also holds the
 * user's quota slots and message search.
 */
export class UserAgent extends Agent<AgentWorkerEnv> {
  private readonly feed: FeedLog;
  private readonly config: AgentConfig;
  /** The user's quota slots: every per-user count across threads is checked here, in one place. */
  private readonly quota: QuotaStore;
  /** The user's messages, full-text searchable; fed by their threads (search-sync.ts). */
  private readonly searchIndex: SearchIndex;
  private readonly commit: Commit;
  private readonly userFeed: UserFeed;

  constructor(ctx: DurableObjectState, env: AgentWorkerEnv) {
    super(ctx, env);
    migrateUserSchema(ctx.storage);
    this.feed = new FeedLog(ctx.storage.sql);
    this.config = readConfig(env);
    this.quota = new QuotaStore(ctx.storage.sql, this.config.quotas);
    this.searchIndex = new SearchIndex(ctx.storage.sql);
    this.commit = commitThenPublish(ctx.storage, this.feed);
    this.userFeed = new UserFeed({
      commit: this.commit,
      feed: this.feed,
      threads: new UserThreadStore(ctx.storage.sql),
      inbox: new InboxStore(ctx.storage.sql),
      searchIndex: this.searchIndex,
      quota: this.quota,
    });
  }

  /** Takes one quota slot (counted and inserted in one transaction, so concurrent callers queue). */
  acquireLease(lease: LeaseRequest): QuotaVerdict {
    return this.commit(() => this.quota.acquire(lease, Date.now()));
  }

  releaseLeases(kind: LeaseKind, ids: string[]): number {
    return this.commit(() => this.quota.release(kind, ids));
  }

  refreshLease(kind: LeaseKind, id: string, expiresAt: number): boolean {
    return this.quota.refresh(kind, id, expiresAt);
  }

  /** Slots in use of one kind (tests and diagnostics). */
  leasesInUse(kind: LeaseKind): number {
    return this.quota.inUse(kind, Date.now());
  }

  /** A ThreadAgent's push. Returns the number of feed events it produced (0 for a repeat). */
  publish(update: ThreadUpdate): number {
    return this.userFeed.applyUpdate(update);
  }

  /** The thread is gone: its inbox entries go with it, and every client hears it. */
  threadDeleted(threadId: string): void {
    this.userFeed.threadDeleted(threadId);
  }

  /** A thread's messages, searchable; returns how many were kept (see UserFeed.indexMessages). */
  indexMessages(threadId: string, docs: SearchDoc[]): number {
    return this.userFeed.indexMessages(threadId, docs);
  }

  search(query: string, limit: number) {
    return { ok: true as const, query, hits: this.searchIndex.search(query, limit) };
  }

  /** Messages of a thread in the search index (tests and diagnostics). */
  searchDocCount(threadId: string): number {
    return this.searchIndex.countForThread(threadId);
  }

  inbox(status: ApprovalStatus, limit: number) {
    return { ok: true as const, approvals: this.userFeed.inboxItems(status, limit) };
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
    return this.userFeed.knownThreads();
  }
}
