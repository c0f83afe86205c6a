import type { ExportFormat, MessagesPage, SwitchBranchResult, ThreadSummary } from "@oa/protocol";
import type { ThreadServices } from "../agents/thread-services.ts";
import { exportResponse } from "../export/thread-export.ts";
import type { Failure } from "../failure.ts";
import type { ThreadMeta } from "../storage/thread-store.ts";
import { messagesPageBody, summaryBody } from "./api-shapes.ts";

/** The thread's transcript as its owner reads it, moves between its branches, stops its run or downloads it. */

export type RunStopped = { ok: true; stopped: boolean; runId: string | null };

export function threadSummary(services: ThreadServices, meta: ThreadMeta): ThreadSummary {
  return summaryBody(meta, services.runStore);
}

export function messagesPage(services: ThreadServices, meta: ThreadMeta, before: number | undefined, limit: number): MessagesPage {
  const { store, log } = services;
  const page = store.activePath(before, limit);
  return messagesPageBody(meta, page, store.branchInfo(page), store.leafId(), log.lastSeq());
}

/** `POST …/branch`: the path through `messageId` becomes the active one (see RunEngine.switchBranch). */
export function switchBranch(services: ThreadServices, meta: ThreadMeta, messageId: string): SwitchBranchResult | Failure {
  const result = services.runs(meta.threadId).switchBranch(messageId);
  if (!result.ok) return result;
  return { ok: true, threadId: meta.threadId, messageId, leafId: result.leafId };
}

export function stopRun(services: ThreadServices, meta: ThreadMeta): RunStopped {
  const engine = services.runs(meta.threadId);
  const runId = engine.activeRunId();
  const stopped = runId !== null && engine.cancelRun(runId);
  return { ok: true, stopped, runId };
}

/** The thread as a Markdown or JSON download (export/thread-export.ts). */
export function exportThread(services: ThreadServices, meta: ThreadMeta, format: ExportFormat): Response {
  return exportResponse(format, {
    meta,
    store: services.store,
    approvals: services.approvalStore,
    receipts: services.receipts,
    jobs: services.work(meta.threadId).jobs,
    now: Date.now(),
  });
}
