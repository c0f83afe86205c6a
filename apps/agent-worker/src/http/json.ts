import type { Failure } from "../failure.ts";
import { failureResponse } from "./errors.ts";

export function jsonResponse(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}

export function resultResponse<T extends { ok: true }>(result: T | Failure): Response {
  return result.ok ? jsonResponse(result) : failureResponse(result);
}
