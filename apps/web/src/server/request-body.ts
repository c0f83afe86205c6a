import { MAX_BODY_BYTES, readBodyWithin } from "@oa/protocol";
import type { Context } from "hono";
import type { App } from "./app-types.ts";
import { WebError } from "./errors.ts";

export async function readBody(c: Context<App>): Promise<string> {
  const read = await readBodyWithin(c.req.raw, MAX_BODY_BYTES);
  if (!read.ok) throw new WebError("body_too_large", "The body is larger than 1 MiB.");
  return read.text;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new WebError("invalid_json", "The body is not JSON.");
  }
}
