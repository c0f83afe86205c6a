/** The web worker's sessions table (D1, migrations in apps/web/migrations). Times in epoch ms. */
export type SessionRecord = {
  id: string;
  userId: string;
  via: "dev" | "workos";
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
};

/** A new sign-in revokes the user's oldest active sessions beyond this many. */
export const MAX_ACTIVE_SESSIONS_PER_USER = 20;

/** Each sign-in also deletes up to this many dead rows of any user: bounded work, no cron. */
export const DEAD_SESSIONS_SWEPT_PER_SIGN_IN = 100;

type Row = { id: string; user_id: string; via: "dev" | "workos"; created_at: number; expires_at: number; revoked_at: number | null };

export function sessionStore(db: D1Database) {
  return {
    /**
     * Records a sign-in in one batch (one transaction): the user's expired and revoked rows go,
     * and up to DEAD_SESSIONS_SWEPT_PER_SIGN_IN dead rows of anyone (users who never sign in
     * again), the new row goes in, and active sessions beyond the cap are revoked, oldest first.
     */
    async create(record: Omit<SessionRecord, "revokedAt">): Promise<void> {
      await db.batch([
        db
          .prepare("DELETE FROM sessions WHERE user_id = ?1 AND (expires_at <= ?2 OR revoked_at IS NOT NULL)")
          .bind(record.userId, record.createdAt),
        db
          .prepare(
            `DELETE FROM sessions WHERE rowid IN
               (SELECT rowid FROM sessions WHERE expires_at <= ?1 UNION SELECT rowid FROM sessions WHERE revoked_at IS NOT NULL LIMIT ?2)`,
          )
          .bind(record.createdAt, DEAD_SESSIONS_SWEPT_PER_SIGN_IN),
        db
          .prepare("INSERT INTO sessions (id, user_id, via, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)")
          .bind(record.id, record.userId, record.via, record.createdAt, record.expiresAt),
        db
          .prepare(
            `UPDATE sessions SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL AND id NOT IN
               (SELECT id FROM sessions WHERE user_id = ?1 AND revoked_at IS NULL ORDER BY created_at DESC, rowid DESC LIMIT ?3)`,
          )
          .bind(record.userId, record.createdAt, MAX_ACTIVE_SESSIONS_PER_USER),
      ]);
    },

    /** One primary-key lookup: the per-request cost of checking a session. */
    async find(id: string): Promise<SessionRecord | null> {
      const row = await db
        .prepare("SELECT id, user_id, via, created_at, expires_at, revoked_at FROM sessions WHERE id = ?1")
        .bind(id)
        .first<Row>();
      return row
        ? { id: row.id, userId: row.user_id, via: row.via, createdAt: row.created_at, expiresAt: row.expires_at, revokedAt: row.revoked_at }
        : null;
    },

    async revoke(id: string, now: number): Promise<void> {
      await db.prepare("UPDATE sessions SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL").bind(id, now).run();
    },

    /** Sign out everywhere: every active session of the user. */
    async revokeAllOf(userId: string, now: number): Promise<number> {
      const result = await db
        .prepare("UPDATE sessions SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL")
        .bind(userId, now)
        .run();
      return result.meta.changes ?? 0;
    },
  };
}
