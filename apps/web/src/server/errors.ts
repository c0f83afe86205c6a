/** The browser API's error shape: the same as the agent worker's, `{ok: false, error: {code, message}}`. */
export type WebErrorCode =
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
  | "internal_error";

const statusByCode: Record<WebErrorCode, number> = {
  not_authenticated: 401,
  forbidden_origin: 403,
  rate_limited: 429,
  invalid_request: 400,
  invalid_json: 400,
  unsupported_file_part: 400,
  body_too_large: 413,
  not_found: 404,
  method_not_allowed: 405,
  login_failed: 400,
  config_missing: 500,
  config_invalid: 500,
  agent_unavailable: 502,
  internal_error: 500,
};

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
  return Response.json({ ok: false, error: { code, message, details: null } }, { status: statusByCode[code], headers: { "cache-control": "no-store", ...headers } });
}
