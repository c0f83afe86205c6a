#!/usr/bin/env node
// Starts the whole product locally: every worker, state under .wrangler/state, offline model
// unless a model key is configured.
import { join } from "node:path";
import { passthroughSettings, resolveInternalKey, root, writeEnvFile } from "./lib/dev-key.mjs";
import { startWrangler } from "./lib/wrangler.mjs";

const port = Number(process.env.AGENT_PORT ?? 8788);
const { key, source } = resolveInternalKey();
const settings = Object.fromEntries(passthroughSettings.map((name) => [name, process.env[name]]));
const envFile = writeEnvFile("agent-worker", { OA_INTERNAL_KEY: key, ...settings });

const agent = await startWrangler({
  configs: [join(root, "apps/agent-worker/wrangler.jsonc")],
  port,
  persistTo: join(root, ".wrangler/state"),
  envFile,
});

const provider = process.env.MODEL_PROVIDER || (process.env.OPENAI_BASE_URL ? "openai-compatible" : process.env.OPENAI_API_KEY ? "openai" : "offline");
console.log(`
  Agent worker:  ${agent.url}   (model: ${provider})
  Internal key:  ${source}
  State:         .wrangler/state (kept across restarts)

  Try it:        npm run chat -- --thread t1 "hello"
  Or with curl:  curl -N ${agent.url}/internal/chat -H "X-OA-Internal-Key: $(cat .dev/oa-internal-key)" \\
                   -H "X-OA-User-Id: me" -H "content-type: application/json" -d '{"threadId":"t1","input":"hello"}'
`);

const shutdown = async () => {
  await agent.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
