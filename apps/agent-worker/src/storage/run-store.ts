import type { RunStatus } from "@oa/protocol";
import type { UIMessage } from "ai";

export type RunRecord = {
  id: string;
  status: RunStatus;
  userMessageId: string;
  assistantMessageId: string;
  attempts: number;
  error: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
  /** The user message of a queued run, appended to the transcript when the run starts. */
  pendingMessage: UIMessage | null;
  /**
   * Where the pending message goes: `{ parentId }` under that message (null: first in the
   * thread; an edit), or null at the active leaf when the run starts (a normal turn).
   */
  placement: { parentId: string | null } | null;
};

type RunRow = {
  id: string;
  status: string;
  user_message_id: string;
  assistant_message_id: string;
  attempts: number;
  error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  pending_message: string | null;
  parent_id: string | null;
  parent_set: number;
};

const ACTIVE = "('queued', 'running', 'awaiting_approval')";

function toRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    status: row.status as RunStatus,
    userMessageId: row.user_message_id,
    assistantMessageId: row.assistant_message_id,
    attempts: row.attempts,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    pendingMessage: row.pending_message === null ? null : (JSON.parse(row.pending_message) as UIMessage),
    placement: row.parent_set === 1 ? { parentId: row.parent_id } : null,
  };
}

export class RunStore {
  constructor(private readonly sql: SqlStorage) {}

  create(
    run: {
      id: string;
      userMessageId: string;
      assistantMessageId: string;
      pendingMessage: UIMessage | null;
      placement?: { parentId: string | null } | null;
    },
    now: number,
  ): RunRecord {
    this.sql.exec(
      `INSERT INTO runs (id, status, user_message_id, assistant_message_id, pending_message, parent_id, parent_set, created_at, updated_at)
       VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?)`,
      run.id,
      run.userMessageId,
      run.assistantMessageId,
      run.pendingMessage === null ? null : JSON.stringify(run.pendingMessage),
      run.placement?.parentId ?? null,
      run.placement ? 1 : 0,
      now,
      now,
    );
    return this.get(run.id)!;
  }

  get(id: string): RunRecord | null {
    const row = this.sql.exec<RunRow>("SELECT * FROM runs WHERE id = ?", id).toArray()[0];
    return row ? toRun(row) : null;
  }

  byUserMessage(userMessageId: string): RunRecord | null {
    const row = this.sql
      .exec<RunRow>("SELECT * FROM runs WHERE user_message_id = ? ORDER BY created_at DESC LIMIT 1", userMessageId)
      .toArray()[0];
    return row ? toRun(row) : null;
  }

  /** The run that holds the thread: running or waiting, else null. */
  current(): RunRecord | null {
    const row = this.sql
      .exec<RunRow>("SELECT * FROM runs WHERE status IN ('running', 'awaiting_approval') ORDER BY created_at LIMIT 1")
      .toArray()[0];
    return row ? toRun(row) : null;
  }

  latest(): RunRecord | null {
    const row = this.sql.exec<RunRow>("SELECT * FROM runs ORDER BY created_at DESC, rowid DESC LIMIT 1").toArray()[0];
    return row ? toRun(row) : null;
  }

  nextQueued(): RunRecord | null {
    const row = this.sql.exec<RunRow>("SELECT * FROM runs WHERE status = 'queued' ORDER BY created_at, rowid LIMIT 1").toArray()[0];
    return row ? toRun(row) : null;
  }

  active(): RunRecord[] {
    return this.sql.exec<RunRow>(`SELECT * FROM runs WHERE status IN ${ACTIVE} ORDER BY created_at, rowid`).toArray().map(toRun);
  }

  setStatus(id: string, status: RunStatus, now: number, error: string | null = null): void {
    const finished = status === "completed" || status === "failed" || status === "cancelled";
    this.sql.exec(
      "UPDATE runs SET status = ?, error = COALESCE(?, error), updated_at = ?, finished_at = ? WHERE id = ?",
      status,
      error,
      now,
      finished ? now : null,
      id,
    );
  }

  clearPendingMessage(id: string): void {
    this.sql.exec("UPDATE runs SET pending_message = NULL WHERE id = ?", id);
  }

  /** A leg of the run ended cleanly (it waits for, or already has, a decision): its attempts start over. */
  resetAttempts(id: string): void {
    this.sql.exec("UPDATE runs SET attempts = 0 WHERE id = ?", id);
  }

  countAttempt(id: string, now: number): number {
    return this.sql
      .exec<{ attempts: number }>("UPDATE runs SET attempts = attempts + 1, updated_at = ? WHERE id = ? RETURNING attempts", now, id)
      .one().attempts;
  }
}
