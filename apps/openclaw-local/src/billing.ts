import type { UserContext } from "./context.ts";
import { type Outcome, success } from "./envelope.ts";

/** A new user's credit, so the local product has something to show. */
export const DEFAULT_BALANCE_USD = 25;

export function roundUsd(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}

export function billingSummary(ctx: UserContext, userId: string): Outcome<{ user_id: string; balance_usd: number }> {
  const row = ctx.sql.exec<{ balance_usd: number }>("SELECT balance_usd FROM billing").toArray()[0];
  return success({ user_id: userId, balance_usd: roundUsd(row?.balance_usd ?? DEFAULT_BALANCE_USD) });
}

/** Control surface: the stored balance keeps full precision; the summary rounds it to cents. */
export function setBalance(ctx: UserContext, balanceUsd: number): void {
  ctx.sql.exec("INSERT OR REPLACE INTO billing (singleton, balance_usd) VALUES (1, ?)", balanceUsd);
}
