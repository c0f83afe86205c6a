// The suites take types (and SYSTEM_PROMPT) from worker modules, which name a few of workerd's runtime types. The
// tests run in Node with Node's and the DOM's types, so those few are declared here, copied from the generated
// worker-configuration.d.ts (each app type-checks its own code against the full runtime types).
interface SqlStorage {
  exec<T extends Record<string, SqlStorageValue>>(query: string, ...bindings: any[]): SqlStorageCursor<T>;
  get databaseSize(): number;
}
type SqlStorageValue = ArrayBuffer | string | number | null;
declare abstract class SqlStorageCursor<T extends Record<string, SqlStorageValue>> {
  next(): IteratorResult<T, undefined>;
  toArray(): T[];
  one(): T;
  raw<U extends SqlStorageValue[]>(): IterableIterator<U>;
  columnNames: string[];
  get rowsRead(): number;
  get rowsWritten(): number;
  [Symbol.iterator](): IterableIterator<T>;
}
/** Only passed through by the modules the tests import. */
interface DurableObjectStorage {
  readonly sql: SqlStorage;
  transactionSync<T>(closure: () => T): T;
}
/** The apps' generated Env (bindings and vars); the tests never build one. */
interface Env {
  [binding: string]: any;
}
