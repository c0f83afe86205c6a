import type { JobKind, ReceiptStatus } from "@oa/protocol";
import { type ToolSet, tool } from "ai";
import { canonicalJson, hashArgs } from "../../openclaw/args-hash.ts";
import type { OpenClawClient, OpenClawResult } from "../../openclaw/client.ts";
import { sameRequest } from "../../openclaw/requests.ts";
import { resolvedRequest } from "../../openclaw/resolved-request.ts";
import { type QuotaVerdict, quotaToolResult } from "../../quotas/quota.ts";
import type { ApprovalStore } from "../../storage/approval-store.ts";
import type { Commit } from "../../storage/commit-then-publish.ts";
import type { ReceiptStore } from "../../storage/receipt-store.ts";
import { type OpenClawToolSpec, openClawTools } from "./catalog.ts";
import { checkPreconditions, hasPreconditions, type PreconditionOutcome } from "./preconditions.ts";

export type ToolsetDeps = {
  client: OpenClawClient | null;
  approvals: ApprovalStore;
  receipts: ReceiptStore;
  gated: ReadonlySet<string>;
  runId: string;
  /** Tool-call ids the run's stored answer already holds (its checkpointed steps). */
  checkpointedCallIds: () => ReadonlySet<string>;
  /** Commits a storage change and publishes its events. */
  commit: Commit;
  /**
   * Starts (or, for the same key, finds) a background job and runs its first step, so the call
   * the person approved has happened when the tool answers.
   */
  startJob: (kind: JobKind, input: Record<string, unknown>, key: string) => Promise<OpenClawResult<unknown>>;
  /** Takes the owner's active-job slot for a new job (a retried key needs none), or says the quota is full. */
  admitJob: (kind: JobKind, input: Record<string, unknown>, key: string) => Promise<QuotaVerdict>;
  /** Runs inside the receipt's transaction: the log records the receipt change with it. */
  onReceipt: (receipt: { toolCallId: string; tool: string; status: ReceiptStatus; resultSummary: string | null }) => void;
};

/** A failure the model reads as the tool's error; the run goes on. */
class ToolFailure extends Error {}

/**
 * After a crash mid-step the model repeats the step with fresh tool-call ids. A receipt of this
 * run for the same tool and arguments whose call never reached the stored answer is that lost
 * call: the repeat claims it instead of making the effect again.
 */
async function claimLostCall(deps: ToolsetDeps, tool: string, input: Record<string, unknown>, toolCallId: string) {
  const wanted = canonicalJson(input);
  const checkpointed = deps.checkpointedCallIds();
  const lost = deps.receipts
    .unclaimed(deps.runId, tool)
    .find(
      (receipt) => !checkpointed.has(receipt.toolCallId) && receipt.toolCallId !== toolCallId && canonicalJson(receipt.args) === wanted,
    );
  if (!lost) return null;
  deps.commit(() => deps.receipts.claim(lost.toolCallId, toolCallId));
  return lost;
}

function summarizeResult(data: unknown): string {
  const text = JSON.stringify(data ?? null);
  return text.length <= 300 ? text : `${text.slice(0, 299)}…`;
}

/**
 * The OpenClaw tools as AI SDK tools. A gated tool whose preconditions hold (read-only checks,
 * preconditions.ts) streams a `tool-approval-request` and stops; one whose preconditions fail is
 * never asked for and answers what is true instead. When a gated call runs, the server checks
 * its own approval record (approved, same arguments) before anything happens. Every call that
 * sends a request leaves a receipt before and after, keyed by its tool-call id, which is also
 * the Idempotency-Key the OpenClaw API sees.
 */
export function buildOpenClawToolset(deps: ToolsetDeps): ToolSet {
  // What the approval decision found, so the same call's execute does not read again.
  const checked = new Map<string, PreconditionOutcome>();
  const tools: ToolSet = {};
  for (const spec of openClawTools) {
    const gated = deps.gated.has(spec.name);
    tools[spec.name] = tool({
      description: spec.description,
      inputSchema: spec.input,
      needsApproval: !gated
        ? false
        : async (input: Record<string, unknown>, { toolCallId }) => {
            // Without an API there is nothing to check against; the call answers "not configured" when run.
            if (!deps.client || !hasPreconditions(spec.name)) return true;
            const outcome = await checkPreconditions(deps.client, spec.name, input);
            checked.set(toolCallId, outcome);
            return outcome.kind === "ok";
          },
      execute: async (input: Record<string, unknown>, { toolCallId, abortSignal }) =>
        executeWithReceipt(deps, spec, input, toolCallId, abortSignal, checked),
    });
  }
  return tools;
}

/** The answer of a call whose preconditions failed, or null when it may go on. */
function refusal(outcome: PreconditionOutcome): unknown {
  if (outcome.kind === "ok") return null;
  if (outcome.kind === "unverifiable") throw new ToolFailure(outcome.message);
  return outcome.result;
}

async function executeWithReceipt(
  deps: ToolsetDeps,
  spec: OpenClawToolSpec,
  input: Record<string, unknown>,
  toolCallId: string,
  signal: AbortSignal | undefined,
  checked: Map<string, PreconditionOutcome>,
): Promise<unknown> {
  let approvalId: string | null = null;
  let decidedBy: string | null = null;
  const resolved = await resolvedRequest(spec, input);
  if (!resolved) throw new ToolFailure(`${spec.name} was not run: its input does not form a valid OpenClaw API request.`);
  const decided = checked.get(toolCallId);
  checked.delete(toolCallId);
  if (deps.gated.has(spec.name)) {
    const approval = deps.approvals.byToolCall(toolCallId);
    // Never asked: its preconditions failed when the approval was decided on. Nothing is sent.
    if (!approval && decided && decided.kind !== "ok") return refusal(decided);
    if (approval?.status !== "approved" || approval.tool !== spec.name) {
      throw new ToolFailure(`${spec.name} was not approved by the person, so it was not run.`);
    }
    if (approval.argsHash !== (await hashArgs(input))) {
      throw new ToolFailure(`${spec.name} was approved with different arguments, so it was not run.`);
    }
    // The approval allows one exact request; anything else (or an approval that recorded none) is not sent.
    if (!approval.request || !sameRequest(approval.request, resolved.bound)) {
      throw new ToolFailure(`${spec.name} would not make the request that was approved, so it was not run.`);
    }
    approvalId = approval.id;
    decidedBy = approval.decidedBy;
  }

  const previous = deps.receipts.get(toolCallId) ?? (await claimLostCall(deps, spec.name, input, toolCallId));
  // A repeat of a call lost in a crash keeps the first call's id: receipt and Idempotency-Key alike.
  const callId = previous?.toolCallId ?? toolCallId;
  if (previous?.status === "succeeded") return previous.result; // ran already: never twice
  if (previous?.status === "failed") throw new ToolFailure(previous.resultSummary ?? `${spec.name} failed.`);
  if (previous?.status === "unknown" || (previous?.status === "started" && !spec.idempotent)) {
    const message = `The outcome of ${spec.name} is unknown: the agent was interrupted while the call was in flight. Check the current status (for example with get_status) before trying again.`;
    if (previous.status === "started") {
      deps.commit(() => {
        deps.receipts.finish(callId, "unknown", message, undefined, Date.now());
        deps.onReceipt({ toolCallId: callId, tool: spec.name, status: "unknown", resultSummary: message });
      });
    }
    throw new ToolFailure(message);
  }

  if (!deps.client)
    throw new ToolFailure("The OpenClaw API is not configured for this agent (OPENCLAW_API_BASE or OPENCLAW_API_KEY is empty).");
  if (!previous && hasPreconditions(spec.name)) {
    // Checked again now: an approval can be decided long after it was asked (the AI SDK asks
    // needsApproval again when the approved call goes on, so that check is fresh), and an
    // ungated call (backup_now) was not checked yet. A call that cannot happen sends nothing and
    // leaves no receipt; a call already sent (a receipt exists) is not checked: its own effect
    // would refuse it.
    const refused = refusal(decided ?? (await checkPreconditions(deps.client, spec.name, input, signal)));
    if (refused) return refused;
  }
  if (spec.job) {
    // Over the active-jobs quota nothing is called and no receipt is written: the model reads why.
    const admitted = await deps.admitJob(spec.job, spec.jobInput?.(input) ?? input, callId);
    if (!admitted.ok) return quotaToolResult(admitted, `The ${spec.name} job`);
  }
  deps.commit(() => {
    deps.receipts.start({ toolCallId: callId, runId: deps.runId, tool: spec.name, args: input, approvalId, decidedBy }, Date.now());
    deps.onReceipt({ toolCallId: callId, tool: spec.name, status: "started", resultSummary: null });
  });

  const result = spec.job
    ? await deps.startJob(spec.job, spec.jobInput?.(input) ?? input, callId)
    : await deps.client.send(() => resolved.request, callId, signal);
  if (result.ok) {
    const summary = summarizeResult(result.data);
    deps.commit(() => {
      deps.receipts.finish(callId, "succeeded", summary, result.data, Date.now());
      deps.onReceipt({ toolCallId: callId, tool: spec.name, status: "succeeded", resultSummary: summary });
    });
    return result.data ?? null;
  }
  const failure = `${spec.name} failed: ${result.error.message}${result.error.status ? ` (HTTP ${result.error.status})` : ""}`;
  // A time-out or dropped connection on a write leaves the outcome open; say so.
  const outcome = !spec.idempotent && (result.error.kind === "timeout" || result.error.kind === "network") ? "unknown" : "failed";
  deps.commit(() => {
    deps.receipts.finish(callId, outcome, failure, undefined, Date.now());
    deps.onReceipt({ toolCallId: callId, tool: spec.name, status: outcome, resultSummary: failure });
  });
  throw new ToolFailure(
    outcome === "unknown" && !spec.idempotent ? `${failure}. The outcome is unknown; check the status before trying again.` : failure,
  );
}
