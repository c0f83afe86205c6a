import type { ErrorCode } from "@oa/protocol";

/**
 * The status each refusal's code stands for, written down here on its own (not read from the
 * protocol's ERROR_STATUS), so the abuse suites check the workers against a second statement of it.
 * Each suite says which of these codes it may meet at all.
 */
export const REFUSAL_STATUS: Partial<Record<ErrorCode, number>> = {
  unauthorized: 401,
  not_authenticated: 401,
  forbidden_origin: 403,
  missing_user_id: 400,
  invalid_user_id: 400,
  invalid_json: 400,
  invalid_request: 400,
  invalid_thread_id: 400,
  body_too_large: 413,
  message_too_long: 400,
  unsupported_file_part: 400,
  login_failed: 400,
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
  rate_limited: 429,
};

/** A refusal `{status, code}` as the table expects it, or `status: undefined` for a code the suite may not meet. */
export function expectedRefusal(code: string, allowed: ReadonlySet<string>): { status: number | undefined; code: string } {
  return { status: allowed.has(code) ? REFUSAL_STATUS[code as ErrorCode] : undefined, code };
}
