import type { InstanceStatus, InstanceSummary } from "@oa/protocol";
import type { UserContext } from "./context.ts";
import { stableHash } from "./context.ts";
import { errors, type Failure, type Outcome, success } from "./envelope.ts";
import { removeRuntime, startFreshGateway, stopGateway } from "./runtime.ts";
import { ensureMainSession } from "./sessions.ts";

type InstanceRow = {
  status: InstanceStatus;
  runtime_name: string | null;
  created_at: number;
  updated_at: number;
  last_ready_at: number | null;
  ready_at: number | null;
};

function summary(row: InstanceRow): InstanceSummary {
  return {
    status: row.status,
    runtime_name: row.runtime_name,
    created_at: row.created_at,
    updated_at: row.updated_at,
    last_ready_at: row.last_ready_at,
  };
}

export function runtimeNameFor(userId: string): string {
  return `openclaw-${stableHash(userId)}`;
}

/**
 * The stored instance, with provisioning finished if its time has come. Readiness is derived
 * from the stored `ready_at`, so it is right after any restart or eviction of the object.
 */
function readInstance(ctx: UserContext, userId: string): InstanceRow | null {
  const row = ctx.sql.exec<InstanceRow>("SELECT * FROM instance").toArray()[0] ?? null;
  if (row?.status !== "provisioning" || row.ready_at === null || row.ready_at > ctx.now()) return row;
  const readyAt = row.ready_at;
  ctx.storage.transactionSync(() => {
    ctx.sql.exec(
      "UPDATE instance SET status = 'ready', runtime_name = ?, updated_at = ?, last_ready_at = ?, ready_at = NULL",
      runtimeNameFor(userId),
      readyAt,
      readyAt,
    );
    startFreshGateway(ctx);
    ensureMainSession(ctx, readyAt);
  });
  return { ...row, status: "ready", runtime_name: runtimeNameFor(userId), updated_at: readyAt, last_ready_at: readyAt, ready_at: null };
}

export function getInstance(ctx: UserContext, userId: string): Outcome<InstanceSummary | null> {
  const row = readInstance(ctx, userId);
  return success(row ? summary(row) : null);
}

/** Idempotent: an instance that is not `error`/`deleted` is returned unchanged. */
export function provisionInstance(ctx: UserContext, userId: string): Outcome<InstanceSummary> {
  const existing = readInstance(ctx, userId);
  if (existing && existing.status !== "error" && existing.status !== "deleted") return success(summary(existing));
  const now = ctx.now();
  ctx.sql.exec(
    `INSERT OR REPLACE INTO instance (singleton, status, runtime_name, created_at, updated_at, last_ready_at, ready_at)
     VALUES (1, 'provisioning', NULL, ?, ?, ?, ?)`,
    existing?.created_at ?? now,
    now,
    existing?.last_ready_at ?? null,
    now + ctx.timing.provisionDelayMs,
  );
  const row = readInstance(ctx, userId);
  if (!row) throw new Error("instance vanished while provisioning");
  return success(summary(row), "instance.provisioning");
}

/** Stops the runtime first, then removes the instance and everything its runtime held. */
export function deleteInstance(ctx: UserContext, userId: string): Outcome<{ deleted: boolean }> {
  const existing = readInstance(ctx, userId);
  if (!existing) return success({ deleted: false });
  const effects: string[] = [];
  if (stopGateway(ctx)) effects.push("gateway.stopped");
  ctx.storage.transactionSync(() => {
    ctx.sql.exec("DELETE FROM instance");
    removeRuntime(ctx);
  });
  effects.push("instance.deleted");
  return success({ deleted: true }, ...effects);
}

/**
 * The gate in front of every runtime endpoint: no instance (or a deleted one) is 404, an
 * instance without a runtime yet (provisioning, or failed before it got one) is 409.
 */
export function requireRuntime(ctx: UserContext, userId: string): Failure | null {
  const row = readInstance(ctx, userId);
  if (!row || row.status === "deleted") return errors.instanceNotFound();
  if (row.status !== "ready") return errors.runtimeUrlNotSet();
  return null;
}

/** Control surface: put the instance into a given state (`readyInMs` for a provisioning one). */
export function seedInstance(
  ctx: UserContext,
  userId: string,
  seed: { status: InstanceStatus; readyInMs?: number | undefined } | null,
): InstanceSummary | null {
  if (seed === null) {
    ctx.sql.exec("DELETE FROM instance");
    removeRuntime(ctx);
    return null;
  }
  const now = ctx.now();
  const ready = seed.status === "ready";
  ctx.sql.exec(
    `INSERT OR REPLACE INTO instance (singleton, status, runtime_name, created_at, updated_at, last_ready_at, ready_at)
     VALUES (1, ?, ?, ?, ?, ?, ?)`,
    seed.status,
    ready ? runtimeNameFor(userId) : null,
    now,
    now,
    ready ? now : null,
    seed.status === "provisioning" ? now + (seed.readyInMs ?? ctx.timing.provisionDelayMs) : null,
  );
  if (ready) {
    startFreshGateway(ctx);
    ensureMainSession(ctx, now);
  }
  const row = readInstance(ctx, userId);
  return row ? summary(row) : null;
}
