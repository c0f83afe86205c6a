import { type FollowupInput, followupInputSchema, type ToolName } from "@oa/protocol";
import { type Tool, type ToolSet, tool } from "ai";
import { z } from "zod";
import { assertTimeZone, nextCronRun, validateCron } from "../jobs/cron-tz.ts";
import { type QuotaVerdict, quotaToolResult } from "../quotas/quota.ts";
import type { Commit } from "../storage/commit-then-publish.ts";
import { type ScheduleRecord, type ScheduleStore, toApiSchedule } from "../storage/schedule-store.ts";

export type FollowupToolDeps = {
  schedules: ScheduleStore;
  commit: Commit;
  newId: () => string;
  /** A schedule was created: logged, and the alarm must cover its next time. */
  onCreated: (schedule: ScheduleRecord) => void;
  /** The one cancel path (API and tool alike), so every cancellation is logged. */
  cancel: (scheduleId: string) => boolean;
  /** Takes a quota slot for a new follow-up, or says which quota is full. */
  admit: (scheduleId: string, nextRunAt: number, once: boolean) => Promise<QuotaVerdict>;
  /** This thread's own count, checked again inside the creating transaction. */
  perThread: () => QuotaVerdict;
  /** Gives back a slot taken for a follow-up that was not created after all. */
  release: (scheduleId: string) => void;
};

/** When a follow-up first fires, from exactly one of delaySeconds / at / cron. */
function firstRunAt(input: FollowupInput, now: number): number {
  if (input.delaySeconds !== undefined) return now + input.delaySeconds * 1000;
  if (input.at !== undefined) {
    const at = Date.parse(input.at);
    if (at <= now) throw new Error("That time is in the past.");
    return at;
  }
  const timeZone = input.timezone ?? "UTC";
  assertTimeZone(timeZone);
  validateCron(input.cron!);
  return nextCronRun(input.cron!, timeZone, now);
}

/** Follow-ups: the agent comes back to the thread by itself, once or on a schedule. Their names are protocol ToolNames. */
export function buildFollowupTools(deps: FollowupToolDeps): ToolSet {
  return {
    schedule_followup: tool({
      description:
        "Schedule a follow-up: at the given time a new run starts in this thread with `prompt` (e.g. 'check my OpenClaw status'). One-off (delaySeconds or at) or repeating (cron + timezone).",
      inputSchema: followupInputSchema,
      execute: async (input, { toolCallId }) => {
        const now = Date.now();
        const nextRunAt = firstRunAt(input, now);
        // A repeated call (a step replayed after a crash) finds its schedule: no second slot.
        const existing = deps.schedules.byToolCall(toolCallId);
        if (existing) return toApiSchedule(existing);
        const id = deps.newId();
        const admitted = await deps.admit(id, nextRunAt, !input.cron);
        // Over a quota the model is told so as the tool's answer, and nothing is scheduled.
        if (!admitted.ok) return quotaToolResult(admitted, "The follow-up");
        const outcome = deps.commit(() => {
          // Another call of the same step may have taken the thread's last place meanwhile.
          const perThread = deps.perThread();
          if (!perThread.ok) return perThread;
          return deps.schedules.create(
            {
              id,
              kind: input.cron ? "cron" : "once",
              prompt: input.prompt,
              cron: input.cron ?? null,
              timezone: input.cron ? (input.timezone ?? "UTC") : null,
              nextRunAt,
              toolCallId,
            },
            now,
          );
        });
        if ("ok" in outcome) {
          deps.release(id);
          return quotaToolResult(outcome as Extract<QuotaVerdict, { ok: false }>, "The follow-up");
        }
        if (!outcome.created) deps.release(id);
        else deps.onCreated(outcome.schedule);
        return toApiSchedule(outcome.schedule);
      },
    }),
    list_schedules: tool({
      description: "List this thread's scheduled follow-ups.",
      inputSchema: z.object({}),
      execute: async () => ({ schedules: deps.schedules.list().map(toApiSchedule) }),
    }),
    cancel_schedule: tool({
      description: "Cancel a scheduled follow-up by id.",
      inputSchema: z.object({ scheduleId: z.string().min(1).max(128) }),
      execute: async ({ scheduleId }) => {
        if (!deps.cancel(scheduleId)) throw new Error(`No active schedule ${scheduleId}.`);
        return { cancelled: true, scheduleId };
      },
    }),
  } satisfies Partial<Record<ToolName, Tool>>;
}
