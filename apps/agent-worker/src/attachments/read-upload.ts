import { ATTACHMENT_MEDIA_TYPES, attachmentByteLimit, attachmentFilenameSchema, readBodyBytesWithin } from "@oa/protocol";
import { ApiError } from "../failure.ts";
import { attachmentContentProblem } from "./content-check.ts";
import type { AttachmentUpload } from "./thread-attachments.ts";

/** `text/plain; charset=utf-8` → `text/plain`. */
function mediaTypeOf(header: string | null): string {
  return (header ?? "").split(";")[0]!.trim().toLowerCase();
}

function filenameOf(header: string | null): string {
  if (header === null) throw new ApiError("invalid_request", "X-OA-Filename (the URI-encoded file name) is required.");
  let decoded: string;
  try {
    decoded = decodeURIComponent(header);
  } catch {
    throw new ApiError("invalid_request", "X-OA-Filename must be URI-encoded.");
  }
  const parsed = attachmentFilenameSchema.safeParse(decoded);
  if (!parsed.success) throw new ApiError("invalid_request", `X-OA-Filename: ${parsed.error.issues[0]?.message ?? "invalid file name"}.`);
  // Path separators and control characters never reach a Content-Disposition or a prompt.
  return parsed.data.replace(/[\u0000-\u001f\u007f/\\]/g, "_");
}

/**
 * An upload as the thread stores it: the raw body of a type in ATTACHMENT_MEDIA_TYPES
 * (Content-Type), within that type's byte limit (counted while reading, refused early on a
 * larger Content-Length), whose bytes are what the type says, named by X-OA-Filename.
 */
export async function readAttachmentUpload(request: Request): Promise<AttachmentUpload> {
  const mediaType = mediaTypeOf(request.headers.get("content-type"));
  const limit = attachmentByteLimit(mediaType);
  if (limit === null) {
    throw new ApiError("unsupported_attachment", `Files of type ${JSON.stringify(mediaType.slice(0, 100))} cannot be attached.`, {
      accepted: ATTACHMENT_MEDIA_TYPES,
    });
  }
  const filename = filenameOf(request.headers.get("x-oa-filename"));
  const read = await readBodyBytesWithin(request, limit);
  if (!read.ok) throw new ApiError("attachment_too_large", `A ${mediaType} file may hold at most ${limit} bytes.`, { limit });
  const problem = attachmentContentProblem(mediaType, read.bytes);
  if (problem) throw new ApiError("unsupported_attachment", problem, { mediaType });
  return { filename, mediaType, bytes: read.bytes };
}
