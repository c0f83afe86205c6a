import { type Answer, errorAnswer } from "./envelope.ts";

/**
 * `Idempotency-Key` on POST/DELETE: the first answer for a key (per user) is stored and
 * replayed for every repeat, and the work runs once. A repeat that arrives while the first is
 * still running waits for it. Failures are not stored: they changed nothing, so a retry may run.
 */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export type Performed = { answer: Answer; effects: string[] };
export type LedgerResult = Performed & { replayed: boolean };

type StoredAnswer = { method: string; path: string; status: number; content_type: string; body: string };

export class IdempotencyLedger {
  private readonly inflight = new Map<string, Promise<Performed>>();

  constructor(private readonly sql: SqlStorage) {}

  async run(key: string, method: string, path: string, perform: () => Promise<Performed>): Promise<LedgerResult> {
    if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      return {
        answer: errorAnswer(400, `idempotency key is longer than ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`),
        effects: [],
        replayed: false,
      };
    }
    const running = this.inflight.get(key);
    if (running) {
      await running.catch(() => undefined);
      return this.run(key, method, path, perform);
    }
    const stored = this.lookup(key);
    if (stored) {
      if (stored.method !== method || stored.path !== path) {
        return {
          answer: errorAnswer(422, `idempotency key already used for ${stored.method} ${stored.path}`),
          effects: [],
          replayed: false,
        };
      }
      return { answer: { status: stored.status, body: stored.body, contentType: stored.content_type }, effects: [], replayed: true };
    }
    const work = perform();
    this.inflight.set(key, work);
    try {
      const performed = await work;
      if (performed.answer.status < 400 || performed.effects.length > 0) this.save(key, method, path, performed.answer);
      return { ...performed, replayed: false };
    } finally {
      this.inflight.delete(key);
    }
  }

  private lookup(key: string): StoredAnswer | undefined {
    this.sql.exec("DELETE FROM idempotency WHERE created_at < ?", Date.now() - IDEMPOTENCY_TTL_MS);
    return this.sql.exec<StoredAnswer>("SELECT method, path, status, content_type, body FROM idempotency WHERE key = ?", key).toArray()[0];
  }

  private save(key: string, method: string, path: string, answer: Answer): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO idempotency (key, method, path, status, content_type, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      key,
      method,
      path,
      answer.status,
      answer.contentType,
      answer.body,
      Date.now(),
    );
  }
}
