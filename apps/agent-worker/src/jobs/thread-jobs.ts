import type { JobKind } from "@oa/protocol";
import type { OpenClawClient, OpenClawResult } from "../openclaw/client.ts";
import type { QuotaVerdict } from "../quotas/quota.ts";
import { JOB_LEASE_GRACE_MS, type ThreadQuota } from "../quotas/thread-quota.ts";
import type { RunHub } from "../runs/run-hub.ts";
import type { Commit } from "../storage/commit-then-publish.ts";
import type { EventLog } from "../storage/event-log.ts";
import { type JobRecord, JobStore } from "../storage/job-store.ts";
import { type ScheduleRecord, ScheduleStore } from "../storage/schedule-store.ts";
import { nextCronRun } from "./cron-tz.ts";
import { jobKinds } from "./job-kinds.ts";
import { JobRunner } from "./job-runner.ts";

export type ThreadJobsDeps = {
  sql: SqlStorage;
  log: EventLog;
  hub: RunHub;
  commit: Commit;
  client: () => OpenClawClient | null;
  /** Arms the alarm for `at` (the Agents SDK scheduler persists it). */
  wakeAt: (at: number) => void;
  /** Starts a run in the thread from a note the agent writes to itself; returns its id. */
  postToThread: (text: string, origin: { kind: "job" | "schedule"; id: string }) => string;
  newId: (prefix: string) => string;
  pollMs: number;
  maxAttempts: number;
  /** The owner's slots: every job and schedule holds one while it is active. */
  quota: ThreadQuota;
};

/** A one-off follow-up's slot outlives its due time by this much, in case its firing is never heard. */
const ONCE_LEASE_GRACE_MS = 60 * 60_000;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Work that outlives every client: background jobs and scheduled follow-ups, woken by the
 * Durable Object alarm. Results come back into the thread as new runs.
 */
export class ThreadJobs {
  readonly jobs: JobStore;
  readonly schedules: ScheduleStore;
  readonly runner: JobRunner;

  constructor(private readonly deps: ThreadJobsDeps) {
    this.jobs = new JobStore(deps.sql);
    this.schedules = new ScheduleStore(deps.sql);
    this.runner = new JobRunner({
      jobs: this.jobs,
      log: deps.log,
      commit: deps.commit,
      client: deps.client,
      wakeAt: deps.wakeAt,
      newId: () => deps.newId("job"),
      pollMs: deps.pollMs,
      maxAttempts: deps.maxAttempts,
      onProgress: (job) => this.showProgress(job),
      onFinished: (job) => this.reportFinished(job),
    });
  }

  /** The tool side of a job: start it (once per key) and run its first step now. */
  async startJob(kind: JobKind, input: Record<string, unknown>, key: string, runId: string): Promise<OpenClawResult<unknown>> {
    const started = this.runner.start(kind, input, key, runId);
    const job = await this.runner.runFirstStep(started.id);
    this.showProgress(job);
    if (job.status === "failed")
      return { ok: false, error: { kind: "http", status: null, message: job.error ?? job.message ?? "the job failed" } };
    return { ok: true, data: { job: { id: job.id, kind: job.kind, status: job.status, progress: job.progress, message: job.message } } };
  }

  /**
   * Whether a job may start: a retried call whose job exists needs no new slot; otherwise the
   * owner's active-jobs quota decides. The slot is given back when the job finishes.
   */
  async admitJob(kind: JobKind, input: Record<string, unknown>, key: string): Promise<QuotaVerdict> {
    if (this.jobs.byKey(key)) return { ok: true, current: 0 };
    return this.deps.quota.acquire("job", key, Date.now() + jobKinds[kind].deadlineMs(input) + JOB_LEASE_GRACE_MS);
  }

  /**
   * Whether a follow-up may be scheduled: this thread's own count first (no round trip), then the
   * owner's count across threads. The slot is given back when it is cancelled or, once, has fired.
   */
  async admitSchedule(scheduleId: string, nextRunAt: number, once: boolean): Promise<QuotaVerdict> {
    const perThread = this.perThreadVerdict();
    if (!perThread.ok) return perThread;
    return this.deps.quota.acquire("schedule", scheduleId, once ? nextRunAt + ONCE_LEASE_GRACE_MS : null);
  }

  /** This thread's active follow-ups against QUOTA_SCHEDULES_PER_THREAD. */
  perThreadVerdict(): QuotaVerdict {
    const current = this.schedules.activeCount();
    const limit = this.deps.quota.limits.schedules_per_thread;
    return current >= limit ? { ok: false, quota: "schedules_per_thread", limit, current } : { ok: true, current };
  }

  releaseSchedule(scheduleId: string): void {
    this.deps.quota.release("schedule", [scheduleId]);
  }

  /** The alarm: due job steps, due follow-ups, then the next wake-up. */
  async wake(now = Date.now()): Promise<void> {
    for (const schedule of this.schedules.due(now)) this.fire(schedule, now);
    await this.runner.tick(now);
    this.rearm();
  }

  rearm(): void {
    const times = [this.runner.nextDueAt(), this.schedules.nextDueAt()].filter((at): at is number => at !== null);
    if (times.length > 0) this.deps.wakeAt(Math.min(...times));
  }

  created(schedule: ScheduleRecord): void {
    this.deps.commit(() =>
      this.deps.log.append(
        {
          type: "schedule.created",
          scheduleId: schedule.id,
          kind: schedule.kind,
          prompt: schedule.prompt,
          nextRunAt: iso(schedule.nextRunAt),
        },
        Date.now(),
      ),
    );
    this.rearm();
  }

  cancelSchedule(id: string): boolean {
    const cancelled = this.deps.commit(() => {
      const done = this.schedules.cancel(id, Date.now());
      if (done) this.deps.log.append({ type: "schedule.cancelled", scheduleId: id }, Date.now());
      return done;
    });
    if (cancelled) this.releaseSchedule(id);
    return cancelled;
  }

  /** A follow-up's time came: a new run in the thread, with nobody needing to be connected. */
  private fire(schedule: ScheduleRecord, now: number): void {
    const next = schedule.kind === "cron" && schedule.cron ? nextCronRun(schedule.cron, schedule.timezone ?? "UTC", now) : null;
    const runId = this.deps.postToThread(`Scheduled follow-up: ${schedule.prompt}`, { kind: "schedule", id: schedule.id });
    this.deps.commit(() => {
      this.schedules.fired(schedule.id, next, now);
      this.deps.log.append({ type: "schedule.fired", scheduleId: schedule.id, runId, nextRunAt: iso(next) }, now);
    });
    if (next === null) this.releaseSchedule(schedule.id);
  }

  /** While a chat response is open, progress rides along as a `data-job` part updated by id. */
  private showProgress(job: JobRecord): void {
    this.deps.hub.broadcast({
      type: "data-job",
      id: job.id,
      data: { id: job.id, kind: job.kind, status: job.status, progress: job.progress, message: job.message },
    });
  }

  private reportFinished(job: JobRecord): void {
    this.deps.quota.release("job", [job.idempotencyKey]);
    const outcome = job.status === "succeeded" ? "finished" : job.status;
    const detail = job.status === "succeeded" ? (job.message ?? "") : `${job.message ?? ""} ${job.error ? `(${job.error})` : ""}`.trim();
    this.deps.postToThread(`Background job ${job.kind} (${job.id}) ${outcome}: ${detail}`, { kind: "job", id: job.id });
  }
}
