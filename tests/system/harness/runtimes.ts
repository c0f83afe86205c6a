import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { applyD1Migrations } from "../../../scripts/lib/d1.mjs";
import { devDir, root, writeEnvFile } from "../../../scripts/lib/dev-key.mjs";
import { startOpenClawLocal as startOpenClawLocalProcess } from "../../../scripts/lib/openclaw-local.mjs";
import { buildWeb, startWeb as startWebProcess } from "../../../scripts/lib/web.mjs";
import { startWrangler } from "../../../scripts/lib/wrangler.mjs";
import { freePort, type Runtime, tempState } from "./processes.ts";

/** Starts the agent worker under `wrangler dev` with its own key, port and state folder. */
export async function startAgentWorker(options: {
  stateDir: string;
  vars?: Record<string, string>;
  port?: number;
  key?: string;
}): Promise<Runtime> {
  const key = options.key ?? randomBytes(16).toString("hex");
  const port = options.port ?? (await freePort());
  const envFile = writeEnvFile(`system-${port}`, { OA_INTERNAL_KEY: key, OFFLINE_MODEL_DELAY_MS: "5", ...options.vars });
  applyD1Migrations(options.stateDir);
  const runtime = await startWrangler({
    configs: [join(root, "apps/agent-worker/wrangler.jsonc")],
    port,
    persistTo: options.stateDir,
    envFile,
    quiet: true,
  });
  return { ...runtime, key, envFile };
}

export type OpenClawLocal = Runtime & { apiBase: string };

/** openclaw-local's timing for system tests: quick, yet every transition is still observable. */
export const FAST_OPENCLAW_TIMING = { PROVISION_DELAY_MS: "1500", RESTART_DELAY_MS: "1000", BACKUP_DELAY_MS: "100" } as const;

/** Starts apps/openclaw-local under `wrangler dev` with the control surface on, fast timing and no simulated arrivals. */
export async function startOpenClawLocal(options: {
  stateDir: string;
  key: string;
  port?: number;
  vars?: Record<string, string>;
}): Promise<OpenClawLocal> {
  const port = options.port ?? (await freePort());
  const envName = `system-openclaw-${port}`;
  const envFile = join(devDir, `${envName}.env`);
  try {
    const runtime = await startOpenClawLocalProcess({
      port,
      persistTo: options.stateDir,
      key: options.key,
      quiet: true,
      envName,
      // No simulated arrivals unless a test asks for them: tests expect the world they seed.
      vars: { ...FAST_OPENCLAW_TIMING, OPENCLAW_CONTROL_ENABLED: "true", SIMULATE_ARRIVALS: "off", ...options.vars },
    });
    return { ...runtime, key: options.key, envFile };
  } catch (error) {
    rmSync(envFile, { force: true });
    throw error;
  }
}

export type SystemOptions = {
  /** Extra vars for the agent worker (OPENCLAW_API_BASE and the key are set for you). */
  agentVars?: Record<string, string>;
  /** Extra vars for openclaw-local (on top of FAST_OPENCLAW_TIMING and the control surface). */
  openclawVars?: Record<string, string>;
  /**
   * The agent worker's own OA_INTERNAL_KEY when it should differ from openclaw-local's key (which
   * the agent worker presents as OPENCLAW_API_KEY). Default: one key for both.
   */
  agentKey?: string;
  /** Also start the website (apps/web) in front of the agent worker. */
  web?: { vars?: Record<string, string> };
};

let webBuilt = false;

/**
 * Starts apps/web under `wrangler dev` (the browser app built once per test process), with the
 * dev login on unless `vars` says otherwise. `upstream` (e.g. "https://web.test") is the origin
 * the worker sees, to exercise https behaviour over a plain local port.
 */
export async function startWeb(options: {
  stateDir: string;
  key: string;
  agentUrl?: string;
  vars?: Record<string, string>;
  port?: number;
  sessionSecret?: string;
  upstream?: string;
}): Promise<Runtime & { sessionSecret: string }> {
  if (!webBuilt) {
    buildWeb({ quiet: true });
    webBuilt = true;
  }
  const port = options.port ?? (await freePort());
  const sessionSecret = options.sessionSecret ?? randomBytes(32).toString("base64url");
  const runtime = await startWebProcess({
    port,
    persistTo: options.stateDir,
    key: options.key,
    agentUrl: options.agentUrl,
    sessionSecret,
    vars: { DEV_LOGIN: "true", ...options.vars },
    upstream: options.upstream,
    quiet: true,
    envName: `system-web-${port}`,
    build: false,
  });
  return { ...runtime, key: options.key, sessionSecret };
}

/**
 * openclaw-local and the agent worker, each under its own `wrangler dev` with its own state
 * folder; the agent's OPENCLAW_API_BASE points at openclaw-local and its OPENCLAW_API_KEY is
 * openclaw-local's key (`key` is the agent worker's own OA_INTERNAL_KEY: the same value unless
 * `agentKey` was given).
 */
export type System = {
  key: string;
  openclaw: OpenClawLocal;
  /** The current agent worker process (replaced by `restartAgent`, on the same port). */
  agent: Runtime;
  /** The website, when asked for: forwards to the agent worker. */
  web?: Runtime;
  /** The agent worker's state folder (its Durable Objects and its local D1). */
  agentStateDir: string;
  agentVars: Record<string, string>;
  /** SIGKILLs the agent worker's whole process group (wrangler and workerd), as a crash would. */
  killAgent(): Promise<void>;
  /** Starts the agent worker again on the same state, key and OpenClaw API. */
  restartAgent(): Promise<Runtime>;
  /** Ends both process groups and removes their state folders and env files. */
  stop(): Promise<void>;
};

export async function startSystem(options: SystemOptions = {}): Promise<System> {
  const openclawKey = randomBytes(16).toString("hex");
  const key = options.agentKey ?? openclawKey;
  const openclawState = tempState();
  const agentState = tempState();
  const webState = tempState();
  const envFiles = new Set<string>();
  let openclaw: OpenClawLocal | undefined;
  let agent: Runtime | undefined;
  let web: Runtime | undefined;
  const stop = async () => {
    await Promise.all([web?.stop("SIGKILL"), agent?.stop("SIGKILL"), openclaw?.stop("SIGKILL")]);
    for (const file of envFiles) rmSync(file, { force: true });
    openclawState.cleanup();
    agentState.cleanup();
    webState.cleanup();
  };
  try {
    openclaw = await startOpenClawLocal({
      stateDir: openclawState.dir,
      key: openclawKey,
      ...(options.openclawVars ? { vars: options.openclawVars } : {}),
    });
    envFiles.add(openclaw.envFile!);
    // openclaw-local's key reaches the agent worker as OPENCLAW_API_KEY (the key it presents there).
    const agentVars = { OPENCLAW_API_KEY: openclaw.key, ...options.agentVars, OPENCLAW_API_BASE: openclaw.apiBase };
    const agentPort = await freePort();
    const startAgent = async () => {
      const started = await startAgentWorker({ stateDir: agentState.dir, key, vars: agentVars, port: agentPort });
      if (started.envFile) envFiles.add(started.envFile);
      return started;
    };
    agent = await startAgent();
    if (options.web) {
      web = await startWeb({ stateDir: webState.dir, key, agentUrl: agent.url, ...(options.web.vars ? { vars: options.web.vars } : {}) });
      if (web.envFile) envFiles.add(web.envFile);
    }
    const system: System = {
      key,
      openclaw,
      agent,
      ...(web ? { web } : {}),
      agentStateDir: agentState.dir,
      agentVars,
      async killAgent() {
        await system.agent.stop("SIGKILL");
      },
      async restartAgent() {
        agent = system.agent = await startAgent();
        return system.agent;
      },
      stop,
    };
    return system;
  } catch (error) {
    await stop();
    throw error;
  }
}
