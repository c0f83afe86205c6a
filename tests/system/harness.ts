import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readUIMessageStream, type UIMessage, type UIMessageChunk } from "ai";
// @ts-expect-error -- plain ESM helper shared with the start script
import { applyD1Migrations } from "../../scripts/lib/d1.mjs";
// @ts-expect-error -- plain ESM helper shared with the start script
import { startWrangler } from "../../scripts/lib/wrangler.mjs";
// @ts-expect-error -- plain ESM helper shared with the start script
import { devDir, root, writeEnvFile } from "../../scripts/lib/dev-key.mjs";
// @ts-expect-error -- plain ESM helper shared with the start script
import { startOpenClawLocal as startOpenClawLocalProcess } from "../../scripts/lib/openclaw-local.mjs";
// @ts-expect-error -- plain ESM helper shared with the start script
import { buildWeb, startWeb as startWebProcess } from "../../scripts/lib/web.mjs";
import type { FaultSpec, Fault } from "../../apps/openclaw-local/src/faults.ts";
import type { LoggedRequest } from "../../apps/openclaw-local/src/request-log.ts";
import type { Seed, SeedResult } from "../../apps/openclaw-local/src/seed.ts";
import type { Approval, Receipt } from "../../packages/protocol/src/approvals.ts";
import type { Job } from "../../packages/protocol/src/jobs.ts";

export type Runtime = {
  url: string;
  key: string;
  /** The `--env-file` written for it (holds the key); `System.stop` removes it. */
  envFile?: string;
  kill(signal?: NodeJS.Signals): void;
  stop(signal?: NodeJS.Signals): Promise<void>;
  output(): string;
  /** The wrangler process; it leads the process group its workerd children run in. */
  pid?: number;
};

/**
 * The address the worker's own workerd listens on, behind wrangler dev's proxy (which buffers
 * response bodies without backpressure, so a slow reader there never slows the worker down).
 * Found from /proc: the workerd of the runtime's process group started with an inspector, and
 * of its listening sockets the one that answers our API.
 */
export async function innerWorkerdUrl(runtime: Pick<Runtime, "pid" | "key">): Promise<string> {
  const inodes = new Set<string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const group = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (group !== runtime.pid || !readFileSync(`/proc/${entry}/cmdline`, "utf8").includes("--inspector-addr")) continue;
      for (const fd of readdirSync(`/proc/${entry}/fd`)) {
        const target = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/fd/${fd}`));
        if (target) inodes.add(target[1]!);
      }
    } catch {
      // the process ended meanwhile
    }
  }
  const ports = readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[3] === "0A" && inodes.has(fields[9]!))
    .map((fields) => Number.parseInt(fields[1]!.split(":")[1]!, 16));
  for (const port of ports) {
    const url = `http://127.0.0.1:${port}`;
    const answer = await fetch(`${url}/internal/threads`, { headers: { "x-oa-internal-key": runtime.key, "x-oa-user-id": "probe" }, signal: AbortSignal.timeout(2000) }).catch(() => null);
    if (answer && answer.headers.get("content-type")?.includes("application/json") && answer.status === 200) return url;
  }
  throw new Error(`no listening socket of the worker's workerd answered (ports ${ports.join(", ")})`);
}

/** Resident memory of the workerd processes `wrangler dev` started for `runtime` (from /proc). */
export function workerdRssBytes(runtime: Pick<Runtime, "pid">): number {
  if (!runtime.pid) throw new Error("the runtime's process id is unknown");
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // comm is in parentheses and may hold spaces: fields after it start at the last ")".
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const group = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (group !== runtime.pid || !comm.includes("workerd")) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, "utf8"));
      total += rss ? Number(rss[1]) * 1024 : 0;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** A private state folder for one test file; `cleanup()` removes it. */
export function tempState(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "oa-state-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts the agent worker under `wrangler dev` with its own key, port and state folder. */
export async function startAgentWorker(options: { stateDir: string; vars?: Record<string, string>; port?: number; key?: string }): Promise<Runtime> {
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

export function client(runtime: Pick<Runtime, "url" | "key">, userId: string) {
  const headers = { "x-oa-internal-key": runtime.key, "x-oa-user-id": userId, "content-type": "application/json" };
  return {
    chat: (body: unknown, init: RequestInit = {}) =>
      fetch(`${runtime.url}/internal/chat`, { method: "POST", headers, body: JSON.stringify(body), ...init }),
    get: (path: string) => fetch(`${runtime.url}${path}`, { headers }),
    post: (path: string, body?: unknown) =>
      fetch(`${runtime.url}${path}`, { method: "POST", headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
  };
}

export async function sseChunks(response: Response): Promise<UIMessageChunk[]> {
  return sseData(await response.text()).map((data) => JSON.parse(data) as UIMessageChunk);
}

export async function readAnswer(response: Response): Promise<UIMessage> {
  return messageFromChunks(await sseChunks(response));
}

/** The message the AI SDK's own reader builds from a stream's chunks. */
export async function messageFromChunks(chunks: UIMessageChunk[]): Promise<UIMessage> {
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  let last: UIMessage | undefined;
  for await (const message of readUIMessageStream({ stream })) last = message;
  if (!last) throw new Error("no message in stream");
  return last;
}

export function textOf(message: { parts: Array<{ type: string; text?: string }> }): string {
  return message.parts.filter((part) => part.type === "text").map((part) => part.text).join("");
}

/** Polls until `check` gives a truthy value. */
export async function waitFor<T>(check: () => T | Promise<T>, { timeoutMs = 15_000, intervalMs = 100, what = "a condition" } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

// ── openclaw-local and the whole system ─────────────────────────────────────────────────────

export type OpenClawLocal = Runtime & { apiBase: string };

/** openclaw-local's timing for system tests: quick, yet every transition is still observable. */
export const FAST_OPENCLAW_TIMING = { PROVISION_DELAY_MS: "1500", RESTART_DELAY_MS: "1000", BACKUP_DELAY_MS: "100" } as const;

/** Starts apps/openclaw-local under `wrangler dev` with the control surface on, fast timing and no simulated arrivals. */
export async function startOpenClawLocal(options: { stateDir: string; key: string; port?: number; vars?: Record<string, string> }): Promise<OpenClawLocal> {
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
    openclaw = await startOpenClawLocal({ stateDir: openclawState.dir, key: openclawKey, ...(options.openclawVars ? { vars: options.openclawVars } : {}) });
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

// ── openclaw-local's test control surface (/__control/users/:userId/…) ──────────────────────

export type FaultInput = Omit<FaultSpec, "method" | "phase"> & Partial<Pick<FaultSpec, "method" | "phase">>;
export type { Fault, LoggedRequest, Seed, SeedResult };

export class ControlError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** A typed client for one user's world in openclaw-local; failures throw `ControlError`. */
export function openclawControl(openclaw: Pick<Runtime, "url" | "key">, userId: string) {
  const base = `${openclaw.url}/__control/users/${encodeURIComponent(userId)}`;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { "x-oa-internal-key": openclaw.key, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const envelope = (await response.json()) as { ok: boolean; data: T; error: string | null };
    if (!response.ok || !envelope.ok) throw new ControlError(response.status, `control ${method} ${path}: ${envelope.error}`);
    return envelope.data;
  };
  return {
    seed: (seed: Seed) => call<SeedResult>("POST", "/seed", seed),
    setBalance: (balanceUsd: number) => call<{ balance_usd: number }>("PUT", "/balance", { balance_usd: balanceUsd }),
    addFault: (fault: FaultInput) => call<Fault>("POST", "/faults", fault),
    faults: () => call<Fault[]>("GET", "/faults"),
    clearFaults: () => call<{ cleared: number }>("DELETE", "/faults"),
    /** The user's API requests after `after` (a seq), in order. */
    requests: (after = 0) => call<LoggedRequest[]>("GET", `/requests?after=${after}`),
    reset: () => call<{ reset: true }>("POST", "/reset"),
  };
}

export type OpenClawControl = ReturnType<typeof openclawControl>;

// ── one thread of the agent worker, over its internal API ──────────────────────────────────

export type ThreadEventRecord = { seq: number; type: string; at: string; runId?: string; [field: string]: unknown };

/** Parses SSE frames' `data:` payloads (the `[DONE]` marker left out). */
export function sseData(text: string): string[] {
  return text
    .split("\n\n")
    .map((frame) => frame.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join(""))
    .filter((data) => data !== "" && data !== "[DONE]");
}

export type FeedOptions = { after?: number; until?: (events: ThreadEventRecord[]) => boolean; timeoutMs?: number; quietMs?: number };

/**
 * Reads `GET /internal/thread/:id/events` (replay, then live) until `until` holds for the events
 * read so far, or until the feed has been quiet for `quietMs` when no `until` is given.
 */
export function readThreadEvents(runtime: Pick<Runtime, "url" | "key">, userId: string, threadId: string, options: FeedOptions = {}): Promise<ThreadEventRecord[]> {
  return readFeed(runtime, userId, `/internal/thread/${threadId}/events`, options);
}

/** The same for the user's feed, `GET /internal/user/events`. */
export function readUserEvents(runtime: Pick<Runtime, "url" | "key">, userId: string, options: FeedOptions = {}): Promise<ThreadEventRecord[]> {
  return readFeed(runtime, userId, "/internal/user/events", options);
}

async function readFeed(runtime: Pick<Runtime, "url" | "key">, userId: string, path: string, options: FeedOptions): Promise<ThreadEventRecord[]> {
  const response = await client(runtime, userId).get(`${path}?after=${options.after ?? 0}`);
  if (!response.ok) throw new Error(`events feed answered ${response.status}: ${await response.text()}`);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let events: ThreadEventRecord[] = [];
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  try {
    for (;;) {
      const wait = options.until ? Math.max(1, deadline - Date.now()) : (options.quietMs ?? 500);
      let timer: NodeJS.Timeout | undefined;
      const next = await Promise.race([reader.read(), new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), wait)))]);
      clearTimeout(timer);
      if (next === null || next.done) break;
      text += decoder.decode(next.value, { stream: true });
      const complete = text.slice(0, text.lastIndexOf("\n\n") + 2);
      events = sseData(complete).map((data) => JSON.parse(data) as ThreadEventRecord);
      if (options.until?.(events)) return events;
      if (Date.now() > deadline) break;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  if (options.until) throw new Error(`the events feed did not reach the expected state; got: ${events.map((event) => event.type).join(", ")}`);
  return events;
}

export type StoredMessage = UIMessage & {
  position: number;
  createdAt: string;
  metadata?: { runId?: string; status?: string; origin?: { kind: string; id: string } };
};
export type ToolPart = {
  type: string;
  toolCallId: string;
  state: string;
  input?: unknown;
  output?: unknown;
  errorText?: string;
  approval?: { id: string; approved?: boolean; reason?: string };
};

/** The parts of a message that are tool calls (`tool-<name>`). */
export function toolParts(message: { parts: Array<{ type: string }> }): ToolPart[] {
  return message.parts.filter((part) => part.type.startsWith("tool-")) as unknown as ToolPart[];
}

/** The agent worker's internal API for one thread, as one user. */
export function threadApi(runtime: Pick<Runtime, "url" | "key">, userId: string, threadId: string) {
  const http = client(runtime, userId);
  const json = async <T>(response: Promise<Response>): Promise<T> => {
    const answer = await response;
    const body = (await answer.json()) as T;
    if (!answer.ok) throw new Error(`${answer.url} answered ${answer.status}: ${JSON.stringify(body)}`);
    return body;
  };
  const api = {
    threadId,
    /** Sends a message; resolves with the response (an SSE stream of the answer). */
    send: (input: string) => http.chat({ threadId, input }),
    summary: () => json<{ activeRun: { id: string; status: string } | null; messageCount: number }>(http.get(`/internal/thread/${threadId}/summary`)),
    messages: async () => (await json<{ messages: StoredMessage[] }>(http.get(`/internal/thread/${threadId}/messages?limit=200`))).messages,
    receipts: async () => (await json<{ receipts: Receipt[] }>(http.get(`/internal/thread/${threadId}/receipts`))).receipts,
    jobs: async () => (await json<{ jobs: Job[] }>(http.get(`/internal/thread/${threadId}/jobs`))).jobs,
    approvals: async (status?: string) =>
      (await json<{ approvals: Approval[] }>(http.get(`/internal/thread/${threadId}/approvals${status ? `?status=${status}` : ""}`))).approvals,
    respond: (approvalId: string, decision: "approved" | "rejected", reason?: string) =>
      http.post("/internal/approval/respond", { threadId, approvalId, decision, ...(reason ? { reason } : {}) }),
    /** `GET /internal/chat/:id/stream`: 204 when nothing runs, else the in-flight answer. */
    resume: () => http.get(`/internal/chat/${threadId}/stream`),
    events: (options: Parameters<typeof readThreadEvents>[3] = {}) => readThreadEvents(runtime, userId, threadId, options),
    /** Waits until the thread's active run has `status` (null: no active run). */
    waitForRun: (status: string | null, timeoutMs = 20_000) =>
      waitFor(async () => {
        const summary = await api.summary();
        return (summary.activeRun?.status ?? null) === status ? summary : null;
      }, { timeoutMs, what: `the run to be ${status ?? "finished"}` }),
  };
  return api;
}

export type ThreadApi = ReturnType<typeof threadApi>;

export type { Job };

const FINAL_JOB_STATUSES = ["succeeded", "failed", "cancelled"];

/**
 * Waits until the background job a tool call started (keyed by its tool-call id) has ended and
 * the agent has reported it: the system note it posted to the thread and the completed answer
 * to that note. `started` is every job with that key (one call starts one job, ever).
 */
export async function waitForJobReport(thread: ThreadApi, toolCallId: string, timeoutMs = 40_000) {
  return waitFor(
    async () => {
      const started = (await thread.jobs()).filter((job) => job.idempotencyKey === toolCallId);
      const job = started[0];
      if (!job || !FINAL_JOB_STATUSES.includes(job.status)) return null;
      const messages = await thread.messages();
      const notes = messages.filter((message) => message.role === "system" && message.metadata?.origin?.id === job.id);
      const reply = notes.length > 0 ? messages[messages.indexOf(notes[0]!) + 1] : undefined;
      if (!reply || reply.role !== "assistant" || reply.metadata?.status !== "completed") return null;
      return { started, job, notes: notes.map(textOf), note: textOf(notes[0]!), reply: textOf(reply), messages };
    },
    { timeoutMs, intervalMs: 200, what: `the report of the job started by ${toolCallId}` },
  );
}
