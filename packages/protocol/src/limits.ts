/** Request bodies above this size are refused before parsing (413-style, reported as 400). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** A single user message may carry at most this many characters of text. */
export const MAX_MESSAGE_CHARS = 100_000;
/** Page size bounds for history reads. */
export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;

export type BodyRead = { ok: true; text: string } | { ok: false; reason: "too_large" };

/**
 * Reads a request body of at most `limit` bytes, counted while reading (Content-Length is only a
 * hint): a longer body is refused without reading the rest. Each worker maps `too_large` to its
 * own error.
 */
export async function readBodyWithin(request: Request, limit = MAX_BODY_BYTES): Promise<BodyRead> {
  const read = await readBodyBytesWithin(request, limit);
  return read.ok ? { ok: true, text: new TextDecoder().decode(read.bytes) } : read;
}

export type BodyBytesRead = { ok: true; bytes: Uint8Array } | { ok: false; reason: "too_large" };

/** The body's bytes, at most `limit` of them (refused early on a larger Content-Length, counted while reading). */
export async function readBodyBytesWithin(request: Request, limit: number): Promise<BodyBytesRead> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) return { ok: false, reason: "too_large" };
  if (!request.body) return { ok: true, bytes: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return { ok: false, reason: "too_large" };
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return { ok: true, bytes: chunks[0]! };
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes: joined };
}

/** A file a person sends travels inline as a base64 `data:` URL of at most this many decoded bytes. */
export const MAX_FILE_PART_BYTES = 512 * 1024;
/** All the files of one message together (the whole body is capped at MAX_BODY_BYTES anyway). */
export const MAX_MESSAGE_FILE_BYTES = 768 * 1024;
/**
 * File data inlined into one model call, newest first: older files are described to the model,
 * not inlined, so no run holds more than this of file data whatever the thread holds.
 */
export const MAX_CONTEXT_FILE_BYTES = 1536 * 1024;
