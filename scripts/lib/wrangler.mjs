import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { root } from "./dev-key.mjs";

const wranglerCli = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
// Wrangler needs Node 22: the `node` devDependency brings it, whatever node runs this script.
const node22 = join(root, "node_modules", "node", "bin", "node");
export const nodeBin = existsSync(node22) ? node22 : process.execPath;

/**
 * The process groups of every `wrangler dev` this process started and that may still hold a
 * process, from spawn on (also while starting), so whoever exits can end them all.
 */
const processGroups = new Set();

/** Sends `signal` to every process group in `processGroups`. */
export function killProcessGroups(signal) {
  for (const pid of processGroups) {
    try {
      process.kill(-pid, signal);
    } catch {
      processGroups.delete(pid);
    }
  }
}

/** wrangler dev's line for each request it served, e.g. `[wrangler:info] GET /api/x 200 OK (3ms)`. */
const requestLine = /^\[wrangler:info\] [A-Z]+ \S+ \d{3}\b/;

/** Copies a child's output to `target` line by line, leaving out lines `drop` matches. */
function forwardLines(stream, target, drop) {
  let pending = "";
  stream.on("data", (data) => {
    pending += data;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (!drop(line)) target.write(`${line}\n`);
  });
  stream.on("end", () => {
    if (pending && !drop(pending)) target.write(pending);
  });
}

/**
 * Starts `wrangler dev` in its own process group (it spawns workerd children) and resolves
 * once the port answers HTTP. `kill(signal)` ends the whole group; `exited` resolves with the
 * wrangler process's `{code, signal}` when it ends. Output: kept in `output()` only (`quiet`), or
 * shown, without the per-request lines unless `logRequests`.
 */
export async function startWrangler({
  configs,
  port,
  persistTo,
  envFile,
  vars = {},
  quiet = false,
  logRequests = true,
  readyTimeoutMs = 60_000,
  args: extraArgs = [],
}) {
  const args = ["dev", ...configs.flatMap((config) => ["-c", config]), "--ip", "127.0.0.1", "--port", String(port)];
  args.push("--persist-to", persistTo, "--show-interactive-dev-session=false", "--inspector-port", "0");
  if (envFile) args.push("--env-file", envFile);
  args.push(...extraArgs);
  for (const [key, value] of Object.entries(vars)) args.push("--var", `${key}:${value}`);
  const shown = !quiet && logRequests;
  const child = spawn(nodeBin, [wranglerCli, ...args], {
    cwd: root,
    detached: true,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", CI: process.env.CI ?? "" },
    stdio: shown ? ["ignore", "inherit", "inherit"] : ["ignore", "pipe", "pipe"],
  });
  // The newest output only: a long `npm start` must not keep every request line in memory.
  let output = "";
  const keep = (data) => {
    output += data;
    if (output.length > 1_000_000) output = output.slice(-500_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  if (!quiet && !logRequests) {
    forwardLines(child.stdout, process.stdout, (line) => requestLine.test(line));
    forwardLines(child.stderr, process.stderr, (line) => requestLine.test(line));
  }
  processGroups.add(child.pid);
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is gone
    }
  };
  let exited = false;
  const exitedWith = new Promise((resolve) =>
    child.on("exit", (code, signal) => {
      exited = true;
      // No workerd outlives its wrangler: the whole group goes with it (then the id may be reused).
      signalGroup("SIGKILL");
      processGroups.delete(child.pid);
      resolve({ code, signal });
    }),
  );
  const kill = (signal = "SIGTERM") => {
    if (!exited) signalGroup(signal);
  };
  const stopped = exitedWith;

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) throw new Error(`wrangler dev exited before it was ready:\n${output}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        kill("SIGKILL");
        throw new Error(`wrangler dev did not answer on port ${port} within ${readyTimeoutMs} ms:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    output: () => output,
    exited: exitedWith,
    kill,
    async stop(signal = "SIGTERM") {
      kill(signal);
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 5000))]);
      kill("SIGKILL");
    },
  };
}
