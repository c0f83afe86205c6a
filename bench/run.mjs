#!/usr/bin/env node
// npm run bench: three systems side by side on local workerd with the same fixed-pace offline model:
//   (a) a stateless Worker calling streamText (openagents.com's chat today),
//   (b) Cloudflare's durable chat, AIChatAgent from @cloudflare/ai-chat, driven by its own client over WebSocket,
//   (c) this product, through the web worker (signed in) to the agent worker.
// Prints a table of ratios and appends it to bench/RESULTS.md with the date and the machine.
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { root } from "../scripts/lib/dev-key.mjs";
import { percentile } from "./measure.mjs";
import { startAIChat, startProduct, startStateless, timeAIChat, timeSse, userMessage, workerdRssKiB } from "./peers.mjs";

// `npm run bench -- search`: the message search benchmark alone (bench/search.mjs).
if (process.argv[2] === "search") {
  await import("./search.mjs");
  process.exit(0);
}

const PACE_MS = Number(process.env.BENCH_PACE_MS ?? 10);
const SAMPLES = Number(process.env.BENCH_TTFT_SAMPLES ?? 30);
const TURNS = Number(process.env.BENCH_TURNS ?? 6);
const HISTORIES = [0, 1000, 10000];
const REPLAY_CHUNKS = 5000;
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 200);

const state = mkdtempSync(join(tmpdir(), "oa-bench-"));
const id = (prefix) => `${prefix}-${randomBytes(4).toString("hex")}`;
const transcript = (n) =>
  Array.from({ length: n }, (_, i) => ({
    id: `h${i}`,
    role: i % 2 ? "assistant" : "user",
    parts: [{ type: "text", text: i % 2 ? `Seeded answer ${i}: it is running fine.` : `Seeded question ${i}: how is my OpenClaw doing?` }],
  }));

const [a, b, c] = await Promise.all([
  startStateless({ port: 8897, state, paceMs: PACE_MS }),
  startAIChat({ port: 8899, state, paceMs: PACE_MS }),
  startProduct({ agentPort: 8898, webPort: 8896, state, paceMs: PACE_MS }),
]);

/** (b)'s resume: a new connection asks for the in-flight stream, as useAgentChat does on reconnect. */
async function aichatReplay() {
  const name = id("replay");
  const holder = await b.connect(name);
  const live = await holder.transport.sendMessages({
    chatId: name,
    messages: [userMessage(`count to ${REPLAY_CHUNKS - 1} and hold 30s`)],
    trigger: "submit-message",
    abortSignal: undefined,
  });
  const liveReader = live.getReader();
  for (let deltas = 0; deltas < REPLAY_CHUNKS - 1; ) {
    const { value, done } = await liveReader.read();
    if (done) throw new Error("the live stream ended early");
    if (value.type === "text-delta") deltas++;
  }
  const times = [];
  for (let i = 0; i < 10; i++) {
    const conn = await b.connect(name);
    conn.client.addEventListener("message", (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      if (data.type === "cf_agent_stream_resuming") conn.transport.handleStreamResuming(data);
      if (data.type === "cf_agent_stream_resume_none") conn.transport.handleStreamResumeNone(data);
      if (data.type === "cf_agent_stream_pending") conn.transport.handleStreamPending();
    });
    const started = performance.now();
    const stream = await Promise.race([
      conn.transport.reconnectToStream({ chatId: name }),
      new Promise((_, reject) => setTimeout(() => reject(new Error("no resume within 10 s")), 10_000)),
    ]);
    if (!stream) throw new Error("the server had nothing to resume");
    const reader = stream.getReader();
    for (let deltas = 0; deltas < REPLAY_CHUNKS - 1; ) {
      const next = await Promise.race([
        reader.read(),
        new Promise((_, reject) => setTimeout(() => reject(new Error("replay stalled")), 10_000)),
      ]);
      if (next.done) break;
      if (next.value.type === "text-delta") deltas++;
    }
    times.push(performance.now() - started);
    await reader.cancel().catch(() => {});
    conn.client.close();
  }
  holder.transport.cancelActiveServerTurn();
  await liveReader.cancel().catch(() => {});
  holder.client.close();
  return percentile(times, 50);
}

/** Reads SSE bytes until `count` text-delta frames went by (a frame may straddle two reads). */
async function readDeltas(reader, count) {
  const decoder = new TextDecoder();
  const marker = '"text-delta"';
  let carry = "";
  for (let seen = 0; seen < count; ) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended after ${seen} of ${count} text deltas`);
    const text = carry + decoder.decode(value, { stream: true });
    seen += text.split(marker).length - 1;
    carry = text.slice(-(marker.length - 1));
  }
}

const results = {};
try {
  // ── warm-up: nobody pays module compilation in the samples ──
  for (let i = 0; i < 3; i++) {
    await timeSse(() => a.turn({ history: [] }, "hello").response);
    const conn = await b.connect(id("warm"));
    await timeAIChat(conn, "warm", [userMessage("hello")]);
    conn.client.close();
    await timeSse(() => c.turn({ id: id("warm") }, "hello").response);
  }

  // ── 1. time to first text chunk: a new thread each sample, and one existing thread ──
  const first = { a: [], bNew: [], cNew: [], bOld: [], cOld: [], dNew: [], dOld: [], web: [] };
  const dExisting = id("direct-existing");
  const bExisting = await b.connect(id("existing"));
  let bExistingMessages = [];
  const cExisting = { id: id("existing") };
  for (let i = 0; i < SAMPLES; i++) {
    first.a.push((await timeSse(() => a.turn({ history: [] }, "hello").response)).first);
    const conn = await b.connect(id("ttft"));
    first.bNew.push((await timeAIChat(conn, "ttft", [userMessage("hello")])).first);
    conn.client.close();
    first.cNew.push((await timeSse(() => c.turn({ id: id("ttft") }, "hello").response)).first);
    const turn = await timeAIChat(bExisting, "existing", [...bExistingMessages, userMessage("hello")]);
    bExistingMessages = [...bExistingMessages, userMessage("hello"), turn.answer];
    first.bOld.push(turn.first);
    first.cOld.push((await timeSse(() => c.turn(cExisting, "hello").response)).first);
    first.dNew.push((await timeSse(() => c.direct(id("direct"), "hello"))).first);
    first.dOld.push((await timeSse(() => c.direct(dExisting, "hello"))).first);
    const started = performance.now();
    await (await c.webRoundTrip()).text();
    first.web.push(performance.now() - started);
  }
  bExisting.client.close();
  results.first = first;

  // ── 2. per-turn time and rows written by history length ──
  results.perTurn = [];
  for (const history of HISTORIES) {
    const held = transcript(history);
    const bName = id(`hist${history}`);
    const cThread = { id: id(`hist${history}`) };
    if (history > 0) await Promise.all([b.seed(bName, history), c.seed(cThread.id, history)]);
    const conn = await b.connect(bName);
    let bMessages = held;
    const times = { a: [], b: [], c: [], bRows: [], cRows: [] };
    for (let turn = 0; turn < TURNS; turn++) {
      times.a.push((await timeSse(() => a.turn({ history: held }, "hello").response)).total);
      const before = await b.rows(bName);
      const user = userMessage("hello");
      const result = await timeAIChat(conn, bName, [...bMessages, user]);
      bMessages = [...bMessages, user, result.answer];
      times.b.push(result.total);
      times.bRows.push((await b.rows(bName)) - before);
      times.c.push((await timeSse(() => c.turn(cThread, "hello").response)).total);
      times.cRows.push((await c.lastRun(cThread.id))?.rowsWritten ?? NaN);
    }
    conn.client.close();
    results.perTurn.push({
      history,
      a: percentile(times.a, 50),
      b: percentile(times.b, 50),
      c: percentile(times.c, 50),
      bRows: percentile(times.bRows, 50),
      cRows: percentile(times.cRows, 50),
    });
    console.log(
      `history ${history}: a ${percentile(times.a, 50).toFixed(1)} ms, b ${percentile(times.b, 50).toFixed(1)} ms, c ${percentile(times.c, 50).toFixed(1)} ms`,
    );
  }

  // ── 3. replay of a 5,000-chunk in-flight answer for a client that reconnects ──
  const replayThread = id("replay");
  const live = await c.turn({ id: replayThread }, `count to ${REPLAY_CHUNKS - 1} and hold 30s`).response;
  const liveReader = live.body.getReader();
  await readDeltas(liveReader, REPLAY_CHUNKS - 1);
  const replays = [];
  for (let i = 0; i < 10; i++) {
    const started = performance.now();
    const reader = (await c.resume(replayThread)).body.getReader();
    await readDeltas(reader, REPLAY_CHUNKS - 1);
    replays.push(performance.now() - started);
    await reader.cancel();
  }
  await c.stop(replayThread);
  await liveReader.cancel().catch(() => {});
  results.replay = percentile(replays, 50);
  results.replayB = await aichatReplay().catch((error) => {
    console.log(`(b) replay not measured: ${error.message}`);
    return NaN;
  });

  // ── 4. 200 concurrent new threads; memory per thread agent ──
  const rssBefore = { b: workerdRssKiB(b.runtime), c: workerdRssKiB(c.runtime) };
  const concurrent = async (start) => {
    const outcomes = await Promise.all(
      Array.from({ length: CONCURRENT }, () =>
        start().then(
          (r) => ({ ok: Number.isFinite(r.first), first: r.first }),
          (error) => ({ ok: false, error: String(error) }),
        ),
      ),
    );
    const firsts = outcomes.filter((o) => o.ok).map((o) => o.first);
    return {
      errors: outcomes.filter((o) => !o.ok).length,
      p50: percentile(firsts, 50),
      p95: percentile(firsts, 95),
      sample: outcomes.find((o) => !o.ok)?.error,
    };
  };
  results.concurrent = {
    a: await concurrent(() => timeSse(() => a.turn({ history: [] }, "hello").response)),
    b: await concurrent(async () => {
      const conn = await b.connect(id("conc"));
      try {
        return await timeAIChat(conn, "conc", [userMessage("hello")]);
      } finally {
        conn.client.close();
      }
    }),
    c: await concurrent(() => timeSse(() => c.turn({ id: id("conc") }, "hello").response)),
  };
  await new Promise((resolve) => setTimeout(resolve, 1000));
  results.memoryKiBPerThread = {
    b: (workerdRssKiB(b.runtime) - rssBefore.b) / CONCURRENT,
    c: (workerdRssKiB(c.runtime) - rssBefore.c) / CONCURRENT,
  };

  // ── 5. throughput with a zero-delay model: 20 clients × 10 turns each, answers streamed at once ──
  const CLIENTS = 20;
  const EACH = 10;
  const PROMPT = "count to 30";
  const throughput = async (client) => {
    const started = performance.now();
    let errors = 0;
    await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i).catch(() => (errors += EACH))));
    return { perSecond: (CLIENTS * EACH) / ((performance.now() - started) / 1000), errors };
  };
  results.throughput = {
    a: await throughput(async () => {
      for (let t = 0; t < EACH; t++) await timeSse(() => a.turn({ history: [] }, PROMPT).response);
    }),
    b: await throughput(async (i) => {
      const name = id(`tp${i}`);
      const conn = await b.connect(name);
      let messages = [];
      try {
        for (let t = 0; t < EACH; t++) {
          const user = userMessage(PROMPT);
          const turn = await timeAIChat(conn, name, [...messages, user]);
          messages = [...messages, user, turn.answer];
        }
      } finally {
        conn.client.close();
      }
    }),
    c: await throughput(async (i) => {
      const thread = { id: id(`tp${i}`) };
      for (let t = 0; t < EACH; t++) await timeSse(() => c.turn(thread, PROMPT).response);
    }),
  };
} finally {
  await Promise.all([a.runtime.stop("SIGKILL"), b.runtime.stop("SIGKILL"), c.stopAll()]);
  rmSync(state, { recursive: true, force: true });
}

// ── the table ──
const fmt = (ms) => (Number.isFinite(ms) ? `${ms.toFixed(1)} ms` : "–");
const x = (num, den) => (Number.isFinite(num) && Number.isFinite(den) && den > 0 ? `${(num / den).toFixed(2)}×` : "–");
const p = (values, q) => percentile(values, q);
const f = results.first;
const empty = results.perTurn[0];
const lines = [
  "| metric | (a) stateless | (b) AIChatAgent | (c) this product | c ÷ a | c ÷ b | target | met |",
  "|---|---|---|---|---|---|---|---|",
  `| first text chunk p50, new thread | ${fmt(p(f.a, 50))} | ${fmt(p(f.bNew, 50))} | ${fmt(p(f.cNew, 50))} | ${x(p(f.cNew, 50), p(f.a, 50))} | ${x(p(f.cNew, 50), p(f.bNew, 50))} | ≤ 1.2× (a) | ${p(f.cNew, 50) <= 1.2 * p(f.a, 50) ? "yes" : "no"} |`,
  `| first text chunk p95, new thread | ${fmt(p(f.a, 95))} | ${fmt(p(f.bNew, 95))} | ${fmt(p(f.cNew, 95))} | ${x(p(f.cNew, 95), p(f.a, 95))} | ${x(p(f.cNew, 95), p(f.bNew, 95))} | ≤ 1.2× (a) | ${p(f.cNew, 95) <= 1.2 * p(f.a, 95) ? "yes" : "no"} |`,
  `| first text chunk p50, existing thread | ${fmt(p(f.a, 50))} | ${fmt(p(f.bOld, 50))} | ${fmt(p(f.cOld, 50))} | ${x(p(f.cOld, 50), p(f.a, 50))} | ${x(p(f.cOld, 50), p(f.bOld, 50))} | ≤ 1.2× (a) | ${p(f.cOld, 50) <= 1.2 * p(f.a, 50) ? "yes" : "no"} |`,
  `| first text chunk p95, existing thread | ${fmt(p(f.a, 95))} | ${fmt(p(f.bOld, 95))} | ${fmt(p(f.cOld, 95))} | ${x(p(f.cOld, 95), p(f.a, 95))} | ${x(p(f.cOld, 95), p(f.bOld, 95))} | ≤ 1.2× (a) | ${p(f.cOld, 95) <= 1.2 * p(f.a, 95) ? "yes" : "no"} |`,
  `| — of which: agent worker alone (no web hop), new thread p50 | | | ${fmt(p(f.dNew, 50))} | ${x(p(f.dNew, 50), p(f.a, 50))} | ${x(p(f.dNew, 50), p(f.bNew, 50))} | | |`,
  `| — of which: agent worker alone (no web hop), existing thread p50 | | | ${fmt(p(f.dOld, 50))} | ${x(p(f.dOld, 50), p(f.a, 50))} | ${x(p(f.dOld, 50), p(f.bOld, 50))} | ≤ 1.2× (a) | ${p(f.dOld, 50) <= 1.2 * p(f.a, 50) ? "yes" : "no"} |`,
  `| — of which: one web worker round trip (session check, no forwarding) p50 | | | ${fmt(p(f.web, 50))} | | | | |`,
  ...results.perTurn.map(
    (row) =>
      `| turn time p50, history ${row.history.toLocaleString("en")} | ${fmt(row.a)} | ${fmt(row.b)} | ${fmt(row.c)} | ${x(row.c, row.a)} | ${x(row.c, row.b)} | (c) ≤ 1.3× (c) at 0; better than (b) where (b) grows | ${row.c <= 1.3 * empty.c && (row.history === 0 || row.c < row.b) ? "yes" : "no"} (${x(row.c, empty.c)} of empty) |`,
  ),
  ...results.perTurn.map(
    (row) =>
      `| rows written per turn, history ${row.history.toLocaleString("en")} | 0 (keeps nothing) | ${row.bRows} | ${row.cRows} | – | ${x(row.cRows, row.bRows)} | constant | ${row.cRows === empty.cRows ? "yes" : "no"} |`,
  ),
  `| replay of ${REPLAY_CHUNKS.toLocaleString("en")} chunks to a reconnecting client, p50 of 10 | – (cannot resume) | ${fmt(results.replayB)} | ${fmt(results.replay)} | – | ${x(results.replay, results.replayB)} | < 100 ms | ${results.replay < 100 ? "yes" : "no"} |`,
  `| ${CONCURRENT} concurrent new threads: errors | ${results.concurrent.a.errors} | ${results.concurrent.b.errors} | ${results.concurrent.c.errors} | – | – | 0 | ${results.concurrent.c.errors === 0 ? "yes" : "no"} |`,
  `| ${CONCURRENT} concurrent new threads: first chunk p95 | ${fmt(results.concurrent.a.p95)} | ${fmt(results.concurrent.b.p95)} | ${fmt(results.concurrent.c.p95)} | ${x(results.concurrent.c.p95, results.concurrent.a.p95)} | ${x(results.concurrent.c.p95, results.concurrent.b.p95)} | – | – |`,
  `| throughput, zero-delay answers: turns/s (20 clients × 10 turns) | ${results.throughput.a.perSecond.toFixed(1)} | ${results.throughput.b.perSecond.toFixed(1)} | ${results.throughput.c.perSecond.toFixed(1)} | ${x(results.throughput.c.perSecond, results.throughput.a.perSecond)} | ${x(results.throughput.c.perSecond, results.throughput.b.perSecond)} | – | errors ${results.throughput.a.errors}/${results.throughput.b.errors}/${results.throughput.c.errors} |`,
  `| memory per thread agent (workerd RSS growth ÷ ${CONCURRENT}) | – | ${results.memoryKiBPerThread.b.toFixed(0)} KiB | ${results.memoryKiBPerThread.c.toFixed(0)} KiB | – | ${x(results.memoryKiBPerThread.c, results.memoryKiBPerThread.b)} | – | – |`,
];
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const header = `\n## ${new Date().toISOString().slice(0, 10)} — ${machine}\nOffline model at ${PACE_MS} ms per word in all three, local workerd (wrangler dev); ${SAMPLES} first-chunk samples, ${TURNS} turns per history length, ${CONCURRENT} concurrent threads. (b) is driven by AgentClient + WebSocketChatTransport (what useAgentChat runs on) and sends the whole history each turn, as its client does; (c) goes browser API → web worker → agent worker.\n\n`;
console.log(header + lines.join("\n"));
if (results.concurrent.b.sample || results.concurrent.c.sample)
  console.log("first errors:", results.concurrent.b.sample, results.concurrent.c.sample);
const out = join(root, "bench", "RESULTS.md");
if (!existsSync(out)) writeFileSync(out, "# Benchmark results\n\nAppended by `npm run bench`; newest last.\n");
if (process.env.BENCH_NO_RECORD !== "1") appendFileSync(out, `${header}${lines.join("\n")}\n`);
