import type { Job, Schedule } from "@oa/protocol";
import type { ThreadServices } from "../agents/thread-services.ts";
import { type Failure, failure } from "../failure.ts";
import { toApiJob } from "../storage/job-store.ts";
import { toApiSchedule } from "../storage/schedule-store.ts";
import type { ThreadMeta } from "../storage/thread-store.ts";
import { type ListPage, nextCursor } from "../thread/list-page.ts";

/** The thread's jobs and schedules, as its owner reads and cancels them. */

export type JobsPage = { ok: true; threadId: string; jobs: Job[]; nextCursor: string | null };
export type SchedulesPage = { ok: true; threadId: string; schedules: Schedule[]; nextCursor: string | null };

export function listJobs(services: ThreadServices, meta: ThreadMeta, page: ListPage): JobsPage {
  const { jobs, next } = services.work(meta.threadId).jobs.page(page.limit, page.after);
  return { ok: true, threadId: meta.threadId, jobs: jobs.map(toApiJob), nextCursor: nextCursor(next) };
}

export function cancelJob(services: ThreadServices, meta: ThreadMeta, jobId: string): { ok: true; job: Job } | Failure {
  const job = services.work(meta.threadId).runner.cancel(jobId);
  if (!job) return failure("not_found", "No such job in this thread.", { jobId });
  return { ok: true, job: toApiJob(job) };
}

export function listSchedules(services: ThreadServices, meta: ThreadMeta, page: ListPage): SchedulesPage {
  const { schedules, next } = services.work(meta.threadId).schedules.page(page.limit, page.after);
  return { ok: true, threadId: meta.threadId, schedules: schedules.map(toApiSchedule), nextCursor: nextCursor(next) };
}

export function deleteSchedule(
  services: ThreadServices,
  meta: ThreadMeta,
  scheduleId: string,
): { ok: true; cancelled: boolean; schedule: Schedule } | Failure {
  const background = services.work(meta.threadId);
  if (!background.schedules.get(scheduleId)) return failure("not_found", "No such schedule in this thread.", { scheduleId });
  const cancelled = background.cancelSchedule(scheduleId);
  return { ok: true, cancelled, schedule: toApiSchedule(background.schedules.get(scheduleId)!) };
}
