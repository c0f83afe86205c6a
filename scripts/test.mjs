#!/usr/bin/env node
// Runs every test suite: typecheck, lint, the agent worker and openclaw-local inside workerd,
// whole-system tests against `wrangler dev`, browser tests in Chromium. Ends with one plain line `N passed, N failed`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { root } from "./lib/dev-key.mjs";

const reports = join(root, ".dev", "test-reports");
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const npx = join(root, "node_modules", ".bin");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: process.env.NO_COLOR ?? "" };

const suites = [
  { name: "agent worker (workerd)", cwd: join(root, "apps/agent-worker"), args: ["run"] },
  { name: "openclaw-local (workerd)", cwd: join(root, "apps/openclaw-local"), args: ["run"] },
  { name: "whole system (wrangler dev)", cwd: root, args: ["run", "-c", "vitest.system.config.ts"] },
  { name: "browser (Chromium)", cwd: root, args: ["run", "-c", "vitest.browser.config.ts"] },
];

let passed = 0;
let failed = 0;
const only = process.argv.slice(2);

// Typecheck, then lint (formatting included): each counts as one failure in the closing line.
for (const check of ["typecheck", "lint"]) {
  const result = spawnSync("npm", ["run", check, "--silent"], { cwd: root, stdio: "inherit", env });
  if (result.status !== 0) {
    console.error(`${check} failed`);
    failed += 1;
  }
}

for (const suite of suites) {
  if (only.length > 0 && !only.some((name) => suite.name.includes(name))) continue;
  const output = join(reports, `${suite.name.replace(/\W+/g, "-")}.json`);
  console.log(`\n── ${suite.name} ──`);
  const result = spawnSync(join(npx, "vitest"), [...suite.args, "--reporter=default", "--reporter=json", `--outputFile=${output}`], {
    cwd: suite.cwd,
    stdio: "inherit",
    env,
  });
  if (!existsSync(output)) {
    console.error(`${suite.name}: no report (exit ${result.status})`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(output, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  if (result.status !== 0 && report.numFailedTests === 0) failed += 1; // a suite-level failure
  if (report.numTotalTests === 0) {
    console.error(`${suite.name}: ran no test`);
    failed += 1;
  }
}

// The fault suite's table (phase, fault, outcome, events lost, duplicated side effects).
const faultTable = join(reports, "fault-table.md");
if (existsSync(faultTable)) console.log(`\n── fault suite ──\n${readFileSync(faultTable, "utf8")}`);

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
