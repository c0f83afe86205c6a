import { ERROR_STATUS, type ErrorBody, type ErrorCode } from "@oa/protocol";
import { ApiError, type Failure } from "../failure.ts";

export function errorResponse(code: ErrorCode, message: string, details?: unknown, headers?: HeadersInit): Response {
  const body: ErrorBody = { ok: false, error: { code, message, details: details ?? null } };
  const response = Response.json(body, { status: ERROR_STATUS[code], headers });
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
