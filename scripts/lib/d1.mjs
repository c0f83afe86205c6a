import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { root } from "./dev-key.mjs";
import { nodeBin } from "./wrangler.mjs";

const wranglerCli = join(root, "node_modules", "wrangler", "bin", "wrangler.js");

/** `wrangler d1 <args> DB --local` against the agent worker's database under `persistTo`. */
function d1(persistTo, args, what) {
  const result = spawnSync(
    nodeBin,
    [wranglerCli, "d1", ...args, "--local", "--persist-to", persistTo, "-c", join(root, "apps/agent-worker/wrangler.jsonc")],
    { cwd: root, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" } },
  );
  if (result.status !== 0) throw new Error(`${what} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Applies the agent worker's D1 migrations to the local state under `persistTo` (idempotent). */
export function applyD1Migrations(persistTo) {
  d1(persistTo, ["migrations", "apply", "DB"], "D1 migrations");
}

/** Runs one SQL command against the local D1 under `persistTo` (tests use it to take D1 away). */
export function executeD1(persistTo, command) {
  return d1(persistTo, ["execute", "DB", "--command", command], "D1 command");
}
