import { type Attachment, attachmentUrl } from "@oa/protocol";

/** One attachment row: the file's facts and where its bytes are in R2. */
export type AttachmentRecord = {
  id: string;
  filename: string;
  mediaType: string;
  size: number;
  r2Key: string;
  messageId: string | null;
  createdAt: number;
};

type AttachmentRow = {
  id: string;
  filename: string;
  media_type: string;
  size: number;
  r2_key: string;
  message_id: string | null;
  created_at: number;
};

function toRecord(row: AttachmentRow): AttachmentRecord {
  return {
    id: row.id,
    filename: row.filename,
    mediaType: row.media_type,
    size: row.size,
    r2Key: row.r2_key,
    messageId: row.message_id,
    createdAt: row.created_at,
  };
}

export function toApiAttachment(record: AttachmentRecord, threadId: string): Attachment {
  return {
    id: record.id,
    threadId,
    filename: record.filename,
    mediaType: record.mediaType,
    size: record.size,
    url: attachmentUrl(record.id),
    messageId: record.messageId,
    createdAt: new Date(record.createdAt).toISOString(),
  };
}

/** The thread's attachment rows (the bytes are R2's). */
export class AttachmentStore {
  constructor(private readonly sql: SqlStorage) {}

  insert(record: AttachmentRecord): void {
    this.sql.exec(
      "INSERT INTO attachments (id, filename, media_type, size, r2_key, message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      record.id,
      record.filename,
      record.mediaType,
      record.size,
      record.r2Key,
      record.messageId,
      record.createdAt,
    );
  }

  get(id: string): AttachmentRecord | null {
    const row = this.sql.exec<AttachmentRow>("SELECT * FROM attachments WHERE id = ?", id).toArray()[0];
    return row ? toRecord(row) : null;
  }

  /** Oldest first; a thread holds at most MAX_ATTACHMENTS_PER_THREAD, so the list is one page. */
  list(): AttachmentRecord[] {
    return this.sql.exec<AttachmentRow>("SELECT * FROM attachments ORDER BY created_at ASC, id ASC").toArray().map(toRecord);
  }

  totals(): { count: number; bytes: number } {
    const row = this.sql
      .exec<{ count: number; bytes: number }>("SELECT COUNT(*) AS count, COALESCE(SUM(size), 0) AS bytes FROM attachments")
      .one();
    return { count: row.count, bytes: row.bytes };
  }

  /** The first message to refer to an attachment owns it; later references (an edited copy) leave it. */
  markReferenced(ids: string[], messageId: string): void {
    for (const id of ids) this.sql.exec("UPDATE attachments SET message_id = ? WHERE id = ? AND message_id IS NULL", messageId, id);
  }

  delete(id: string): void {
    this.sql.exec("DELETE FROM attachments WHERE id = ?", id);
  }
}
