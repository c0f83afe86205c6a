import type { ErrorBody, ErrorCode } from "@oa/protocol";
import { ApiError, type Failure } from "../failure.ts";

const statusByCode: Record<ErrorCode, number> = {
  config_missing_internal_key: 500,
  config_invalid: 500,
  unauthorized: 401,
  missing_user_id: 400,
  invalid_user_id: 400,
  invalid_json: 400,
  invalid_request: 400,
  invalid_thread_id: 400,
  body_too_large: 400,
  message_too_long: 400,
  unsupported_file_part: 400,
  thread_not_found: 404,
  message_not_found: 404,
  attachment_not_found: 404,
  attachment_too_large: 413,
  unsupported_attachment: 415,
  attachment_in_use: 409,
  not_found: 404,
  method_not_allowed: 405,
  run_active: 409,
  approval_not_found: 404,
  approval_already_resolved: 409,
  approval_expired: 409,
  approval_mismatch: 409,
  conflict: 409,
  quota_exceeded: 429,
  model_error: 502,
  dependency_unavailable: 503,
  internal_error: 500,
};

export function errorResponse(code: ErrorCode, message: string, details?: unknown, headers?: HeadersInit): Response {
  const body: ErrorBody = { ok: false, error: { code, message, details: details ?? null } };
  const response = Response.json(body, { status: statusByCode[code], headers });
  return response;
}

export function failureResponse(result: Failure): Response {
  return errorResponse(result.error.code, result.error.message, result.error.details);
}

export function toErrorResponse(error: unknown): Response {
  if (error instanceof ApiError) return errorResponse(error.code, error.message, error.details);
  console.error("unhandled error", error);
  return errorResponse("internal_error", "The agent worker failed to handle this request.");
}
