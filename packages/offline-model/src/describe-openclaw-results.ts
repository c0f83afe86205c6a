/** What each OpenClaw tool's result says, in a sentence or two (null when its shape is not the expected one). */
import { channelName } from "./offline-intents.ts";
import {
  CODE_CHARS,
  type Fields,
  fields,
  humanTime,
  ID_CHARS,
  LABEL_CHARS,
  list,
  listed,
  listOfFields,
  plainText,
  plural,
  quoted,
  sentence,
  type ToolInput,
  text,
} from "./phrasing-text.ts";

export function describeInstance(value: unknown): string | null {
  if (value === null) return "You have no OpenClaw instance yet. Ask me to provision one if you want it.";
  const instance = fields(value);
  const status = text(instance?.status);
  if (!instance || !status) return null;
  const runtime = text(instance.runtime_name);
  const name = runtime ? `Your OpenClaw instance (runtime ${plainText(runtime, ID_CHARS)})` : "Your OpenClaw instance";
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
      return `${name} is ${plainText(status, LABEL_CHARS)}.`;
  }
}

export function describeStatus(value: unknown): string | null {
  const status = fields(value);
  const gateway = text(fields(status?.gateway)?.status);
  if (!status || !gateway) return null;
  const state = gateway === "error" ? "reporting an error" : plainText(gateway, LABEL_CHARS);
  const type = text(fields(status.container)?.instanceType);
  const version = text(fields(status.version)?.clawdbot);
  const details = [type ? plainText(type, LABEL_CHARS) : null, version ? `version ${plainText(version, LABEL_CHARS)}` : null].filter(
    Boolean,
  );
  const backup = humanTime(status.lastBackup);
  return `Your OpenClaw gateway is ${state}${details.length ? ` (${details.join(", ")})` : ""}. ${backup ? `Last backup: ${backup}.` : "There is no backup yet."}`;
}

function platformOf(device: Fields): string {
  const client = fields(device.client);
  return plainText(text(client?.platform) ?? text(client?.mode) ?? "unknown device", LABEL_CHARS);
}

export function describeDevices(value: unknown): string | null {
  const devices = fields(value);
  const pending = listOfFields(devices?.pending);
  const paired = listOfFields(devices?.paired);
  if (!pending || !paired) return null;
  const waiting = pending.map((device) => `${platformOf(device)}, request ${plainText(text(device.requestId) ?? "without id", ID_CHARS)}`);
  if (paired.length === 0 && pending.length === 0) return "You have no paired devices, and no devices are waiting to pair.";
  if (pending.length === 0)
    return `You have ${plural(paired.length, "paired device")} (${listed(paired.map(platformOf))}); no devices are waiting to pair.`;
  const pairedPart =
    paired.length === 0
      ? "You have no paired devices"
      : `You have ${plural(paired.length, "paired device")} (${listed(paired.map(platformOf))})`;
  return `${pairedPart} and ${pending.length} waiting to pair (${listed(waiting, undefined, "; ")}).`;
}

export function describeDeviceApproval(value: unknown, input: ToolInput): string | null {
  const approval = fields(value);
  if (!approval || typeof approval.approved !== "boolean") return null;
  const id = plainText(text(approval.requestId) ?? text(input.requestId) ?? "", ID_CHARS);
  return approval.approved
    ? `Device request ${id} is approved; that device is now paired with your OpenClaw.`
    : `OpenClaw did not approve device request ${id}; nothing was paired.`;
}

export function describePairingRequests(value: unknown, input: ToolInput): string | null {
  const pairing = fields(value);
  const requests = listOfFields(pairing?.requests);
  if (!pairing || !requests) return null;
  const channel = channelName(text(pairing.channel) ?? text(input.channel) ?? "this channel");
  if (requests.length === 0) return `No ${channel} pairing requests are waiting.`;
  const codes = requests.map((request) => {
    const since = humanTime(request.createdAt);
    return `code ${plainText(text(request.code) ?? "unknown", CODE_CHARS)}${since ? ` (since ${since})` : ""}`;
  });
  return `${plural(requests.length, `${channel} pairing request is`, `${channel} pairing requests are`)} waiting: ${listed(codes)}.`;
}

export function describePairingApproval(value: unknown, input: ToolInput): string | null {
  const approval = fields(value);
  if (approval?.approved !== true) return null;
  const channel = channelName(text(approval.channel) ?? text(input.channel) ?? "");
  const code = plainText(text(approval.code) ?? text(input.code) ?? "", CODE_CHARS);
  return `${channel} pairing code ${code} is approved; that sender can now message your OpenClaw.`;
}

export function describeBackup(value: unknown): string | null {
  const at = humanTime(fields(value)?.lastBackup);
  return at ? `Your OpenClaw is backed up (${at}).` : null;
}

export function describeRestart(value: unknown): string | null {
  return text(fields(value)?.message) ? "Your OpenClaw gateway is restarting; it is back in a few seconds." : null;
}

export function describeBalance(value: unknown): string | null {
  const balance = fields(value)?.balance_usd;
  if (typeof balance !== "number") return null;
  return `Your balance is ${balance < 0 ? "-" : ""}$${Math.abs(balance).toFixed(2)}.`;
}

export function describeSessions(value: unknown): string | null {
  const sessions = listOfFields(value);
  if (!sessions) return null;
  if (sessions.length === 0) return "You have no OpenClaw sessions.";
  const names = sessions.map((session) => {
    const name = plainText(text(session.displayName) ?? text(session.key) ?? "unnamed", ID_CHARS);
    const kind = [text(session.kind), text(session.channel) ? channelName(text(session.channel)!) : null].filter(Boolean).join(" on ");
    return kind ? `${name} (${plainText(kind, LABEL_CHARS)})` : name;
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

/** "session main": the session a call named, as said in a sentence. */
export function sessionKeyOf(input: ToolInput): string {
  return plainText(text(input.sessionKey) ?? "main", ID_CHARS);
}

export function describeHistory(value: unknown, input: ToolInput): string | null {
  const messages = listOfFields(fields(value)?.messages);
  if (!messages) return null;
  const session = `Session ${sessionKeyOf(input)}`;
  if (messages.length === 0) return `${session} has no messages yet.`;
  const last = messages.at(-1)!;
  const said = messageText(last);
  const speaker = SPEAKERS[text(last.role) ?? ""] ?? "someone";
  return `${session} has ${plural(messages.length, "message")}. The last one, from ${speaker}: ${said ? quoted(said) : "(no text)"}.`;
}

export function describeSend(value: unknown, input: ToolInput): string | null {
  const sent = fields(value);
  const status = text(sent?.status);
  if (!sent || !status) return null;
  const session = `session ${sessionKeyOf(input)}`;
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

export function describeDeletion(value: unknown): string | null {
  const deleted = fields(value)?.deleted;
  if (typeof deleted !== "boolean") return null;
  return deleted ? "Your OpenClaw instance is deleted." : "You had no OpenClaw instance, so nothing was deleted.";
}
