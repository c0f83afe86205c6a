import { join } from "node:path";
import { root, writeEnvFile } from "./dev-key.mjs";
import { startWrangler } from "./wrangler.mjs";

/** openclaw-local settings passed from the environment when present (see apps/openclaw-local/README.md). */
const openclawPassthroughSettings = [
  "PROVISION_DELAY_MS",
  "RESTART_DELAY_MS",
  "BACKUP_DELAY_MS",
  "OPENCLAW_CONTROL_ENABLED",
  "SIMULATE_ARRIVALS",
  "SIMULATE_ARRIVAL_DELAY_MS",
];

/**
 * Starts apps/openclaw-local (the local OpenClaw API) under its own `wrangler dev`, with the
 * given key (the agent worker presents it as its OPENCLAW_API_KEY). Resolves once it answers;
 * `apiBase` is what the agent worker's OPENCLAW_API_BASE should be.
 */
export async function startOpenClawLocal({
  port,
  persistTo,
  key,
  vars = {},
  quiet = false,
  logRequests = true,
  envName = "openclaw-local",
}) {
  const fromEnvironment = Object.fromEntries(openclawPassthroughSettings.map((name) => [name, process.env[name]]));
  const envFile = writeEnvFile(envName, { ...fromEnvironment, ...vars, OA_INTERNAL_KEY: key });
  const runtime = await startWrangler({
    configs: [join(root, "apps/openclaw-local/wrangler.jsonc")],
    port,
    persistTo,
    envFile,
    quiet,
    logRequests,
  });
  return { ...runtime, apiBase: `${runtime.url}/api` };
}
