import { z } from "zod";

/** The per-user quotas; each is a `QUOTA_*` setting of the agent worker. */
export const quotaNames = [
  "threads",
  "schedules_per_thread",
  "schedules_per_user",
  "active_jobs",
  "concurrent_runs",
  "event_feeds",
] as const;
export const quotaNameSchema = z.enum(quotaNames);
export type QuotaName = z.infer<typeof quotaNameSchema>;

/** `details` of a 429 `quota_exceeded`: which quota, its limit, and how much is in use. */
export const quotaExceededDetailsSchema = z.object({ quota: quotaNameSchema, limit: z.number().int(), current: z.number().int() });
export type QuotaExceededDetails = z.infer<typeof quotaExceededDetailsSchema>;

/**
 * One page of a thread's schedules, jobs, receipts or approvals, newest first. Without a cursor
 * it is the first page, as before paging existed (each list keeps its old size as its default
 * limit); `nextCursor` (opaque) asks for the next one.
 */
export const listPageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().min(1).max(512).optional(),
});
export type ListPageQuery = z.infer<typeof listPageQuerySchema>;
