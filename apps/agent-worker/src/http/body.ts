import { MAX_BODY_BYTES, readBodyWithin } from "@oa/protocol";
import type { z } from "zod";
import { ApiError } from "../failure.ts";

/** Reads at most `limit` bytes; a longer body is refused without reading the rest. */
export async function readBodyText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const read = await readBodyWithin(request, limit);
  if (!read.ok) throw new ApiError("body_too_large", `Request body is over ${limit} bytes.`, { limit });
  return read.text;
}

export async function readJsonBody(request: Request): Promise<unknown> {
  const text = await readBodyText(request);
  if (text.trim() === "") throw new ApiError("invalid_json", "Request body must be a JSON object.");
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError("invalid_json", "Request body is not valid JSON.");
  }
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what = "request body"): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ApiError("invalid_request", `Invalid ${what}.`, {
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    });
  }
  return parsed.data;
}
