import type { Approval, ApprovalStatus } from "@oa/protocol";

/** Resolved approvals the inbox keeps per user (pending ones are always kept). */
export const RESOLVED_KEEP = 1_000;

/** The UserAgent's approval inbox: the last known state of every approval across the user's threads. */
export class InboxStore {
  constructor(private readonly sql: SqlStorage) {}

  statusOf(approvalId: string): string | null {
    return this.sql.exec<{ status: string }>("SELECT status FROM inbox WHERE id = ?", approvalId).toArray()[0]?.status ?? null;
  }

  put(approval: Approval): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO inbox (id, thread_id, status, created_at, data) VALUES (?, ?, ?, ?, ?)",
      approval.id,
      approval.threadId,
      approval.status,
      Date.parse(approval.createdAt),
      JSON.stringify(approval),
    );
  }

  /** Only the newest RESOLVED_KEEP resolved approvals stay. */
  trimResolved(): void {
    this.sql.exec(
      `DELETE FROM inbox WHERE status != 'pending' AND id NOT IN
         (SELECT id FROM inbox WHERE status != 'pending' ORDER BY created_at DESC LIMIT ?)`,
      RESOLVED_KEEP,
    );
  }

  deleteThread(threadId: string): void {
    this.sql.exec("DELETE FROM inbox WHERE thread_id = ?", threadId);
  }

  /** Newest first. */
  list(status: ApprovalStatus, limit: number): Array<{ approval: Approval; threadId: string }> {
    return this.sql
      .exec<{ data: string; thread_id: string }>(
        "SELECT data, thread_id FROM inbox WHERE status = ? ORDER BY created_at DESC, id DESC LIMIT ?",
        status,
        limit,
      )
      .toArray()
      .map((row) => ({ approval: JSON.parse(row.data) as Approval, threadId: row.thread_id }));
  }
}
