/** Counts rows written through one SqlStorage: the storage cost a turn really has. */
export type WriteMeter = { rowsWritten: number };

export function meteredSql(sql: SqlStorage, meter: WriteMeter): SqlStorage {
  return new Proxy(sql, {
    get(target, property) {
      if (property === "exec") {
        return (query: string, ...bindings: unknown[]) => {
          const cursor = target.exec(query, ...bindings);
          meter.rowsWritten += cursor.rowsWritten;
          return cursor;
        };
      }
      const value = (target as unknown as Record<PropertyKey, unknown>)[property];
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
