import { stableHash, type UserContext } from "./context.ts";
import { seedDevices } from "./devices.ts";
import { addPairingRequests, PAIRING_TTL_MS } from "./pairing.ts";

/**
 * What reaches a real runtime without anyone asking (SIMULATE_ARRIVALS=on): the delay after the
 * instance became ready, a phone asks to pair as a device; twice the delay after, a telegram user
 * DMs the agent and gets a pairing code. Each happens once per readiness of the instance, at a
 * time fixed when it became ready, and is delivered on the first runtime call after that time —
 * so the outcome is the same whether anyone looked in between or the object was evicted.
 */
export const SIMULATED_DEVICE_CLIENT = { platform: "ios", mode: "node" } as const;
export const SIMULATED_PAIRING_CHANNEL = "telegram";
export const SIMULATED_PAIRING_META = { username: "ada_lovelace", firstName: "Ada" } as const;

type ArrivalKind = "device" | "pairing";
type ArrivalRow = { kind: ArrivalKind; instance_ready_at: number; due_at: number; arrived_at: number | null };

/** The simulated device's request id and the DM sender's id for one readiness of one user's instance. */
export function simulatedIds(userId: string, instanceReadyAt: number): { requestId: string; senderId: string } {
  const hash = stableHash(`${userId}:${instanceReadyAt}`);
  return { requestId: `req-${hash}`, senderId: String(100_000_000 + (Number.parseInt(hash, 16) % 900_000_000)) };
}

/** Schedules the arrivals of the instance's current readiness (once) and delivers those now due. */
export function deliverDueArrivals(ctx: UserContext, userId: string): void {
  const { enabled, delayMs } = ctx.timing.arrivals;
  if (!enabled) return;
  const readyAt = ctx.sql
    .exec<{ last_ready_at: number | null }>("SELECT last_ready_at FROM instance WHERE status = 'ready'")
    .toArray()[0]?.last_ready_at;
  if (readyAt === undefined || readyAt === null) return;
  let rows = ctx.sql.exec<ArrivalRow>("SELECT * FROM arrivals ORDER BY due_at").toArray();
  if (!rows.some((row) => row.instance_ready_at === readyAt)) {
    rows = [
      { kind: "device", instance_ready_at: readyAt, due_at: readyAt + delayMs, arrived_at: null },
      { kind: "pairing", instance_ready_at: readyAt, due_at: readyAt + 2 * delayMs, arrived_at: null },
    ];
    ctx.storage.transactionSync(() => {
      ctx.sql.exec("DELETE FROM arrivals");
      for (const row of rows)
        ctx.sql.exec("INSERT INTO arrivals (kind, instance_ready_at, due_at) VALUES (?, ?, ?)", row.kind, readyAt, row.due_at);
    });
  }
  const now = ctx.now();
  for (const row of rows) {
    if (row.arrived_at !== null || row.due_at > now) continue;
    ctx.storage.transactionSync(() => {
      deliver(ctx, row, simulatedIds(userId, readyAt), now);
      ctx.sql.exec("UPDATE arrivals SET arrived_at = ? WHERE kind = ?", now, row.kind);
    });
  }
}

function deliver(ctx: UserContext, row: ArrivalRow, ids: { requestId: string; senderId: string }, now: number): void {
  if (row.kind === "device") {
    seedDevices(ctx, {
      pending: [{ requestId: ids.requestId, client: { ...SIMULATED_DEVICE_CLIENT }, requestedAt: new Date(row.due_at).toISOString() }],
    });
    return;
  }
  // Dated when it was due, unless its code would already have expired by now: then it arrives now.
  const ageMs = now - row.due_at < PAIRING_TTL_MS ? now - row.due_at : 0;
  addPairingRequests(ctx, SIMULATED_PAIRING_CHANNEL, [{ id: ids.senderId, meta: { ...SIMULATED_PAIRING_META }, ageMs }]);
}
