import type { BranchInfo, MessagesPage, ThreadEvent, ThreadSummary } from "@oa/protocol";
import type { RunStore } from "../storage/run-store.ts";
import type { StoredMessage, ThreadMeta } from "../storage/thread-store.ts";

/** The API's shapes of a thread's state: pure functions of what the stores hold. */

const iso = (ms: number) => new Date(ms).toISOString();

function activeRunView(runs: RunStore): ThreadSummary["activeRun"] {
  const active = runs.active()[0];
  return active ? { id: active.id, status: active.status } : null;
}

export function summaryBody(meta: ThreadMeta, runs: RunStore): ThreadSummary {
  return {
    ok: true,
    threadId: meta.threadId,
    title: meta.title,
    messageCount: meta.messageCount,
    createdAt: iso(meta.createdAt),
    updatedAt: iso(meta.updatedAt),
    lastMessageAt: meta.lastMessageAt === null ? null : iso(meta.lastMessageAt),
    activeRun: activeRunView(runs),
  };
}

/** A page of the active path, each message with its place among its versions (`branches`: by id). */
export function messagesPageBody(
  meta: ThreadMeta,
  page: StoredMessage[],
  branches: Map<string, BranchInfo>,
  leafId: string | null,
  lastSeq: number,
): MessagesPage {
  const first = page[0];
  return {
    ok: true,
    threadId: meta.threadId,
    messages: page.map(({ position, createdAt, runId: _runId, parentId, ...message }) => ({
      ...message,
      position,
      createdAt: iso(createdAt),
      parentId,
      branch: branches.get(message.id) ?? { index: 1, count: 1, previousId: null, nextId: null },
    })),
    leafId,
    nextBefore: first && first.parentId !== null ? first.position : null,
    lastSeq,
  };
}

/** Sent instead of events that retention removed: the thread as of `seq`. */
export function snapshotEvent(meta: ThreadMeta, runs: RunStore, seq: number): ThreadEvent {
  return {
    type: "snapshot",
    reason: "compacted",
    seq,
    at: new Date().toISOString(),
    messageCount: meta.messageCount,
    activeRun: activeRunView(runs),
  };
}
