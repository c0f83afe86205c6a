/**
 * The composer's attachments: each file is checked against the protocol's types and limits, then
 * uploaded to the thread at once (its tile shows it going up); sending hands the message an
 * `attachment:<id>` file part; taking a file out of the composer deletes the uploaded object.
 */
import type { AttachmentAdapter, CompleteAttachment, PendingAttachment } from "@assistant-ui/react";
import {
  ATTACHMENT_MEDIA_TYPES,
  type Attachment,
  attachmentByteLimit,
  attachmentMediaType,
  isImageAttachmentType,
  MAX_ATTACHMENTS_PER_MESSAGE,
} from "@oa/protocol";
import { deleteAttachment, errorSentence, uploadAttachment } from "./api.ts";
import { formatBytes } from "./message-attachments.tsx";

/** What the file chooser offers and what paste and drop take: the protocol's types, and their extensions. */
export const ATTACHMENT_ACCEPT = [
  ...ATTACHMENT_MEDIA_TYPES,
  ".txt",
  ".text",
  ".log",
  ".md",
  ".markdown",
  ".csv",
  ".json",
  ".yaml",
  ".yml",
  ".png",
  ".jpg",
  ".jpeg",
  ".gif",
  ".webp",
].join(",");

export const ACCEPTED_KINDS_SENTENCE =
  "Images (PNG, JPEG, GIF, WebP) and text files (plain text, logs, Markdown, CSV, JSON, YAML) can be attached.";

/** Why this file cannot be attached, as a sentence; null when it can. */
export function attachmentRefusal(file: File, mediaType: string, alreadyAttached: number): string | null {
  if (attachmentByteLimit(mediaType) === null) return `“${file.name}” cannot be attached. ${ACCEPTED_KINDS_SENTENCE}`;
  const limit = attachmentByteLimit(mediaType)!;
  if (file.size > limit)
    return `“${file.name}” is ${formatBytes(file.size)}; ${isImageAttachmentType(mediaType) ? "an image" : "a text file"} may be at most ${formatBytes(limit)}.`;
  if (file.size === 0) return `“${file.name}” is empty.`;
  if (alreadyAttached >= MAX_ATTACHMENTS_PER_MESSAGE) return `A message can carry at most ${MAX_ATTACHMENTS_PER_MESSAGE} files.`;
  return null;
}

type Upload = { done: Promise<Attachment>; uploaded: Attachment | null };

export function createAttachmentAdapter(threadId: string): AttachmentAdapter {
  /** The files in the composer that this adapter took, by the composer's id for them. */
  const uploads = new Map<string, Upload>();

  return {
    accept: ATTACHMENT_ACCEPT,

    async *add({ file }): AsyncGenerator<PendingAttachment, void> {
      const mediaType = attachmentMediaType(file.name, file.type);
      const refusal = attachmentRefusal(file, mediaType, uploads.size);
      if (refusal) throw new Error(refusal);
      const id = crypto.randomUUID();
      const base = {
        id,
        type: isImageAttachmentType(mediaType) ? "image" : "document",
        name: file.name,
        contentType: mediaType,
        file,
      } as const;
      const upload: Upload = {
        uploaded: null,
        done: uploadAttachment(threadId, file).then(({ attachment }) => (upload.uploaded = attachment)),
      };
      upload.done.catch(() => undefined); // said where it is awaited
      uploads.set(id, upload);
      // The tile shows a spinner while the bytes go up (fetch reports no upload progress).
      yield { ...base, status: { type: "running", reason: "uploading", progress: 0 } };
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
      // Still going up: it is deleted once stored (an upload cannot be called back).
      const stored = upload.uploaded ?? (await upload.done.catch(() => null));
      // Gone already (the thread was deleted) is what removing wanted.
      if (stored)
        await deleteAttachment(threadId, stored.id).catch((error: unknown) => {
          if ((error as { status?: number }).status !== 404)
            throw new Error(`“${attachment.name}” could not be removed — ${errorSentence(error)}`);
        });
    },
  };
}
