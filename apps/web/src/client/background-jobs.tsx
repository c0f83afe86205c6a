import type { Job } from "@oa/protocol";
import { JobProgress } from "./parts.tsx";

/** The jobs the strip shows: those under way, and those just finished (a succeeded one at its full bar). */
export function shownJobs(jobs: Map<string, Job>, finishedJobs: Set<string>): Job[] {
  return [...jobs.values()].flatMap((job) => {
    if (job.status === "queued" || job.status === "running" || job.status === "waiting") return [job];
    if (!finishedJobs.has(job.id)) return [];
    return [job.status === "succeeded" ? { ...job, progress: 1 } : job];
  });
}

/** The thread's background jobs, above the composer, each with its progress. */
export function BackgroundJobs({ jobs }: { jobs: Job[] }) {
  if (jobs.length === 0) return null;
  return (
    <div role="group" className="flex flex-col gap-2" aria-label="Background jobs">
      {jobs.map((job) => (
        <JobProgress key={job.id} job={job} />
      ))}
    </div>
  );
}
