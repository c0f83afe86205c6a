import type { Timing } from "./config.ts";

/** What every concern module gets for one call: the user's SQLite, timing settings and a clock. */
export type UserContext = {
  sql: SqlStorage;
  storage: DurableObjectStorage;
  timing: Timing;
  now(): number;
};

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A short stable hash (FNV-1a, 32 bit) for names derived from ids; not a secret. */
export function stableHash(value: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

export function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
}
