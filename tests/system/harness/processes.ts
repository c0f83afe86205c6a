import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
    const answer = await fetch(`${url}/internal/threads`, {
      headers: { "x-oa-internal-key": runtime.key, "x-oa-user-id": "probe" },
      signal: AbortSignal.timeout(2000),
    }).catch(() => null);
    if (answer?.headers.get("content-type")?.includes("application/json") && answer.status === 200) return url;
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
