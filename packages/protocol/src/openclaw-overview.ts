import { z } from "zod";
import {
  billingSummarySchema,
  deviceListSchema,
  instanceSummarySchema,
  pairingChannelSchema,
  pairingListSchema,
  runtimeStatusSchema,
} from "./openclaw.ts";

/**
 * What the agent's OpenClaw client turns every failed call into (the string-error envelope,
 * non-JSON 500s, network failures, time-outs): a value, never an exception.
 */
export const openclawErrorKindSchema = z.enum(["http", "timeout", "network", "invalid_response", "aborted", "invalid_request"]);
export const openclawErrorSchema = z.strictObject({
  kind: openclawErrorKindSchema,
  status: z.number().int().nullable(),
  message: z.string(),
});
export type OpenClawError = z.infer<typeof openclawErrorSchema>;

/** One part of the overview: read, failed on its own, or not read (null). */
function overviewPartSchema<T extends z.ZodType>(data: T) {
  return z.union([
    z.strictObject({ ok: z.literal(true), data }),
    z.strictObject({ ok: z.literal(false), error: openclawErrorSchema }),
    z.null(),
  ]);
}
export type OverviewPart<T> = { ok: true; data: T } | { ok: false; error: OpenClawError } | null;

/** GET /internal/openclaw/overview (the web's GET /openclaw): what the OpenClaw panel shows. */
export const openclawOverviewSchema = z.strictObject({
  ok: z.literal(true),
  configured: z.boolean(),
  instance: overviewPartSchema(instanceSummarySchema.nullable()),
  devices: overviewPartSchema(deviceListSchema),
  pairing: z.array(z.strictObject({ channel: pairingChannelSchema, result: overviewPartSchema(pairingListSchema) })),
  billing: overviewPartSchema(billingSummarySchema),
});
export type OpenClawOverview = z.infer<typeof openclawOverviewSchema>;

/** POST /internal/openclaw/runtime-status (the web's POST /openclaw/status): read only on the user's request. */
export const openclawRuntimeStatusAnswerSchema = z.strictObject({
  ok: z.literal(true),
  configured: z.boolean(),
  status: overviewPartSchema(runtimeStatusSchema),
});
export type OpenClawRuntimeStatusAnswer = z.infer<typeof openclawRuntimeStatusAnswerSchema>;
