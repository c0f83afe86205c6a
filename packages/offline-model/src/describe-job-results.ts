/** What a started background job and the follow-up tools' results say, in a sentence or two. */
import {
  type Fields,
  fields,
  humanTime,
  ID_CHARS,
  LABEL_CHARS,
  listed,
  listOfFields,
  plainText,
  plural,
  quoted,
  sentence,
  type ToolInput,
  text,
} from "./phrasing-text.ts";

/** What a started job is called, and what the person will hear about it later. */
const JOB_STARTED: Record<string, (input: ToolInput) => { lead: string; promise: string }> = {
  provision: () => ({ lead: "Provisioning started", promise: "I'll tell you when your OpenClaw instance is ready" }),
  restart: () => ({ lead: "Restart started", promise: "I'll tell you when the gateway is back" }),
  backup: () => ({ lead: "Backup started", promise: "I'll tell you when it is done" }),
  watch_status: (input) => ({
    lead: `I'm watching your OpenClaw status${typeof input.durationMinutes === "number" ? ` for ${plural(input.durationMinutes, "minute")}` : ""}`,
    promise: "I'll report what changed when the watch ends",
  }),
};

/** A tool that starts a background job answers with its handle: `{ job: { kind, status, message } }`. */
export function describeJobHandle(value: unknown, input: ToolInput): string | null {
  const job = fields(fields(value)?.job);
  const kind = text(job?.kind);
  const status = text(job?.status);
  if (!job || !kind || !status) return null;
  const message = text(job.message);
  if (status === "succeeded") return message ? sentence(plainText(message)) : "Done.";
  if (status === "failed") return `That did not work${message ? `: ${plainText(message).replace(/[.\s]+$/, "")}` : ""}.`;
  if (status === "cancelled") return "That job was cancelled.";
  const { lead, promise } = JOB_STARTED[kind]?.(input) ?? { lead: "Started", promise: "I'll tell you when it is done" };
  // The job runner's words when its first try failed and a retry is due: "Retrying in 2 s: <reason>".
  const retry = message ? /^Retrying in ([^:]+): ([\s\S]+)$/.exec(message) : null;
  if (retry)
    return `${lead}, but the first try failed (${plainText(retry[2]!).replace(/[.\s]+$/, "")}); I'm retrying in ${plainText(retry[1]!)}. ${sentence(promise)}`;
  return `${lead}; ${promise}.`;
}

function describeSchedule(schedule: Fields): string | null {
  const prompt = text(schedule.prompt);
  if (!prompt) return null;
  const next = humanTime(schedule.nextRunAt);
  const id = text(schedule.id);
  const when =
    schedule.kind === "cron" && text(schedule.cron)
      ? `on the schedule ${plainText(text(schedule.cron)!, LABEL_CHARS)} (${plainText(text(schedule.timezone) ?? "UTC", LABEL_CHARS)})${next ? `, next at ${next}` : ""}`
      : next
        ? `at ${next}`
        : "later";
  return `${quoted(prompt, 120)} ${when}${id ? ` (id ${plainText(id, ID_CHARS)})` : ""}`;
}

export function describeScheduled(value: unknown): string | null {
  const schedule = fields(value);
  const described = schedule ? describeSchedule(schedule) : null;
  return described ? `Follow-up scheduled: ${described}.` : null;
}

export function describeSchedules(value: unknown): string | null {
  const schedules = listOfFields(fields(value)?.schedules);
  if (!schedules) return null;
  const active = schedules.filter((schedule) => schedule.status === "active" || schedule.status === undefined);
  if (active.length === 0) return "You have no follow-ups scheduled in this thread.";
  const described = active.map(describeSchedule).filter((entry): entry is string => entry !== null);
  return `You have ${plural(active.length, "follow-up")} in this thread: ${listed(described, undefined, "; ")}.`;
}

export function describeCancelled(value: unknown, input: ToolInput): string | null {
  const cancelled = fields(value);
  if (cancelled?.cancelled !== true) return null;
  return `Follow-up ${plainText(text(cancelled.scheduleId) ?? text(input.scheduleId) ?? "", ID_CHARS)} is cancelled.`;
}
