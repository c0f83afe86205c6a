import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Local keys and env files: .dev/ at the root (git-ignored), or OA_DEV_DIR. */
export const devDir = process.env.OA_DEV_DIR?.trim() ? resolve(process.env.OA_DEV_DIR.trim()) : join(root, ".dev");
/** Local Durable Object and D1 state for `npm start`: .wrangler/state at the root, or OA_STATE_DIR. */
export const stateDir = process.env.OA_STATE_DIR?.trim() ? resolve(process.env.OA_STATE_DIR.trim()) : join(root, ".wrangler", "state");
export const keyFile = join(devDir, "oa-internal-key");

/**
 * The internal key for local runs: OA_INTERNAL_KEY from the environment when set, otherwise a
 * key generated once into the git-ignored .dev/ folder.
 */
export function resolveInternalKey() {
  if (process.env.OA_INTERNAL_KEY) return { key: process.env.OA_INTERNAL_KEY, source: "the OA_INTERNAL_KEY environment variable" };
  return { key: generatedOnce(keyFile), source: keyFile };
}

const openclawKeyFile = join(devDir, "openclaw-key");

/**
 * openclaw-local's own key for local runs (the agent worker presents it as OPENCLAW_API_KEY):
 * generated once into .dev/, and never the agent worker's key, so each hop checks its own secret.
 */
export function resolveOpenClawKey() {
  return generatedOnce(openclawKeyFile);
}

/** A random key kept in `file` (git-ignored .dev/), created on first use. */
function generatedOnce(file) {
  if (!existsSync(file)) {
    mkdirSync(devDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}

/** Settings passed from the environment to the local agent worker, when present. */
export const passthroughSettings = [
  "MODEL_PROVIDER",
  "MODEL",
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "OFFLINE_MODEL_DELAY_MS",
  "CONTEXT_WINDOW_MESSAGES",
  "BUSY_POLICY",
  "MAX_STEPS",
  "RETENTION_GRACE_SECONDS",
  "OPENCLAW_TIMEOUT_MS",
  "APPROVAL_POLICY",
  "APPROVAL_TTL_SECONDS",
  "JOB_POLL_MS",
];

/** Writes a wrangler --env-file holding the key and any passthrough settings; returns its path. */
export function writeEnvFile(name, values) {
  mkdirSync(devDir, { recursive: true });
  const file = join(devDir, `${name}.env`);
  const lines = Object.entries(values)
    .filter(([, value]) => value !== undefined && value !== "")
    .map(([key, value]) => `${key}=${JSON.stringify(String(value))}`);
  writeFileSync(file, `${lines.join("\n")}\n`, { mode: 0o600 });
  return file;
}
