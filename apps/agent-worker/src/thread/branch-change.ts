import type { ApprovalFlow } from "../approvals/approval-flow.ts";
import type { EventLog } from "../storage/event-log.ts";
import type { RunRecord, RunStore } from "../storage/run-store.ts";
import type { ThreadStore } from "../storage/thread-store.ts";

/** What moving the active path needs; every function here runs inside the caller's transaction. */
export type BranchDeps = { store: ThreadStore; runs: RunStore; log: EventLog; flow: ApprovalFlow };

/** Why a waiting run was closed, as its withdrawn approvals say. */
export const LEFT_BRANCH_REASON = {
  message: "The person sent a new message instead of deciding.",
  edit: "The person edited an earlier message instead of deciding.",
  regenerate: "The person asked for another answer instead of deciding.",
  switch: "The person switched to another version of the conversation instead of deciding.",
} as const;

/** Withdraws a waiting run's approvals and closes its answer as it stands. */
export function closeWaitingRun(deps: BranchDeps, runId: string, messageId: string, reason: string, now: number): void {
  deps.flow.withdraw(runId, reason, now);
  const message = deps.store.getMessage(messageId);
  if (message) deps.store.updateMessage({ ...message, metadata: { runId, status: "completed" } }, now);
  deps.runs.setStatus(runId, "completed", now);
  deps.log.append({ type: "run.finished", runId, messageId }, now);
}

/** Runs waiting for approval whose answer is not on the path ending at `leafId` are closed. */
function closeRunsOffPath(deps: BranchDeps, leafId: string | null, reason: string, now: number): void {
  for (const run of deps.runs.active()) {
    if (run.status !== "awaiting_approval") continue;
    const onPath = leafId !== null && deps.store.hasMessage(run.assistantMessageId) && deps.store.isOnPath(leafId, run.assistantMessageId);
    if (!onPath) closeWaitingRun(deps, run.id, run.assistantMessageId, reason, now);
  }
}

/**
 * Makes the path ending at `leafId` the active one (a switch, or a regenerate moving back to its
 * question): `branch.switched` is logged and runs waiting on the branch that is left are closed.
 * Nothing happens when it is the active path's end already.
 */
export function moveLeaf(deps: BranchDeps, leafId: string, messageId: string, reason: string, now: number): boolean {
  if (deps.store.leafId() === leafId) return false;
  deps.store.setLeaf(leafId, now);
  deps.log.append({ type: "branch.switched", leafId, messageId }, now);
  closeRunsOffPath(deps, leafId, reason, now);
  return true;
}

/**
 * A queued run's message goes into the transcript: at the active leaf, or under the message an
 * edit named (a new branch: `branch.switched`, and runs waiting on the branch left are closed).
 */
export function placePendingMessage(deps: BranchDeps, run: RunRecord, now: number): void {
  const { store, log } = deps;
  if (!run.pendingMessage || store.hasMessage(run.pendingMessage.id)) return;
  const leaf = store.leafId();
  const parentId = run.placement ? run.placement.parentId : leaf;
  store.appendMessage(run.pendingMessage, null, now, parentId);
  log.append({ type: "message.stored", messageId: run.pendingMessage.id, role: run.pendingMessage.role, runId: run.id }, now);
  if (parentId !== leaf) {
    store.setLeaf(run.pendingMessage.id, now);
    log.append({ type: "branch.switched", leafId: run.pendingMessage.id, messageId: run.pendingMessage.id }, now);
    closeRunsOffPath(deps, run.pendingMessage.id, LEFT_BRANCH_REASON.edit, now);
  }
}

/**
 * Inside a run's first transaction: its question takes its place on the active path. A
 * regenerated answer's question (already stored, no answer yet) becomes the leaf again, so the
 * old answer leaves the active path and the new one is written beside it.
 */
export function placeTurn(deps: BranchDeps, run: RunRecord, now: number): void {
  if (run.pendingMessage && !deps.store.hasMessage(run.pendingMessage.id)) {
    placePendingMessage(deps, run, now);
    return;
  }
  if (!deps.store.hasMessage(run.assistantMessageId) && deps.store.hasMessage(run.userMessageId)) {
    moveLeaf(deps, run.userMessageId, run.userMessageId, LEFT_BRANCH_REASON.regenerate, now);
  }
}
