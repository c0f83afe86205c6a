import { ERROR_STATUS, type ErrorBody, type ErrorCode } from "@oa/protocol";

/**
 * The browser API's error shape: the same as the agent worker's, `{ok: false, error: {code, message}}`.
 * The codes the web worker itself answers with; like every code, its status is the protocol's ERROR_STATUS.
 */
export type WebErrorCode = Extract<
  ErrorCode,
  | "not_authenticated"
  | "forbidden_origin"
  | "rate_limited"
  | "invalid_request"
  | "invalid_json"
  | "unsupported_file_part"
  | "body_too_large"
  | "not_found"
  | "method_not_allowed"
  | "login_failed"
  | "config_missing"
  | "config_invalid"
  | "agent_unavailable"
  | "internal_error"
>;

export class WebError extends Error {
  constructor(
    readonly code: WebErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "WebError";
  }
}

export function webErrorResponse(code: WebErrorCode, message: string, headers: Record<string, string> = {}): Response {
  const body: ErrorBody = { ok: false, error: { code, message, details: null } };
  return Response.json(body, { status: ERROR_STATUS[code], headers: { "cache-control": "no-store", ...headers } });
}
