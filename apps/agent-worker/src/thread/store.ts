import type { UIMessage } from "ai";

export type ThreadKind = "chat" | "project" | "openclaw";

export type ThreadMeta = {
  threadId: string;
  kind: ThreadKind;
  ownerId: string;
  title: string | null;
  messageCount: number;
  summary: string;
  summaryThrough: number;
  createdAt: number;
  updatedAt: number;
  lastMessageAt: number | null;
  archived: boolean;
  pinned: boolean;
};

/** Stands in for a file's data that `contextMessages` left in storage. */
export const OMITTED_FILE_URL = "omitted:file-budget";

export type StoredMessage = UIMessage & { position: number; createdAt: number; runId: string | null };

type MessageRow = {
  position: number;
  id: string;
  role: string;
  parts: string;
  metadata: string | null;
  run_id: string | null;
  created_at: number;
};

function toStoredMessage(row: MessageRow): StoredMessage {
  const message: StoredMessage = {
    id: row.id,
    role: row.role as UIMessage["role"],
    parts: JSON.parse(row.parts) as UIMessage["parts"],
    position: row.position,
    createdAt: row.created_at,
    runId: row.run_id,
  };
  if (row.metadata !== null) message.metadata = JSON.parse(row.metadata);
  return message;
}

/**
 * Thread meta and the transcript. One row per UI message; appending or updating a message
 * touches that row only, whatever the length of the thread.
 */
export class ThreadStore {
  constructor(private readonly sql: SqlStorage) {}

  meta(): ThreadMeta | null {
    const row = this.sql
      .exec<{
        thread_id: string;
        kind: string;
        owner_id: string;
        title: string | null;
        message_count: number;
        summary: string;
        summary_through: number;
        created_at: number;
        updated_at: number;
        last_message_at: number | null;
        archived: number;
        pinned: number;
      }>("SELECT * FROM thread_meta WHERE singleton = 1")
      .toArray()[0];
    if (!row) return null;
    return {
      threadId: row.thread_id,
      kind: row.kind as ThreadKind,
      ownerId: row.owner_id,
      title: row.title,
      messageCount: row.message_count,
      summary: row.summary,
      summaryThrough: row.summary_through,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      lastMessageAt: row.last_message_at,
      archived: row.archived === 1,
      pinned: row.pinned === 1,
    };
  }

  createMeta(threadId: string, ownerId: string, now: number, kind: ThreadKind = "chat", title: string | null = null): void {
    this.sql.exec(
      "INSERT INTO thread_meta (singleton, thread_id, owner_id, kind, title, created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
      threadId,
      ownerId,
      kind,
      title,
      now,
      now,
    );
  }

  setTitle(title: string, now: number): void {
    this.sql.exec("UPDATE thread_meta SET title = ?, updated_at = ? WHERE singleton = 1", title, now);
  }

  setFlags(flags: { archived: boolean; pinned: boolean }, now: number): void {
    this.sql.exec("UPDATE thread_meta SET archived = ?, pinned = ?, updated_at = ? WHERE singleton = 1", Number(flags.archived), Number(flags.pinned), now);
  }

  setSummary(summary: string, through: number, now: number): void {
    this.sql.exec(
      "UPDATE thread_meta SET summary = ?, summary_through = ?, updated_at = ? WHERE singleton = 1",
      summary,
      through,
      now,
    );
  }

  hasMessage(id: string): boolean {
    return this.sql.exec("SELECT 1 FROM messages WHERE id = ?", id).toArray().length > 0;
  }

  getMessage(id: string): StoredMessage | null {
    const row = this.sql.exec<MessageRow>("SELECT * FROM messages WHERE id = ?", id).toArray()[0];
    return row ? toStoredMessage(row) : null;
  }

  appendMessage(message: UIMessage, runId: string | null, now: number): number {
    const row = this.sql
      .exec<{ position: number }>(
        `INSERT INTO messages (id, role, parts, metadata, run_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING position`,
        message.id,
        message.role,
        JSON.stringify(message.parts),
        message.metadata === undefined ? null : JSON.stringify(message.metadata),
        runId,
        now,
        now,
      )
      .one();
    this.sql.exec(
      "UPDATE thread_meta SET message_count = message_count + 1, updated_at = ?, last_message_at = ? WHERE singleton = 1",
      now,
      now,
    );
    return row.position;
  }

  /** Benchmarks only: `count` plain alternating turns, as if the thread had been long all along. */
  appendSeeded(count: number, now: number): void {
    for (let index = 0; index < count; index++) {
      const role = index % 2 === 0 ? "user" : "assistant";
      const text = role === "user" ? `Seeded question ${index}: how is my OpenClaw doing?` : `Seeded answer ${index}: it is running fine.`;
      this.appendMessage({ id: `seed_${crypto.randomUUID()}`, role, parts: [{ type: "text", text }] }, null, now);
    }
  }

  /** Replaces one message's parts (an answer growing step by step); other rows are untouched. */
  updateMessage(message: UIMessage, now: number): void {
    this.sql.exec(
      "UPDATE messages SET parts = ?, metadata = ?, updated_at = ? WHERE id = ?",
      JSON.stringify(message.parts),
      message.metadata === undefined ? null : JSON.stringify(message.metadata),
      now,
      message.id,
    );
    this.sql.exec("UPDATE thread_meta SET updated_at = ?, last_message_at = ? WHERE singleton = 1", now, now);
  }

  /** Newest-first page, returned oldest-first. */
  pageMessages(before: number | undefined, limit: number): StoredMessage[] {
    const rows = this.sql
      .exec<MessageRow>(
        "SELECT * FROM messages WHERE position < ? ORDER BY position DESC LIMIT ?",
        before ?? Number.MAX_SAFE_INTEGER,
        limit,
      )
      .toArray();
    return rows.reverse().map(toStoredMessage);
  }

  /** The last `count` messages at or before `through`, oldest first. */
  lastMessages(count: number, through = Number.MAX_SAFE_INTEGER): StoredMessage[] {
    return this.pageMessages(through + 1, count);
  }

  /**
   * The last `count` messages at or before `through` as the model may see them, oldest first.
   * Newest first, a message's inline files are read while their data fits `fileChars`; older
   * rows are read with their file data left in storage (the url becomes OMITTED_FILE_URL), so a
   * run holds at most that much file data whatever the thread holds.
   */
  contextMessages(count: number, through: number, fileChars: number): StoredMessage[] {
    const sizes = this.sql
      .exec<{ position: number; file_chars: number }>(
        `SELECT position, (SELECT COALESCE(SUM(length(json_extract(part.value, '$.url'))), 0) FROM json_each(messages.parts) AS part
           WHERE json_extract(part.value, '$.type') = 'file') AS file_chars
         FROM messages WHERE position <= ? ORDER BY position DESC LIMIT ?`,
        through,
        count,
      )
      .toArray();
    let remaining = fileChars;
    const whole: number[] = [];
    for (const row of sizes) {
      if (row.file_chars > remaining) continue;
      remaining -= row.file_chars;
      whole.push(row.position);
    }
    const oldest = sizes.at(-1)?.position ?? through + 1;
    return this.sql
      .exec<MessageRow>(
        `SELECT position, id, role, metadata, run_id, created_at, updated_at,
           CASE WHEN position IN (SELECT value FROM json_each(?)) THEN parts ELSE
             (SELECT json_group_array(CASE WHEN json_extract(part.value, '$.type') = 'file'
                THEN json_set(part.value, '$.url', ?) ELSE json(part.value) END) FROM json_each(messages.parts) AS part)
           END AS parts
         FROM messages WHERE position >= ? AND position <= ? ORDER BY position ASC`,
        JSON.stringify(whole),
        OMITTED_FILE_URL,
        oldest,
        through,
      )
      .toArray()
      .map(toStoredMessage);
  }

  /** Messages in (after, through], oldest first: what a summary update folds in. */
  messagesBetween(after: number, through: number, limit: number): StoredMessage[] {
    return this.sql
      .exec<MessageRow>(
        "SELECT * FROM messages WHERE position > ? AND position <= ? ORDER BY position ASC LIMIT ?",
        after,
        through,
        limit,
      )
      .toArray()
      .map(toStoredMessage);
  }
}
