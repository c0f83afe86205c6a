import type { Attachment } from "@oa/protocol";
import type { ThreadServices } from "../agents/thread-services.ts";
import type { Failure } from "../failure.ts";
import { attachmentDownloadResponse } from "../http/download-response.ts";
import { failureResponse } from "../http/errors.ts";
import { toApiAttachment } from "../storage/attachment-store.ts";
import type { ThreadMeta } from "../storage/thread-store.ts";
import type { AttachmentUpload } from "./thread-attachments.ts";

/** The thread's files, as its owner uploads, lists, downloads and deletes them. */

export type AttachmentStored = { ok: true; attachment: Attachment };
export type AttachmentsList = { ok: true; threadId: string; attachments: Attachment[] };
export type AttachmentDeleted = { ok: true; threadId: string; attachmentId: string; deleted: true };

/** Stores a file the router already checked (type, size, content) in the thread. */
export async function uploadAttachment(
  services: ThreadServices,
  meta: ThreadMeta,
  upload: AttachmentUpload,
): Promise<AttachmentStored | Failure> {
  const result = await services.attachments(meta.threadId).upload(upload);
  if (!result.ok) return result;
  return { ok: true, attachment: toApiAttachment(result.record, meta.threadId) };
}

export function listAttachments(services: ThreadServices, meta: ThreadMeta): AttachmentsList {
  const attachments = services
    .attachments(meta.threadId)
    .store.list()
    .map((record) => toApiAttachment(record, meta.threadId));
  return { ok: true, threadId: meta.threadId, attachments };
}

/** The file's bytes as a download (a stream). */
export async function downloadAttachment(services: ThreadServices, meta: ThreadMeta, attachmentId: string): Promise<Response> {
  const result = await services.attachments(meta.threadId).read(attachmentId);
  return result.ok ? attachmentDownloadResponse(result.record, result.object.body) : failureResponse(result);
}

export async function deleteAttachment(
  services: ThreadServices,
  meta: ThreadMeta,
  attachmentId: string,
): Promise<AttachmentDeleted | Failure> {
  const result = await services.attachments(meta.threadId).remove(attachmentId);
  if (!result.ok) return result;
  return { ok: true, threadId: meta.threadId, attachmentId, deleted: true };
}
