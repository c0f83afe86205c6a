/** Every setting openclaw-local reads, with its default. Documented in the README. */
export type OpenClawEnv = Env & {
  OA_INTERNAL_KEY?: string;
  SIMULATE_ARRIVALS?: string;
  SIMULATE_ARRIVAL_DELAY_MS?: string;
};

export type Timing = {
  /** provisioning → ready after this long. */
  provisionDelayMs: number;
  /** restart keeps the gateway `starting` this long. */
  restartDelayMs: number;
  /** a backup takes this long before it answers. */
  backupDelayMs: number;
  /** What a real runtime sees without anyone asking: a device and a DM sender asking to pair. */
  arrivals: { enabled: boolean; delayMs: number };
};

export type ConfigResult = { ok: true; timing: Timing } | { ok: false; error: string };

const MAX_MS = 24 * 3600 * 1000;

/** Empty means the default; anything but a whole number of ms refuses to serve (fail closed). */
function msSetting(name: string, value: string | undefined, fallback: number): number | string {
  const text = (value ?? "").trim();
  if (text === "") return fallback;
  if (!/^\d+$/.test(text)) return `${name} must be a whole number of milliseconds, got "${text}"`;
  return Math.min(Number(text), MAX_MS);
}

function switchSetting(name: string, value: string | undefined, fallback: boolean): boolean | string {
  const text = (value ?? "").trim().toLowerCase();
  if (text === "") return fallback;
  if (text === "on") return true;
  if (text === "off") return false;
  return `${name} must be on or off, got "${(value ?? "").trim()}"`;
}

/** Reads and checks every timing setting; a value that does not parse names itself in the error. */
export function readConfig(env: OpenClawEnv): ConfigResult {
  const provisionDelayMs = msSetting("PROVISION_DELAY_MS", env.PROVISION_DELAY_MS, 8000);
  const restartDelayMs = msSetting("RESTART_DELAY_MS", env.RESTART_DELAY_MS, 4000);
  const backupDelayMs = msSetting("BACKUP_DELAY_MS", env.BACKUP_DELAY_MS, 800);
  const arrivalsEnabled = switchSetting("SIMULATE_ARRIVALS", env.SIMULATE_ARRIVALS, false);
  const arrivalDelayMs = msSetting("SIMULATE_ARRIVAL_DELAY_MS", env.SIMULATE_ARRIVAL_DELAY_MS, 20_000);
  for (const value of [provisionDelayMs, restartDelayMs, backupDelayMs, arrivalsEnabled, arrivalDelayMs]) {
    if (typeof value === "string") return { ok: false, error: `config invalid: ${value}` };
  }
  return {
    ok: true,
    timing: {
      provisionDelayMs: provisionDelayMs as number,
      restartDelayMs: restartDelayMs as number,
      backupDelayMs: backupDelayMs as number,
      arrivals: { enabled: arrivalsEnabled as boolean, delayMs: arrivalDelayMs as number },
    },
  };
}

/** The timing of a configuration the worker has already accepted (it refuses every request otherwise). */
export function readTiming(env: OpenClawEnv): Timing {
  const config = readConfig(env);
  if (!config.ok) throw new Error(config.error);
  return config.timing;
}

export function controlEnabled(env: OpenClawEnv): boolean {
  return (env.OPENCLAW_CONTROL_ENABLED ?? "").trim().toLowerCase() === "true";
}
