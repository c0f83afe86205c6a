import type { JobKind } from "@oa/protocol";
import { z } from "zod";
import type { OpenClawClient, OpenClawResult } from "./client.ts";

export type Risk = "low" | "medium" | "high";

/**
 * One OpenClaw capability the agent can use: what it does, whether it needs the person's
 * approval by default, how to describe a call to them, and how to make it.
 */
export type OpenClawToolSpec = {
  name: string;
  description: string;
  input: z.ZodObject;
  gatedByDefault: boolean;
  /** Safe to repeat with the same Idempotency-Key after a crash left its outcome unknown. */
  idempotent: boolean;
  risk: Risk;
  cost: string | null;
  summarize: (input: Record<string, unknown>) => string;
} & (
  | { call: (client: OpenClawClient, input: Record<string, unknown>, key: string, signal?: AbortSignal) => Promise<OpenClawResult<unknown>> }
  /** Long work: the call starts a background job (keyed by the tool-call id) that reports progress and its result. */
  | { job: JobKind; jobInput?: (input: Record<string, unknown>) => Record<string, unknown> }
);

const channel = z.enum(["telegram", "whatsapp", "signal", "imessage", "discord", "slack"]);
const none = z.object({});

export const openClawTools: OpenClawToolSpec[] = [
  {
    name: "get_instance",
    description: "Get the user's managed OpenClaw instance (status provisioning/ready/error/deleted), or null when there is none.",
    input: none,
    gatedByDefault: false,
    idempotent: true,
    risk: "low",
    cost: null,
    summarize: () => "Read your OpenClaw instance",
    call: (client, _input, _key, signal) => client.getInstance(signal),
  },
  {
    name: "provision",
    description:
      "Provision a managed OpenClaw instance for the user. Starts a background job that waits until the instance is ready and reports progress; the result is posted to the thread.",
    input: none,
    gatedByDefault: true,
    idempotent: true,
    risk: "medium",
    cost: "Starts a billed OpenClaw runtime (standard-4 container) charged to your balance.",
    summarize: () => "Provision a new managed OpenClaw instance",
    job: "provision",
  },
  {
    name: "delete_instance",
    description: "Delete the user's OpenClaw instance. Stops the runtime first. Irreversible.",
    input: none,
    gatedByDefault: true,
    idempotent: true,
    risk: "high",
    cost: "Irreversible: the runtime and its data are removed; back up first if needed.",
    summarize: () => "Delete your OpenClaw instance (stops the runtime; irreversible)",
    call: (client, _input, key, signal) => client.deleteInstance(key, signal),
  },
  {
    name: "get_status",
    description: "Get the OpenClaw runtime status: gateway status, last backup, instance type and version.",
    input: none,
    gatedByDefault: false,
    idempotent: true,
    risk: "low",
    cost: null,
    summarize: () => "Read your OpenClaw runtime status",
    call: (client, _input, _key, signal) => client.getStatus(signal),
  },
  {
    name: "list_devices",
    description: "List pending device requests and paired devices of the OpenClaw runtime.",
    input: none,
    gatedByDefault: false,
    idempotent: true,
    risk: "low",
    cost: null,
    summarize: () => "List your OpenClaw devices",
    call: (client, _input, _key, signal) => client.listDevices(signal),
  },
  {
    name: "approve_device",
    description: "Approve a pending device request by its requestId (from list_devices), pairing that device with the runtime.",
    input: z.object({ requestId: z.string().min(1).max(200).describe("The pending request's requestId") }),
    gatedByDefault: true,
    idempotent: true,
    risk: "high",
    cost: "The device gets access to your OpenClaw runtime.",
    summarize: (input) => `Approve device request ${String(input.requestId)} (it gets access to your OpenClaw)`,
    call: (client, input, key, signal) => client.approveDevice(String(input.requestId), key, signal),
  },
  {
    name: "list_pairing_requests",
    description: "List pending DM pairing requests for one channel (telegram, whatsapp, signal, imessage, discord, slack).",
    input: z.object({ channel }),
    gatedByDefault: false,
    idempotent: true,
    risk: "low",
    cost: null,
    summarize: (input) => `List pending ${String(input.channel)} pairing requests`,
    call: (client, input, _key, signal) => client.listPairingRequests(String(input.channel), signal),
  },
  {
    name: "approve_pairing",
    description: "Approve a DM pairing request on a channel by its 8-character code.",
    input: z.object({ channel, code: z.string().regex(/^[A-Z0-9]{8}$/, "8 upper-case letters or digits") }),
    gatedByDefault: true,
    idempotent: true,
    risk: "high",
    cost: "That sender can then message your OpenClaw on this channel.",
    summarize: (input) => `Approve ${String(input.channel)} pairing code ${String(input.code)} (that sender can message your OpenClaw)`,
    call: (client, input, key, signal) => client.approvePairing(String(input.channel), String(input.code), key, signal),
  },
  {
    name: "backup_now",
    description: "Back up the OpenClaw runtime now (a background job; the result is posted to the thread).",
    input: none,
    gatedByDefault: false,
    idempotent: true,
    risk: "low",
    cost: null,
    summarize: () => "Back up your OpenClaw runtime now",
    job: "backup",
  },
  {
    name: "restart",
    description:
      "Restart the OpenClaw gateway and wait until it is healthy again (a background job). It is unavailable for a few seconds while starting.",
    input: none,
    gatedByDefault: true,
    idempotent: true,
    risk: "medium",
    cost: "Your OpenClaw is unavailable for a few seconds; in-flight conversations are interrupted.",
    summarize: () => "Restart your OpenClaw gateway (a few seconds of downtime)",
    job: "restart",
  },
  {
    name: "watch_status",
    description: "Watch the OpenClaw runtime's status for a while in the background and report every change; the summary is posted to the thread.",
    input: z.object({
      durationMinutes: z.number().int().min(1).max(7 * 24 * 60).default(10),
      intervalSeconds: z.number().int().min(5).max(3600).default(30),
    }),
    gatedByDefault: false,
    idempotent: true,
    risk: "low",
    cost: null,
    summarize: (input) => `Watch your OpenClaw status for ${String(input.durationMinutes ?? 10)} minutes`,
    job: "watch_status",
    jobInput: (input) => ({ durationSeconds: Number(input.durationMinutes ?? 10) * 60, intervalSeconds: Number(input.intervalSeconds ?? 30) }),
  },
  {
    name: "get_billing_summary",
    description: "Get the user's billing summary: balance in USD.",
    input: none,
    gatedByDefault: false,
    idempotent: true,
    risk: "low",
    cost: null,
    summarize: () => "Read your balance",
    call: (client, _input, _key, signal) => client.billingSummary(signal),
  },
  {
    name: "list_sessions",
    description: "List OpenClaw sessions (main, group, cron, hook, node, other).",
    input: z.object({
      limit: z.number().int().min(1).max(100).optional(),
      activeMinutes: z.number().int().min(1).max(100_000).optional(),
      messageLimit: z.number().int().min(0).max(50).optional(),
      kinds: z.array(z.enum(["main", "group", "cron", "hook", "node", "other"])).optional(),
    }),
    gatedByDefault: false,
    idempotent: true,
    risk: "low",
    cost: null,
    summarize: () => "List your OpenClaw sessions",
    call: (client, input, _key, signal) => client.listSessions(input as Parameters<OpenClawClient["listSessions"]>[0], signal),
  },
  {
    name: "get_session_history",
    description: "Read the transcript of one OpenClaw session by its key (the main session's key is \"main\").",
    input: z.object({
      sessionKey: z.string().min(1).max(200),
      limit: z.number().int().min(1).max(200).optional(),
      includeTools: z.boolean().optional(),
    }),
    gatedByDefault: false,
    idempotent: true,
    risk: "low",
    cost: null,
    summarize: (input) => `Read the history of session ${String(input.sessionKey)}`,
    call: (client, input, _key, signal) =>
      client.sessionHistory(String(input.sessionKey), { limit: input.limit as number | undefined, includeTools: input.includeTools as boolean | undefined }, signal),
  },
  {
    name: "send_session_message",
    description: "Send a message into an OpenClaw session and wait up to timeoutSeconds for its reply (0 = do not wait).",
    input: z.object({
      sessionKey: z.string().min(1).max(200),
      message: z.string().min(1).max(10_000),
      timeoutSeconds: z.number().int().min(0).max(120).optional(),
    }),
    gatedByDefault: false,
    idempotent: false,
    risk: "medium",
    cost: null,
    summarize: (input) => `Send a message to session ${String(input.sessionKey)}`,
    call: (client, input, key, signal) =>
      client.sendSessionMessage(String(input.sessionKey), String(input.message), input.timeoutSeconds as number | undefined, key, signal),
  },
];

export const toolSpecsByName = new Map(openClawTools.map((spec) => [spec.name, spec]));

export const DEFAULT_GATED_TOOLS = openClawTools.filter((spec) => spec.gatedByDefault).map((spec) => spec.name);

/** `APPROVAL_POLICY`: empty → the defaults; `none`; `all`; or a comma list of tool names. */
export function parseApprovalPolicy(raw: string | undefined): Set<string> {
  const value = (raw ?? "").trim();
  if (value === "") return new Set(DEFAULT_GATED_TOOLS);
  if (value === "none") return new Set();
  if (value === "all") return new Set(openClawTools.map((spec) => spec.name));
  return new Set(value.split(",").map((name) => name.trim()).filter((name) => toolSpecsByName.has(name)));
}
