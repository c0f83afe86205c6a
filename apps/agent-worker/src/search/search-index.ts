import type { SearchHit } from "@oa/protocol";
import { indexableText, MATCH_END, MATCH_START, snippetPieces, toFtsQuery } from "./fts-query.ts";

/** What a thread sends to be searchable: one stored message's text. */
export type SearchDoc = { messageId: string; role: "system" | "user" | "assistant"; text: string; createdAt: number };

/** Text indexed per message; the rest of a very long message is not searchable. */
export const SEARCH_DOC_MAX_CHARS = 20_000;
/** Messages indexed per user; beyond it the oldest leave the index. */
export const SEARCH_MAX_DOCS = 200_000;
/** Tokens of context around the best match in a snippet. */
const SNIPPET_TOKENS = 16;

type HitRow = {
  thread_id: string;
  message_id: string;
  role: SearchHit["role"];
  created_at: number;
  rank: number;
  snip: string;
  title: string | null;
};

/**
 * One user's full-text index of their messages (FTS5 in the UserAgent's SQLite): upserted by
 * (thread, message), removed by thread, queried with bm25 ranking. Only threads the user still
 * has are answered (the `threads` table of the same object says which).
 */
export class SearchIndex {
  constructor(
    private readonly sql: SqlStorage,
    private readonly maxDocs = SEARCH_MAX_DOCS,
  ) {}

  /** Upserts `docs` of one thread by message id (an answer is sent again as it grows). */
  upsert(threadId: string, docs: SearchDoc[]): void {
    for (const doc of docs) {
      this.remove(threadId, doc.messageId);
      const text = indexableText(doc.text, SEARCH_DOC_MAX_CHARS);
      if (text === "") continue;
      // The mapping row names the FTS row: its id is chosen here, never reused (AUTOINCREMENT).
      const { rowid } = this.sql
        .exec<{ rowid: number }>(
          "INSERT INTO message_search_docs (thread_id, message_id) VALUES (?, ?) RETURNING doc_rowid AS rowid",
          threadId,
          doc.messageId,
        )
        .one();
      this.sql.exec(
        "INSERT INTO message_search (rowid, text, thread_id, message_id, role, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        rowid,
        text,
        threadId,
        doc.messageId,
        doc.role,
        doc.createdAt,
      );
    }
    this.evictOverLimit();
  }

  private remove(threadId: string, messageId: string): void {
    const known = this.sql
      .exec<{ doc_rowid: number }>("SELECT doc_rowid FROM message_search_docs WHERE thread_id = ? AND message_id = ?", threadId, messageId)
      .toArray()[0];
    if (!known) return;
    this.sql.exec("DELETE FROM message_search WHERE rowid = ?", known.doc_rowid);
    this.sql.exec("DELETE FROM message_search_docs WHERE thread_id = ? AND message_id = ?", threadId, messageId);
  }

  private evictOverLimit(): void {
    const { count } = this.sql.exec<{ count: number }>("SELECT COUNT(*) AS count FROM message_search_docs").one();
    if (count <= this.maxDocs) return;
    const oldest = this.sql
      .exec<{ doc_rowid: number }>("SELECT doc_rowid FROM message_search_docs ORDER BY doc_rowid LIMIT ?", count - this.maxDocs)
      .toArray()
      .map((row) => row.doc_rowid);
    const ids = JSON.stringify(oldest);
    this.sql.exec("DELETE FROM message_search WHERE rowid IN (SELECT value FROM json_each(?))", ids);
    this.sql.exec("DELETE FROM message_search_docs WHERE doc_rowid IN (SELECT value FROM json_each(?))", ids);
  }

  /** Every indexed message of the thread goes. */
  removeThread(threadId: string): void {
    this.sql.exec("DELETE FROM message_search WHERE rowid IN (SELECT doc_rowid FROM message_search_docs WHERE thread_id = ?)", threadId);
    this.sql.exec("DELETE FROM message_search_docs WHERE thread_id = ?", threadId);
  }

  /** Messages indexed for a thread (tests and diagnostics). */
  countForThread(threadId: string): number {
    return this.sql.exec<{ count: number }>("SELECT COUNT(*) AS count FROM message_search_docs WHERE thread_id = ?", threadId).one().count;
  }

  search(query: string, limit: number): SearchHit[] {
    const match = toFtsQuery(query);
    if (match === null) return [];
    return this.sql
      .exec<HitRow>(
        `SELECT s.thread_id, s.message_id, s.role, s.created_at, bm25(message_search) AS rank,
           snippet(message_search, 0, ?, ?, '…', ?) AS snip, json_extract(t.row, '$.title') AS title
         FROM message_search AS s JOIN threads AS t ON t.id = s.thread_id
         WHERE message_search MATCH ? AND t.deleted_at IS NULL AND t.row IS NOT NULL
         ORDER BY rank LIMIT ?`,
        MATCH_START,
        MATCH_END,
        SNIPPET_TOKENS,
        match,
        limit,
      )
      .toArray()
      .map((row) => ({
        threadId: row.thread_id,
        threadTitle: row.title,
        messageId: row.message_id,
        role: row.role,
        snippet: snippetPieces(row.snip),
        rank: row.rank,
        createdAt: new Date(row.created_at).toISOString(),
      }));
  }
}
