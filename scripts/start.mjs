#!/usr/bin/env node
// Starts the whole product locally: the website (apps/web), the agent worker and the local OpenClaw
// API (openclaw-local), D1 migrations applied (the agent's threads, the web's sessions), state
// under .wrangler/state (OA_STATE_DIR), offline model unless a model key is configured.
// A worker that dies is restarted; ending this script (Ctrl-C, kill, a closed terminal) ends them all.
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { applyD1Migrations } from "./lib/d1.mjs";
import { keyFile, passthroughSettings, resolveInternalKey, resolveOpenClawKey, root, stateDir, writeEnvFile } from "./lib/dev-key.mjs";
import { startOpenClawLocal } from "./lib/openclaw-local.mjs";
import { superviseWorkers } from "./lib/supervise.mjs";
import { resolveSessionSecret, startWeb } from "./lib/web.mjs";
import { startWrangler } from "./lib/wrangler.mjs";

let options;
try {
  options = parseArgs({ options: { verbose: { type: "boolean", default: false } } }).values;
} catch (error) {
  console.error(`${error.message}\nusage: npm start [-- --verbose]   (--verbose, or VERBOSE=1: also log every request)`);
  process.exit(2);
}
const verbose = options.verbose || ["1", "true"].includes((process.env.VERBOSE ?? "").trim().toLowerCase());
// Request lines (wrangler dev logs one per request) only with --verbose; everything else is shown.
const output = { logRequests: verbose };

const webPort = Number(process.env.PORT ?? 8787);
const port = Number(process.env.AGENT_PORT ?? 8788);
const openclawPort = Number(process.env.OPENCLAW_PORT ?? 8789);
const persistTo = stateDir;
const { key, source } = resolveInternalKey();
const settings = Object.fromEntries(passthroughSettings.map((name) => [name, process.env[name]]));
const workers = superviseWorkers();

// OPENCLAW_API_BASE (with OPENCLAW_API_KEY) in the environment points the agent at another OpenClaw
// API (e.g. production) and no local one is started; otherwise openclaw-local comes up first.
const externalOpenClaw = process.env.OPENCLAW_API_BASE?.trim();
// One secret per hop: OA_INTERNAL_KEY is what the agent worker accepts, OPENCLAW_API_KEY what it
// presents to the OpenClaw API — openclaw-local's own key (.dev/openclaw-key), a different value.
const openclawApiKey = externalOpenClaw ? process.env.OPENCLAW_API_KEY : resolveOpenClawKey();
let openclaw = null;
let agent;
let web;
try {
  if (!externalOpenClaw) {
    // A local world worth trying: a device and a telegram sender ask to pair a while after the
    // instance is ready (SIMULATE_ARRIVALS=off in the environment turns it off).
    const simulate = { SIMULATE_ARRIVALS: process.env.SIMULATE_ARRIVALS || "on" };
    openclaw = await workers.start("openclaw-local", () =>
      startOpenClawLocal({ port: openclawPort, persistTo, key: openclawApiKey, vars: simulate, ...output }),
    );
  }
  const openclawApiBase = externalOpenClaw || openclaw.apiBase;
  const envFile = writeEnvFile("agent-worker", {
    OA_INTERNAL_KEY: key,
    ...settings,
    OPENCLAW_API_BASE: openclawApiBase,
    OPENCLAW_API_KEY: openclawApiKey,
  });
  applyD1Migrations(persistTo);
  agent = await workers.start("agent worker", () =>
    startWrangler({ configs: [join(root, "apps/agent-worker/wrangler.jsonc")], port, persistTo, envFile, ...output }),
  );
  // Locally the dev login is on unless DEV_LOGIN says otherwise (it is always off with WorkOS).
  const sessionSecret = resolveSessionSecret();
  let build = true;
  web = await workers.start("website", async () => {
    const started = await startWeb({
      port: webPort,
      persistTo,
      key,
      agentUrl: agent.url,
      sessionSecret,
      vars: { DEV_LOGIN: process.env.DEV_LOGIN ?? "true" },
      build,
      ...output,
    });
    build = false;
    return started;
  });
} catch (error) {
  // Interrupted while starting: the signal's handler ends everything and exits; no stack trace.
  if (workers.shuttingDown) await new Promise(() => {});
  await workers.stopAll();
  throw error;
}

const provider =
  process.env.MODEL_PROVIDER || (process.env.OPENAI_BASE_URL ? "openai-compatible" : process.env.OPENAI_API_KEY ? "openai" : "offline");
const auth =
  process.env.WORKOS_CLIENT_ID && process.env.WORKOS_API_KEY
    ? "WorkOS AuthKit"
    : (process.env.DEV_LOGIN ?? "true") === "true"
      ? "dev login: any name"
      : "dev login off";
const shown = (path) => (relative(root, path).startsWith("..") ? path : relative(root, path));
// What `npm run chat` needs to find this agent worker and its key, when not the defaults.
const chatEnv = process.env.OA_DEV_DIR?.trim() ? `OA_DEV_DIR=${process.env.OA_DEV_DIR.trim()} ` : "";
const chatUrl = port === 8788 ? "" : ` --url ${agent.url}`;
const keyHint = process.env.OA_INTERNAL_KEY ? "$OA_INTERNAL_KEY" : `$(cat ${shown(keyFile)})`;
console.log(`
  Open:          ${web.url}   (${auth})

  Agent worker:  ${agent.url}   (model: ${provider}; server-to-server, X-OA-Internal-Key)
  OpenClaw API:  ${externalOpenClaw || openclaw.apiBase}/openclaw   (${openclaw ? `openclaw-local; simulated arrivals ${process.env.SIMULATE_ARRIVALS || "on"}` : "from OPENCLAW_API_BASE"})
  Internal key:  ${source}
  State:         ${shown(persistTo)} (kept across restarts)
  Logs:          ${verbose ? "every request (--verbose)" : "quiet; npm start -- --verbose (or VERBOSE=1) logs every request"}

  Try it:        ${chatEnv}npm run chat --${chatUrl} --thread t1 "hello"
  Or with curl:  curl -N ${agent.url}/internal/chat -H "X-OA-Internal-Key: ${keyHint}" \\
                   -H "X-OA-User-Id: me" -H "content-type: application/json" -d '{"threadId":"t1","input":"hello"}'
`);
