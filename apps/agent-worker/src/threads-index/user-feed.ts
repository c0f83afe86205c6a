import type { Approval, ApprovalStatus, InboxItem, NewUserEvent, ThreadListItem } from "@oa/protocol";
import type { SearchDoc, SearchIndex } from "../search/search-index.ts";
import type { Commit } from "../storage/commit-then-publish.ts";
import type { FeedLog } from "../storage/feed-log.ts";
import type { InboxStore } from "../storage/inbox-store.ts";
import type { QuotaStore } from "../storage/quota-store.ts";
import type { UserThreadStore } from "../storage/user-thread-store.ts";
import { type ThreadIndexRow, toListItem } from "./thread-index.ts";

/** What a ThreadAgent tells its owner's UserAgent: the thread's row and the approvals that changed. */
export type ThreadUpdate = { row: ThreadIndexRow; approvals: Approval[] };

const VISIBLE_FIELDS = ["title", "kind", "preview", "pendingApprovals", "archived", "pinned", "lastEventAt"] as const;

export type UserFeedDeps = {
  commit: Commit;
  feed: FeedLog;
  threads: UserThreadStore;
  inbox: InboxStore;
  searchIndex: SearchIndex;
  quota: QuotaStore;
};

/**
 * The user's side of every thread: pushes from ThreadAgents (at least once, in any order) become
 * feed events and inbox entries. Per-thread versions and per-approval status make repeats and
 * late arrivals change nothing.
 */
export class UserFeed {
  constructor(private readonly deps: UserFeedDeps) {}

  /** A ThreadAgent's push. Returns the number of feed events it produced (0 for a repeat). */
  applyUpdate(update: ThreadUpdate): number {
    const { row } = update;
    const { feed, threads } = this.deps;
    return this.deps.commit(() => {
      const now = Date.now();
      const append = (event: NewUserEvent) => feed.append(event, now);
      const state = threads.get(row.id);
      // A push from before the thread was deleted arrives late: it is history.
      if (state?.deleted_at != null && row.createdAt <= state.deleted_at) return 0;
      const before = feed.lastSeq();
      const item = toListItem(row);
      if (!state || state.deleted_at != null || state.row === null) {
        threads.insert(row);
        append({ type: "thread.created", threadId: row.id, thread: item });
      } else if (row.version > state.version) {
        const previous = JSON.parse(state.row) as ThreadIndexRow;
        threads.update(row);
        if (previous.status !== row.status) {
          append({ type: "thread.status", threadId: row.id, status: row.status, previous: previous.status, thread: item });
        }
        const changed = VISIBLE_FIELDS.filter((field) => previous[field] !== row[field]);
        if (changed.length > 0) append({ type: "thread.updated", threadId: row.id, thread: item, changed: [...changed] });
      }
      for (const approval of update.approvals) this.applyApproval(approval, row.title, append);
      return feed.lastSeq() - before;
    });
  }

  private applyApproval(approval: Approval, threadTitle: string | null, append: (event: NewUserEvent) => void): void {
    const { inbox } = this.deps;
    const known = inbox.statusOf(approval.id);
    // Status only moves forward (pending, then one final state): anything else is a repeat.
    if (known !== null && (known !== "pending" || approval.status === "pending")) return;
    const item: InboxItem = { ...approval, threadTitle };
    inbox.put(approval);
    append({
      type: approval.status === "pending" ? "approval.requested" : "approval.resolved",
      threadId: approval.threadId,
      approval: item,
    });
    if (approval.status !== "pending") inbox.trimResolved();
  }

  /** The thread is gone: its inbox entries go with it, and every client hears it. */
  threadDeleted(threadId: string): void {
    const { threads } = this.deps;
    this.deps.commit(() => {
      const now = Date.now();
      const state = threads.get(threadId);
      if (state?.deleted_at != null) return;
      threads.markDeleted(threadId, state?.created_at ?? 0, now);
      this.deps.inbox.deleteThread(threadId);
      this.deps.searchIndex.removeThread(threadId);
      // Its thread slot and whatever schedules, jobs, runs and feeds it held are free again.
      this.deps.quota.releaseThread(threadId);
      this.deps.feed.append({ type: "thread.deleted", threadId }, now);
    });
  }

  /**
   * A thread's messages, searchable (upserted by message id). A push that arrives after the
   * thread was deleted is history: messages from before the deletion are dropped.
   */
  indexMessages(threadId: string, docs: SearchDoc[]): number {
    const deletedAt = this.deps.threads.get(threadId)?.deleted_at ?? null;
    const current = deletedAt === null ? docs : docs.filter((doc) => doc.createdAt > deletedAt);
    this.deps.commit(() => this.deps.searchIndex.upsert(threadId, current));
    return current.length;
  }

  /** The inbox, newest first, each approval with its thread's current title. */
  inboxItems(status: ApprovalStatus, limit: number): InboxItem[] {
    const titles = new Map<string, string | null>();
    return this.deps.inbox.list(status, limit).map(({ approval, threadId }): InboxItem => {
      if (!titles.has(threadId)) titles.set(threadId, this.deps.threads.titleOf(threadId));
      return { ...approval, threadTitle: titles.get(threadId) ?? null };
    });
  }

  knownThreads(): ThreadListItem[] {
    return this.deps.threads.live().map(toListItem);
  }
}
