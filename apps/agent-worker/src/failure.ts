import type { ErrorCode } from "@oa/protocol";

/** A failure that maps to one HTTP answer. Thrown inside handlers, rendered in one place. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.details = details;
  }
}

/** Domain results crossing the Durable Object boundary carry errors as plain values. */
export type Failure = { ok: false; error: { code: ErrorCode; message: string; details?: unknown } };

export function failure(code: ErrorCode, message: string, details?: unknown): Failure {
  return { ok: false, error: details === undefined ? { code, message } : { code, message, details } };
}
