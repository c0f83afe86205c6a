import type { GatewayStatus, RuntimeStatus } from "@oa/protocol";
import { sleep, type UserContext } from "./context.ts";
import { failure, type Outcome, success } from "./envelope.ts";

/** What the hosted runtime reports about itself (production: `OPENCLAW_INSTANCE_TYPE`, `openclaw --version`). */
export const INSTANCE_TYPE = "standard-4";
export const CLAWDBOT_VERSION = "2026.2.19";

type GatewayRow = { status: GatewayStatus; starting_until: number | null; last_backup: string | null };

/** The gateway as it is now: a finished restart window has become `running`. */
function readGateway(ctx: UserContext): GatewayRow {
  const row = ctx.sql.exec<GatewayRow>("SELECT status, starting_until, last_backup FROM gateway").toArray()[0];
  if (!row) {
    ctx.sql.exec("INSERT INTO gateway (singleton, status) VALUES (1, 'running')");
    return { status: "running", starting_until: null, last_backup: null };
  }
  if (row.status === "starting" && row.starting_until !== null && row.starting_until <= ctx.now()) {
    ctx.sql.exec("UPDATE gateway SET status = 'running', starting_until = NULL");
    return { ...row, status: "running", starting_until: null };
  }
  return row;
}

/** A runtime that just became ready has a running gateway (its last backup survives re-provisioning). */
export function startFreshGateway(ctx: UserContext): void {
  ctx.sql.exec(
    `INSERT INTO gateway (singleton, status, starting_until) VALUES (1, 'running', NULL)
     ON CONFLICT (singleton) DO UPDATE SET status = 'running', starting_until = NULL`,
  );
}

/** Returns whether the gateway was up (and so was stopped now). */
export function stopGateway(ctx: UserContext): boolean {
  const row = ctx.sql.exec<GatewayRow>("SELECT status FROM gateway").toArray()[0];
  if (!row || row.status === "stopped") return false;
  ctx.sql.exec("UPDATE gateway SET status = 'stopped', starting_until = NULL");
  return true;
}

/** Everything a runtime holds goes with it when its instance is deleted. */
export function removeRuntime(ctx: UserContext): void {
  for (const table of ["gateway", "devices", "pairing_requests", "pairing_allowed", "sessions", "session_messages", "arrivals"]) {
    ctx.sql.exec(`DELETE FROM ${table}`);
  }
}

/** Reading the status starts a stopped gateway, as the hosted runtime does. */
export function runtimeStatus(ctx: UserContext): Outcome<RuntimeStatus> {
  let gateway = readGateway(ctx);
  const effects: string[] = [];
  if (gateway.status === "stopped") {
    ctx.sql.exec("UPDATE gateway SET status = 'running', starting_until = NULL");
    gateway = { ...gateway, status: "running" };
    effects.push("gateway.started");
  }
  return success(
    {
      gateway: { status: gateway.status },
      lastBackup: gateway.last_backup,
      container: { instanceType: INSTANCE_TYPE },
      version: { clawdbot: CLAWDBOT_VERSION },
    },
    ...effects,
  );
}

/** The gateway is `starting` for RESTART_DELAY_MS, then `running` (derived from the stored deadline). */
export function restartGateway(ctx: UserContext): Outcome<{ message: "restarting" }> {
  readGateway(ctx);
  ctx.sql.exec("UPDATE gateway SET status = 'starting', starting_until = ?", ctx.now() + ctx.timing.restartDelayMs);
  return success({ message: "restarting" }, "gateway.restarted");
}

/** A backup takes BACKUP_DELAY_MS; `lastBackup` is when it finished. */
export async function backupRuntime(ctx: UserContext): Promise<Outcome<{ lastBackup: string }>> {
  await sleep(ctx.timing.backupDelayMs);
  // The instance may have been deleted while the backup ran.
  if (ctx.sql.exec("SELECT 1 FROM gateway").toArray().length === 0) return failure(500, "failed to backup");
  const lastBackup = new Date(ctx.now()).toISOString();
  ctx.sql.exec("UPDATE gateway SET last_backup = ?", lastBackup);
  return success({ lastBackup }, "backup.completed");
}

/** Control surface: force the gateway into a state and/or set its last backup. */
export function seedGateway(ctx: UserContext, seed: { status?: GatewayStatus | undefined; lastBackup?: string | null | undefined }): void {
  readGateway(ctx);
  if (seed.status !== undefined) {
    const until = seed.status === "starting" ? ctx.now() + ctx.timing.restartDelayMs : null;
    ctx.sql.exec("UPDATE gateway SET status = ?, starting_until = ?", seed.status, until);
  }
  if (seed.lastBackup !== undefined) ctx.sql.exec("UPDATE gateway SET last_backup = ?", seed.lastBackup);
}
