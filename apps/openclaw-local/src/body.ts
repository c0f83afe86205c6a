import { type BodyRead, readBodyWithin } from "@oa/protocol";

/** The gateway refuses bodies over 2 MB; locally 1 MiB is plenty for every endpoint. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads at most `limit` bytes; a longer body is refused without reading the rest. */
export function readBodyText(request: Request, limit = MAX_BODY_BYTES): Promise<BodyRead> {
  return readBodyWithin(request, limit);
}

/** Like production (`req.json().unwrap_or(Null)`): no body or a body that is not JSON reads as null. */
export function parseJsonOrNull(text: string): unknown {
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
