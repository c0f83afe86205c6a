import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { root } from "./dev-key.mjs";
import { nodeBin } from "./wrangler.mjs";

const wranglerCli = join(root, "node_modules", "wrangler", "bin", "wrangler.js");

/** The agent worker's thread index (binding DB) and the web worker's sessions (binding SESSIONS). */
const AGENT_D1 = { config: join(root, "apps/agent-worker/wrangler.jsonc"), binding: "DB" };
export const WEB_D1 = { config: join(root, "apps/web/wrangler.jsonc"), binding: "SESSIONS" };

/** `wrangler d1 <command> <binding> <args> --local` against a worker's database under `persistTo`. */
function d1(persistTo, database, command, args, what) {
  const result = spawnSync(
    nodeBin,
    [wranglerCli, "d1", ...command, database.binding, ...args, "--local", "--persist-to", persistTo, "-c", database.config],
    { cwd: root, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" } },
  );
  if (result.status !== 0) throw new Error(`${what} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Applies a worker's D1 migrations (the agent worker's by default) to the local state under `persistTo` (idempotent). */
export function applyD1Migrations(persistTo, database = AGENT_D1) {
  d1(persistTo, database, ["migrations", "apply"], [], "D1 migrations");
}

/** Runs one SQL command against the local D1 under `persistTo` (tests use it to take D1 away). */
export function executeD1(persistTo, command, database = AGENT_D1) {
  return d1(persistTo, database, ["execute"], ["--command", command], "D1 command");
}
