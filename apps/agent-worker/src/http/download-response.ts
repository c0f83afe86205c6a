import { isImageAttachmentType } from "@oa/protocol";
import type { AttachmentRecord } from "../storage/attachment-store.ts";

/** RFC 6266 / 5987: an ASCII fallback name plus the exact name percent-encoded as UTF-8. */
export function contentDisposition(kind: "inline" | "attachment", filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%;]/g, "_");
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * An attachment's bytes as a download: the type is the record's (never sniffed), images show
 * inline and text downloads, and the answer can run nothing even if opened directly.
 */
export function attachmentDownloadResponse(record: AttachmentRecord, body: ReadableStream): Response {
  const kind = isImageAttachmentType(record.mediaType) ? "inline" : "attachment";
  const contentType = record.mediaType.startsWith("text/") ? `${record.mediaType}; charset=utf-8` : record.mediaType;
  return new Response(body, {
    headers: {
      "content-type": contentType,
      "content-length": String(record.size),
      "content-disposition": contentDisposition(kind, record.filename),
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
      "cache-control": "private, max-age=31536000, immutable",
    },
  });
}
