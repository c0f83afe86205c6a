import type { ToolSet } from "ai";
import type { AgentConfig } from "../config.ts";
import type { ThreadJobs } from "../jobs/thread-jobs.ts";
import type { OpenClawClient } from "../openclaw/client.ts";
import type { ApprovalStore } from "../storage/approval-store.ts";
import type { Commit } from "../storage/commit-then-publish.ts";
import type { EventLog } from "../storage/event-log.ts";
import type { ReceiptStore } from "../storage/receipt-store.ts";
import type { RunStore } from "../storage/run-store.ts";
import type { ThreadStore } from "../storage/thread-store.ts";
import { buildFollowupTools } from "./followup-tools.ts";
import { buildOpenClawToolset } from "./openclaw/toolset.ts";

export type ThreadToolsDeps = {
  runId: string;
  config: AgentConfig;
  client: OpenClawClient | null;
  store: ThreadStore;
  runs: RunStore;
  approvals: ApprovalStore;
  receipts: ReceiptStore;
  log: EventLog;
  background: ThreadJobs;
  commit: Commit;
  newId: (prefix: string) => string;
};

/** Every tool a run of this thread may call: the OpenClaw toolset and follow-ups. */
export function buildThreadTools(deps: ThreadToolsDeps): ToolSet {
  const { runId } = deps;
  return {
    ...buildOpenClawToolset({
      client: deps.client,
      approvals: deps.approvals,
      receipts: deps.receipts,
      gated: deps.config.gatedTools,
      runId,
      checkpointedCallIds: () => {
        const run = deps.runs.get(runId);
        const answer = run ? deps.store.getMessage(run.assistantMessageId) : null;
        return new Set(
          (answer?.parts ?? []).map((part) => (part as { toolCallId?: string }).toolCallId).filter((id): id is string => Boolean(id)),
        );
      },
      commit: deps.commit,
      onReceipt: (receipt) => deps.log.append({ type: "tool.receipt", runId, ...receipt }, Date.now()),
      startJob: (kind, input, key) => deps.background.startJob(kind, input, key, runId),
      admitJob: (kind, input, key) => deps.background.admitJob(kind, input, key),
    }),
    ...buildFollowupTools({
      schedules: deps.background.schedules,
      commit: deps.commit,
      newId: () => deps.newId("sched"),
      onCreated: (schedule) => deps.background.created(schedule),
      cancel: (scheduleId) => deps.background.cancelSchedule(scheduleId),
      admit: (scheduleId, nextRunAt, once) => deps.background.admitSchedule(scheduleId, nextRunAt, once),
      perThread: () => deps.background.perThreadVerdict(),
      release: (scheduleId) => deps.background.releaseSchedule(scheduleId),
    }),
  };
}
