import type { QuotaExceededDetails, QuotaName } from "@oa/protocol";
import { type Failure, failure } from "../failure.ts";

/** What a lease holds a slot of; each kind counts against one quota of its user. */
export type LeaseKind = "thread" | "schedule" | "job" | "run" | "feed";

export const quotaOfLease: Record<LeaseKind, QuotaName> = {
  thread: "threads",
  schedule: "schedules_per_user",
  job: "active_jobs",
  run: "concurrent_runs",
  feed: "event_feeds",
};

export type QuotaLimits = Record<QuotaName, number>;

/**
 * A claim on one slot. `id` is unique per user within its kind (a thread id, a schedule id, a
 * thread-qualified job key or run message, a feed connection). `expiresAt` bounds a slot a crash
 * could leak: null only where the holder's own deletion path releases it (threads, schedules).
 */
export type LeaseRequest = { kind: LeaseKind; id: string; threadId: string | null; expiresAt: number | null };

export type QuotaVerdict = { ok: true; current: number } | ({ ok: false } & QuotaExceededDetails);

const nouns: Record<QuotaName, [one: string, many: string]> = {
  threads: ["thread", "threads"],
  schedules_per_thread: ["follow-up scheduled in this thread", "follow-ups scheduled in this thread"],
  schedules_per_user: ["follow-up scheduled", "follow-ups scheduled"],
  active_jobs: ["background job running", "background jobs running"],
  concurrent_runs: ["run active", "runs active"],
  event_feeds: ["event feed open", "event feeds open"],
};

/** The sentence a person (or the model, as a tool result) reads when a quota says no. */
function quotaMessage({ quota, limit, current }: QuotaExceededDetails, advice: string): string {
  const [one, many] = nouns[quota];
  return `You already have ${current} ${current === 1 ? one : many}, the most allowed is ${limit}; ${advice}`;
}

const advice: Record<QuotaName, string> = {
  threads: "delete a thread you no longer need, then try again.",
  schedules_per_thread: "cancel one before scheduling another.",
  schedules_per_user: "cancel one before scheduling another.",
  active_jobs: "wait for one to finish or cancel one, then try again.",
  concurrent_runs: "wait for one to finish, then send this again.",
  event_feeds: "close one, then try again.",
};

/** 429 `quota_exceeded` with `{quota, limit, current}` in details. */
export function quotaFailure(verdict: QuotaExceededDetails): Failure {
  const details: QuotaExceededDetails = { quota: verdict.quota, limit: verdict.limit, current: verdict.current };
  return failure("quota_exceeded", quotaMessage(details, advice[verdict.quota]), details);
}

/** A tool's plain-language answer when a quota refused the work (the tool does not throw). */
export function quotaToolResult(
  verdict: QuotaExceededDetails,
  what: string,
): { refused: true; reason: "quota_exceeded"; message: string } & QuotaExceededDetails {
  const details = { quota: verdict.quota, limit: verdict.limit, current: verdict.current };
  return {
    refused: true,
    reason: "quota_exceeded",
    ...details,
    message: `${quotaMessage(details, advice[verdict.quota])} ${what} was not started.`,
  };
}
