import { type LeaseKind, type LeaseRequest, type QuotaLimits, type QuotaVerdict, quotaOfLease } from "../quotas/quota.ts";

/**
 * The per-user slot ledger, in the UserAgent's SQLite: one row per held slot. A Durable Object
 * runs one call at a time and `acquire` counts and inserts without awaiting anything, so two
 * concurrent requests can never both take the last slot.
 */
export class QuotaStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly limits: QuotaLimits,
  ) {}

  /** Takes a slot, or says why not. Taking a slot the holder already has only refreshes it (retries are free). */
  acquire(lease: LeaseRequest, now: number): QuotaVerdict {
    this.dropExpired(lease.kind, now);
    const current = this.count(lease.kind);
    const held = this.sql.exec("SELECT 1 FROM leases WHERE kind = ? AND id = ?", lease.kind, lease.id).toArray().length > 0;
    if (held) {
      this.sql.exec("UPDATE leases SET expires_at = ? WHERE kind = ? AND id = ?", lease.expiresAt, lease.kind, lease.id);
      return { ok: true, current };
    }
    const quota = quotaOfLease[lease.kind];
    const limit = this.limits[quota];
    if (current >= limit) return { ok: false, quota, limit, current };
    this.sql.exec(
      "INSERT INTO leases (kind, id, thread_id, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?)",
      lease.kind,
      lease.id,
      lease.threadId,
      now,
      lease.expiresAt,
    );
    return { ok: true, current: current + 1 };
  }

  /** A holder that is still alive pushes its slot's expiry on (a feed's heartbeat). */
  refresh(kind: LeaseKind, id: string, expiresAt: number): boolean {
    return this.sql.exec("UPDATE leases SET expires_at = ? WHERE kind = ? AND id = ?", expiresAt, kind, id).rowsWritten > 0;
  }

  release(kind: LeaseKind, ids: readonly string[]): number {
    let released = 0;
    for (const id of ids) released += this.sql.exec("DELETE FROM leases WHERE kind = ? AND id = ?", kind, id).rowsWritten;
    return released;
  }

  /** A deleted thread gives back every slot it held, of every kind. */
  releaseThread(threadId: string): number {
    return this.sql.exec("DELETE FROM leases WHERE thread_id = ? OR (kind = 'thread' AND id = ?)", threadId, threadId).rowsWritten;
  }

  /** Slots in use of one kind (expired ones no longer count). */
  inUse(kind: LeaseKind, now: number): number {
    this.dropExpired(kind, now);
    return this.count(kind);
  }

  private count(kind: LeaseKind): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM leases WHERE kind = ?", kind).one().n;
  }

  private dropExpired(kind: LeaseKind, now: number): void {
    this.sql.exec("DELETE FROM leases WHERE kind = ? AND expires_at IS NOT NULL AND expires_at <= ?", kind, now);
  }
}
