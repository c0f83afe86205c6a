/**
 * A response body produced piece by piece as the reader pulls: `pieces` is read lazily, so a
 * long export holds one page of rows at a time, not the whole document.
 */
export function textStream(pieces: Iterable<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = pieces[Symbol.iterator]();
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      cancel() {
        iterator.return?.();
      },
    },
    { highWaterMark: 1 },
  );
}

/** `content-disposition` for a download: an ASCII `filename` and, when needed, RFC 6266's `filename*`. */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  if (ascii === filename) return `attachment; filename="${filename}"`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** A file name from a thread title: letters and digits (any script) joined by dashes. */
export function exportSlug(title: string | null, threadId: string): string {
  const words = (title ?? "").normalize("NFC").match(/[\p{L}\p{N}]+/gu) ?? [];
  const slug = words.join("-").toLowerCase().slice(0, 80).replace(/-+$/, "");
  return slug || threadId.replace(/[^A-Za-z0-9_-]/g, "-");
}
