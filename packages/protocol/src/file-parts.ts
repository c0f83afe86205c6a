import { MAX_FILE_PART_BYTES } from "./limits.ts";

/**
 * What a person may attach to a message. The server never fetches a URL a client supplied: a file
 * travels inline as a base64 `data:` URL of one of these types, within the size limits.
 */
export const ALLOWED_FILE_MEDIA_TYPES = [
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "text/plain",
  "text/markdown",
  "text/csv",
  "application/json",
  "application/pdf",
] as const;

export const MAX_FILENAME_CHARS = 255;

export type UserFilePart = { type: "file"; url: string; mediaType: string; filename?: string };
export type FilePartCheck = { ok: true; part: UserFilePart; bytes: number } | { ok: false; reason: string };

const allowed = new Set<string>(ALLOWED_FILE_MEDIA_TYPES);
const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** `text/plain; charset=utf-8` → `text/plain`. */
function essence(mediaType: string): string {
  return mediaType.split(";")[0]!.trim().toLowerCase();
}

/** A base64 `data:` URL's own media type and payload, or null when it is not one. */
export function parseDataUrl(url: string): { mediaType: string; payload: string } | null {
  if (!/^data:/i.test(url)) return null;
  const comma = url.indexOf(",");
  if (comma < 0) return null;
  const header = url
    .slice(5, comma)
    .split(";")
    .map((piece) => piece.trim());
  if (header.at(-1)?.toLowerCase() !== "base64") return null;
  return { mediaType: essence(header[0] ?? ""), payload: url.slice(comma + 1) };
}

/** Decoded size of a base64 payload, counted without decoding it. */
export function base64Bytes(payload: string): number {
  const padding = payload.endsWith("==") ? 2 : payload.endsWith("=") ? 1 : 0;
  return (payload.length / 4) * 3 - padding;
}

/** Checks one file part a person sent; only its known fields are kept. */
export function checkUserFilePart(part: Record<string, unknown>): FilePartCheck {
  const { url, mediaType, filename } = part;
  if (typeof url !== "string" || typeof mediaType !== "string")
    return { ok: false, reason: "A file part needs url and mediaType strings." };
  const declared = essence(mediaType);
  if (!allowed.has(declared)) return { ok: false, reason: `Files of type ${JSON.stringify(mediaType.slice(0, 100))} are not accepted.` };
  const data = parseDataUrl(url);
  if (!data) return { ok: false, reason: "A file must be sent inline as a base64 data: URL; the server never fetches a URL." };
  if (data.mediaType !== declared)
    return { ok: false, reason: `The data: URL holds ${JSON.stringify(data.mediaType)}, not the declared ${JSON.stringify(declared)}.` };
  // The size is known from the length alone: refuse before looking at every character.
  if (data.payload.length % 4 !== 0 || base64Bytes(data.payload) > MAX_FILE_PART_BYTES) {
    return data.payload.length % 4 !== 0
      ? { ok: false, reason: "The data: URL is not valid base64." }
      : { ok: false, reason: `A file may hold at most ${MAX_FILE_PART_BYTES} bytes.` };
  }
  if (!base64.test(data.payload)) return { ok: false, reason: "The data: URL is not valid base64." };
  if (filename !== undefined && (typeof filename !== "string" || filename.length > MAX_FILENAME_CHARS)) {
    return { ok: false, reason: `A file name is a string of at most ${MAX_FILENAME_CHARS} characters.` };
  }
  return {
    ok: true,
    part: { type: "file", url, mediaType: declared, ...(typeof filename === "string" ? { filename } : {}) },
    bytes: base64Bytes(data.payload),
  };
}

/**
 * Defence in depth for streamText: the model call never downloads a URL, nor hands one to the
 * provider to fetch (returning null would). Callers strip or refuse URL parts first, so this only ever sees [].
 */
export async function refuseDownloads(requests: Array<{ url: URL }>): Promise<never[]> {
  if (requests.length === 0) return [];
  throw new Error(`The server never fetches URLs from a conversation (${requests.length} asked for).`);
}
