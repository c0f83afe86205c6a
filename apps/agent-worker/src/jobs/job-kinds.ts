import type { JobKind } from "@oa/protocol";
import type { OpenClawClient, OpenClawResult } from "../openclaw/client.ts";
import type { JobRecord } from "../storage/job-store.ts";

export type StepContext = {
  job: JobRecord;
  client: OpenClawClient;
  now: number;
  pollMs: number;
  /** Persists the kind's state at once (before a call that must not be repeated blindly). */
  checkpoint: (state: Record<string, unknown>) => void;
};

export type StepOutcome =
  | { status: "waiting"; progress: number; message: string; state: Record<string, unknown>; delayMs: number; log?: string[] }
  | { status: "succeeded"; message: string; result: unknown; state?: Record<string, unknown>; log?: string[] }
  | { status: "failed"; message: string; error: string };

/** A step that may be retried later (5xx, time-out, network); anything permanent is a `failed` outcome. */
export class TransientJobError extends Error {}

export type JobKindSpec = {
  describe: (input: Record<string, unknown>) => string;
  /** Wall time after which the job gives up. */
  deadlineMs: (input: Record<string, unknown>) => number;
  step: (context: StepContext) => Promise<StepOutcome>;
};

/** Unwraps an API result: transient failures are retried, the rest end the job. */
function unwrap<T>(result: OpenClawResult<T>): { ok: true; data: T } | { ok: false; permanent: string } {
  if (result.ok) return result;
  const { kind, status, message } = result.error;
  const transient = kind === "timeout" || kind === "network" || (status !== null && (status >= 500 || status === 429 || status === 408));
  if (transient) throw new TransientJobError(message);
  return { ok: false, permanent: status ? `${message} (HTTP ${status})` : message };
}

const PROVISION_EXPECTED_MS = 60_000;
const PROVISION_DEADLINE_MS = 30 * 60_000;
const BACKUP_DEADLINE_MS = 10 * 60_000;
/** A watch's deadline is its duration plus this much. */
const WATCH_DEADLINE_MARGIN_MS = 10 * 60_000;
const WATCH_DEFAULT_SECONDS = 600;
const WATCH_DEFAULT_INTERVAL_SECONDS = 30;

export const jobKinds: Record<JobKind, JobKindSpec> = {
  provision: {
    describe: () => "Provision your OpenClaw instance and wait until it is ready",
    deadlineMs: () => PROVISION_DEADLINE_MS,
    async step({ job, client, now, pollMs }) {
      const state = { ...job.state };
      if (!state.requestedAt) {
        // Provisioning is idempotent in the API and keyed, so a retried step never makes two.
        const created = unwrap(await client.provision(job.idempotencyKey));
        if (!created.ok) return { status: "failed", message: "Provisioning was refused.", error: created.permanent };
        state.requestedAt = now;
        if (created.data.status === "ready")
          return { status: "succeeded", message: "Your OpenClaw instance is ready.", result: created.data, state };
        return {
          status: "waiting",
          progress: 0.1,
          message: "Provisioning requested.",
          state,
          delayMs: pollMs,
          log: ["Provisioning requested"],
        };
      }
      const instance = unwrap(await client.getInstance());
      if (!instance.ok) return { status: "failed", message: "Could not read the instance.", error: instance.permanent };
      const current = instance.data;
      if (!current) return { status: "failed", message: "The instance disappeared while provisioning.", error: "instance not found" };
      if (current.status === "ready") return { status: "succeeded", message: "Your OpenClaw instance is ready.", result: current, state };
      if (current.status === "error" || current.status === "deleted") {
        return { status: "failed", message: `Provisioning ended in status ${current.status}.`, error: `instance ${current.status}` };
      }
      const elapsed = now - Number(state.requestedAt);
      const progress = 0.2 + 0.7 * Math.min(1, elapsed / PROVISION_EXPECTED_MS);
      return { status: "waiting", progress, message: "Provisioning: starting the runtime container.", state, delayMs: pollMs };
    },
  },

  restart: {
    describe: () => "Restart your OpenClaw gateway and wait until it is healthy",
    deadlineMs: () => 10 * 60_000,
    async step({ job, client, now, pollMs, checkpoint }) {
      const state = { ...job.state };
      if (!state.requestedAt && state.attemptedAt) {
        // A crash cut the restart call off: never send it again; watch what the gateway does instead.
        state.requestedAt = state.attemptedAt;
        state.uncertain = true;
      }
      if (!state.requestedAt) {
        checkpoint({ ...state, attemptedAt: now });
        // Also keyed, so an API that keeps Idempotency-Keys answers a retry from its record.
        const restarted = unwrap(await client.restart(job.idempotencyKey));
        if (!restarted.ok) return { status: "failed", message: "The restart was refused.", error: restarted.permanent };
        state.requestedAt = now;
        return {
          status: "waiting",
          progress: 0.2,
          message: "Restart requested; the gateway is starting.",
          state,
          delayMs: pollMs,
          log: ["Restart requested"],
        };
      }
      const status = unwrap(await client.getStatus());
      if (!status.ok) return { status: "failed", message: "Could not read the runtime status.", error: status.permanent };
      const gateway = status.data.gateway.status;
      if (gateway === "running") {
        const message = state.uncertain
          ? "The gateway is running. The restart call was interrupted, so it may not have restarted; ask again to restart it for sure."
          : "The gateway is running again.";
        return { status: "succeeded", message, result: status.data, state };
      }
      if (gateway === "error")
        return { status: "failed", message: "The gateway reported an error after the restart.", error: "gateway error" };
      return { status: "waiting", progress: 0.6, message: `The gateway is ${gateway}.`, state, delayMs: pollMs };
    },
  },

  backup: {
    describe: () => "Back up your OpenClaw runtime",
    deadlineMs: () => BACKUP_DEADLINE_MS,
    async step({ job, client }) {
      const backup = unwrap(await client.backupNow(job.idempotencyKey));
      if (!backup.ok) return { status: "failed", message: "The backup was refused.", error: backup.permanent };
      return { status: "succeeded", message: `Backup finished at ${backup.data.lastBackup}.`, result: backup.data };
    },
  },

  watch_status: {
    describe: (input) =>
      `Watch your OpenClaw status for ${Math.round(Number(input.durationSeconds ?? WATCH_DEFAULT_SECONDS) / 60)} minutes and report changes`,
    deadlineMs: (input) => Number(input.durationSeconds ?? WATCH_DEFAULT_SECONDS) * 1000 + WATCH_DEADLINE_MARGIN_MS,
    async step({ job, client, now }) {
      const state = { ...job.state };
      const started = Number(state.startedAt ?? now);
      state.startedAt = started;
      const duration = Number(job.input.durationSeconds ?? WATCH_DEFAULT_SECONDS) * 1000;
      const interval = Number(job.input.intervalSeconds ?? WATCH_DEFAULT_INTERVAL_SECONDS) * 1000;
      const status = unwrap(await client.getStatus());
      const seen = status.ok ? status.data.gateway.status : `unavailable (${status.permanent})`;
      const changes = Array.isArray(state.changes) ? (state.changes as string[]) : [];
      const log: string[] = [];
      if (state.last !== undefined && state.last !== seen) {
        const change = `${new Date(now).toISOString()}: ${String(state.last)} → ${seen}`;
        changes.push(change);
        log.push(`Status changed: ${String(state.last)} → ${seen}`);
      }
      state.last = seen;
      state.changes = changes;
      if (now - started >= duration) {
        const summary = changes.length === 0 ? `No changes: it stayed ${seen}.` : `${changes.length} change(s): ${changes.join("; ")}`;
        return { status: "succeeded", message: `Watch finished. ${summary}`, result: { finalStatus: seen, changes }, state, log };
      }
      return { status: "waiting", progress: (now - started) / duration, message: `Watching: ${seen}.`, state, delayMs: interval, log };
    },
  },
};
