import type { BusyPolicy, ChatTrigger } from "@oa/protocol";
import type { UIMessage } from "ai";
import type { Decision } from "../approvals/approval-flow.ts";
import { type Failure, failure } from "../failure.ts";
import { failureResponse } from "../http/errors.ts";
import { eventFeedResponse } from "../http/event-feed.ts";
import { replayResponse, tailRunResponse } from "../http/tail-stream.ts";
import { FEED_LEASE_MS, feedLease } from "../quotas/feed-lease.ts";
import { type QuotaVerdict, quotaFailure } from "../quotas/quota.ts";
import type { ThreadQuota } from "../quotas/thread-quota.ts";
import type { ThreadMeta } from "../storage/thread-store.ts";
import { snapshotEvent } from "../thread/api-shapes.ts";
import type { ThreadServices } from "./thread-services.ts";

export type ChatCall = {
  userId: string;
  threadId: string;
  message: UIMessage;
  trigger: ChatTrigger;
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
 * The thread's answers that are streams: a user turn, an approval continuation, resuming a live
 * run, the event feed. Each stream holds a feed slot from the owner's quota while it is open.
 */
export class ThreadStreams {
  /** First messages in flight per user, each holding a claim on that user's thread slot for this thread. */
  private readonly threadSlotClaims = new Map<string, number>();
  /** A thread slot release under way per user; a new claim waits for it. */
  private readonly threadSlotReleases = new Map<string, Promise<void>>();

  constructor(private readonly services: ThreadServices) {}

  /**
   * A user turn. The router already took the turn's run slot (`${threadId}/${runId}`) and
   * its answer stream's feed slot from the owner's quota; a turn that starts no run gives both back at once.
   */
  async chat(call: ChatCall): Promise<Response> {
    const { services } = this;
    const quota = services.quota(call.threadId, call.userId);
    const refuse = (result: Failure) => {
      quota.release("run", [call.runId]);
      quota.release("feed", [call.feedKey]);
      return failureResponse(result);
    };
    if (services.deleted) return refuse(failure("thread_not_found", "No such thread."));
    let meta = services.store.meta();
    if (meta && meta.ownerId !== call.userId) return refuse(failure("thread_not_found", "No such thread."));
    // Files the message refers to must be this thread's attachments; their facts come from the record.
    const references = services.attachments(call.threadId).resolveReferences(call.message);
    if (!references.ok) return refuse(references);
    const message = references.message;
    let claimedThreadSlot = false;
    if (!meta) {
      // A first message creates the thread: it takes a thread slot like POST /internal/threads.
      const verdict = await this.claimThreadSlot(quota, call.threadId, call.userId);
      if (!verdict.ok) return refuse(quotaFailure(verdict));
      claimedThreadSlot = true;
      meta = services.store.meta();
      if (meta && meta.ownerId !== call.userId) {
        // Someone else created the thread meanwhile: the slot taken for it goes back too.
        this.settleThreadSlot(quota, call.threadId, call.userId);
        return refuse(failure("thread_not_found", "No such thread."));
      }
    }
    const outcome = services.runs(call.threadId).submitTurn({
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
    if (outcome.kind === "tail" && outcome.storedMessageId)
      services.attachments(call.threadId).markReferenced(references.ids, outcome.storedMessageId);
    // A retried request follows the run its first attempt started, which holds its own slot.
    if (outcome.kind === "tail" && outcome.runId !== call.runId) quota.release("run", [call.runId]);
    if (outcome.kind === "tail") return this.tailWithSlot(quota, call.feedKey, outcome.runId);
    quota.release("run", [call.runId]);
    quota.release("feed", [call.feedKey]);
    return replayResponse(outcome.chunks);
  }

  /** The AI SDK flow: the next chat request carries `approval-responded` tool parts. */
  async chatApproval(meta: ThreadMeta, call: ApprovalChatCall): Promise<Response> {
    const result = await this.services.runs(meta.threadId).approvals.decide(call.userId, "chat", call.decisions);
    if (!result.ok) return failureResponse(result);
    const run = this.services.runStore.get(result.runId)!;
    if (result.continued && this.services.hub.isLive(run.id)) return this.tailRun(meta, run.id, true);
    return replayResponse([{ type: "start", messageId: run.assistantMessageId }, { type: "finish" }]);
  }

  /** The run in flight, followed from its start; 204 when none is live. */
  async resumeStream(meta: ThreadMeta): Promise<Response> {
    const runId = this.services.runs(meta.threadId).activeRunId();
    if (!runId || !this.services.hub.isLive(runId)) return new Response(null, { status: 204 });
    return this.tailRun(meta, runId);
  }

  /** The thread's durable event log from `after` on, then live; 429 over QUOTA_EVENT_FEEDS. */
  async events(meta: ThreadMeta, after: number): Promise<Response> {
    const { services } = this;
    const quota = services.quota(meta.threadId, meta.ownerId);
    const lease = feedLease(meta.threadId);
    const verdict = await quota.acquire("feed", lease.id, lease.expiresAt);
    if (!verdict.ok) return failureResponse(quotaFailure(verdict));
    return eventFeedResponse({
      source: services.log,
      after,
      snapshot: (seq) => snapshotEvent(services.store.meta()!, services.runStore, seq),
      stallMs: services.config.feedStallMs,
      onHeartbeat: () => quota.refresh("feed", lease.id, Date.now() + FEED_LEASE_MS),
      onClose: () => quota.release("feed", [lease.id]),
    });
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
    const meta = this.services.store.meta();
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
    return tailRunResponse(this.services.hub, runId, {
      continuationOnly,
      stallMs: this.services.config.feedStallMs,
      onHeartbeat: () => quota.refresh("feed", feedKey, Date.now() + FEED_LEASE_MS),
      onClose: () => quota.release("feed", [feedKey]),
    });
  }

  /** Takes a feed slot and follows a run; 429 over QUOTA_EVENT_FEEDS, 204 once the run is over. */
  private async tailRun(meta: ThreadMeta, runId: string, continuationOnly = false): Promise<Response> {
    const quota = this.services.quota(meta.threadId, meta.ownerId);
    const lease = feedLease(meta.threadId);
    const verdict = await quota.acquire("feed", lease.id, lease.expiresAt);
    if (!verdict.ok) return failureResponse(quotaFailure(verdict));
    return this.tailWithSlot(quota, lease.id, runId, continuationOnly);
  }
}
