import type { BranchInfo, ThreadKind } from "@oa/protocol";
import type { UIMessage } from "ai";
import { branchInfo, isOnPath, newestLeafUnder, type PathStep, walkToRoot } from "../thread/message-tree.ts";

export type { ThreadKind };

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

/** `parentId`: the message this one follows (null: a first message); the transcript is a tree. */
export type StoredMessage = UIMessage & { position: number; createdAt: number; runId: string | null; parentId: string | null };

/** A running summary of the path from the first message through `throughId`. */
export type PathSummary = { throughId: string; throughPosition: number; summary: string };

type MessageRow = {
  position: number;
  id: string;
  role: string;
  parts: string;
  metadata: string | null;
  run_id: string | null;
  parent_id: string | null;
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
    parentId: row.parent_id,
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
    this.sql.exec(
      "UPDATE thread_meta SET archived = ?, pinned = ?, updated_at = ? WHERE singleton = 1",
      Number(flags.archived),
      Number(flags.pinned),
      now,
    );
  }

  /**
   * A fold of the path through `throughId`: kept per message (valid on every path through it) and
   * mirrored in the meta as the active path's latest summary.
   */
  setSummary(summary: string, throughId: string, throughPosition: number, now: number): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO summaries (through_id, through_position, summary, created_at) VALUES (?, ?, ?, ?)",
      throughId,
      throughPosition,
      summary,
      now,
    );
    this.sql.exec(
      "UPDATE thread_meta SET summary = ?, summary_through = ?, updated_at = ? WHERE singleton = 1",
      summary,
      throughPosition,
      now,
    );
  }

  /** The summary running furthest along `path` (message ids of one path), or null. */
  summaryOnPath(path: ReadonlyArray<PathStep>): PathSummary | null {
    const row = this.sql
      .exec<{ through_id: string; through_position: number; summary: string }>(
        "SELECT * FROM summaries WHERE through_id IN (SELECT value FROM json_each(?)) ORDER BY through_position DESC LIMIT 1",
        JSON.stringify(path.map((step) => step.id)),
      )
      .toArray()[0];
    return row ? { throughId: row.through_id, throughPosition: row.through_position, summary: row.summary } : null;
  }

  /** The end of the active path (null: no messages yet). */
  leafId(): string | null {
    return (
      this.sql.exec<{ active_leaf: string | null }>("SELECT active_leaf FROM thread_meta WHERE singleton = 1").toArray()[0]?.active_leaf ??
      null
    );
  }

  /** Moves the active path's end (callers log `branch.switched` when it is not an append). */
  setLeaf(id: string | null, now: number): void {
    this.sql.exec("UPDATE thread_meta SET active_leaf = ?, updated_at = ? WHERE singleton = 1", id, now);
  }

  /** Whether `messageId` lies on the path from the first message to `leafId`. */
  isOnPath(leafId: string, messageId: string): boolean {
    return isOnPath(this.sql, leafId, messageId);
  }

  /** The newest leaf below `messageId` (itself when it has no children). */
  newestLeafUnder(messageId: string): string {
    return newestLeafUnder(this.sql, messageId);
  }

  /** Each message's place among its versions (the messages sharing its parent). */
  branchInfo(messages: ReadonlyArray<{ id: string; parentId: string | null }>): Map<string, BranchInfo> {
    return branchInfo(this.sql, messages);
  }

  /** The message and its siblings (its other versions), newest first. */
  versionsOf(messageId: string): StoredMessage[] {
    return this.sql
      .exec<MessageRow>(
        "SELECT * FROM messages WHERE parent_id IS (SELECT parent_id FROM messages WHERE id = ?) ORDER BY position DESC LIMIT 100",
        messageId,
      )
      .toArray()
      .map(toStoredMessage);
  }

  /** Which version of the answers to `questionId` the answer `answerId` is (1-based; stored or about to be). */
  answerVersion(questionId: string, answerId: string): number {
    const row = this.sql
      .exec<{ earlier: number }>(
        `SELECT COUNT(*) AS earlier FROM messages WHERE parent_id = ? AND id != ?
           AND position < COALESCE((SELECT position FROM messages WHERE id = ?), 9223372036854775807)`,
        questionId,
        answerId,
        answerId,
      )
      .one();
    return row.earlier + 1;
  }

  /** The last message of the active path. */
  leafMessage(): StoredMessage | null {
    const leaf = this.leafId();
    return leaf ? this.getMessage(leaf) : null;
  }

  /** Up to `limit` steps from `fromId` (default: the active leaf) toward the first message, newest first. */
  pathFrom(fromId: string | null, limit: number): PathStep[] {
    const start = fromId ?? this.leafId();
    return start ? walkToRoot(this.sql, start, limit) : [];
  }

  /**
   * A page of the active path, oldest first: `limit` messages ending at the leaf, or (with
   * `before`, a position on the path) ending at the parent of the message at that position.
   */
  activePath(before: number | undefined, limit: number): StoredMessage[] {
    let start = this.leafId();
    if (before !== undefined) {
      const anchor = this.sql.exec<{ parent_id: string | null }>("SELECT parent_id FROM messages WHERE position = ?", before).toArray()[0];
      if (anchor) start = anchor.parent_id;
      else if (start) {
        // Not a message's position (positions have no gaps): past the end reads from the leaf,
        // anything else holds nothing — never a walk as long as the thread.
        const leafPosition =
          this.sql.exec<{ position: number }>("SELECT position FROM messages WHERE id = ?", start).toArray()[0]?.position ?? 0;
        if (before <= leafPosition) start = null;
      }
    }
    if (!start) return [];
    return this.byIds(walkToRoot(this.sql, start, limit).map((step) => step.id));
  }

  /** Every message of the thread (all branches) after `afterPosition`, in storage order, with parent ids. */
  allMessagesPage(afterPosition: number, limit: number): StoredMessage[] {
    return this.sql
      .exec<MessageRow>("SELECT * FROM messages WHERE position > ? ORDER BY position ASC LIMIT ?", afterPosition, limit)
      .toArray()
      .map(toStoredMessage);
  }

  /** Storage order (all branches), newest-first page returned oldest first. */
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

  /** The messages with these ids, oldest first. */
  byIds(ids: ReadonlyArray<string>): StoredMessage[] {
    return this.sql
      .exec<MessageRow>("SELECT * FROM messages WHERE id IN (SELECT value FROM json_each(?)) ORDER BY position ASC", JSON.stringify(ids))
      .toArray()
      .map(toStoredMessage);
  }

  hasMessage(id: string): boolean {
    return this.sql.exec("SELECT 1 FROM messages WHERE id = ?", id).toArray().length > 0;
  }

  getMessage(id: string): StoredMessage | null {
    const row = this.sql.exec<MessageRow>("SELECT * FROM messages WHERE id = ?", id).toArray()[0];
    return row ? toStoredMessage(row) : null;
  }

  /**
   * Appends under `parentId` (undefined: the active leaf; null: as a first message). Appended at
   * the active leaf, the new message becomes it; anywhere else (an answer finishing under a
   * question the person has moved away from) the active path stays where it is — a new branch
   * moves it explicitly (`setLeaf`, with its `branch.switched` event).
   */
  appendMessage(message: UIMessage, runId: string | null, now: number, parentId?: string | null): number {
    const parent = parentId === undefined ? this.leafId() : parentId;
    const row = this.sql
      .exec<{ position: number }>(
        `INSERT INTO messages (id, role, parts, metadata, run_id, parent_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING position`,
        message.id,
        message.role,
        JSON.stringify(message.parts),
        message.metadata === undefined ? null : JSON.stringify(message.metadata),
        runId,
        parent,
        now,
        now,
      )
      .one();
    this.sql.exec(
      "UPDATE thread_meta SET message_count = message_count + 1, active_leaf = CASE WHEN active_leaf IS ? THEN ? ELSE active_leaf END, updated_at = ?, last_message_at = ? WHERE singleton = 1",
      parent,
      message.id,
      now,
      now,
    );
    return row.position;
  }

  /** Benchmarks only: `count` plain alternating turns, as if the thread had been long all along. */
  appendSeeded(count: number, now: number): Array<{ id: string; role: "user" | "assistant" }> {
    const seeded: Array<{ id: string; role: "user" | "assistant" }> = [];
    for (let index = 0; index < count; index++) {
      const role = index % 2 === 0 ? "user" : "assistant";
      const text = role === "user" ? `Seeded question ${index}: how is my OpenClaw doing?` : `Seeded answer ${index}: it is running fine.`;
      const id = `seed_${crypto.randomUUID()}`;
      this.appendMessage({ id, role, parts: [{ type: "text", text }] }, null, now);
      seeded.push({ id, role });
    }
    return seeded;
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

  /**
   * The messages at `positions` (one path's) as the model may see them, oldest first. Newest
   * first, a message's inline files are read while their data fits `fileChars`; older rows are
   * read with their file data left in storage (the url becomes OMITTED_FILE_URL), so a run holds
   * at most that much file data whatever the thread holds.
   */
  contextMessages(positions: ReadonlyArray<number>, fileChars: number): StoredMessage[] {
    const wanted = JSON.stringify(positions);
    const sizes = this.sql
      .exec<{ position: number; file_chars: number }>(
        `SELECT position, (SELECT COALESCE(SUM(length(json_extract(part.value, '$.url'))), 0) FROM json_each(messages.parts) AS part
           WHERE json_extract(part.value, '$.type') = 'file') AS file_chars
         FROM messages WHERE position IN (SELECT value FROM json_each(?)) ORDER BY position DESC`,
        wanted,
      )
      .toArray();
    let remaining = fileChars;
    const whole: number[] = [];
    for (const row of sizes) {
      if (row.file_chars > remaining) continue;
      remaining -= row.file_chars;
      whole.push(row.position);
    }
    return this.sql
      .exec<MessageRow>(
        `SELECT position, id, role, metadata, run_id, parent_id, created_at, updated_at,
           CASE WHEN position IN (SELECT value FROM json_each(?)) THEN parts ELSE
             (SELECT json_group_array(CASE WHEN json_extract(part.value, '$.type') = 'file'
                THEN json_set(part.value, '$.url', ?) ELSE json(part.value) END) FROM json_each(messages.parts) AS part)
           END AS parts
         FROM messages WHERE position IN (SELECT value FROM json_each(?)) ORDER BY position ASC`,
        JSON.stringify(whole),
        OMITTED_FILE_URL,
        wanted,
      )
      .toArray()
      .map(toStoredMessage);
  }

  /** Messages in (after, through], oldest first: what a summary update folds in. */
  messagesBetween(after: number, through: number, limit: number): StoredMessage[] {
    return this.sql
      .exec<MessageRow>("SELECT * FROM messages WHERE position > ? AND position <= ? ORDER BY position ASC LIMIT ?", after, through, limit)
      .toArray()
      .map(toStoredMessage);
  }
}
