import { z } from "zod";

export const jobStatusSchema = z.enum(["queued", "running", "waiting", "succeeded", "failed", "cancelled"]);
export type JobStatus = z.infer<typeof jobStatusSchema>;
export const jobKindSchema = z.enum(["provision", "restart", "backup", "watch_status"]);
export type JobKind = z.infer<typeof jobKindSchema>;

export const jobSchema = z.object({
  id: z.string(),
  kind: jobKindSchema,
  status: jobStatusSchema,
  progress: z.number().min(0).max(1),
  message: z.string().nullable(),
  attempts: z.number().int().nonnegative(),
  nextRunAt: z.string().nullable(),
  input: z.record(z.string(), z.unknown()),
  result: z.unknown().nullable(),
  error: z.string().nullable(),
  idempotencyKey: z.string(),
  runId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type Job = z.infer<typeof jobSchema>;

/** What a `data-job` part carries in a chat response, updated in place by job id. */
export const jobProgressDataSchema = jobSchema.pick({ id: true, kind: true, status: true, progress: true, message: true });
export type JobProgressData = z.infer<typeof jobProgressDataSchema>;

export const scheduleKindSchema = z.enum(["once", "cron"]);
export type ScheduleKind = z.infer<typeof scheduleKindSchema>;
export const scheduleStatusSchema = z.enum(["active", "done", "cancelled"]);
export type ScheduleStatus = z.infer<typeof scheduleStatusSchema>;

export const scheduleSchema = z.object({
  id: z.string(),
  kind: scheduleKindSchema,
  prompt: z.string(),
  cron: z.string().nullable(),
  timezone: z.string().nullable(),
  nextRunAt: z.string().nullable(),
  status: scheduleStatusSchema,
  firedCount: z.number().int().nonnegative(),
  lastFiredAt: z.string().nullable(),
  createdAt: z.string(),
});
export type Schedule = z.infer<typeof scheduleSchema>;

/** The schedule_followup tool's input: exactly one of `delaySeconds`, `at` or `cron`. */
export const followupInputSchema = z
  .object({
    prompt: z.string().min(1).max(2000).describe("What to do when the time comes, as the person would ask it"),
    delaySeconds: z
      .number()
      .int()
      .min(1)
      .max(90 * 24 * 3600)
      .optional()
      .describe("Run once after this many seconds"),
    at: z.string().datetime({ offset: true }).optional().describe("Run once at this ISO time"),
    cron: z
      .string()
      .regex(/^(\S+\s+){4}\S+$/, "five cron fields: minute hour day-of-month month day-of-week")
      .optional()
      .describe("Repeat on this cron schedule (5 fields), in `timezone`"),
    timezone: z.string().min(1).max(64).optional().describe("IANA time zone for cron, e.g. Europe/Berlin; default UTC"),
  })
  .refine((value) => [value.delaySeconds, value.at, value.cron].filter((entry) => entry !== undefined).length === 1, {
    message: "give exactly one of delaySeconds, at or cron",
  });
export type FollowupInput = z.infer<typeof followupInputSchema>;

/** `GET /internal/thread/:threadId/jobs` and `…/schedules` (keyset pages, newest first). */
export const jobListSchema = z.object({
  ok: z.literal(true),
  threadId: z.string(),
  jobs: z.array(jobSchema),
  nextCursor: z.string().nullable(),
});
export type JobList = z.infer<typeof jobListSchema>;
export const scheduleListSchema = z.object({
  ok: z.literal(true),
  threadId: z.string(),
  schedules: z.array(scheduleSchema),
  nextCursor: z.string().nullable(),
});
export type ScheduleList = z.infer<typeof scheduleListSchema>;
/** `DELETE /internal/thread/:threadId/schedules/:scheduleId` */
export const scheduleCancelResultSchema = z.object({ ok: z.literal(true), cancelled: z.boolean(), schedule: scheduleSchema });
export type ScheduleCancelResult = z.infer<typeof scheduleCancelResultSchema>;
