/**
 * Every tool the agent registers, by its real name: the agent's tool set is checked against this
 * list in its tests, and the website labels tool calls from it, so neither can drift unnoticed.
 */
export const TOOL_NAMES = [
  "get_instance",
  "provision",
  "delete_instance",
  "get_status",
  "list_devices",
  "approve_device",
  "list_pairing_requests",
  "approve_pairing",
  "backup_now",
  "restart",
  "watch_status",
  "get_billing_summary",
  "list_sessions",
  "get_session_history",
  "send_session_message",
  "schedule_followup",
  "list_schedules",
  "cancel_schedule",
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/** What a call of each tool does, as a person would say it. */
export const TOOL_LABELS: Record<ToolName, string> = {
  get_instance: "Check the instance",
  provision: "Provision an OpenClaw instance",
  delete_instance: "Delete the OpenClaw instance",
  get_status: "Check the runtime status",
  list_devices: "List devices",
  approve_device: "Approve a device",
  list_pairing_requests: "List pairing requests",
  approve_pairing: "Approve a pairing request",
  backup_now: "Back up now",
  restart: "Restart OpenClaw",
  watch_status: "Watch the status",
  get_billing_summary: "Check the balance",
  list_sessions: "List sessions",
  get_session_history: "Read a session's history",
  send_session_message: "Send a message to a session",
  schedule_followup: "Schedule a follow-up",
  list_schedules: "List follow-ups",
  cancel_schedule: "Cancel a follow-up",
};

export function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(name);
}

/** A tool call's label; a name outside the list (an older thread's tool) shows as itself. */
export function toolLabel(name: string): string {
  return isToolName(name) ? TOOL_LABELS[name] : name;
}
