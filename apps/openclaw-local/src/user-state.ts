import { DurableObject } from "cloudflare:workers";
import type { ApiCall } from "./api.ts";
import { setBalance } from "./billing.ts";
import { type OpenClawEnv, readTiming } from "./config.ts";
import type { UserContext } from "./context.ts";
import { addFault, clearFaults, type Fault, type FaultSpec, listFaults } from "./faults.ts";
import { IdempotencyLedger } from "./idempotency.ts";
import { type LoggedRequest, listLoggedRequests } from "./request-log.ts";
import { migrateUserSchema } from "./schema.ts";
import { applySeed, type Seed, type SeedResult } from "./seed.ts";
import { type ApiAnswer, serveApiCall } from "./serve-call.ts";

/**
 * One user's OpenClaw world (one object per user id, `idFromName(userId)`): the instance and
 * its runtime, balance, idempotency records, injected faults and request log, in SQLite.
 * A thin shell: each concern lives in its own module.
 */
export class OpenClawUser extends DurableObject<OpenClawEnv> {
  private ledger: IdempotencyLedger;

  constructor(ctx: DurableObjectState, env: OpenClawEnv) {
    super(ctx, env);
    migrateUserSchema(ctx.storage);
    this.ledger = new IdempotencyLedger(ctx.storage.sql);
  }

  private context(): UserContext {
    return { sql: this.ctx.storage.sql, storage: this.ctx.storage, timing: readTiming(this.env), now: () => Date.now() };
  }

  call(call: ApiCall): Promise<ApiAnswer> {
    return serveApiCall(this.context(), this.ledger, call);
  }

  seed(userId: string, seed: Seed): SeedResult {
    return applySeed(this.context(), userId, seed);
  }

  setBalance(balanceUsd: number): void {
    setBalance(this.context(), balanceUsd);
  }

  addFault(spec: FaultSpec): Fault {
    return addFault(this.ctx.storage.sql, spec);
  }

  listFaults(): Fault[] {
    return listFaults(this.ctx.storage.sql);
  }

  clearFaults(): number {
    return clearFaults(this.ctx.storage.sql);
  }

  requestLog(afterSeq: number): LoggedRequest[] {
    return listLoggedRequests(this.ctx.storage.sql, afterSeq);
  }

  /** Forgets everything about the user, as if it had never called. */
  async reset(): Promise<void> {
    await this.ctx.storage.deleteAll();
    migrateUserSchema(this.ctx.storage);
    this.ledger = new IdempotencyLedger(this.ctx.storage.sql);
  }
}
