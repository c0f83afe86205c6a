import { channelName } from "./offline-intents.ts";

/** What a tool call came back with, as the model reads it. */
export type ToolOutcome =
  | { kind: "result"; value: unknown }
  | { kind: "error"; message: string }
  | { kind: "denied"; reason: string | null };

type Input = Record<string, unknown>;

type ToolPhrasing = {
  /** What the call does, after "I couldn't" or "I won't": "read your balance". */
  action: (input: Input) => string;
  /** Whether the call only reads: a failure then changed nothing. */
  readOnly: boolean;
  /** Whether a failure comes from the OpenClaw API (rather than from the agent itself). */
  openclaw: boolean;
  /** The result in a sentence or two, or null when its shape is not the expected one. */
  success: (value: unknown, input: Input) => string | null;
};

// ---------------------------------------------------------------- reading unknown values

type Fields = Record<string, unknown>;

function fields(value: unknown): Fields | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Fields) : null;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

function list(value: unknown): unknown[] | null {
  return Array.isArray(value) ? value : null;
}

// ---------------------------------------------------------------- writing sentences

/** "2026-11-27 09:20 UTC" from epoch milliseconds or an ISO string. */
export function humanTime(value: unknown): string | null {
  const ms = typeof value === "number" ? value : typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) return null;
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** ISO timestamps inside a sentence, written for people. */
function humanTimes(sentence: string): string {
  return sentence.replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g, (iso) => humanTime(iso) ?? iso);
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "a, b and c", with "and N more" past `max`. */
function listed(items: string[], max = 5, separator = ", "): string {
  const shown = items.slice(0, max);
  if (items.length > max) shown.push(`${items.length - max} more`);
  if (shown.length <= 1) return shown.join("");
  return `${shown.slice(0, -1).join(separator)} and ${shown.at(-1)}`;
}

/** Ends a sentence with a full stop unless it already ends with punctuation. */
function sentence(value: string): string {
  const trimmed = value.trim();
  if (trimmed === "") return trimmed;
  const capitalised = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

/** Code names ("get_status", "tookMs") read as words ("get status", "took ms"). */
function words(name: string): string {
  return name
    .replace(/_/g, " ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
}

/**
 * Text from outside (an API's message, a session's reply) made safe to say: never raw JSON,
 * never a tool's code name, one line, at most `max` characters.
 */
export function plainText(value: string, max = 240): string {
  let clean = value;
  // JSON inside the text (an API's body, a serialised error) is said as its facts.
  const start = value.search(/[{[]/);
  const end = Math.max(value.lastIndexOf("}"), value.lastIndexOf("]"));
  if (start >= 0 && end > start) {
    try {
      clean = `${value.slice(0, start)}${factsOf(JSON.parse(value.slice(start, end + 1))) || "no details"}${value.slice(end + 1)}`;
    } catch {
      // Not JSON after all: its braces and quotes go below.
    }
  }
  clean = clean
    .replace(/[{}"]/g, " ")
    .replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (name) => (Object.hasOwn(toolPhrasings, name) ? words(name) : name))
    .replace(/\s+/g, " ")
    .trim();
  clean = humanTimes(clean);
  return clean.length <= max ? clean : `${clean.slice(0, max - 1).trimEnd()}…`;
}

/** Quoted words of someone else, in typographic quotes so no `"key":` can appear. */
function quoted(value: string, max = 160): string {
  return `“${plainText(value, max)}”`;
}

/** A few key facts of an unknown value: "status running, balance usd 3.5, 2 items". */
function factsOf(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return plainText(value, 120);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const items = list(value);
  if (items) return plural(items.length, "item");
  const facts: string[] = [];
  for (const [key, entry] of Object.entries(value as Fields)) {
    if (facts.length >= 4) break;
    if (entry === null || entry === undefined) continue;
    const nested = fields(entry);
    if (nested && depth < 1) {
      const inner = factsOf(nested, depth + 1);
      if (inner) facts.push(`${words(key)}: ${inner}`);
      continue;
    }
    const fact = factsOf(entry, depth + 1);
    if (fact) facts.push(`${words(key)} ${fact}`);
  }
  return facts.join(", ");
}

// ---------------------------------------------------------------- OpenClaw shapes

function describeInstance(value: unknown): string | null {
  if (value === null) return "You have no OpenClaw instance yet. Ask me to provision one if you want it.";
  const instance = fields(value);
  const status = text(instance?.status);
  if (!instance || !status) return null;
  const runtime = text(instance.runtime_name);
  const name = runtime ? `Your OpenClaw instance (runtime ${plainText(runtime, 60)})` : "Your OpenClaw instance";
  switch (status) {
    case "ready": {
      const since = humanTime(instance.last_ready_at);
      return `${name} is ready${since ? ` (since ${since})` : ""}.`;
    }
    case "provisioning": {
      const since = humanTime(instance.created_at);
      return `${name} is still being provisioned${since ? ` (requested ${since})` : ""}.`;
    }
    case "error":
      return `${name} is in an error state. You can delete it and provision a new one.`;
    case "deleted":
      return "Your OpenClaw instance was deleted. Ask me to provision a new one if you want it.";
    default:
      return `${name} is ${plainText(status, 40)}.`;
  }
}

function describeStatus(value: unknown): string | null {
  const status = fields(value);
  const gateway = text(fields(status?.gateway)?.status);
  if (!status || !gateway) return null;
  const state = gateway === "error" ? "reporting an error" : plainText(gateway, 40);
  const type = text(fields(status.container)?.instanceType);
  const version = text(fields(status.version)?.clawdbot);
  const details = [type ? plainText(type, 40) : null, version ? `version ${plainText(version, 40)}` : null].filter(Boolean);
  const backup = humanTime(status.lastBackup);
  return `Your OpenClaw gateway is ${state}${details.length ? ` (${details.join(", ")})` : ""}. ${backup ? `Last backup: ${backup}.` : "There is no backup yet."}`;
}

function platformOf(device: Fields): string {
  const client = fields(device.client);
  return plainText(text(client?.platform) ?? text(client?.mode) ?? "unknown device", 40);
}

function describeDevices(value: unknown): string | null {
  const devices = fields(value);
  const pending = list(devices?.pending)?.map(fields).filter((device): device is Fields => device !== null);
  const paired = list(devices?.paired)?.map(fields).filter((device): device is Fields => device !== null);
  if (!pending || !paired) return null;
  const waiting = pending.map((device) => `${platformOf(device)}, request ${plainText(text(device.requestId) ?? "without id", 60)}`);
  if (paired.length === 0 && pending.length === 0) return "You have no paired devices, and no devices are waiting to pair.";
  if (pending.length === 0) return `You have ${plural(paired.length, "paired device")} (${listed(paired.map(platformOf))}); no devices are waiting to pair.`;
  const pairedPart = paired.length === 0 ? "You have no paired devices" : `You have ${plural(paired.length, "paired device")} (${listed(paired.map(platformOf))})`;
  return `${pairedPart} and ${pending.length} waiting to pair (${listed(waiting, 5, "; ")}).`;
}

function describeDeviceApproval(value: unknown, input: Input): string | null {
  const approval = fields(value);
  if (!approval || typeof approval.approved !== "boolean") return null;
  const id = plainText(text(approval.requestId) ?? text(input.requestId) ?? "", 60);
  return approval.approved
    ? `Device request ${id} is approved; that device is now paired with your OpenClaw.`
    : `OpenClaw did not approve device request ${id}; nothing was paired.`;
}

function describePairingRequests(value: unknown, input: Input): string | null {
  const pairing = fields(value);
  const requests = list(pairing?.requests)?.map(fields).filter((request): request is Fields => request !== null);
  if (!pairing || !requests) return null;
  const channel = channelName(text(pairing.channel) ?? text(input.channel) ?? "this channel");
  if (requests.length === 0) return `No ${channel} pairing requests are waiting.`;
  const codes = requests.map((request) => {
    const since = humanTime(request.createdAt);
    return `code ${plainText(text(request.code) ?? "unknown", 20)}${since ? ` (since ${since})` : ""}`;
  });
  return `${plural(requests.length, `${channel} pairing request is`, `${channel} pairing requests are`)} waiting: ${listed(codes)}.`;
}

function describePairingApproval(value: unknown, input: Input): string | null {
  const approval = fields(value);
  if (!approval || approval.approved !== true) return null;
  const channel = channelName(text(approval.channel) ?? text(input.channel) ?? "");
  const code = plainText(text(approval.code) ?? text(input.code) ?? "", 20);
  return `${channel} pairing code ${code} is approved; that sender can now message your OpenClaw.`;
}

function describeBalance(value: unknown): string | null {
  const balance = fields(value)?.balance_usd;
  if (typeof balance !== "number") return null;
  return `Your balance is ${balance < 0 ? "-" : ""}$${Math.abs(balance).toFixed(2)}.`;
}

function describeSessions(value: unknown): string | null {
  const sessions = list(value)?.map(fields).filter((session): session is Fields => session !== null);
  if (!sessions) return null;
  if (sessions.length === 0) return "You have no OpenClaw sessions.";
  const names = sessions.map((session) => {
    const name = plainText(text(session.displayName) ?? text(session.key) ?? "unnamed", 60);
    const kind = [text(session.kind), text(session.channel) ? channelName(text(session.channel)!) : null].filter(Boolean).join(" on ");
    return kind ? `${name} (${plainText(kind, 40)})` : name;
  });
  return `You have ${plural(sessions.length, "OpenClaw session")}: ${listed(names)}.`;
}

const SPEAKERS: Record<string, string> = { user: "the user", assistant: "the assistant", toolResult: "a tool" };

function messageText(message: Fields): string {
  return (list(message.content) ?? [])
    .map((part) => text(fields(part)?.text) ?? "")
    .join(" ")
    .trim();
}

function describeHistory(value: unknown, input: Input): string | null {
  const messages = list(fields(value)?.messages)?.map(fields).filter((message): message is Fields => message !== null);
  if (!messages) return null;
  const session = `Session ${plainText(text(input.sessionKey) ?? "main", 60)}`;
  if (messages.length === 0) return `${session} has no messages yet.`;
  const last = messages.at(-1)!;
  const said = messageText(last);
  const speaker = SPEAKERS[text(last.role) ?? ""] ?? "someone";
  return `${session} has ${plural(messages.length, "message")}. The last one, from ${speaker}: ${said ? quoted(said) : "(no text)"}.`;
}

function describeSend(value: unknown, input: Input): string | null {
  const sent = fields(value);
  const status = text(sent?.status);
  if (!sent || !status) return null;
  const session = `session ${plainText(text(input.sessionKey) ?? "main", 60)}`;
  const reply = text(sent.reply);
  switch (status) {
    case "ok":
      return reply ? `${sentence(session)} replied: ${quoted(reply)}.` : `Your message reached ${session}; it sent no reply.`;
    case "accepted":
      return `Your message was delivered to ${session}; I did not wait for a reply.`;
    case "timeout":
      return `Your message reached ${session}, but no reply came in time.`;
    case "error":
      return `${sentence(session)} could not handle your message${text(sent.error) ? `: ${plainText(text(sent.error)!, 160)}` : ""}.`;
    default:
      return null;
  }
}

function describeDeletion(value: unknown): string | null {
  const deleted = fields(value)?.deleted;
  if (typeof deleted !== "boolean") return null;
  return deleted ? "Your OpenClaw instance is deleted." : "You had no OpenClaw instance, so nothing was deleted.";
}

// ---------------------------------------------------------------- jobs and follow-ups

/** What a started job is called, and what the person will hear about it later. */
const JOB_STARTED: Record<string, (input: Input) => { lead: string; promise: string }> = {
  provision: () => ({ lead: "Provisioning started", promise: "I'll tell you when your OpenClaw instance is ready" }),
  restart: () => ({ lead: "Restart started", promise: "I'll tell you when the gateway is back" }),
  backup: () => ({ lead: "Backup started", promise: "I'll tell you when it is done" }),
  watch_status: (input) => ({
    lead: `I'm watching your OpenClaw status${typeof input.durationMinutes === "number" ? ` for ${plural(input.durationMinutes, "minute")}` : ""}`,
    promise: "I'll report what changed when the watch ends",
  }),
};

/** A tool that starts a background job answers with its handle: `{ job: { kind, status, message } }`. */
function describeJobHandle(value: unknown, input: Input): string | null {
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
  if (retry) return `${lead}, but the first try failed (${plainText(retry[2]!).replace(/[.\s]+$/, "")}); I'm retrying in ${plainText(retry[1]!)}. ${sentence(promise)}`;
  return `${lead}; ${promise}.`;
}

function describeSchedule(schedule: Fields): string | null {
  const prompt = text(schedule.prompt);
  if (!prompt) return null;
  const next = humanTime(schedule.nextRunAt);
  const id = text(schedule.id);
  const when =
    schedule.kind === "cron" && text(schedule.cron)
      ? `on the schedule ${plainText(text(schedule.cron)!, 40)} (${plainText(text(schedule.timezone) ?? "UTC", 40)})${next ? `, next at ${next}` : ""}`
      : next
        ? `at ${next}`
        : "later";
  return `${quoted(prompt, 120)} ${when}${id ? ` (id ${plainText(id, 60)})` : ""}`;
}

function describeScheduled(value: unknown): string | null {
  const schedule = fields(value);
  const described = schedule ? describeSchedule(schedule) : null;
  return described ? `Follow-up scheduled: ${described}.` : null;
}

function describeSchedules(value: unknown): string | null {
  const schedules = list(fields(value)?.schedules)?.map(fields).filter((schedule): schedule is Fields => schedule !== null);
  if (!schedules) return null;
  const active = schedules.filter((schedule) => schedule.status === "active" || schedule.status === undefined);
  if (active.length === 0) return "You have no follow-ups scheduled in this thread.";
  const described = active.map(describeSchedule).filter((entry): entry is string => entry !== null);
  return `You have ${plural(active.length, "follow-up")} in this thread: ${listed(described, 5, "; ")}.`;
}

function describeCancelled(value: unknown, input: Input): string | null {
  const cancelled = fields(value);
  if (cancelled?.cancelled !== true) return null;
  return `Follow-up ${plainText(text(cancelled.scheduleId) ?? text(input.scheduleId) ?? "", 60)} is cancelled.`;
}

// ---------------------------------------------------------------- the table

const openclaw = (phrasing: Omit<ToolPhrasing, "openclaw">): ToolPhrasing => ({ ...phrasing, openclaw: true });
const agent = (phrasing: Omit<ToolPhrasing, "openclaw">): ToolPhrasing => ({ ...phrasing, openclaw: false });
const sessionKey = (input: Input) => plainText(text(input.sessionKey) ?? "main", 60);

/** How the offline model speaks about each tool the agent registers: one entry per tool. */
export const toolPhrasings: Record<string, ToolPhrasing> = {
  get_instance: openclaw({ action: () => "look up your OpenClaw instance", readOnly: true, success: describeInstance }),
  provision: openclaw({ action: () => "provision an OpenClaw instance", readOnly: false, success: describeInstance }),
  delete_instance: openclaw({ action: () => "delete your OpenClaw instance", readOnly: false, success: describeDeletion }),
  get_status: openclaw({ action: () => "check your OpenClaw status", readOnly: true, success: describeStatus }),
  list_devices: openclaw({ action: () => "list your devices", readOnly: true, success: describeDevices }),
  approve_device: openclaw({
    action: (input) => (text(input.requestId) ? `approve device request ${plainText(text(input.requestId)!, 60)}` : "approve that device request"),
    readOnly: false,
    success: describeDeviceApproval,
  }),
  list_pairing_requests: openclaw({
    action: (input) => `list your ${channelName(text(input.channel) ?? "")} pairing requests`.replace(/ {2}/, " "),
    readOnly: true,
    success: describePairingRequests,
  }),
  approve_pairing: openclaw({
    action: (input) => `approve ${channelName(text(input.channel) ?? "")} pairing code ${plainText(text(input.code) ?? "", 20)}`.replace(/ {2}/g, " ").trim(),
    readOnly: false,
    success: describePairingApproval,
  }),
  backup_now: openclaw({
    action: () => "back up your OpenClaw",
    readOnly: false,
    success: (value) => {
      const at = humanTime(fields(value)?.lastBackup);
      return at ? `Your OpenClaw is backed up (${at}).` : null;
    },
  }),
  restart: openclaw({
    action: () => "restart your OpenClaw gateway",
    readOnly: false,
    success: (value) => (text(fields(value)?.message) ? "Your OpenClaw gateway is restarting; it is back in a few seconds." : null),
  }),
  watch_status: openclaw({ action: () => "watch your OpenClaw status", readOnly: true, success: () => null }),
  get_billing_summary: openclaw({ action: () => "read your balance", readOnly: true, success: describeBalance }),
  list_sessions: openclaw({ action: () => "list your OpenClaw sessions", readOnly: true, success: describeSessions }),
  get_session_history: openclaw({ action: (input) => `read the history of session ${sessionKey(input)}`, readOnly: true, success: describeHistory }),
  send_session_message: openclaw({ action: (input) => `send your message to session ${sessionKey(input)}`, readOnly: false, success: describeSend }),
  schedule_followup: agent({ action: () => "schedule that follow-up", readOnly: false, success: describeScheduled }),
  list_schedules: agent({ action: () => "list your follow-ups", readOnly: true, success: describeSchedules }),
  cancel_schedule: agent({
    action: (input) => (text(input.scheduleId) ? `cancel follow-up ${plainText(text(input.scheduleId)!, 60)}` : "cancel that follow-up"),
    readOnly: false,
    success: describeCancelled,
  }),
};

function phrasingOf(toolName: string): ToolPhrasing {
  return (
    toolPhrasings[toolName] ?? { action: () => `run ${words(toolName)}`, readOnly: false, openclaw: false, success: () => null }
  );
}

// ---------------------------------------------------------------- outcomes

function describeSuccess(toolName: string, value: unknown, input: Input): string {
  const result = fields(value);
  // Said as they are: a precondition the tool found unmet, or a quota that refused the call.
  if (result && (result.skipped === true || result.refused === true) && text(result.message)) return sentence(plainText(text(result.message)!, 400));
  const phrasing = phrasingOf(toolName);
  const described = describeJobHandle(value, input) ?? phrasing.success(value, input);
  if (described) return described;
  if (typeof value === "string") return sentence(`Done: ${plainText(value)}`);
  const facts = factsOf(value);
  return sentence(`I ran ${words(toolName)}${facts ? `: ${facts}` : "; it returned nothing to report"}`);
}

/** The error text a tool call failed with, minus the tool's own prefix ("restart failed: "). */
function errorDetail(toolName: string, message: string): { detail: string; status: number | null } {
  let detail = message.trim().replace(new RegExp(`^${toolName} failed: `), "");
  let status: number | null = null;
  detail = detail.replace(/\s*\(HTTP (\d{3})\)/, (_match, code: string) => {
    status = Number(code);
    return "";
  });
  detail = detail.replace(/\.?\s*The outcome is unknown; check the status before trying again\.?$/, "");
  return { detail, status };
}

function describeFailure(toolName: string, raw: string, input: Input): string {
  // A stored answer carries the error as the UI showed it: "Error: restart failed: …".
  const message = raw.trim().replace(/^(?:[A-Za-z]*Error: )+/, "");
  const phrasing = phrasingOf(toolName);
  const action = phrasing.action(input);
  if (/Tool call execution denied/i.test(message)) return describeDenial(toolName, null, input);
  if (/was not approved by the person/.test(message)) return `I didn't ${action}: it was not approved, so nothing was sent.`;
  if (/approved with different arguments|would not make the request that was approved/.test(message)) {
    return `I didn't ${action}: the request no longer matches what was approved, so nothing was sent.`;
  }
  if (/^The outcome of \S+ is unknown/.test(message)) {
    return `I was interrupted while trying to ${action}, so I don't know whether it happened. Check the status before trying again.`;
  }
  if (/is not configured for this agent/.test(message)) return `I couldn't ${action}: the OpenClaw API is not configured for this agent. Nothing was changed.`;
  if (/^Invalid input for tool|does not form a valid OpenClaw API request/.test(message)) {
    return `I couldn't ${action}: the details I was given are not valid. Nothing was changed.`;
  }
  const { detail, status } = errorDetail(toolName, message);
  const unknown = /The outcome is unknown/.test(message);
  const tail = unknown
    ? "I don't know whether it happened; check the status before trying again."
    : phrasing.readOnly || (status !== null && status < 500)
      ? "Nothing was changed."
      : phrasing.openclaw
        ? "It is safe to ask me again."
        : "";
  const ending = tail ? ` ${tail}` : "";
  if (/^instance not found$/i.test(detail)) return `I couldn't ${action}: you have no OpenClaw instance yet.${ending} Ask me to provision one if you want it.`;
  if (/^runtime url not set$/i.test(detail)) return `I couldn't ${action}: your OpenClaw instance has no runtime yet (it may still be provisioning).${ending}`;
  const unreachable = /^The OpenClaw API could not be reached: ([\s\S]*)$/.exec(detail);
  if (unreachable) return `I couldn't reach the OpenClaw API: ${plainText(unreachable[1]!).replace(/[.\s]+$/, "")}.${ending}`;
  const said = plainText(detail).replace(/[.\s]+$/, "") || "no reason given";
  if (!phrasing.openclaw) return `I couldn't ${action}. ${sentence(said)}${ending}`;
  const source = /OpenClaw API/.test(said) ? "" : "The OpenClaw API said: ";
  return `I couldn't ${action}. ${source}${said}${status ? ` (HTTP ${status})` : ""}.${ending}`;
}

function describeDenial(toolName: string, reason: string | null, input: Input): string {
  const action = phrasingOf(toolName).action(input);
  const why = reason ? plainText(reason, 300) : "";
  if (!why) return `OK, I won't ${action}.`;
  // A reason the agent wrote is a sentence already; a person's reason is quoted as theirs.
  return /^[A-Z].*[.!?]$/.test(why) ? `OK, I won't ${action}. ${why}` : `OK, I won't ${action}. Your reason: ${why.replace(/[.\s]+$/, "")}.`;
}

/** One tool call's outcome in plain words: never raw JSON, never a tool's code name. */
export function describeToolOutcome(toolName: string, outcome: ToolOutcome, input: Input = {}): string {
  switch (outcome.kind) {
    case "result":
      return describeSuccess(toolName, outcome.value, input);
    case "error":
      return describeFailure(toolName, outcome.message, input);
    case "denied":
      return describeDenial(toolName, outcome.reason, input);
  }
}
