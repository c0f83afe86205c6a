import { ATTACHMENT_URL_PREFIX, attachmentIdFromUrl, MAX_ATTACHMENTS_PER_THREAD, MAX_THREAD_ATTACHMENT_BYTES } from "@oa/protocol";
import type { UIMessage } from "ai";
import { type Failure, failure } from "../failure.ts";
import { type AttachmentRecord, AttachmentStore } from "../storage/attachment-store.ts";
import type { Commit } from "../storage/commit-then-publish.ts";
import type { EventLog } from "../storage/event-log.ts";

export type AttachmentUpload = { filename: string; mediaType: string; bytes: Uint8Array };

export type ThreadAttachmentsDeps = {
  threadId: string;
  sql: SqlStorage;
  log: EventLog;
  bucket: R2Bucket;
  commit: Commit;
  newId: () => string;
};

/** Where a thread's attachments live in R2: everything of one thread shares this prefix. */
function threadAttachmentPrefix(threadId: string): string {
  return `threads/${threadId}/`;
}

const unreachable = () => failure("dependency_unavailable", "The attachment storage is unreachable; try again.");

/** Why one more file of `size` bytes does not fit the thread, or null when it does. */
export function threadAttachmentQuotaProblem(totals: { count: number; bytes: number }, size: number): string | null {
  if (totals.count >= MAX_ATTACHMENTS_PER_THREAD) return `A thread may hold at most ${MAX_ATTACHMENTS_PER_THREAD} attachments.`;
  if (totals.bytes + size > MAX_THREAD_ATTACHMENT_BYTES)
    return `The attachments of one thread may hold at most ${MAX_THREAD_ATTACHMENT_BYTES} bytes together.`;
  return null;
}

/**
 * A thread's attachments: rows in its SQLite, bytes in R2 under `threads/<threadId>/<id>`.
 * Bytes are written before the row, so a row always has its object; an object without a row
 * (a failed write) is removed with the thread's prefix.
 */
export class ThreadAttachments {
  readonly store: AttachmentStore;
  /** Attachments being deleted: no message may start referring to one meanwhile. */
  private readonly deleting = new Set<string>();
  /** Uploads under way; the thread's deletion waits for them so none leaves an object behind. */
  private readonly uploading = new Set<Promise<unknown>>();
  /** Set while the thread is being deleted: new uploads are refused. */
  private closed = false;

  constructor(private readonly deps: ThreadAttachmentsDeps) {
    this.store = new AttachmentStore(deps.sql);
  }

  upload(upload: AttachmentUpload): Promise<{ ok: true; record: AttachmentRecord } | Failure> {
    if (this.closed) return Promise.resolve(failure("thread_not_found", "No such thread."));
    const pending = this.storeUpload(upload);
    this.uploading.add(pending);
    return pending.finally(() => this.uploading.delete(pending));
  }

  /**
   * Stops new uploads, waits for those under way, then deletes every object of the thread in
   * R2. Throws when R2 cannot be reached (uploads are accepted again: the thread stays).
   */
  async purgeForThreadDeletion(): Promise<void> {
    this.closed = true;
    try {
      await Promise.allSettled([...this.uploading]);
      await purgeThreadAttachments(this.deps.bucket, this.deps.threadId);
    } catch (error) {
      this.closed = false;
      throw error;
    }
  }

  /** The thread's deletion stopped after the purge (D1 or the feed was down): the thread takes uploads again. */
  reopen(): void {
    this.closed = false;
  }

  private async storeUpload(upload: AttachmentUpload): Promise<{ ok: true; record: AttachmentRecord } | Failure> {
    const quota = (size: number) => {
      const problem = threadAttachmentQuotaProblem(this.store.totals(), size);
      return problem
        ? failure("quota_exceeded", problem, { limit: { count: MAX_ATTACHMENTS_PER_THREAD, bytes: MAX_THREAD_ATTACHMENT_BYTES } })
        : null;
    };
    const size = upload.bytes.byteLength;
    const early = quota(size);
    if (early) return early;
    const id = this.deps.newId();
    const r2Key = `${threadAttachmentPrefix(this.deps.threadId)}${id}`;
    try {
      await this.deps.bucket.put(r2Key, upload.bytes, { httpMetadata: { contentType: upload.mediaType } });
    } catch (error) {
      console.warn("attachment upload could not reach R2", error);
      return unreachable();
    }
    // Other uploads may have been stored while the bytes were written.
    const late = quota(size);
    if (late) {
      await this.deps.bucket.delete(r2Key).catch(() => undefined);
      return late;
    }
    const now = Date.now();
    const record: AttachmentRecord = {
      id,
      filename: upload.filename,
      mediaType: upload.mediaType,
      size,
      r2Key,
      messageId: null,
      createdAt: now,
    };
    this.deps.commit(() => {
      this.store.insert(record);
      this.deps.log.append(
        { type: "attachment.stored", attachmentId: id, filename: record.filename, mediaType: record.mediaType, size },
        now,
      );
    });
    return { ok: true, record };
  }

  /** The stored bytes of one attachment, or a failure (unknown id: 404; R2 down: 503). */
  async read(id: string): Promise<{ ok: true; record: AttachmentRecord; object: R2ObjectBody } | Failure> {
    const record = this.store.get(id);
    if (!record) return failure("attachment_not_found", "No such attachment in this thread.", { attachmentId: id });
    let object: R2ObjectBody | null;
    try {
      object = await this.deps.bucket.get(record.r2Key);
    } catch (error) {
      console.warn("attachment read could not reach R2", error);
      return unreachable();
    }
    if (!object) return failure("attachment_not_found", "The attachment's file is gone.", { attachmentId: id });
    return { ok: true, record, object };
  }

  /** Removes an attachment no message refers to: its object, then its row and an `attachment.deleted` event. */
  async remove(id: string): Promise<{ ok: true; record: AttachmentRecord } | Failure> {
    const record = this.store.get(id);
    if (!record) return failure("attachment_not_found", "No such attachment in this thread.", { attachmentId: id });
    if (record.messageId !== null) {
      return failure("attachment_in_use", "A message refers to this attachment; it goes with the thread.", {
        attachmentId: id,
        messageId: record.messageId,
      });
    }
    if (this.deleting.has(id)) return failure("attachment_not_found", "No such attachment in this thread.", { attachmentId: id });
    this.deleting.add(id);
    try {
      await this.deps.bucket.delete(record.r2Key);
    } catch (error) {
      console.warn("attachment delete could not reach R2", error);
      return unreachable();
    } finally {
      this.deleting.delete(id);
    }
    const now = Date.now();
    this.deps.commit(() => {
      this.store.delete(id);
      this.deps.log.append({ type: "attachment.deleted", attachmentId: id }, now);
    });
    return { ok: true, record };
  }

  /**
   * A user message as the thread stores it: each `attachment:` file part must name an
   * attachment of this thread, and takes its media type and file name from the record (the
   * client's are never trusted). Returns the ids it refers to.
   */
  resolveReferences(message: UIMessage): { ok: true; message: UIMessage; ids: string[] } | Failure {
    const ids: string[] = [];
    const parts: UIMessage["parts"] = [];
    for (const [index, part] of message.parts.entries()) {
      if (part.type !== "file" || !part.url.startsWith(ATTACHMENT_URL_PREFIX)) {
        parts.push(part);
        continue;
      }
      const id = attachmentIdFromUrl(part.url);
      const record = id && !this.deleting.has(id) ? this.store.get(id) : null;
      if (!record)
        return failure("attachment_not_found", `Message part ${index} refers to no attachment of this thread.`, {
          part: index,
          url: part.url.slice(0, 200),
        });
      ids.push(record.id);
      parts.push({ type: "file", url: part.url, mediaType: record.mediaType, filename: record.filename });
    }
    return { ok: true, message: ids.length > 0 ? { ...message, parts } : message, ids };
  }

  /** Records which message refers to each attachment (the first one keeps it). */
  markReferenced(ids: string[], messageId: string): void {
    if (ids.length > 0) this.store.markReferenced(ids, messageId);
  }
}

/** Deletes every object under the thread's prefix, in pages of R2's list (at most 1000 keys a delete). */
async function purgeThreadAttachments(bucket: R2Bucket, threadId: string): Promise<void> {
  const prefix = threadAttachmentPrefix(threadId);
  let cursor: string | undefined;
  for (;;) {
    const page = await bucket.list({ prefix, cursor, limit: 1000 });
    if (page.objects.length > 0) await bucket.delete(page.objects.map((object) => object.key));
    if (!page.truncated) return;
    cursor = page.cursor;
  }
}
