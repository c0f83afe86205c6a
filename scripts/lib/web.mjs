import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { applyD1Migrations, WEB_D1 } from "./d1.mjs";
import { devDir, root, writeEnvFile } from "./dev-key.mjs";
import { nodeBin, startWrangler } from "./wrangler.mjs";

const sessionSecretFile = join(devDir, "session-secret");

/** apps/web/wrangler.jsonc's sessions database, so a generated config shares its local storage. */
function sessionsDatabase() {
  const text = readFileSync(join(root, "apps/web/wrangler.jsonc"), "utf8");
  const field = (name) => new RegExp(`"${name}":\\s*"([^"]+)"`).exec(text.slice(text.indexOf('"d1_databases"')))?.[1];
  return {
    binding: WEB_D1.binding,
    database_name: field("database_name"),
    database_id: field("database_id"),
    migrations_dir: join(root, "apps/web/migrations"),
  };
}

/** Settings for the web worker passed from the environment when present (WorkOS, stateless model). */
const webPassthroughSettings = [
  "DEV_LOGIN",
  "WORKOS_CLIENT_ID",
  "WORKOS_API_KEY",
  "WORKOS_API_BASE",
  "WORKOS_REDIRECT_URI",
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "MODEL",
];

/** SESSION_SECRET from the environment, else one generated once into the git-ignored .dev/. */
export function resolveSessionSecret() {
  if (process.env.SESSION_SECRET) return process.env.SESSION_SECRET;
  if (!existsSync(sessionSecretFile)) {
    mkdirSync(devDir, { recursive: true });
    writeFileSync(sessionSecretFile, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
  }
  return readFileSync(sessionSecretFile, "utf8").trim();
}

/** Builds the browser app into apps/web/dist/client (vite, about a second). */
export function buildWeb({ quiet = false } = {}) {
  const vite = join(root, "node_modules", "vite", "bin", "vite.js");
  // NODE_ENV=production whatever the caller runs under (vitest sets "test"): React's production build.
  const result = spawnSync(nodeBin, [vite, "build", "--mode", "production", "--logLevel", quiet ? "error" : "warn"], {
    cwd: join(root, "apps/web"),
    stdio: quiet ? "pipe" : "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.stderr ?? ""}`);
}

/** Applies the web worker's D1 migrations (its sessions table) under `persistTo` (idempotent). */
export function applyWebMigrations(persistTo) {
  applyD1Migrations(persistTo, WEB_D1);
}

/**
 * Starts apps/web under `wrangler dev`: the React app, the dev login (when DEV_LOGIN=true; never
 * with WorkOS configured) and the browser API, forwarding to the agent worker at `agentUrl` with
 * the internal key. Its sessions database is migrated first, under the same `persistTo`.
 * `upstream` (e.g. "https://web.test") is the origin the worker sees in request.url.
 */
export async function startWeb({
  port,
  persistTo,
  key,
  agentUrl,
  sessionSecret,
  vars = {},
  quiet = false,
  logRequests = true,
  envName = "web",
  build = true,
  upstream,
}) {
  if (build) buildWeb({ quiet });
  applyWebMigrations(persistTo);
  const fromEnvironment = Object.fromEntries(webPassthroughSettings.map((name) => [name, process.env[name]]));
  const envFile = writeEnvFile(envName, {
    ...fromEnvironment,
    ...vars,
    OA_INTERNAL_KEY: key,
    SESSION_SECRET: sessionSecret,
    ...(agentUrl ? { AGENT_WORKER_URL: agentUrl } : {}),
  });
  const args = upstream ? ["--local-upstream", new URL(upstream).host, "--upstream-protocol", new URL(upstream).protocol.slice(0, -1)] : [];
  const runtime = await startWrangler({
    configs: [join(root, "apps/web/wrangler.jsonc")],
    port,
    persistTo,
    envFile,
    quiet,
    logRequests,
    args,
  });
  return { ...runtime, envFile };
}

/**
 * A wrangler config for apps/web's own code and built app, for runs that need it wired
 * differently from apps/web/wrangler.jsonc: no service binding (the stateless test), raised
 * limits (the bench). The dev login is on and the sessions database is apps/web's own (same id,
 * so `applyWebMigrations` on the same --persist-to prepares it). Writes it to `path`, returns it.
 */
export function writeWebConfig(path, { name, vars = {}, ratelimit = { api: 300, chat: 30 } }) {
  const config = {
    name,
    main: join(root, "apps/web/src/server/index.ts"),
    compatibility_date: "2026-08-01",
    compatibility_flags: ["nodejs_compat"],
    assets: {
      directory: join(root, "apps/web/dist/client"),
      binding: "ASSETS",
      not_found_handling: "single-page-application",
      run_worker_first: true,
    },
    ratelimits: [
      { name: "API_RATE_LIMIT", namespace_id: "1001", simple: { limit: ratelimit.api, period: 60 } },
      { name: "CHAT_RATE_LIMIT", namespace_id: "1002", simple: { limit: ratelimit.chat, period: 60 } },
    ],
    d1_databases: [sessionsDatabase()],
    vars: {
      DEV_LOGIN: "true",
      AGENT_WORKER_URL: "",
      WORKOS_CLIENT_ID: "",
      WORKOS_API_BASE: "",
      WORKOS_REDIRECT_URI: "",
      MODEL: "",
      OFFLINE_MODEL_DELAY_MS: "25",
      ...vars,
    },
  };
  writeFileSync(path, JSON.stringify(config));
  return path;
}
