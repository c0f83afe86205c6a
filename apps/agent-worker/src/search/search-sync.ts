import type { ThreadEvent } from "@oa/protocol";
import { LogProjection } from "../storage/log-projection.ts";
import type { StoredMessage, ThreadStore } from "../storage/thread-store.ts";
import { SEARCH_DOC_MAX_CHARS, type SearchDoc } from "./search-index.ts";

export type SearchSyncDeps = {
  sql: SqlStorage;
  store: ThreadStore;
  waitUntil: (promise: Promise<unknown>) => void;
  /** The owner's UserAgent.indexMessages. */
  push: (ownerId: string, threadId: string, docs: SearchDoc[]) => Promise<unknown>;
  /** The push failed: try again later (alarm-backed). */
  retryLater: () => void;
};

/** `message.stored` events read per step; each step is one push to the UserAgent. */
const BATCH_EVENTS = 100;
/** How long a sync waits to gather a burst of stored messages. */
const SYNC_DELAY_MS = 200;

type StoredEventRow = { seq: number; message_id: string };

/** The text a message contributes to search: its text parts (reasoning, tools and files are not searched). */
function searchableText(message: Pick<StoredMessage, "parts">): string {
  let text = "";
  for (const part of message.parts) {
    if (part.type !== "text") continue;
    text += (text ? "\n" : "") + part.text;
    if (text.length >= SEARCH_DOC_MAX_CHARS) break;
  }
  return text.slice(0, SEARCH_DOC_MAX_CHARS);
}

/**
 * Feeds the owner's search index from the thread's event log: after each commit that stored
 * a message, the texts named by `message.stored` events past the thread's cursor go to the
 * UserAgent in batches, and the cursor advances once they are there. It runs in waitUntil,
 * never inside a turn; a failed push is retried later from the same cursor (at least once:
 * the index upserts by message id).
 */
export class SearchSync {
  private running: Promise<void> | null = null;
  private again = false;
  private readonly projection: LogProjection;

  constructor(private readonly deps: SearchSyncDeps) {
    this.projection = new LogProjection({ delayMs: SYNC_DELAY_MS, waitUntil: deps.waitUntil, catchUp: () => this.sync() });
  }

  private get stopped(): boolean {
    return this.projection.stopped;
  }

  onEvent(event: ThreadEvent): void {
    if (event.type === "message.stored") this.request();
  }

  stop(): void {
    this.projection.stop();
  }

  request(): void {
    this.projection.request();
  }

  /** Pushes everything past the cursor; one sync at a time (a request during one runs another after it). */
  sync(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.request();
      }
    });
    return this.running;
  }

  /** The seq of the last event the index has caught up with. */
  cursor(): number {
    return this.deps.sql.exec<{ seq: number }>("SELECT synced_through AS seq FROM search_sync WHERE singleton = 1").one().seq;
  }

  private async drain(): Promise<void> {
    const { sql, store } = this.deps;
    for (;;) {
      const meta = this.stopped ? null : store.meta();
      if (!meta) return;
      const from = this.cursor();
      const rows = sql
        .exec<StoredEventRow>(
          `SELECT seq, json_extract(data, '$.messageId') AS message_id FROM events
           WHERE seq > ? AND type = 'message.stored' ORDER BY seq LIMIT ?`,
          from,
          BATCH_EVENTS,
        )
        .toArray();
      // A short batch is the end of the log as of now: the cursor may pass every event read.
      const through =
        rows.length < BATCH_EVENTS
          ? (sql.exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM events").one().seq ?? from)
          : rows.at(-1)!.seq;
      const docs = this.docsFor([...new Set(rows.map((row) => row.message_id))]);
      if (docs.length > 0) {
        try {
          await this.deps.push(meta.ownerId, meta.threadId, docs);
        } catch (error) {
          console.warn("search index push failed; will retry", error);
          this.deps.retryLater();
          return;
        }
      }
      if (this.stopped) return;
      sql.exec("UPDATE search_sync SET synced_through = MAX(synced_through, ?) WHERE singleton = 1", through);
      if (rows.length < BATCH_EVENTS) return;
    }
  }

  private docsFor(messageIds: string[]): SearchDoc[] {
    const docs: SearchDoc[] = [];
    for (const id of messageIds) {
      const message = this.deps.store.getMessage(id);
      if (!message) continue;
      docs.push({ messageId: message.id, role: message.role, text: searchableText(message), createdAt: message.createdAt });
    }
    return docs;
  }
}
