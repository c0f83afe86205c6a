import { z } from "zod";

export const errorCodes = [
  "config_missing_internal_key",
  "config_invalid",
  "unauthorized",
  "missing_user_id",
  "invalid_user_id",
  "invalid_json",
  "invalid_request",
  "invalid_thread_id",
  "body_too_large",
  "message_too_long",
  "unsupported_file_part",
  "thread_not_found",
  "message_not_found",
  "attachment_not_found",
  "attachment_too_large",
  "unsupported_attachment",
  "attachment_in_use",
  "not_found",
  "method_not_allowed",
  "run_active",
  "approval_not_found",
  "approval_already_resolved",
  "approval_expired",
  "approval_mismatch",
  "conflict",
  "quota_exceeded",
  "model_error",
  "dependency_unavailable",
  "internal_error",
] as const;

export const errorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const errorBodySchema = z.object({
  ok: z.literal(false),
  error: z.object({
    code: errorCodeSchema,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
