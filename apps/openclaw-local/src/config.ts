/** Every setting openclaw-local reads, with its default. Documented in the README. */
export type OpenClawEnv = Env & {
  OA_INTERNAL_KEY?: string;
};

export type Timing = {
  /** provisioning → ready after this long. */
  provisionDelayMs: number;
  /** restart keeps the gateway `starting` this long. */
  restartDelayMs: number;
  /** a backup takes this long before it answers. */
  backupDelayMs: number;
};

function msSetting(value: string | undefined, fallback: number): number {
  const parsed = Number.parseInt(value ?? "", 10);
  if (!Number.isFinite(parsed) || parsed < 0) return fallback;
  return Math.min(parsed, 24 * 3600 * 1000);
}

export function readTiming(env: OpenClawEnv): Timing {
  return {
    provisionDelayMs: msSetting(env.PROVISION_DELAY_MS, 8000),
    restartDelayMs: msSetting(env.RESTART_DELAY_MS, 4000),
    backupDelayMs: msSetting(env.BACKUP_DELAY_MS, 800),
  };
}

export function controlEnabled(env: OpenClawEnv): boolean {
  return (env.OPENCLAW_CONTROL_ENABLED ?? "").trim().toLowerCase() === "true";
}
