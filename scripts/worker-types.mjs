#!/usr/bin/env node
// Generates the workers' TypeScript types with `wrangler types` (offline; nothing is committed):
// - worker-runtime.d.ts at the root: the Workers runtime types, once for all workers (they share
//   compatibility_date and flags; the script stops if they ever differ);
// - <worker>/worker-configuration.d.ts beside each wrangler.jsonc in apps/* and bench/*: that
//   worker's Env only, referencing the runtime file.
// `npm run typecheck` runs it first; `npm start` and the vitest suites do not need the files.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { root } from "./lib/dev-key.mjs";
import { nodeBin } from "./lib/wrangler.mjs";

const wranglerCli = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const runtimeFile = join(root, "worker-runtime.d.ts");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };

/** Every wrangler.jsonc one level below apps/ and bench/. */
function workerConfigs() {
  return ["apps", "bench"].flatMap((folder) =>
    readdirSync(join(root, folder), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(root, folder, entry.name, "wrangler.jsonc")))
      .map((entry) => join(root, folder, entry.name, "wrangler.jsonc")),
  );
}

/** What the runtime types depend on: the compatibility date and flags (comments stripped from the JSONC). */
function runtimeKey(config) {
  const jsonc = readFileSync(config, "utf8");
  const date = /"compatibility_date"\s*:\s*"([^"]+)"/.exec(jsonc)?.[1];
  const flags = /"compatibility_flags"\s*:\s*\[([^\]]*)\]/.exec(jsonc)?.[1]?.replace(/\s/g, "") ?? "";
  return `${date} ${flags}`;
}

/** Runs `wrangler types` with `args`; stops the script when it fails. */
function wranglerTypes(args) {
  return new Promise((resolve) => {
    const child = spawn(nodeBin, [wranglerCli, "types", ...args], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (data) => (output += data));
    child.stderr.on("data", (data) => (output += data));
    child.on("close", (code) => {
      if (code === 0) return resolve();
      process.stderr.write(output);
      console.error(`wrangler types ${args.join(" ")} failed (exit ${code})`);
      process.exit(1);
    });
  });
}

/** One worker's Env types, with a reference to the shared runtime file on top. */
async function generateEnv(config) {
  const output = join(dirname(config), "worker-configuration.d.ts");
  await wranglerTypes(["--include-runtime=false", "--strict-vars=false", "-c", relative(root, config), relative(root, output)]);
  const reference = `/// <reference path="${relative(dirname(output), runtimeFile)}" />\n`;
  writeFileSync(output, reference + readFileSync(output, "utf8"));
}

const configs = workerConfigs();
const keys = new Set(configs.map(runtimeKey));
if (keys.size !== 1) {
  console.error(
    `The workers' compatibility dates or flags differ (${[...keys].join(" | ")}): one runtime types file cannot serve them all.`,
  );
  process.exit(1);
}

// In parallel: each call is mostly wrangler starting up.
await Promise.all([
  wranglerTypes(["--include-env=false", "-c", relative(root, configs[0]), relative(root, runtimeFile)]),
  ...configs.map(generateEnv),
]);
