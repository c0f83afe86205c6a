import type { Approval, ApprovalStatus } from "@oa/protocol";
import type { UIMessage } from "ai";
import { type Failure, failure } from "../failure.ts";
import { hashArgs } from "../openclaw/args-hash.ts";
import { resolvedRequest } from "../openclaw/resolved-request.ts";
import type { ApprovalRecord, ApprovalStore } from "../storage/approval-store.ts";
import type { Commit } from "../storage/commit-then-publish.ts";
import type { EventLog } from "../storage/event-log.ts";
import type { RunStore } from "../storage/run-store.ts";
import type { ThreadStore } from "../storage/thread-store.ts";
import { toolSpecsByName } from "../tools/openclaw/catalog.ts";

export type ApprovalFlowDeps = {
  store: ThreadStore;
  runs: RunStore;
  approvals: ApprovalStore;
  log: EventLog;
  ttlSeconds: number;
  commit: Commit;
  /** Called when a run's last pending approval was decided: the run goes on by itself. */
  continueRun: (runId: string) => void;
  /** Called for every new approval, so expiry can be scheduled. */
  onRequested: (approval: ApprovalRecord) => void;
};

export type Decision = { approvalId: string; approved: boolean; reason: string | null };
export type DecisionResult = { ok: true; approvals: ApprovalRecord[]; runId: string; continued: boolean };

type ToolPart = Record<string, unknown> & { type: string; toolCallId?: string; state?: string; approval?: { id: string } };

function isToolPart(part: UIMessage["parts"][number]): part is UIMessage["parts"][number] & ToolPart {
  return part.type === "dynamic-tool" || part.type.startsWith("tool-");
}

/**
 * Approvals as server-side facts: recorded from the model's approval requests, decided through
 * one code path (API or chat), single use, owner-only, bound to the exact arguments, expiring.
 */
export class ApprovalFlow {
  constructor(private readonly deps: ApprovalFlowDeps) {}

  /** Records a pending approval for a gated tool call the model just made. */
  async request(
    runId: string,
    messageId: string,
    call: { approvalId: string; toolCallId: string; tool: string; input: Record<string, unknown> },
  ): Promise<ApprovalRecord> {
    const spec = toolSpecsByName.get(call.tool);
    const now = Date.now();
    const argsHash = await hashArgs(call.input);
    // The person approves this exact request; the tool sends nothing else (toolset.ts checks it).
    const request = spec ? ((await resolvedRequest(spec, call.input))?.bound ?? null) : null;
    const record = this.deps.commit(() => {
      const existing = this.deps.approvals.get(call.approvalId);
      if (existing) return existing;
      const created = this.deps.approvals.create({
        id: call.approvalId,
        runId,
        messageId,
        toolCallId: call.toolCallId,
        tool: call.tool,
        args: call.input,
        argsHash,
        request,
        summary: spec?.summarize(call.input) ?? `Run ${call.tool}`,
        risk: spec?.risk ?? "medium",
        cost: spec?.cost ?? null,
        createdAt: now,
        expiresAt: now + this.deps.ttlSeconds * 1000,
      });
      this.deps.log.append(
        {
          type: "approval.requested",
          approvalId: created.id,
          runId,
          toolCallId: created.toolCallId,
          tool: created.tool,
          request: created.request,
          summary: created.summary,
          risk: created.risk,
          cost: created.cost,
          expiresAt: new Date(created.expiresAt).toISOString(),
        },
        now,
      );
      return created;
    });
    this.deps.onRequested(record);
    return record;
  }

  /**
   * The one decision path. Checks every decision first (exists in this thread, still pending,
   * not expired, arguments unchanged) and changes nothing unless all pass.
   */
  async decide(userId: string, via: "api" | "chat", decisions: Decision[]): Promise<DecisionResult | Failure> {
    const now = Date.now();
    const records: ApprovalRecord[] = [];
    for (const decision of decisions) {
      const record = this.deps.approvals.get(decision.approvalId);
      if (!record) return failure("approval_not_found", "No such approval in this thread.", { approvalId: decision.approvalId });
      if (record.status !== "pending") {
        return failure("approval_already_resolved", `This approval was already ${record.status}.`, {
          approvalId: record.id,
          status: record.status,
        });
      }
      if (now >= record.expiresAt) {
        this.expire(record, now);
        return failure("approval_expired", "This approval expired; it was resolved like a rejection.", { approvalId: record.id });
      }
      const message = this.deps.store.getMessage(record.messageId);
      const part = message?.parts.find((candidate) => isToolPart(candidate) && candidate.toolCallId === record.toolCallId) as
        | ToolPart
        | undefined;
      if (!part || (await hashArgs(part.input)) !== record.argsHash) {
        return failure("approval_mismatch", "The pending tool call no longer matches what was asked.", { approvalId: record.id });
      }
      records.push(record);
    }
    const runIds = new Set(records.map((record) => record.runId));
    if (runIds.size !== 1) return failure("invalid_request", "Decisions must belong to one run.");
    const runId = records[0]!.runId;

    const continued = this.deps.commit(() => {
      for (const [index, record] of records.entries()) {
        const decision = decisions[index]!;
        const status: ApprovalStatus = decision.approved ? "approved" : "rejected";
        this.applyResolution(record, status, { reason: decision.reason, by: userId, via }, now);
      }
      return this.deps.approvals.pendingForRun(runId).length === 0;
    });
    if (continued) this.deps.continueRun(runId);
    return { ok: true, approvals: records.map((record) => this.deps.approvals.get(record.id)!), runId, continued };
  }

  /** Expiry resolves an approval like a rejection, and the run goes on to answer. */
  expire(record: ApprovalRecord, now = Date.now()): void {
    const continued = this.deps.commit(() => {
      if (!this.applyResolution(record, "expired", { reason: "The approval expired before anyone decided.", by: null, via: "expiry" }, now))
        return false;
      return this.deps.approvals.pendingForRun(record.runId).length === 0;
    });
    if (continued) this.deps.continueRun(record.runId);
  }

  expireDue(now = Date.now()): void {
    for (const record of this.deps.approvals.list("pending")) if (now >= record.expiresAt) this.expire(record, now);
  }

  /**
   * Inside a transaction: a waiting run is closed (a new message, a stop), so its pending
   * approvals are withdrawn and can no longer be decided.
   */
  withdraw(runId: string, reason: string, now: number): void {
    for (const record of this.deps.approvals.pendingForRun(runId)) {
      this.applyResolution(record, "superseded", { reason, by: null, via: "superseded" }, now);
    }
  }

  /**
   * A decision can land while the run that asked is still finishing its step; the answer it
   * then stores must carry the decision, not the stale request.
   */
  mergeDecisions(message: UIMessage): { message: UIMessage; decided: boolean } {
    let decided = false;
    const parts = message.parts.map((part) => {
      if (!isToolPart(part) || part.state !== "approval-requested" || !part.toolCallId) return part;
      const record = this.deps.approvals.byToolCall(part.toolCallId);
      if (!record || record.status === "pending") return part;
      decided = true;
      return resolvedPart(part, record.id, record.status, record.reason);
    });
    return { message: { ...message, parts }, decided };
  }

  /** Marks the record resolved (single use) and writes the decision into the stored tool part. */
  private applyResolution(
    record: ApprovalRecord,
    status: Exclude<ApprovalStatus, "pending">,
    decision: { reason: string | null; by: string | null; via: Approval["decidedVia"] },
    now: number,
  ): boolean {
    if (!this.deps.approvals.resolve(record.id, status, decision, now)) return false;
    const message = this.deps.store.getMessage(record.messageId);
    if (message) {
      const parts = message.parts.map((part) =>
        isToolPart(part) && part.toolCallId === record.toolCallId ? resolvedPart(part, record.id, status, decision.reason) : part,
      );
      this.deps.store.updateMessage({ ...message, parts }, now);
    }
    this.deps.log.append(
      { type: "approval.resolved", approvalId: record.id, runId: record.runId, status, reason: decision.reason, decidedBy: decision.by },
      now,
    );
    return true;
  }
}

function resolvedPart<P extends ToolPart>(part: P, approvalId: string, status: ApprovalStatus, reason: string | null): P {
  const approval = { id: approvalId, approved: status === "approved", ...(reason ? { reason } : {}) };
  // A withdrawn call will never continue; close it as denied so the transcript stays valid.
  return (
    status === "superseded" ? { ...part, state: "output-denied", approval } : { ...part, state: "approval-responded", approval }
  ) as P;
}
