#!/usr/bin/env node
// Starts the whole product locally: the website (apps/web), the agent worker and the local OpenClaw
// API (openclaw-local), D1 migrations applied (the agent's threads, the web's sessions), state
// under .wrangler/state, offline model unless a model key is configured.
import { join } from "node:path";
import { passthroughSettings, resolveInternalKey, resolveOpenClawKey, root, writeEnvFile } from "./lib/dev-key.mjs";
import { startOpenClawLocal } from "./lib/openclaw-local.mjs";
import { startWrangler } from "./lib/wrangler.mjs";
import { applyD1Migrations } from "./lib/d1.mjs";
import { resolveSessionSecret, startWeb } from "./lib/web.mjs";

const webPort = Number(process.env.PORT ?? 8787);
const port = Number(process.env.AGENT_PORT ?? 8788);
const openclawPort = Number(process.env.OPENCLAW_PORT ?? 8789);
const persistTo = join(root, ".wrangler/state");
const { key, source } = resolveInternalKey();
const settings = Object.fromEntries(passthroughSettings.map((name) => [name, process.env[name]]));

// OPENCLAW_API_BASE (with OPENCLAW_API_KEY) in the environment points the agent at another OpenClaw
// API (e.g. production) and no local one is started; otherwise openclaw-local comes up first.
const externalOpenClaw = process.env.OPENCLAW_API_BASE?.trim();
// One secret per hop: OA_INTERNAL_KEY is what the agent worker accepts, OPENCLAW_API_KEY what it
// presents to the OpenClaw API — openclaw-local's own key (.dev/openclaw-key), a different value.
const openclawApiKey = externalOpenClaw ? process.env.OPENCLAW_API_KEY : resolveOpenClawKey();
const openclaw = externalOpenClaw ? null : await startOpenClawLocal({ port: openclawPort, persistTo, key: openclawApiKey });
const openclawApiBase = externalOpenClaw || openclaw.apiBase;
const envFile = writeEnvFile("agent-worker", { OA_INTERNAL_KEY: key, ...settings, OPENCLAW_API_BASE: openclawApiBase, OPENCLAW_API_KEY: openclawApiKey });
let agent;
let web;
try {
  applyD1Migrations(persistTo);
  agent = await startWrangler({ configs: [join(root, "apps/agent-worker/wrangler.jsonc")], port, persistTo, envFile });
  // Locally the dev login is on unless DEV_LOGIN says otherwise (it is always off with WorkOS).
  web = await startWeb({ port: webPort, persistTo, key, agentUrl: agent.url, sessionSecret: resolveSessionSecret(), vars: { DEV_LOGIN: process.env.DEV_LOGIN ?? "true" } });
} catch (error) {
  await Promise.all([agent?.stop(), openclaw?.stop()]);
  throw error;
}

const provider = process.env.MODEL_PROVIDER || (process.env.OPENAI_BASE_URL ? "openai-compatible" : process.env.OPENAI_API_KEY ? "openai" : "offline");
const auth = process.env.WORKOS_CLIENT_ID && process.env.WORKOS_API_KEY ? "WorkOS AuthKit" : (process.env.DEV_LOGIN ?? "true") === "true" ? "dev login: any name" : "dev login off";
console.log(`
  Open:          ${web.url}   (${auth})

  Agent worker:  ${agent.url}   (model: ${provider}; server-to-server, X-OA-Internal-Key)
  OpenClaw API:  ${openclawApiBase}/openclaw   (${openclaw ? "openclaw-local" : "from OPENCLAW_API_BASE"})
  Internal key:  ${source}
  State:         .wrangler/state (kept across restarts)

  Try it:        npm run chat -- --thread t1 "hello"
  Or with curl:  curl -N ${agent.url}/internal/chat -H "X-OA-Internal-Key: $(cat .dev/oa-internal-key)" \\
                   -H "X-OA-User-Id: me" -H "content-type: application/json" -d '{"threadId":"t1","input":"hello"}'
`);

const shutdown = async () => {
  await Promise.all([web.stop(), agent.stop(), openclaw?.stop()]);
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
