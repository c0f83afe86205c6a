import { ALLOWED_FILE_MEDIA_TYPES, ATTACHMENT_URL_PREFIX, parseDataUrl } from "@oa/protocol";
import type { UIMessage } from "ai";
import { OMITTED_FILE_URL } from "../storage/thread-store.ts";

const allowed = new Set<string>(ALLOWED_FILE_MEDIA_TYPES);

function describe(part: { filename?: unknown; mediaType?: unknown }, why: string): { type: "text"; text: string } {
  const name = typeof part.filename === "string" && part.filename ? part.filename.slice(0, 255) : "unnamed";
  const type = typeof part.mediaType === "string" ? part.mediaType.slice(0, 100) : "unknown type";
  return { type: "text", text: `[file: ${name}, ${type} — ${why}]` };
}

/**
 * The messages as the model may see them: a file part reaches the model only as inline data (a
 * base64 `data:` URL of an allowed type, whose own type is the declared one). Anything else —
 * a URL stored before the server refused them, a file left out for the context's file budget — is
 * described as text, so nothing is ever downloaded and no old thread breaks on one.
 */
export function filesForModel<M extends UIMessage>(messages: M[]): M[] {
  return messages.map((message) => {
    if (!message.parts.some((part) => part.type === "file")) return message;
    const parts = message.parts.map((part) => {
      if (part.type !== "file") return part;
      if (part.url === OMITTED_FILE_URL) return describe(part, "not included: only the newest files fit the context");
      // An R2 attachment: attachmentsForModel reads it for the run, or describes it.
      if (typeof part.url === "string" && part.url.startsWith(ATTACHMENT_URL_PREFIX)) return part;
      const data = typeof part.url === "string" ? parseDataUrl(part.url) : null;
      const declared = typeof part.mediaType === "string" ? part.mediaType.toLowerCase() : "";
      if (!data || !allowed.has(data.mediaType) || data.mediaType !== declared) return describe(part, "not available");
      return part;
    });
    return { ...message, parts };
  });
}
