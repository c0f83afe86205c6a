// The three systems the benchmark compares, each started under local workerd, and one client
// per system that speaks its own protocol.

import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { WebSocketChatTransport } from "agents/chat/transport";
import { AgentClient } from "agents/client";
import { readUIMessageStream } from "ai";
import { applyD1Migrations } from "../scripts/lib/d1.mjs";
import { root, writeEnvFile } from "../scripts/lib/dev-key.mjs";
import { applyWebMigrations, buildWeb, writeWebConfig } from "../scripts/lib/web.mjs";
import { startWrangler } from "../scripts/lib/wrangler.mjs";

export const userMessage = (text) => ({ id: `u_${randomBytes(6).toString("hex")}`, role: "user", parts: [{ type: "text", text }] });

/** Resident memory (KiB) of the workerd processes in a wrangler process group. */
export function workerdRssKiB(runtime) {
  const out = execFileSync("ps", ["-eo", "pgid=,rss=,comm="], { encoding: "utf8" });
  return out
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([pgid, , comm]) => Number(pgid) === runtime.pid && comm?.startsWith("workerd"))
    .reduce((sum, [, rss]) => sum + Number(rss), 0);
}

/** (a) openagents.com's chat today: a stateless Worker, the client sends the whole history. */
export async function startStateless({ port, state, paceMs }) {
  const runtime = await startWrangler({
    configs: [join(root, "bench/stateless-worker/wrangler.jsonc")],
    port,
    persistTo: join(state, "a"),
    quiet: true,
    vars: { OFFLINE_MODEL_DELAY_MS: String(paceMs) },
  });
  return {
    runtime,
    name: "(a) stateless streamText",
    /** One turn; `history` is what the client holds and must send. */
    turn: (thread, text) => {
      const body = JSON.stringify({ messages: [...thread.history, userMessage(text)] });
      return { response: fetch(runtime.url, { method: "POST", headers: { "content-type": "application/json" }, body }) };
    },
  };
}

/** (b) Cloudflare's AIChatAgent (@cloudflare/ai-chat), over WebSocket with its own client. */
export async function startAIChat({ port, state, paceMs }) {
  const runtime = await startWrangler({
    configs: [join(root, "bench/aichat-worker/wrangler.jsonc")],
    port,
    persistTo: join(state, "b"),
    quiet: true,
    vars: { OFFLINE_MODEL_DELAY_MS: String(paceMs) },
  });
  const host = `127.0.0.1:${port}`;
  return {
    runtime,
    name: "(b) AIChatAgent over WebSocket",
    async connect(name) {
      // A generous connect time-out: under 200 simultaneous connections PartySocket's default (4 s) is too short.
      const client = new AgentClient({ host, protocol: "ws", agent: "bench-chat", name, connectionTimeout: 60_000, maxRetries: 0 });
      await new Promise((resolve, reject) => {
        client.addEventListener("open", resolve, { once: true });
        client.addEventListener("error", (event) => reject(new Error(`WebSocket error: ${event.message ?? event.type}`)), { once: true });
      });
      return { client, transport: new WebSocketChatTransport({ agent: client }) };
    },
    async seed(name, count) {
      const response = await fetch(`${runtime.url}/bench/seed?name=${name}&count=${count}`);
      if (!response.ok) throw new Error(`seed failed: ${await response.text()}`);
    },
    async rows(name) {
      return (await (await fetch(`${runtime.url}/bench/rows?name=${name}`)).json()).rows;
    },
  };
}

/** (c) This product through the web worker: signed in, POST /chat, the agent worker behind it. */
export async function startProduct({ agentPort, webPort, state, paceMs }) {
  const key = randomBytes(16).toString("hex");
  const persistTo = join(state, "c");
  applyD1Migrations(persistTo);
  const agentEnv = writeEnvFile("bench-agent", {
    OA_INTERNAL_KEY: key,
    OFFLINE_MODEL_DELAY_MS: paceMs,
    ALLOW_DEV_SEED: "true",
    RETENTION_GRACE_SECONDS: 3600,
    MODEL_PROVIDER: "offline",
  });
  const agent = await startWrangler({
    configs: [join(root, "apps/agent-worker/wrangler.jsonc")],
    port: agentPort,
    persistTo,
    envFile: agentEnv,
    quiet: true,
  });
  buildWeb({ quiet: true });
  // The web worker's own code and app, with the per-user limiter raised: the bench measures the path, not the limiter.
  const configPath = writeWebConfig(join(state, "bench-web.json"), {
    name: "bench-web",
    ratelimit: { api: 1_000_000, chat: 1_000_000 },
    vars: { AGENT_WORKER_URL: agent.url, OFFLINE_MODEL_DELAY_MS: String(paceMs) },
  });
  applyWebMigrations(persistTo);
  const webEnv = writeEnvFile("bench-web", { OA_INTERNAL_KEY: key, SESSION_SECRET: randomBytes(32).toString("hex") });
  const web = await startWrangler({ configs: [configPath], port: webPort, persistTo, envFile: webEnv, quiet: true });
  const login = await fetch(`${web.url}/auth/dev-login`, {
    method: "POST",
    headers: { origin: web.url, "content-type": "application/json" },
    body: JSON.stringify({ name: "bench" }),
  });
  const cookie = login.headers.get("set-cookie").split(";")[0];
  const agentHeaders = { "x-oa-internal-key": key, "x-oa-user-id": "dev:bench", "content-type": "application/json" };
  return {
    runtime: agent,
    web,
    name: "(c) this product via the web worker",
    /** Straight to the agent worker as the bench user (the internal key and user id). */
    agentHeaders,
    turn: (thread, text) => ({
      response: fetch(`${web.url}/chat`, {
        method: "POST",
        headers: { cookie, origin: web.url, "content-type": "application/json" },
        body: JSON.stringify({ id: thread.id, messages: [userMessage(text)], trigger: "submit-message" }),
      }),
    }),
    /** The same turn straight to the agent worker (no web hop), to split the cost. */
    direct: (threadId, text) =>
      fetch(`${agent.url}/internal/chat`, { method: "POST", headers: agentHeaders, body: JSON.stringify({ threadId, input: text }) }),
    /** The web worker alone: a signed-in request that forwards nothing. */
    webRoundTrip: () => fetch(`${web.url}/auth/me`, { headers: { cookie } }),
    resume: (threadId) => fetch(`${web.url}/chat/${threadId}/stream`, { headers: { cookie } }),
    stop: (threadId) => fetch(`${web.url}/chat/${threadId}/stop`, { method: "POST", headers: { cookie, origin: web.url } }),
    async seed(threadId, count) {
      const response = await fetch(`${agent.url}/internal/thread/${threadId}/dev/seed`, {
        method: "POST",
        headers: agentHeaders,
        body: JSON.stringify({ count }),
      });
      if (!response.ok) throw new Error(`seeding failed: ${await response.text()}`);
    },
    async lastRun(threadId) {
      const response = await fetch(`${agent.url}/internal/thread/${threadId}/events`, { headers: agentHeaders });
      const reader = response.body.getReader();
      let text = "";
      for (;;) {
        const next = await Promise.race([reader.read(), new Promise((resolve) => setTimeout(() => resolve(null), 200))]);
        if (next === null || next.done) break;
        text += new TextDecoder().decode(next.value);
      }
      await reader.cancel().catch(() => {});
      const finished = text
        .split("\n")
        .filter((line) => line.startsWith("data: ") && line.includes('"run.finished"'))
        .map((line) => JSON.parse(line.slice(6)));
      return finished.at(-1);
    },
    async stopAll() {
      await Promise.all([web.stop("SIGKILL"), agent.stop("SIGKILL")]);
    },
  };
}

/** Reads an SSE UI message stream: ms to the first text-delta, ms to the end. */
export async function timeSse(send) {
  const started = performance.now();
  const response = await send();
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let first = NaN;
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    if (Number.isNaN(first)) {
      buffer += decoder.decode(value, { stream: true });
      if (buffer.includes('"text-delta"')) first = performance.now() - started;
    }
  }
  return { first, total: performance.now() - started };
}

/** One AIChatAgent turn through WebSocketChatTransport; returns timings and the answer. */
export async function timeAIChat(connection, chatId, messages) {
  const started = performance.now();
  const stream = await connection.transport.sendMessages({
    chatId,
    messages,
    trigger: "submit-message",
    messageId: undefined,
    abortSignal: new AbortController().signal,
  });
  let first = NaN;
  const [forTiming, forMessage] = stream.tee();
  const reading = (async () => {
    const reader = forTiming.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (Number.isNaN(first) && value.type === "text-delta") first = performance.now() - started;
      if (value.type === "error") throw new Error(value.errorText);
    }
  })();
  let answer;
  for await (const message of readUIMessageStream({ stream: forMessage })) answer = message;
  await reading;
  return { first, total: performance.now() - started, answer };
}
