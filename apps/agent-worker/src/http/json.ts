import type { Failure } from "../failure.ts";
import { failureResponse } from "./errors.ts";

export function jsonResponse(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}

/** The one rendering of an RPC's value: the value as JSON (`status` on success), a failure through the error map. */
export function resultResponse<T extends { ok: true }>(result: T | Failure, status = 200): Response {
  return result.ok ? jsonResponse(result, status) : failureResponse(result);
}
