import { z } from "zod";
import { opaqueIdSchema } from "./ids.ts";

/**
 * Files a person attaches to a message, stored in R2 and owned by the thread. A message refers
 * to one with a file part whose url is `attachment:<id>`; the agent reads the bytes from R2 for
 * the model (images as images, text as text) — never a URL a client supplied.
 */
export const ATTACHMENT_URL_PREFIX = "attachment:";

export const ATTACHMENT_IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;
export const ATTACHMENT_TEXT_TYPES = [
  "text/plain",
  "text/markdown",
  "text/csv",
  "application/json",
  "application/x-yaml",
  "text/x-log",
] as const;
export const ATTACHMENT_MEDIA_TYPES = [...ATTACHMENT_IMAGE_TYPES, ...ATTACHMENT_TEXT_TYPES] as const;
export type AttachmentMediaType = (typeof ATTACHMENT_MEDIA_TYPES)[number];

/** One image may hold at most this many bytes. */
export const MAX_ATTACHMENT_IMAGE_BYTES = 5 * 1024 * 1024;
/** One text file (a log, a config) may hold at most this many bytes. */
export const MAX_ATTACHMENT_TEXT_BYTES = 1024 * 1024;
/** Attachments one message may refer to. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 8;
/** Attachments one thread may hold, and their bytes together. */
export const MAX_ATTACHMENTS_PER_THREAD = 200;
export const MAX_THREAD_ATTACHMENT_BYTES = 100 * 1024 * 1024;
/** Text of one attached file the model sees (longer files are cut, and the model is told so). */
export const MAX_ATTACHMENT_TEXT_CHARS_FOR_MODEL = 64 * 1024;

export const attachmentIdSchema = opaqueIdSchema("attachment id");

/** What the upload says about the file: `Content-Type` (the media type) and `X-OA-Filename` (URI-encoded). */
export const attachmentFilenameSchema = z
  .string()
  .trim()
  .min(1, "file name must not be empty")
  .max(255, "file name is at most 255 characters");

export const attachmentSchema = z.object({
  id: z.string(),
  threadId: z.string(),
  filename: z.string(),
  mediaType: z.string(),
  size: z.number().int().nonnegative(),
  /** `attachment:<id>`: what a message's file part carries to refer to it. */
  url: z.string(),
  /** The message that refers to it; null while it waits in the composer. */
  messageId: z.string().nullable(),
  createdAt: z.string(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/** `POST /internal/thread/:threadId/attachments` answers 201 with this. */
export const attachmentUploadResultSchema = z.object({ ok: z.literal(true), attachment: attachmentSchema });
export type AttachmentUploadResult = z.infer<typeof attachmentUploadResultSchema>;
/** `GET /internal/thread/:threadId/attachments` */
export const attachmentListSchema = z.object({ ok: z.literal(true), threadId: z.string(), attachments: z.array(attachmentSchema) });
/** `DELETE /internal/thread/:threadId/attachments/:attachmentId` */
export const attachmentDeleteResultSchema = z.object({
  ok: z.literal(true),
  threadId: z.string(),
  attachmentId: z.string(),
  deleted: z.literal(true),
});
export type AttachmentDeleteResult = z.infer<typeof attachmentDeleteResultSchema>;

export function attachmentUrl(id: string): string {
  return `${ATTACHMENT_URL_PREFIX}${id}`;
}

/** The attachment id a file part's url names, or null when it is not an attachment reference. */
export function attachmentIdFromUrl(url: string): string | null {
  if (!url.startsWith(ATTACHMENT_URL_PREFIX)) return null;
  const id = url.slice(ATTACHMENT_URL_PREFIX.length);
  return attachmentIdSchema.safeParse(id).success ? id : null;
}

export function isImageAttachmentType(mediaType: string): boolean {
  return (ATTACHMENT_IMAGE_TYPES as readonly string[]).includes(mediaType);
}

/** The most bytes an attachment of this type may hold, or null when the type is not accepted. */
export function attachmentByteLimit(mediaType: string): number | null {
  if (isImageAttachmentType(mediaType)) return MAX_ATTACHMENT_IMAGE_BYTES;
  if ((ATTACHMENT_TEXT_TYPES as readonly string[]).includes(mediaType)) return MAX_ATTACHMENT_TEXT_BYTES;
  return null;
}

/**
 * Bytes of R2 attachments one model context inlines (images as bytes, text files as their cut
 * text), newest first; older ones are described to the model instead. Separate from
 * MAX_CONTEXT_FILE_BYTES (inline `data:` parts), which is smaller than one allowed image.
 */
export const MAX_CONTEXT_ATTACHMENT_BYTES = 12 * 1024 * 1024;

const typeByExtension: Record<string, AttachmentMediaType> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  txt: "text/plain",
  text: "text/plain",
  log: "text/x-log",
  md: "text/markdown",
  markdown: "text/markdown",
  csv: "text/csv",
  json: "application/json",
  yaml: "application/x-yaml",
  yml: "application/x-yaml",
};

/**
 * The media type to upload a file as: the browser's when it is an accepted one, else the one its
 * extension names (browsers give `.log` or `.yaml` files no type or a generic one), else the
 * browser's (the server then refuses it with a sentence).
 */
export function attachmentMediaType(filename: string, browserType: string): string {
  const declared = browserType.split(";")[0]!.trim().toLowerCase();
  if ((ATTACHMENT_MEDIA_TYPES as readonly string[]).includes(declared)) return declared;
  const extension = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase();
  return (extension && typeByExtension[extension]) || declared || "application/octet-stream";
}
