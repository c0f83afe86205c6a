import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { root } from "./dev-key.mjs";

const node22 = join(root, "node_modules", "node", "bin", "node");
const wranglerCli = join(root, "node_modules", "wrangler", "bin", "wrangler.js");

/** Applies the agent worker's D1 migrations to the local state under `persistTo` (idempotent). */
export function applyD1Migrations(persistTo) {
  const result = spawnSync(
    existsSync(node22) ? node22 : process.execPath,
    [wranglerCli, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo, "-c", join(root, "apps/agent-worker/wrangler.jsonc")],
    { cwd: root, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" } },
  );
  if (result.status !== 0) throw new Error(`D1 migrations failed:\n${result.stdout}\n${result.stderr}`);
}

/** Runs one SQL command against the local D1 under `persistTo` (tests use it to take D1 away). */
export function executeD1(persistTo, command) {
  const result = spawnSync(
    existsSync(node22) ? node22 : process.execPath,
    [wranglerCli, "d1", "execute", "DB", "--local", "--persist-to", persistTo, "--command", command, "-c", join(root, "apps/agent-worker/wrangler.jsonc")],
    { cwd: root, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" } },
  );
  if (result.status !== 0) throw new Error(`D1 command failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}
