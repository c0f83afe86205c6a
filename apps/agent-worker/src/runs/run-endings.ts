import type { EventLog } from "../storage/event-log.ts";
import type { ReceiptStore } from "../storage/receipt-store.ts";
import type { RunStore } from "../storage/run-store.ts";
import type { ThreadStore } from "../storage/thread-store.ts";

/** What ending a run needs; every function here runs inside the caller's transaction. */
export type RunEndingDeps = { store: ThreadStore; runs: RunStore; log: EventLog; receipts: ReceiptStore };

/** A run ends as failed without an attempt of its own: its answer says so, the log says why. */
export function failRun(
  deps: Omit<RunEndingDeps, "receipts">,
  runId: string,
  messageId: string,
  error: { code: "quota_exceeded" | "recovery_exhausted"; message: string },
  now: number,
): void {
  const answer = deps.store.getMessage(messageId);
  if (answer) deps.store.updateMessage({ ...answer, metadata: { runId, status: "failed" } }, now);
  deps.runs.setStatus(runId, "failed", now, error.message);
  deps.log.append({ type: "run.failed", runId, messageId, error }, now);
}

/**
 * A run that kept dying ends as failed, and so does everything it left open — its answer says
 * so, and calls still marked in flight become `unknown`.
 */
export function endExhaustedRun(deps: RunEndingDeps, runId: string, messageId: string, attempts: number, now: number): void {
  for (const receipt of deps.receipts.startedForRun(runId)) {
    const summary = `${receipt.tool} was in flight when the run stopped; its outcome is unknown.`;
    deps.receipts.finish(receipt.toolCallId, "unknown", summary, undefined, now);
    deps.log.append(
      { type: "tool.receipt", runId, toolCallId: receipt.toolCallId, tool: receipt.tool, status: "unknown", resultSummary: summary },
      now,
    );
  }
  failRun(
    deps,
    runId,
    messageId,
    { code: "recovery_exhausted", message: `The run was interrupted ${attempts} times and was stopped.` },
    now,
  );
}
