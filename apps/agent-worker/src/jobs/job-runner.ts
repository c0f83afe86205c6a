import type { JobKind } from "@oa/protocol";
import type { OpenClawClient } from "../openclaw/client.ts";
import type { Commit } from "../storage/commit-then-publish.ts";
import type { EventLog } from "../storage/event-log.ts";
import { ACTIVE_JOB_STATUSES, type JobRecord, type JobStore } from "../storage/job-store.ts";
import { retryDelayMs } from "./backoff.ts";
import { jobKinds, type StepOutcome, TransientJobError } from "./job-kinds.ts";

export type JobRunnerDeps = {
  jobs: JobStore;
  log: EventLog;
  commit: Commit;
  client: () => OpenClawClient | null;
  /** Arms the Durable Object alarm (via the Agents SDK scheduler) for `at`. */
  wakeAt: (at: number) => void;
  /** A job reached a final status: its result goes into the thread as a new run. */
  onFinished: (job: JobRecord) => void;
  /** Progress for anyone streaming right now (a `data-job` part in an open chat response). */
  onProgress: (job: JobRecord) => void;
  newId: () => string;
  pollMs: number;
  maxAttempts: number;
  /** The job clock (tests move it by hand). */
  clock?: () => number;
};

/**
 * Background jobs as alarm-driven steps: each step is one short call, state lives in SQLite
 * between steps, so a job survives eviction, crashes and deploys and needs no client.
 */
export class JobRunner {
  private ticking = false;
  /** Jobs whose step this isolate is running, or will run in the current tick. */
  private readonly claimed = new Set<string>();

  private readonly now: () => number;

  constructor(private readonly deps: JobRunnerDeps) {
    this.now = deps.clock ?? Date.now;
  }

  /** Idempotent by key: the same tool call never starts two jobs. */
  start(kind: JobKind, input: Record<string, unknown>, idempotencyKey: string, runId: string | null): JobRecord {
    const now = this.now();
    const spec = jobKinds[kind];
    const { job, created } = this.deps.commit(() => {
      const outcome = this.deps.jobs.create(
        {
          id: this.deps.newId(),
          kind,
          input,
          idempotencyKey,
          runId,
          maxAttempts: this.deps.maxAttempts,
          deadlineAt: now + spec.deadlineMs(input),
        },
        now,
      );
      if (outcome.created) {
        this.deps.log.append({ type: "job.started", jobId: outcome.job.id, kind, runId, description: spec.describe(input) }, now);
      }
      return outcome;
    });
    if (created) this.deps.wakeAt(now);
    return job;
  }

  cancel(id: string): JobRecord | null {
    const job = this.deps.jobs.get(id);
    if (!job || !ACTIVE_JOB_STATUSES.includes(job.status)) return job;
    const now = this.now();
    this.deps.commit(() => {
      this.deps.jobs.update(
        id,
        { status: "cancelled", progress: job.progress, message: "Cancelled.", state: job.state, nextRunAt: null },
        now,
      );
      this.deps.log.append(
        { type: "job.finished", jobId: id, kind: job.kind, status: "cancelled", message: "Cancelled.", result: null, error: null },
        now,
      );
    });
    const cancelled = this.deps.jobs.get(id)!;
    this.deps.onProgress(cancelled);
    this.deps.onFinished(cancelled);
    return cancelled;
  }

  /**
   * When the next step is due. Claimed jobs are left out: a running step's job is still due (its
   * `next_run_at` is in the past), and arming a wake-up for it would wake the object again and
   * again until the step ends; the step re-arms when it ends. After a crash nothing is claimed,
   * so an interrupted step is due at once.
   */
  nextDueAt(): number | null {
    return this.deps.jobs.nextDueAt(this.claimed);
  }

  /** Runs a new job's first step at once (the caller wants its effect to have happened). */
  async runFirstStep(id: string): Promise<JobRecord> {
    const job = this.deps.jobs.get(id)!;
    if (job.status === "queued" && !this.claimed.has(id)) await this.runClaimed([job]);
    this.rearm();
    return this.deps.jobs.get(id)!;
  }

  /** Runs every due step, then re-arms the alarm for the next one. */
  async tick(now = this.now()): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.runClaimed(this.deps.jobs.due(now).filter((job) => !this.claimed.has(job.id)));
    } finally {
      this.ticking = false;
      this.rearm();
    }
  }

  private rearm(): void {
    const next = this.nextDueAt();
    if (next !== null) this.deps.wakeAt(next);
  }

  /** Claims the jobs, then runs their steps one by one; each is released when its step ends. */
  private async runClaimed(jobs: JobRecord[]): Promise<void> {
    for (const job of jobs) this.claimed.add(job.id);
    try {
      for (const job of jobs) {
        try {
          await this.step(job);
        } finally {
          this.claimed.delete(job.id);
        }
      }
    } finally {
      for (const job of jobs) this.claimed.delete(job.id);
    }
  }

  private async step(job: JobRecord): Promise<void> {
    const now = this.now();
    const client = this.deps.client();
    if (now > job.deadlineAt)
      return this.finish(job, { status: "failed", message: "The job ran out of time.", error: "deadline exceeded" });
    if (!client)
      return this.finish(job, {
        status: "failed",
        message: "The OpenClaw API is not configured.",
        error: "OPENCLAW_API_BASE or OPENCLAW_API_KEY is empty",
      });
    this.deps.commit(() => this.deps.jobs.begin(job.id, now));
    const attempt = job.attempts + 1;
    let outcome: StepOutcome;
    try {
      const checkpoint = (state: Record<string, unknown>) =>
        this.deps.commit(() =>
          this.deps.jobs.update(
            job.id,
            { status: "running", progress: job.progress, message: job.message, state, nextRunAt: job.nextRunAt },
            this.now(),
          ),
        );
      outcome = await jobKinds[job.kind].step({ job, client, now, pollMs: this.deps.pollMs, checkpoint });
    } catch (error) {
      // Transient API failures and unexpected errors alike are retried with backoff, up to a limit.
      const message = error instanceof TransientJobError || error instanceof Error ? error.message : String(error);
      if (attempt >= job.maxAttempts)
        return this.finish(job, { status: "failed", message: `Gave up after ${attempt} attempts.`, error: message });
      const delay = retryDelayMs(attempt);
      const at = this.now();
      this.deps.commit(() => {
        // Keep whatever the step checkpointed before it failed.
        const state = this.deps.jobs.get(job.id)?.state ?? job.state;
        this.deps.jobs.update(
          job.id,
          {
            status: "waiting",
            progress: job.progress,
            message: `Retrying in ${Math.round(delay / 1000)} s: ${message}`,
            state,
            nextRunAt: at + delay,
          },
          at,
        );
        this.deps.log.append(
          { type: "job.log", jobId: job.id, message: `Attempt ${attempt} failed: ${message}; retrying in ${Math.round(delay / 1000)} s` },
          at,
        );
      });
      return;
    }
    if (outcome.status === "waiting") {
      const at = this.now();
      this.deps.commit(() => {
        this.deps.jobs.update(
          job.id,
          {
            status: "waiting",
            progress: outcome.progress,
            message: outcome.message,
            state: outcome.state,
            nextRunAt: at + outcome.delayMs,
            resetAttempts: true,
          },
          at,
        );
        for (const line of outcome.log ?? []) this.deps.log.append({ type: "job.log", jobId: job.id, message: line }, at);
        this.deps.log.append(
          { type: "job.progress", jobId: job.id, kind: job.kind, status: "waiting", progress: outcome.progress, message: outcome.message },
          at,
        );
      });
      this.deps.onProgress(this.deps.jobs.get(job.id)!);
      return;
    }
    return this.finish(job, outcome);
  }

  private finish(job: JobRecord, outcome: Exclude<StepOutcome, { status: "waiting" }>): void {
    const at = this.now();
    const succeeded = outcome.status === "succeeded";
    this.deps.commit(() => {
      this.deps.jobs.update(
        job.id,
        {
          status: outcome.status,
          progress: succeeded ? 1 : job.progress,
          message: outcome.message,
          state: (succeeded && outcome.state) || (this.deps.jobs.get(job.id)?.state ?? job.state),
          nextRunAt: null,
          ...(succeeded ? { result: outcome.result } : { error: outcome.error }),
        },
        at,
      );
      for (const line of (succeeded && outcome.log) || []) this.deps.log.append({ type: "job.log", jobId: job.id, message: line }, at);
      this.deps.log.append(
        {
          type: "job.finished",
          jobId: job.id,
          kind: job.kind,
          status: outcome.status,
          message: outcome.message,
          result: succeeded ? (outcome.result ?? null) : null,
          error: succeeded ? null : outcome.error,
        },
        at,
      );
    });
    const finished = this.deps.jobs.get(job.id)!;
    this.deps.onProgress(finished);
    this.deps.onFinished(finished);
  }
}
