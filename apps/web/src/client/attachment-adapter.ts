/**
 * The composer's attachments: each file is checked against the protocol's types and limits, then
 * uploaded to the thread at once (its chip shows the progress); sending hands the message an
 * `attachment:<id>` file part; taking a file out of the composer deletes the uploaded object.
 */
import type { AttachmentAdapter, CompleteAttachment, PendingAttachment } from "@assistant-ui/react";
import { ATTACHMENT_MEDIA_TYPES, attachmentByteLimit, type Attachment, isImageAttachmentType, MAX_ATTACHMENTS_PER_MESSAGE } from "@oa/protocol";
import { deleteAttachment, errorSentence, uploadAttachment } from "./api.ts";
import { formatBytes } from "./message-attachments.tsx";

/** Browsers leave `type` empty for some text files (`.log`, `.yaml`): the extension says what they are. */
const TYPE_BY_EXTENSION: Record<string, string> = {
  txt: "text/plain",
  log: "text/x-log",
  md: "text/markdown",
  markdown: "text/markdown",
  csv: "text/csv",
  json: "application/json",
  yaml: "application/x-yaml",
  yml: "application/x-yaml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
};

/** What the file chooser offers and what paste and drop take: the protocol's types, and their extensions. */
export const ATTACHMENT_ACCEPT = [...ATTACHMENT_MEDIA_TYPES, ...Object.keys(TYPE_BY_EXTENSION).map((extension) => `.${extension}`)].join(",");

export const ACCEPTED_KINDS_SENTENCE = "Images (PNG, JPEG, GIF, WebP) and text files (plain text, logs, Markdown, CSV, JSON, YAML) can be attached.";

/** The media type the upload declares, or null when the file is of no accepted type. */
export function attachmentMediaType(file: File): string | null {
  const declared = file.type.split(";", 1)[0]!.trim().toLowerCase();
  if ((ATTACHMENT_MEDIA_TYPES as readonly string[]).includes(declared)) return declared;
  const extension = file.name.toLowerCase().split(".").at(-1) ?? "";
  const byName = TYPE_BY_EXTENSION[extension];
  // A name says "text" only when the browser did not say something else (an `.txt` that is a PDF).
  if (byName && (declared === "" || declared.startsWith("text/") || declared === "application/octet-stream")) return byName;
  return null;
}

/** Why this file cannot be attached, as a sentence; null when it can. */
export function attachmentRefusal(file: File, mediaType: string | null, alreadyAttached: number): string | null {
  if (mediaType === null) return `“${file.name}” cannot be attached. ${ACCEPTED_KINDS_SENTENCE}`;
  const limit = attachmentByteLimit(mediaType)!;
  if (file.size > limit) return `“${file.name}” is ${formatBytes(file.size)}; ${isImageAttachmentType(mediaType) ? "an image" : "a text file"} may be at most ${formatBytes(limit)}.`;
  if (file.size === 0) return `“${file.name}” is empty.`;
  if (alreadyAttached >= MAX_ATTACHMENTS_PER_MESSAGE) return `A message can carry at most ${MAX_ATTACHMENTS_PER_MESSAGE} files.`;
  return null;
}

type Upload = { done: Promise<Attachment>; controller: AbortController; uploaded: Attachment | null };

export function createAttachmentAdapter(threadId: string): AttachmentAdapter {
  /** The files in the composer that this adapter took, by the composer's id for them. */
  const uploads = new Map<string, Upload>();

  return {
    accept: ATTACHMENT_ACCEPT,

    async *add({ file }): AsyncGenerator<PendingAttachment, void> {
      const mediaType = attachmentMediaType(file);
      const refusal = attachmentRefusal(file, mediaType, uploads.size);
      if (refusal) throw new Error(refusal);
      const id = crypto.randomUUID();
      const base = { id, type: isImageAttachmentType(mediaType!) ? "image" : "document", name: file.name, contentType: mediaType!, file } as const;
      let progress = 0;
      let settled = false;
      let wake = () => {};
      const controller = new AbortController();
      const upload: Upload = {
        controller,
        uploaded: null,
        done: uploadAttachment(threadId, file, {
          mediaType: mediaType!,
          signal: controller.signal,
          onProgress: (fraction) => {
            progress = fraction;
            wake();
          },
        }),
      };
      uploads.set(id, upload);
      upload.done.then(
        (attachment) => (upload.uploaded = attachment),
        () => undefined,
      );
      void upload.done.finally(() => ((settled = true), wake())).catch(() => undefined);
      // One state per progress report until the bytes are stored (the wake-up is armed before each yield).
      for (;;) {
        const next = new Promise<void>((resolve) => (wake = resolve));
        if (settled) break;
        yield { ...base, status: { type: "running", reason: "uploading", progress } };
        await next;
      }
      try {
        await upload.done;
      } catch (error) {
        throw new Error(`“${file.name}” could not be uploaded — ${errorSentence(error)}`);
      }
      yield { ...base, status: { type: "requires-action", reason: "composer-send" } };
    },

    async send(attachment): Promise<CompleteAttachment> {
      const upload = uploads.get(attachment.id);
      if (!upload) throw new Error(`“${attachment.name}” is no longer attached; attach it again.`);
      let stored: Attachment;
      try {
        stored = await upload.done;
      } catch (error) {
        throw new Error(`“${attachment.name}” could not be uploaded — ${errorSentence(error)}. Remove it or attach it again.`);
      }
      uploads.delete(attachment.id);
      return {
        id: attachment.id,
        type: attachment.type,
        name: stored.filename,
        contentType: stored.mediaType,
        status: { type: "complete" },
        content: [{ type: "file", sourceType: "id", data: stored.url, mimeType: stored.mediaType, filename: stored.filename }],
      };
    },

    async remove(attachment) {
      const upload = uploads.get(attachment.id);
      if (!upload) return;
      uploads.delete(attachment.id);
      upload.controller.abort();
      const stored = upload.uploaded ?? (await upload.done.catch(() => null));
      // Gone already (the thread was deleted) is what removing wanted.
      if (stored) await deleteAttachment(threadId, stored.id).catch((error: unknown) => {
        if ((error as { status?: number }).status !== 404) throw new Error(`“${attachment.name}” could not be removed — ${errorSentence(error)}`);
      });
    },
  };
}
