#!/usr/bin/env node
// npm run bench: (a) a stateless streamText Worker vs (b) this agent worker, side by side on
// local workerd with the same fixed-pace offline model. Prints a table, appends bench/RESULTS.md.
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { root, writeEnvFile } from "../scripts/lib/dev-key.mjs";
import { startWrangler } from "../scripts/lib/wrangler.mjs";
import { firstTextMs, percentile, readToEnd } from "./measure.mjs";

const PACE_MS = 10;
const TTFT_SAMPLES = Number(process.env.BENCH_TTFT_SAMPLES ?? 40);
const TURNS_PER_HISTORY = Number(process.env.BENCH_TURNS ?? 8);
const HISTORIES = [0, 1000, 10000];
const REPLAY_CHUNKS = 5000;

const state = mkdtempSync(join(tmpdir(), "oa-bench-"));
const key = randomBytes(16).toString("hex");
const agentEnv = writeEnvFile("bench-agent", { OA_INTERNAL_KEY: key, OFFLINE_MODEL_DELAY_MS: PACE_MS, ALLOW_DEV_SEED: "true", RETENTION_GRACE_SECONDS: 3600 });
const [stateless, agent] = await Promise.all([
  startWrangler({ configs: [join(root, "bench/stateless-worker/wrangler.jsonc")], port: 8897, persistTo: join(state, "a"), quiet: true, vars: { OFFLINE_MODEL_DELAY_MS: String(PACE_MS) } }),
  startWrangler({ configs: [join(root, "apps/agent-worker/wrangler.jsonc")], port: 8898, persistTo: join(state, "b"), envFile: agentEnv, quiet: true }),
]);
const agentHeaders = { "x-oa-internal-key": key, "x-oa-user-id": "bench-user", "content-type": "application/json" };
const userMessage = (text) => ({ id: `u_${randomBytes(6).toString("hex")}`, role: "user", parts: [{ type: "text", text }] });

function statelessTurn(history, text) {
  return fetch(stateless.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ messages: [...history, userMessage(text)] }) });
}
function agentTurn(threadId, text) {
  return fetch(`${agent.url}/internal/chat`, { method: "POST", headers: agentHeaders, body: JSON.stringify({ threadId, input: text }) });
}

async function lastRunStats(threadId) {
  const response = await fetch(`${agent.url}/internal/thread/${threadId}/events`, { headers: agentHeaders });
  const events = await readToEnd(response, { idleMs: 200 });
  const finished = events.filter((event) => event.type === "run.finished");
  return finished[finished.length - 1];
}

try {
  // Warm both up so neither pays module compilation in the samples.
  for (let i = 0; i < 3; i++) {
    await firstTextMs(() => statelessTurn([], "hello"), { drain: true });
    await firstTextMs(() => agentTurn(`warm-${i}`, "hello"), { drain: true });
  }

  // 1. Time to first text chunk: a new thread each time for (b), alternating to share noise.
  const ttft = { a: [], b: [], warm: [] };
  for (let i = 0; i < TTFT_SAMPLES; i++) {
    ttft.a.push(await firstTextMs(() => statelessTurn([], "hello"), { drain: true }));
    ttft.b.push(await firstTextMs(() => agentTurn(`ttft-${i}`, "hello"), { drain: true }));
    ttft.warm.push(await firstTextMs(() => agentTurn("ttft-warm", "hello"), { drain: true }));
  }

  // 2. Per-turn time and rows written by history length. (a) must be sent the whole history.
  const perTurn = [];
  for (const history of HISTORIES) {
    const threadId = `hist-${history}`;
    if (history > 0) {
      const seeded = await fetch(`${agent.url}/internal/thread/${threadId}/dev/seed`, { method: "POST", headers: agentHeaders, body: JSON.stringify({ count: history }) });
      if (!seeded.ok) throw new Error(`seeding failed: ${await seeded.text()}`);
    }
    const transcript = Array.from({ length: history }, (_, i) => ({ id: `h${i}`, role: i % 2 ? "assistant" : "user", parts: [{ type: "text", text: i % 2 ? `Seeded answer ${i}: it is running fine.` : `Seeded question ${i}: how is my OpenClaw doing?` }] }));
    const a = [];
    const b = [];
    const rows = [];
    for (let turn = 0; turn < TURNS_PER_HISTORY; turn++) {
      let started = performance.now();
      await readToEnd(await statelessTurn(transcript, "hello"));
      a.push(performance.now() - started);
      started = performance.now();
      await readToEnd(await agentTurn(threadId, "hello"));
      b.push(performance.now() - started);
      rows.push((await lastRunStats(threadId))?.rowsWritten ?? NaN);
    }
    perTurn.push({ history, a: percentile(a, 50), b: percentile(b, 50), rows: percentile(rows, 50) });
  }

  // 3. Replay of a 5,000-chunk in-flight run for a client that reconnects.
  const replayThread = "replay-5000";
  const live = await agentTurn(replayThread, `count to ${REPLAY_CHUNKS - 1} and hold 30s`);
  const liveReader = live.body.getReader();
  let seen = 0;
  const decoder = new TextDecoder();
  while (seen < REPLAY_CHUNKS - 1) {
    const { value, done } = await liveReader.read();
    if (done) break;
    seen += (decoder.decode(value).match(/"text-delta"/g) ?? []).length;
  }
  const replays = [];
  for (let i = 0; i < 10; i++) {
    const started = performance.now();
    const response = await fetch(`${agent.url}/internal/chat/${replayThread}/stream`, { headers: agentHeaders });
    const reader = response.body.getReader();
    let deltas = 0;
    while (deltas < REPLAY_CHUNKS - 1) {
      const { value, done } = await reader.read();
      if (done) break;
      deltas += (decoder.decode(value).match(/"text-delta"/g) ?? []).length;
    }
    replays.push(performance.now() - started);
    await reader.cancel();
  }
  await fetch(`${agent.url}/internal/chat/${replayThread}/stop`, { method: "POST", headers: agentHeaders });
  await liveReader.cancel().catch(() => {});

  const fmt = (ms) => `${ms.toFixed(1)} ms`;
  const ratio = (x, y) => `${(x / y).toFixed(2)}×`;
  const ttftA50 = percentile(ttft.a, 50), ttftB50 = percentile(ttft.b, 50), ttftA95 = percentile(ttft.a, 95), ttftB95 = percentile(ttft.b, 95);
  const empty = perTurn[0];
  const lines = [
    `| metric | (a) stateless streamText | (b) agent worker | ratio b/a | target | met |`,
    `|---|---|---|---|---|---|`,
    `| first text chunk p50, new thread | ${fmt(ttftA50)} | ${fmt(ttftB50)} | ${ratio(ttftB50, ttftA50)} | ≤ 1.2× (a) | ${ttftB50 <= 1.2 * ttftA50 ? "yes" : "no"} |`,
    `| first text chunk p95, new thread | ${fmt(ttftA95)} | ${fmt(ttftB95)} | ${ratio(ttftB95, ttftA95)} | ≤ 1.2× (a) | ${ttftB95 <= 1.2 * ttftA95 ? "yes" : "no"} |`,
    `| first text chunk p50, existing thread | ${fmt(ttftA50)} | ${fmt(percentile(ttft.warm, 50))} | ${ratio(percentile(ttft.warm, 50), ttftA50)} | ≤ 1.2× (a) | ${percentile(ttft.warm, 50) <= 1.2 * ttftA50 ? "yes" : "no"} |`,
    `| first text chunk p95, existing thread | ${fmt(ttftA95)} | ${fmt(percentile(ttft.warm, 95))} | ${ratio(percentile(ttft.warm, 95), ttftA95)} | ≤ 1.2× (a) | ${percentile(ttft.warm, 95) <= 1.2 * ttftA95 ? "yes" : "no"} |`,
    ...perTurn.map((row) => `| turn time, history ${row.history} (p50) | ${fmt(row.a)} | ${fmt(row.b)} | ${ratio(row.b, row.a)} | (b) ≤ 1.3× (b) at 0 | ${row.b <= 1.3 * empty.b ? `yes (${ratio(row.b, empty.b)})` : `no (${ratio(row.b, empty.b)})`} |`),
    ...perTurn.map((row) => `| rows written per turn, history ${row.history} | 0 (keeps nothing) | ${row.rows} | – | constant | ${row.rows === empty.rows ? "yes" : "no"} |`),
    `| replay of ${REPLAY_CHUNKS} chunks to a reconnecting client (p50 of 10) | – (cannot resume) | ${fmt(percentile(replays, 50))} | – | < 100 ms | ${percentile(replays, 50) < 100 ? "yes" : "no"} |`,
  ];
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const header = `\n## ${new Date().toISOString().slice(0, 10)} — ${machine}\nOffline model at ${PACE_MS} ms per word, local workerd (wrangler dev), ${TTFT_SAMPLES} first-chunk samples each, ${TURNS_PER_HISTORY} turns per history length.\n\n`;
  console.log(header + lines.join("\n"));
  const results = join(root, "bench", "RESULTS.md");
  if (!existsSync(results)) writeFileSync(results, "# Benchmark results\n\nAppended by `npm run bench`; newest last.\n");
  if (process.env.BENCH_NO_RECORD !== "1") appendFileSync(results, `${header}${lines.join("\n")}\n`);
} finally {
  await Promise.all([stateless.stop("SIGKILL"), agent.stop("SIGKILL")]);
  rmSync(state, { recursive: true, force: true });
}
