import { generateId } from "ai";
import { Hono } from "hono";
import { feedLease } from "../../quotas/feed-lease.ts";
import { quotaFailure } from "../../quotas/quota.ts";
import { RUN_LEASE_MS } from "../../quotas/thread-quota.ts";
import { readJsonBody } from "../body.ts";
import { parseChatRequest } from "../chat-request.ts";
import { failureResponse } from "../errors.ts";
import { resultResponse } from "../json.ts";
import { type App, thread, threadParam, threadQuota } from "../route-context.ts";

/** A chat turn (or its approval continuation), resuming the answer in flight, stopping it. */
export const chatRoutes = new Hono<App>();

chatRoutes.post("/internal/chat", async (c) => {
  const request = parseChatRequest(await readJsonBody(c.req.raw), c.req.header("x-oa-thread-id") ?? null);
  const userId = c.get("principal").userId;
  if (request.kind === "approvals") {
    const stub = await thread(c, request.threadId);
    return stub.chatApproval({ userId, threadId: request.threadId, decisions: request.decisions });
  }
  // The turn's run slot (QUOTA_CONCURRENT_RUNS) and its answer stream's feed slot
  // (QUOTA_EVENT_FEEDS) are taken while the thread's stub is resolved, a round trip of its own,
  // so the check adds no latency before the first token; over either quota the turn is refused
  // before the thread stores anything.
  const quota = threadQuota(c, request.threadId);
  // The slot is the run's, not the message's: a regenerated answer is a run of its own.
  const runId = `run_${generateId()}`;
  const feed = feedLease(request.threadId);
  const [stub, runVerdict, feedVerdict] = await Promise.all([
    thread(c, request.threadId),
    quota.acquire("run", runId, Date.now() + RUN_LEASE_MS),
    quota.acquire("feed", feed.id, feed.expiresAt),
  ]);
  const refusal = !runVerdict.ok ? runVerdict : !feedVerdict.ok ? feedVerdict : null;
  if (refusal) {
    if (runVerdict.ok) quota.release("run", [runId]);
    if (feedVerdict.ok) quota.release("feed", [feed.id]);
    return failureResponse(quotaFailure(refusal));
  }
  return stub.chat({
    userId,
    threadId: request.threadId,
    message: request.message,
    trigger: request.trigger,
    onBusy: request.onBusy,
    messageId: request.messageId,
    parentId: request.parentId,
    runId,
    feedKey: feed.id,
  });
});

chatRoutes.get("/internal/chat/:threadId/stream", async (c) => {
  const stub = await thread(c, threadParam(c));
  return stub.resumeStream(c.get("principal").userId);
});

chatRoutes.post("/internal/chat/:threadId/stop", async (c) => {
  const stub = await thread(c, threadParam(c));
  return resultResponse(await stub.stop(c.get("principal").userId));
});
