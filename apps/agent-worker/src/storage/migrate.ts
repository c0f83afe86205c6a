/**
 * Runs numbered schema migrations on a Durable Object's SQLite storage: each entry once, in
 * order; all pending entries and the version bump commit together or not at all (a new object
 * pays for one commit, not one per step). Never edit a shipped entry: add one.
 */
export function migrate(storage: DurableObjectStorage, versionTable: string, migrations: ReadonlyArray<string>): void {
  const sql = storage.sql;
  storage.transactionSync(() => {
    sql.exec(`CREATE TABLE IF NOT EXISTS ${versionTable} (version INTEGER NOT NULL)`);
    const row = sql.exec<{ version: number }>(`SELECT version FROM ${versionTable}`).toArray()[0];
    if (!row) sql.exec(`INSERT INTO ${versionTable} (version) VALUES (0)`);
    const from = row?.version ?? 0;
    if (from >= migrations.length) return;
    for (const step of migrations.slice(from)) sql.exec(step);
    sql.exec(`UPDATE ${versionTable} SET version = ?`, migrations.length);
  });
}
