#!/usr/bin/env node
// npm run bench -- search: message search over 10,000 messages of one user (20 threads × 500),
// through the real agent worker on local workerd (wrangler dev). Prints p50/p95 per query and
// appends the table to bench/RESULTS.md. Target: p50 < 50 ms.
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { root } from "../scripts/lib/dev-key.mjs";
import { percentile } from "./measure.mjs";
import { startProduct } from "./peers.mjs";

const THREADS = 20;
const PER_THREAD = 500;
const SAMPLES = Number(process.env.BENCH_SEARCH_SAMPLES ?? 100);
// From one hit in 10,000 to every other message; the last word is always a prefix.
const QUERIES = ["answer 499 running", "question 248", "openclaw", "runn", "how is my openclaw doing"];

const state = mkdtempSync(join(tmpdir(), "oa-bench-search-"));
const product = await startProduct({ agentPort: 8918, webPort: 8916, state, paceMs: 0 });
const agent = product.runtime.url;
const headers = { ...product.agentHeaders };

async function search(q) {
  const started = performance.now();
  const response = await fetch(`${agent}/internal/search?${new URLSearchParams({ q, limit: "20" })}`, { headers });
  const body = await response.json();
  const elapsed = performance.now() - started;
  if (!body.ok) throw new Error(`search failed: ${JSON.stringify(body)}`);
  return { elapsed, hits: body.hits };
}

try {
  for (let index = 0; index < THREADS; index++) {
    const created = await fetch(`${agent}/internal/threads`, {
      method: "POST",
      headers,
      body: JSON.stringify({ title: `Bench thread ${index}` }),
    });
    const { threadId } = await created.json();
    await product.seed(threadId, PER_THREAD);
  }
  // The index is fed after the seed commits; the last seeded answer of every thread marks the end.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { hits } = await search(`answer ${PER_THREAD - 1} running`);
    if (hits.length === THREADS) break;
    if (Date.now() > deadline) throw new Error(`the index did not catch up: ${hits.length}/${THREADS} threads`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const rows = [];
  for (const q of QUERIES) {
    await search(q); // warm
    const times = [];
    let hits = 0;
    for (let sample = 0; sample < SAMPLES; sample++) {
      const result = await search(q);
      times.push(result.elapsed);
      hits = result.hits.length;
    }
    rows.push({ q, hits, p50: percentile(times, 50), p95: percentile(times, 95) });
  }
  const fmt = (ms) => `${ms.toFixed(1)} ms`;
  const lines = [
    "| query | hits returned (limit 20) | p50 | p95 | target p50 < 50 ms |",
    "|---|---|---|---|---|",
    ...rows.map((row) => `| \`${row.q}\` | ${row.hits} | ${fmt(row.p50)} | ${fmt(row.p95)} | ${row.p50 < 50 ? "yes" : "no"} |`),
  ];
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const header = `\n## ${new Date().toISOString().slice(0, 10)} — message search — ${machine}\n${(THREADS * PER_THREAD).toLocaleString("en")} messages of one user (${THREADS} threads × ${PER_THREAD}), FTS5 in the user's UserAgent; ${SAMPLES} sequential requests per query to the agent worker (wrangler dev, HTTP over loopback).\n\n`;
  console.log(header + lines.join("\n"));
  if (process.env.BENCH_NO_RECORD !== "1") appendFileSync(join(root, "bench", "RESULTS.md"), `${header}${lines.join("\n")}\n`);
} finally {
  await product.stopAll();
  rmSync(state, { recursive: true, force: true });
}
