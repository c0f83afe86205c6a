/**
 * What the offline model understands. Mapping a plain request to a tool call is one entry:
 * `{ name, match, tool: { name, input } }`. When the named tool is not offered in the call
 * (tools arrive with later capabilities), the entry's `reply` answers instead.
 */
export type OfflineIntent = {
  name: string;
  match: RegExp;
  /**
   * The thread's title when its first message is this intent: 2–6 words, capitalised, no trailing
   * punctuation; null leaves it to the message's first words.
   */
  title: (text: string) => string | null;
  tool?: { name: string; input: (text: string, context: OfflineReplyContext) => Record<string, unknown> };
  /** After a tool result: the next call this intent makes (e.g. list, then approve), or null to answer. */
  next?: (toolName: string, output: unknown, text: string) => { name: string; input: Record<string, unknown> } | null;
  reply: (text: string, context: OfflineReplyContext) => string;
  /** Overrides the model's pace for this answer (used by the benchmark's counting intent). */
  pace?: (text: string) => OfflinePace;
};

export type OfflinePace = { delayMs?: number; holdBeforeLastMs?: number };

export type OfflineReplyContext = {
  /** The running summary of earlier messages, when the thread has one. */
  summary: string | null;
  /** How many user turns are in the model's context window. */
  userTurns: number;
  /** The previous user message in context, if any. */
  previousUserText: string | null;
};

export const OFFLINE_NOTICE = "I am the offline model: a deterministic, rule-based stand-in that runs without any network or API key.";

/** How many entries a list or history call asks for. */
const LIST_LIMIT = 20;
/** How long a message sent to a session waits for its reply. */
const SEND_TIMEOUT_SECONDS = 30;
/** How often a status watch polls. */
const WATCH_INTERVAL_SECONDS = 30;
/** The benchmark's counting intent counts at most this far. */
const MAX_COUNT = 20_000;

const CHANNELS = ["telegram", "whatsapp", "signal", "imessage", "discord", "slack"] as const;

function channelIn(text: string): string {
  return CHANNELS.find((channel) => new RegExp(`\\b${channel}\\b`, "i").test(text)) ?? "telegram";
}

const CHANNEL_NAMES: Record<string, string> = {
  telegram: "Telegram",
  whatsapp: "WhatsApp",
  signal: "Signal",
  imessage: "iMessage",
  discord: "Discord",
  slack: "Slack",
};

/** "whatsapp" → "WhatsApp": a channel as people write it. */
export function channelName(channel: string): string {
  return CHANNEL_NAMES[channel.toLowerCase()] ?? channel;
}

/** A title that does not depend on the words used. */
const titled = (title: string) => () => title;

function toolUnavailable(what: string): () => string {
  return () => `${OFFLINE_NOTICE} I would ${what}, but the OpenClaw tools are not connected to this agent.`;
}

/** OpenClaw intents: each maps a plain request to one tool call (or a short chain). */
const openClawIntents: OfflineIntent[] = [
  {
    name: "approve-pairing",
    title: (text) => `Approve ${channelName(channelIn(text))} pairing`,
    match: /\bapprove\b.*\b(pairing|code)\b/i,
    tool: {
      name: "approve_pairing",
      input: (text) => ({ channel: channelIn(text), code: /\b([A-Z0-9]{8})\b/.exec(text)?.[1] ?? "" }),
    },
    reply: toolUnavailable("approve that pairing request"),
  },
  {
    name: "approve-device",
    title: titled("Approve device"),
    match: /\bapprove\b.*\bdevices?\b/i,
    tool: { name: "list_devices", input: () => ({}) },
    next: (toolName, output) => {
      if (toolName !== "list_devices") return null;
      const pending = (output as { pending?: Array<{ requestId?: string }> } | null)?.pending ?? [];
      const requestId = pending[0]?.requestId;
      return requestId ? { name: "approve_device", input: { requestId } } : null;
    },
    reply: toolUnavailable("approve the pending device"),
  },
  {
    name: "list-devices",
    title: titled("List devices"),
    match: /\bdevices?\b/i,
    tool: { name: "list_devices", input: () => ({}) },
    reply: toolUnavailable("list your devices"),
  },
  {
    name: "list-pairing",
    title: (text) => `${channelName(channelIn(text))} pairing requests`,
    match: /\bpairing\b/i,
    tool: { name: "list_pairing_requests", input: (text) => ({ channel: channelIn(text) }) },
    reply: toolUnavailable("list pairing requests"),
  },
  {
    name: "restart",
    title: titled("Restart OpenClaw"),
    match: /\brestart\b/i,
    tool: { name: "restart", input: () => ({}) },
    reply: toolUnavailable("restart your OpenClaw"),
  },
  {
    name: "backup",
    title: titled("Back up OpenClaw"),
    match: /\bback ?up\b/i,
    tool: { name: "backup_now", input: () => ({}) },
    reply: toolUnavailable("back up your OpenClaw"),
  },
  {
    name: "delete-instance",
    title: titled("Delete OpenClaw instance"),
    match: /\b(delete|remove|destroy)\b.*\b(openclaw|instance)\b/i,
    tool: { name: "delete_instance", input: () => ({}) },
    reply: toolUnavailable("delete your OpenClaw instance"),
  },
  {
    name: "provision",
    title: titled("Provision OpenClaw"),
    match: /\b(provision|create|set ?up|spin up)\b.*\b(openclaw|instance)\b/i,
    tool: { name: "provision", input: () => ({}) },
    reply: toolUnavailable("provision an OpenClaw instance"),
  },
  {
    name: "billing",
    title: titled("Balance check"),
    match: /\b(balance|billing|credits?|how much money)\b/i,
    tool: { name: "get_billing_summary", input: () => ({}) },
    reply: toolUnavailable("read your balance"),
  },
  {
    name: "session-history",
    title: titled("Session history"),
    // Whatever the person names is passed on as typed (even "..", "a/b"): the tool's input schema judges it.
    match: /\bhistory of (?:session )?(\S+)/i,
    tool: {
      name: "get_session_history",
      input: (text) => ({ sessionKey: /\bhistory of (?:session )?(\S+)/i.exec(text)?.[1] ?? "main", limit: LIST_LIMIT }),
    },
    reply: toolUnavailable("read that session's history"),
  },
  {
    name: "send-session",
    title: titled("Message an OpenClaw session"),
    match: /\b(?:send|tell)\b.*\b(?:openclaw|session)\b[^:]*:\s*(.+)$/i,
    tool: {
      name: "send_session_message",
      input: (text) => ({ sessionKey: "main", message: /:\s*(.+)$/.exec(text)?.[1]?.trim() ?? text, timeoutSeconds: SEND_TIMEOUT_SECONDS }),
    },
    reply: toolUnavailable("send that message"),
  },
  {
    name: "sessions",
    title: titled("List sessions"),
    match: /\bsessions?\b/i,
    tool: { name: "list_sessions", input: () => ({ limit: LIST_LIMIT }) },
    reply: toolUnavailable("list your sessions"),
  },
  {
    name: "status",
    title: titled("OpenClaw status"),
    match: /\b(status|is my openclaw|how is my openclaw|health)\b/i,
    tool: { name: "get_status", input: () => ({}) },
    reply: toolUnavailable("check your OpenClaw status"),
  },
  {
    name: "instance",
    title: titled("OpenClaw instance"),
    match: /\b(instance|do i have (an )?openclaw|my openclaw)\b/i,
    tool: { name: "get_instance", input: () => ({}) },
    reply: toolUnavailable("look up your OpenClaw instance"),
  },
];

const UNIT_SECONDS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400 };
const DELAY = /\bin (\d{1,4}) ?(second|minute|hour|day)s?\b/i;
const EVERY =
  /\bevery (morning|evening|day|hour|weekday|monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?: at (\d{1,2})(?::(\d{2}))? ?(am|pm)?)?\b/i;
const ZONE = /\b(?:in|tz|timezone) ([A-Z][A-Za-z_]+\/[A-Za-z_]+(?:\/[A-Za-z_]+)?)\b/;
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

/** "MONDAY" → "Monday", "Morning" → "morning": an EVERY period as a title writes it. */
function dayName(period: string): string {
  const lower = period.toLowerCase();
  return WEEKDAYS.includes(lower) ? lower[0]!.toUpperCase() + lower.slice(1) : lower;
}

/** "every morning at 9" → "0 9 * * *"; "every monday at 8am" → "0 8 * * 1". */
function cronFrom(match: RegExpExecArray): string {
  const [, period = "day", hourText, minuteText, meridiem] = match;
  const lower = period.toLowerCase();
  if (lower === "hour") return `${Number(minuteText ?? 0)} * * * *`;
  let hour = hourText === undefined ? (lower === "evening" ? 18 : 9) : Number(hourText) % 24;
  if (meridiem?.toLowerCase() === "pm" && hour < 12) hour += 12;
  if (meridiem?.toLowerCase() === "am" && hour === 12) hour = 0;
  const minute = Number(minuteText ?? 0);
  const weekday = WEEKDAYS.indexOf(lower);
  const days = weekday >= 0 ? String(weekday) : lower === "weekday" ? "1-5" : "*";
  return `${minute} ${hour} * * ${days}`;
}

/** What to do when a follow-up fires: the request without its timing, or the previous request. */
function followupPrompt(text: string, context: OfflineReplyContext): string {
  const rest = text
    .replace(DELAY, "")
    .replace(EVERY, "")
    .replace(ZONE, "")
    .replace(/\s+/g, " ")
    .replace(/\b(please|remind me|check again|try again|again|and|then)\b|,/gi, " ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^to /i, "");
  if (rest.length >= 4) return rest;
  return context.previousUserText ?? "check my OpenClaw status";
}

/** Follow-ups and watches: the agent comes back by itself. */
const laterIntents: OfflineIntent[] = [
  {
    name: "list-schedules",
    title: titled("List follow-ups"),
    match: /\b(list|show)\b.*\b(schedules?|follow-?ups?|reminders?)\b/i,
    tool: { name: "list_schedules", input: () => ({}) },
    reply: toolUnavailable("list your follow-ups"),
  },
  {
    name: "cancel-schedule",
    title: titled("Cancel a follow-up"),
    match: /\bcancel\b.*\b(sched_[A-Za-z0-9_-]+)/i,
    tool: { name: "cancel_schedule", input: (text) => ({ scheduleId: /\b(sched_[A-Za-z0-9_-]+)/.exec(text)?.[1] ?? "" }) },
    reply: toolUnavailable("cancel that follow-up"),
  },
  {
    name: "recurring-followup",
    title: (text) => `Follow-up every ${dayName(EVERY.exec(text)?.[1] ?? "day")}`,
    match: EVERY,
    tool: {
      name: "schedule_followup",
      input: (text, context) => ({
        prompt: followupPrompt(text, context),
        cron: cronFrom(EVERY.exec(text)!),
        timezone: ZONE.exec(text)?.[1] ?? "UTC",
      }),
    },
    reply: toolUnavailable("schedule that follow-up"),
  },
  {
    name: "delayed-followup",
    title: (text) => {
      const [, amount = "10", unit = "minute"] = DELAY.exec(text) ?? [];
      return `Follow-up in ${Number(amount)} ${unit.toLowerCase()}${Number(amount) === 1 ? "" : "s"}`;
    },
    match: DELAY,
    tool: {
      name: "schedule_followup",
      input: (text, context) => {
        const [, amount = "10", unit = "minute"] = DELAY.exec(text) ?? [];
        return { prompt: followupPrompt(text, context), delaySeconds: Number(amount) * (UNIT_SECONDS[unit.toLowerCase()] ?? 60) };
      },
    },
    reply: toolUnavailable("schedule that follow-up"),
  },
  {
    name: "watch-status",
    title: titled("Watch OpenClaw status"),
    match: /\b(watch|monitor|keep an eye on)\b/i,
    tool: {
      name: "watch_status",
      input: (text) => {
        const [, amount = "10", unit = "minute"] = /\bfor (\d{1,4}) ?(minute|hour)s?\b/i.exec(text) ?? [];
        return { durationMinutes: Number(amount) * (unit.toLowerCase() === "hour" ? 60 : 1), intervalSeconds: WATCH_INTERVAL_SECONDS };
      },
    },
    reply: toolUnavailable("watch your OpenClaw"),
  },
];

export const offlineIntents: OfflineIntent[] = [
  ...laterIntents,
  ...openClawIntents,
  {
    name: "greeting",
    // "hi, tell me a joke" is about the joke; only a bare greeting is titled by it.
    title: (text) => (/^\s*(hi|hello|hey|good (morning|afternoon|evening))\b[\s,!.]*$/i.test(text) ? "Saying hello" : null),
    match: /^\s*(hi|hello|hey|good (morning|afternoon|evening))\b/i,
    reply: () =>
      `Hello! ${OFFLINE_NOTICE} I keep this thread's whole history, so you can leave and come back on any device. Set OPENAI_API_KEY to talk to a real model.`,
  },
  {
    name: "help",
    title: titled("What the assistant can do"),
    match: /\b(help|what can you do|who are you|which model)\b/i,
    reply: () =>
      `${OFFLINE_NOTICE} I can manage your hosted OpenClaw runtime once its tools are connected: status, provisioning, devices, pairing, backups, restarts, billing and sessions. Sensitive actions always wait for your approval.`,
  },
  {
    name: "recap",
    title: titled("Conversation recap"),
    match: /\b(recap|summari[sz]e|what did (i|we) (say|talk about|discuss))\b/i,
    reply: (_text, context) => {
      const earlier = context.summary ? ` Earlier in this thread: ${context.summary}` : " There is no earlier summary yet.";
      const previous = context.previousUserText ? ` Your previous message was: "${truncate(context.previousUserText, 160)}".` : "";
      return `Here is what I remember (offline model).${earlier}${previous} I currently keep ${context.userTurns} of your messages in my working context.`;
    },
  },
  {
    // A fixed answer with a paragraph, a fenced TypeScript block and a table: shows how markdown renders.
    name: "code-example",
    title: titled("Code example"),
    match: /\b(code (example|sample|snippet)|example code|show me (some |the )?code)\b/i,
    reply: () => CODE_EXAMPLE,
  },
  {
    // Benchmarks: "count to 5000 and hold 10s" streams 5,000 chunks at once, then waits before the last.
    name: "count",
    title: (text) => `Count to ${Number(/\bcount to (\d{1,5})\b/i.exec(text)?.[1] ?? "10")}`,
    match: /\bcount to (\d{1,5})\b/i,
    reply: (text) => {
      const n = Math.min(MAX_COUNT, Number(/\bcount to (\d{1,5})\b/i.exec(text)?.[1] ?? "10"));
      return `${Array.from({ length: n }, (_, index) => String(index + 1)).join(" ")} (offline model, done counting)`;
    },
    pace: (text) => {
      const hold = /\band hold (\d{1,3}) ?s\b/i.exec(text)?.[1];
      return { delayMs: 0, ...(hold ? { holdBeforeLastMs: Number(hold) * 1000 } : {}) };
    },
  },
  {
    name: "long-answer",
    title: titled("Long answer"),
    match: /\b(long|detailed) (answer|story|explanation)\b/i,
    reply: () => {
      const sentences = Array.from(
        { length: 40 },
        (_, index) => `Sentence ${index + 1} of a deliberately long answer that streams word by word.`,
      );
      return `Offline model, long answer: ${sentences.join(" ")}`;
    },
  },
];

const CODE_EXAMPLE = [
  "Here is a small TypeScript example (offline model): a function that retries a flaky call with a growing pause.",
  "",
  "```ts",
  "export async function retry<T>(call: () => Promise<T>, attempts = 3): Promise<T> {",
  "  for (let attempt = 1; ; attempt++) {",
  "    try {",
  "      return await call();",
  "    } catch (error) {",
  "      if (attempt >= attempts) throw error;",
  "      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));",
  "    }",
  "  }",
  "}",
  "```",
  "",
  "| Attempt | Pause before it |",
  "| ------- | --------------- |",
  "| 1 | none |",
  "| 2 | 500 ms |",
  "| 3 | 1 s |",
].join("\n");

export function fallbackReply(text: string): string {
  return `Offline model here. You said: "${truncate(text, 500)}". ${OFFLINE_NOTICE} Ask for "help" to see what I can do, or configure OPENAI_API_KEY for a real model.`;
}

export function truncate(text: string, max: number): string {
  const clean = text.replace(/\s+/g, " ").trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}
