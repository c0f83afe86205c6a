import { type ApiCall, dispatch } from "./api.ts";
import type { UserContext } from "./context.ts";
import { type Answer, outcomeAnswer } from "./envelope.ts";
import { applyFault, type Fault, takeFault } from "./faults.ts";
import type { IdempotencyLedger, Performed } from "./idempotency.ts";
import { finishLogEntry, noteFault, startLogEntry } from "./request-log.ts";

export type ApiAnswer = Answer & { replayed: boolean };

/**
 * One API request through its stages: logged, `before` faults, Idempotency-Key replay or the
 * endpoint itself, `after` faults, logged with its status and side effects.
 */
export async function serveApiCall(ctx: UserContext, ledger: IdempotencyLedger, call: ApiCall): Promise<ApiAnswer> {
  const startedAt = ctx.now();
  const seq = startLogEntry(ctx.sql, {
    method: call.method,
    path: call.path,
    query: call.search,
    idempotencyKey: call.idempotencyKey,
    at: startedAt,
  });
  const finish = (answer: Answer, replayed: boolean, effects: string[]): ApiAnswer => {
    finishLogEntry(ctx.sql, seq, { status: answer.status, replayed, effects, durationMs: ctx.now() - startedAt });
    return { ...answer, replayed };
  };
  const fault = async (phase: "before" | "after"): Promise<Answer | null> => {
    const found: Fault | null = takeFault(ctx.sql, call.method, call.path, phase);
    if (!found) return null;
    noteFault(ctx.sql, seq, `${phase}:${found.kind}`);
    return applyFault(found);
  };

  const early = await fault("before");
  if (early) return finish(early, false, []);

  const perform = async (): Promise<Performed> => {
    const outcome = await dispatch(ctx, call);
    return { answer: outcomeAnswer(outcome), effects: outcome.ok ? outcome.effects : [] };
  };
  const mutating = call.method === "POST" || call.method === "DELETE";
  const result =
    mutating && call.idempotencyKey
      ? await ledger.run(call.idempotencyKey, call.method, call.path, perform)
      : { ...(await perform()), replayed: false };

  const late = await fault("after");
  return finish(late ?? result.answer, result.replayed, result.effects);
}
