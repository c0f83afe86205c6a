import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const devDir = join(root, ".dev");
export const keyFile = join(devDir, "oa-internal-key");

/**
 * The internal key for local runs: OA_INTERNAL_KEY from the environment when set, otherwise a
 * key generated once into the git-ignored .dev/ folder.
 */
export function resolveInternalKey() {
  if (process.env.OA_INTERNAL_KEY) return { key: process.env.OA_INTERNAL_KEY, source: "the OA_INTERNAL_KEY environment variable" };
  if (!existsSync(keyFile)) {
    mkdirSync(devDir, { recursive: true });
    writeFileSync(keyFile, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
  }
  return { key: readFileSync(keyFile, "utf8").trim(), source: keyFile };
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
