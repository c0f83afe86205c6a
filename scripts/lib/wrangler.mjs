import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { root } from "./dev-key.mjs";

const wranglerCli = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
// Wrangler needs Node 22: the `node` devDependency brings it, whatever node runs this script.
const node22 = join(root, "node_modules", "node", "bin", "node");
export const nodeBin = existsSync(node22) ? node22 : process.execPath;

/**
 * Starts `wrangler dev` in its own process group (it spawns workerd children) and resolves
 * once the port answers HTTP. `kill(signal)` ends the whole group.
 */
export async function startWrangler({ configs, port, persistTo, envFile, vars = {}, quiet = false, readyTimeoutMs = 60_000, args: extraArgs = [] }) {
  const args = ["dev", ...configs.flatMap((config) => ["-c", config]), "--ip", "127.0.0.1", "--port", String(port)];
  args.push("--persist-to", persistTo, "--show-interactive-dev-session=false", "--inspector-port", "0");
  if (envFile) args.push("--env-file", envFile);
  args.push(...extraArgs);
  for (const [key, value] of Object.entries(vars)) args.push("--var", `${key}:${value}`);
  const child = spawn(nodeBin, [wranglerCli, ...args], {
    cwd: root,
    detached: true,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", CI: process.env.CI ?? "" },
    stdio: quiet ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"],
  });
  let output = "";
  child.stdout?.on("data", (data) => (output += data));
  child.stderr?.on("data", (data) => (output += data));
  let exited = false;
  child.on("exit", () => (exited = true));

  const kill = (signal = "SIGTERM") => {
    if (exited) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const stopped = new Promise((resolve) => child.on("exit", resolve));

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
    kill,
    async stop(signal = "SIGTERM") {
      kill(signal);
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 5000))]);
      kill("SIGKILL");
    },
  };
}
