/** How the offline model speaks about each tool the agent registers: one entry per tool, checked against `@oa/protocol`'s list. */
import { isToolName, type ToolName } from "@oa/protocol";
import { describeCancelled, describeScheduled, describeSchedules } from "./describe-job-results.ts";
import {
  describeBackup,
  describeBalance,
  describeDeletion,
  describeDeviceApproval,
  describeDevices,
  describeHistory,
  describeInstance,
  describePairingApproval,
  describePairingRequests,
  describeRestart,
  describeSend,
  describeSessions,
  describeStatus,
  sessionKeyOf,
} from "./describe-openclaw-results.ts";
import { channelName } from "./offline-intents.ts";
import { CODE_CHARS, ID_CHARS, plainText, type ToolInput, text, words } from "./phrasing-text.ts";

export type ToolPhrasing = {
  /** What the call does, after "I couldn't" or "I won't": "read your balance". */
  action: (input: ToolInput) => string;
  /** Whether the call only reads: a failure then changed nothing. */
  readOnly: boolean;
  /** Whether a failure comes from the OpenClaw API (rather than from the agent itself). */
  openclaw: boolean;
  /** The result in a sentence or two, or null when its shape is not the expected one. */
  success: (value: unknown, input: ToolInput) => string | null;
};

const openclaw = (phrasing: Omit<ToolPhrasing, "openclaw">): ToolPhrasing => ({ ...phrasing, openclaw: true });
const agent = (phrasing: Omit<ToolPhrasing, "openclaw">): ToolPhrasing => ({ ...phrasing, openclaw: false });

export const toolPhrasings: Record<ToolName, ToolPhrasing> = {
  get_instance: openclaw({ action: () => "look up your OpenClaw instance", readOnly: true, success: describeInstance }),
  provision: openclaw({ action: () => "provision an OpenClaw instance", readOnly: false, success: describeInstance }),
  delete_instance: openclaw({ action: () => "delete your OpenClaw instance", readOnly: false, success: describeDeletion }),
  get_status: openclaw({ action: () => "check your OpenClaw status", readOnly: true, success: describeStatus }),
  list_devices: openclaw({ action: () => "list your devices", readOnly: true, success: describeDevices }),
  approve_device: openclaw({
    action: (input) =>
      text(input.requestId) ? `approve device request ${plainText(text(input.requestId)!, ID_CHARS)}` : "approve that device request",
    readOnly: false,
    success: describeDeviceApproval,
  }),
  list_pairing_requests: openclaw({
    action: (input) => `list your ${channelName(text(input.channel) ?? "")} pairing requests`.replace(/ {2}/, " "),
    readOnly: true,
    success: describePairingRequests,
  }),
  approve_pairing: openclaw({
    action: (input) =>
      `approve ${channelName(text(input.channel) ?? "")} pairing code ${plainText(text(input.code) ?? "", CODE_CHARS)}`
        .replace(/ {2}/g, " ")
        .trim(),
    readOnly: false,
    success: describePairingApproval,
  }),
  backup_now: openclaw({ action: () => "back up your OpenClaw", readOnly: false, success: describeBackup }),
  restart: openclaw({ action: () => "restart your OpenClaw gateway", readOnly: false, success: describeRestart }),
  watch_status: openclaw({ action: () => "watch your OpenClaw status", readOnly: true, success: () => null }),
  get_billing_summary: openclaw({ action: () => "read your balance", readOnly: true, success: describeBalance }),
  list_sessions: openclaw({ action: () => "list your OpenClaw sessions", readOnly: true, success: describeSessions }),
  get_session_history: openclaw({
    action: (input) => `read the history of session ${sessionKeyOf(input)}`,
    readOnly: true,
    success: describeHistory,
  }),
  send_session_message: openclaw({
    action: (input) => `send your message to session ${sessionKeyOf(input)}`,
    readOnly: false,
    success: describeSend,
  }),
  schedule_followup: agent({ action: () => "schedule that follow-up", readOnly: false, success: describeScheduled }),
  list_schedules: agent({ action: () => "list your follow-ups", readOnly: true, success: describeSchedules }),
  cancel_schedule: agent({
    action: (input) =>
      text(input.scheduleId) ? `cancel follow-up ${plainText(text(input.scheduleId)!, ID_CHARS)}` : "cancel that follow-up",
    readOnly: false,
    success: describeCancelled,
  }),
};

/** A tool's phrasing; a name outside the list (an older thread's tool) is said by its name. */
export function phrasingOf(toolName: string): ToolPhrasing {
  if (isToolName(toolName)) return toolPhrasings[toolName];
  return { action: () => `run ${words(toolName)}`, readOnly: false, openclaw: false, success: () => null };
}
