import { type JobKind, openclawPathIdSchema, pairingChannelSchema, type Risk, sessionKindSchema, type ToolName } from "@oa/protocol";
import { z } from "zod";
import { type OpenClawRequest, openclawRequests } from "../../openclaw/requests.ts";

/**
 * One OpenClaw capability the agent can use: what it does, whether it needs the person's
 * approval by default, how to describe a call to them, and how to make it.
 */
export type OpenClawToolSpec = {
  name: ToolName;
  description: string;
  input: z.ZodObject;
  gatedByDefault: boolean;
  /** Safe to repeat with the same Idempotency-Key after a crash left its outcome unknown. */
  idempotent: boolean;
  risk: Risk;
  cost: string | null;
  summarize: (input: Record<string, unknown>) => string;
  /**
   * The exact OpenClaw API request a call makes (for a job, its one keyed request): what an
   * approval records and shows, and what is checked again before anything is sent.
   */
  request: (input: Record<string, unknown>) => OpenClawRequest;
  /** Long work: the call starts a background job (keyed by the tool-call id) that reports progress and its result. */
  job?: JobKind;
  jobInput?: (input: Record<string, unknown>) => Record<string, unknown>;
};

const channel = pairingChannelSchema;
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
    request: () => openclawRequests.getInstance(),
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
    request: () => openclawRequests.provision(),
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
    request: () => openclawRequests.deleteInstance(),
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
    request: () => openclawRequests.getStatus(),
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
    request: () => openclawRequests.listDevices(),
  },
  {
    name: "approve_device",
    description: "Approve a pending device request by its requestId (from list_devices), pairing that device with the runtime.",
    input: z.object({ requestId: openclawPathIdSchema.describe("The pending request's requestId") }),
    gatedByDefault: true,
    idempotent: true,
    risk: "high",
    cost: "The device gets access to your OpenClaw runtime.",
    summarize: (input) => `Approve device request ${String(input.requestId)} (it gets access to your OpenClaw)`,
    request: (input) => openclawRequests.approveDevice(String(input.requestId)),
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
    request: (input) => openclawRequests.listPairingRequests(String(input.channel)),
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
    request: (input) => openclawRequests.approvePairing(String(input.channel), String(input.code)),
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
    request: () => openclawRequests.backupNow(),
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
    request: () => openclawRequests.restart(),
    job: "restart",
  },
  {
    name: "watch_status",
    description:
      "Watch the OpenClaw runtime's status for a while in the background and report every change; the summary is posted to the thread.",
    input: z.object({
      durationMinutes: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60)
        .default(10),
      intervalSeconds: z.number().int().min(5).max(3600).default(30),
    }),
    gatedByDefault: false,
    idempotent: true,
    risk: "low",
    cost: null,
    summarize: (input) => `Watch your OpenClaw status for ${String(input.durationMinutes ?? 10)} minutes`,
    request: () => openclawRequests.getStatus(),
    job: "watch_status",
    jobInput: (input) => ({
      durationSeconds: Number(input.durationMinutes ?? 10) * 60,
      intervalSeconds: Number(input.intervalSeconds ?? 30),
    }),
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
    request: () => openclawRequests.billingSummary(),
  },
  {
    name: "list_sessions",
    description: "List OpenClaw sessions (main, group, cron, hook, node, other).",
    input: z.object({
      limit: z.number().int().min(1).max(100).optional(),
      activeMinutes: z.number().int().min(1).max(100_000).optional(),
      messageLimit: z.number().int().min(0).max(50).optional(),
      kinds: z.array(sessionKindSchema).optional(),
    }),
    gatedByDefault: false,
    idempotent: true,
    risk: "low",
    cost: null,
    summarize: () => "List your OpenClaw sessions",
    request: (input) => openclawRequests.listSessions(input as Parameters<typeof openclawRequests.listSessions>[0]),
  },
  {
    name: "get_session_history",
    description: 'Read the transcript of one OpenClaw session by its key (the main session\'s key is "main").',
    input: z.object({
      sessionKey: openclawPathIdSchema,
      limit: z.number().int().min(1).max(200).optional(),
      includeTools: z.boolean().optional(),
    }),
    gatedByDefault: false,
    idempotent: true,
    risk: "low",
    cost: null,
    summarize: (input) => `Read the history of session ${String(input.sessionKey)}`,
    request: (input) =>
      openclawRequests.sessionHistory(String(input.sessionKey), {
        limit: input.limit as number | undefined,
        includeTools: input.includeTools as boolean | undefined,
      }),
  },
  {
    name: "send_session_message",
    description: "Send a message into an OpenClaw session and wait up to timeoutSeconds for its reply (0 = do not wait).",
    input: z.object({
      sessionKey: openclawPathIdSchema,
      message: z.string().min(1).max(10_000),
      timeoutSeconds: z.number().int().min(0).max(120).optional(),
    }),
    gatedByDefault: false,
    idempotent: false,
    risk: "medium",
    cost: null,
    summarize: (input) => `Send a message to session ${String(input.sessionKey)}`,
    request: (input) =>
      openclawRequests.sendSessionMessage(String(input.sessionKey), String(input.message), input.timeoutSeconds as number | undefined),
  },
];

/** Looked up by a name the model or the config gave (any string). */
export const toolSpecsByName = new Map<string, OpenClawToolSpec>(openClawTools.map((spec) => [spec.name, spec]));

export const DEFAULT_GATED_TOOLS = openClawTools.filter((spec) => spec.gatedByDefault).map((spec) => spec.name);

export type ApprovalPolicy = { ok: true; gated: Set<string> } | { ok: false; unknown: string[] };

/**
 * `APPROVAL_POLICY`: empty → the defaults; `none`; `all`; or a comma list of tool names, matched
 * case-insensitively. A name that is no tool is an error, never ignored: a typo would otherwise
 * silently remove a gate.
 */
export function parseApprovalPolicy(raw: string | undefined): ApprovalPolicy {
  const value = (raw ?? "").trim().toLowerCase();
  if (value === "") return { ok: true, gated: new Set(DEFAULT_GATED_TOOLS) };
  if (value === "none") return { ok: true, gated: new Set() };
  if (value === "all") return { ok: true, gated: new Set(openClawTools.map((spec) => spec.name)) };
  const entries = (raw ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  const unknown = entries.filter((name) => !toolSpecsByName.has(name.toLowerCase()));
  if (unknown.length > 0) return { ok: false, unknown };
  return { ok: true, gated: new Set(entries.map((name) => name.toLowerCase())) };
}
