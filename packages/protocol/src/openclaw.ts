import { z } from "zod";

/**
 * The OpenClaw API contract (docs/openclaw-api.md) as zod schemas: the local double
 * (apps/openclaw-local) infers its types from them and checks every answer against them in its
 * tests; the agent's client types what it reads with them.
 */

export const instanceStatusSchema = z.enum(["provisioning", "ready", "error", "deleted"]);
export type InstanceStatus = z.infer<typeof instanceStatusSchema>;

export const instanceSummarySchema = z.strictObject({
  status: instanceStatusSchema,
  runtime_name: z.string().nullable(),
  created_at: z.number().int(),
  updated_at: z.number().int(),
  last_ready_at: z.number().int().nullable(),
});
export type InstanceSummary = z.infer<typeof instanceSummarySchema>;

export const gatewayStatusSchema = z.enum(["running", "starting", "stopped", "error"]);
export type GatewayStatus = z.infer<typeof gatewayStatusSchema>;

export const runtimeStatusSchema = z.strictObject({
  gateway: z.strictObject({ status: gatewayStatusSchema }),
  lastBackup: z.iso.datetime().nullable(),
  container: z.strictObject({ instanceType: z.string() }),
  version: z.strictObject({ clawdbot: z.string() }),
});
export type RuntimeStatus = z.infer<typeof runtimeStatusSchema>;
export const backupResultSchema = z.strictObject({ lastBackup: z.iso.datetime() });
export type BackupResult = z.infer<typeof backupResultSchema>;
export const restartResultSchema = z.strictObject({ message: z.literal("restarting") });
export type RestartResult = z.infer<typeof restartResultSchema>;
export const instanceDeletionSchema = z.strictObject({ deleted: z.boolean() });

export const deviceClientSchema = z.strictObject({ platform: z.string().optional(), mode: z.string().optional() });
export type DeviceClient = z.infer<typeof deviceClientSchema>;

export const pendingDeviceSchema = z.strictObject({
  requestId: z.string(),
  client: deviceClientSchema.optional(),
  requestedAt: z.iso.datetime().optional(),
});
export const pairedDeviceSchema = z.strictObject({
  deviceId: z.string(),
  client: deviceClientSchema.optional(),
  pairedAt: z.iso.datetime().optional(),
});
export const deviceListSchema = z.strictObject({ pending: z.array(pendingDeviceSchema), paired: z.array(pairedDeviceSchema) });
export type PendingDevice = z.infer<typeof pendingDeviceSchema>;
export type PairedDevice = z.infer<typeof pairedDeviceSchema>;
export type DeviceList = z.infer<typeof deviceListSchema>;

export const deviceApprovalSchema = z.strictObject({ approved: z.boolean(), requestId: z.string() });
export type DeviceApproval = z.infer<typeof deviceApprovalSchema>;

/** DM pairing channels of the hosted runtime. */
export const pairingChannels = ["telegram", "whatsapp", "signal", "imessage", "discord", "slack"] as const;
export const pairingChannelSchema = z.enum(pairingChannels);
export type PairingChannel = z.infer<typeof pairingChannelSchema>;

/** 8 upper-case characters without the ambiguous 0 O 1 I. */
export const PAIRING_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const pairingCodeSchema = z.string().regex(/^[A-HJ-NP-Z2-9]{8}$/, "8 characters of A-Z 2-9 without I and O");

export const pairingRequestSchema = z.strictObject({
  id: z.string(),
  code: pairingCodeSchema,
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  meta: z.record(z.string(), z.string()).optional(),
});
export type PairingRequest = z.infer<typeof pairingRequestSchema>;
export const pairingListSchema = z.strictObject({ channel: z.string(), requests: z.array(pairingRequestSchema) });
export type PairingList = z.infer<typeof pairingListSchema>;
export const pairingApprovalSchema = z.strictObject({
  approved: z.literal(true),
  channel: z.string(),
  code: z.string(),
  stdout: z.string(),
  stderr: z.string(),
});

export const sessionKinds = ["main", "group", "cron", "hook", "node", "other"] as const;
export const sessionKindSchema = z.enum(sessionKinds);
export type SessionKind = z.infer<typeof sessionKindSchema>;

export const transcriptRoleSchema = z.enum(["user", "assistant", "toolResult"]);
export const transcriptMessageSchema = z.strictObject({
  role: transcriptRoleSchema,
  content: z.array(z.strictObject({ type: z.literal("text"), text: z.string() })),
  timestamp: z.number().int(),
  toolName: z.string().optional(),
});
export type TranscriptMessage = z.infer<typeof transcriptMessageSchema>;

export const sessionRowSchema = z.strictObject({
  key: z.string(),
  kind: sessionKindSchema,
  channel: z.string().optional(),
  displayName: z.string().optional(),
  updatedAt: z.number().int(),
  sessionId: z.string().optional(),
  model: z.string().optional(),
  totalTokens: z.number().int().optional(),
  messages: z.array(transcriptMessageSchema).optional(),
});
export type SessionRow = z.infer<typeof sessionRowSchema>;
export const sessionListSchema = z.array(sessionRowSchema);
export const sessionHistorySchema = z.strictObject({ messages: z.array(transcriptMessageSchema) });

export const sendStatusSchema = z.enum(["ok", "accepted", "timeout", "error"]);
export const sendResultSchema = z.strictObject({
  runId: z.string(),
  status: sendStatusSchema,
  reply: z.string().optional(),
  error: z.string().optional(),
});
export type SendResult = z.infer<typeof sendResultSchema>;

export const billingSummarySchema = z.strictObject({ user_id: z.string(), balance_usd: z.number() });
export type BillingSummary = z.infer<typeof billingSummarySchema>;

/** Every answer is `{ok, data, error}`; a failure carries a plain string error. */
export const openclawErrorEnvelopeSchema = z.strictObject({ ok: z.literal(false), data: z.null(), error: z.string().min(1) });

export function openclawOkEnvelopeSchema<T extends z.ZodType>(data: T) {
  return z.strictObject({ ok: z.literal(true), data, error: z.null() });
}
