import { MAX_ATTACHMENT_IMAGE_BYTES, MAX_BODY_BYTES, readBodyBytesWithin, readBodyWithin } from "@oa/protocol";
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

/** An attachment upload's raw bytes, at most the largest any attachment type may hold (the agent checks its type's own limit). */
export async function readUploadBytes(c: Context<App>): Promise<Uint8Array> {
  const read = await readBodyBytesWithin(c.req.raw, MAX_ATTACHMENT_IMAGE_BYTES);
  if (!read.ok) throw new WebError("body_too_large", `A file may hold at most ${MAX_ATTACHMENT_IMAGE_BYTES} bytes.`);
  return read.bytes;
}
