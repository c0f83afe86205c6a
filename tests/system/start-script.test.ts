import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "../../scripts/lib/dev-key.mjs";
import { freePort, waitFor } from "./harness.ts";

type Proc = { pid: number; ppid: number; pgid: number; cmdline: string };

/** Every process on the machine, from /proc. */
function processes(): Proc[] {
  const found: Proc[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
      found.push({ pid: Number(entry), ppid: Number(fields[1]), pgid: Number(fields[2]), cmdline });
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

describe("npm start (scripts/start.mjs)", () => {
  const dir = mkdtempSync(join(tmpdir(), "oa-start-"));
  let start: ChildProcess | undefined;
  let output = "";
  /** The process groups of the workers start.mjs spawned (each `wrangler dev` leads one). */
  let groups = new Set<number>();
  afterAll(() => {
    // Whatever the test left running (its workers name the temp folder), it does not outlive it.
    const leftovers = processes()
      .filter((proc) => proc.cmdline.includes(dir))
      .map((proc) => proc.pgid);
    for (const pgid of new Set([...leftovers, ...(start?.pid ? [start.pid] : [])])) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {
        // gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("restarts a worker that dies, keeps request logs quiet, and leaves nothing running when hung up", async () => {
    const [webPort, agentPort, openclawPort] = [await freePort(), await freePort(), await freePort()];
    const env: Record<string, string | undefined> = {
      ...process.env,
      PORT: String(webPort),
      AGENT_PORT: String(agentPort),
      OPENCLAW_PORT: String(openclawPort),
      OA_STATE_DIR: join(dir, "state"),
      OA_DEV_DIR: join(dir, "dev"),
      PROVISION_DELAY_MS: "100",
      SIMULATE_ARRIVAL_DELAY_MS: "300",
    };
    for (const name of ["OA_INTERNAL_KEY", "OPENCLAW_API_BASE", "OPENCLAW_API_KEY", "SIMULATE_ARRIVALS", "VERBOSE", "SESSION_SECRET"])
      delete env[name];
    start = spawn(process.execPath, [join(root, "scripts/start.mjs")], {
      cwd: root,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    start.stdout!.on("data", (data) => (output += data));
    start.stderr!.on("data", (data) => (output += data));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      start!.on("exit", (code, signal) => resolve({ code, signal })),
    );

    await waitFor(() => output.includes("Try it:") || start!.exitCode !== null, {
      timeoutMs: 150_000,
      intervalMs: 250,
      what: "the Try it line",
    });
    const agentUrl = `http://127.0.0.1:${agentPort}`;
    expect(output, output).toContain(`npm run chat -- --url ${agentUrl} --thread t1 "hello"`);
    expect(output).toContain(`curl -N ${agentUrl}/internal/chat`);

    // A local world worth trying: a device and a telegram sender ask to pair soon after ready.
    const openclawKey = readFileSync(join(dir, "dev", "openclaw-key"), "utf8").trim();
    const openclaw = (path: string, method = "GET") =>
      fetch(`http://127.0.0.1:${openclawPort}/api/openclaw${path}`, {
        method,
        headers: { "x-oa-internal-key": openclawKey, "x-oa-user-id": "ada" },
      }).then((response) => response.json() as Promise<{ ok: boolean; data: any }>);
    expect((await openclaw("/instance", "POST")).data.status).toBe("provisioning");
    const devices = await waitFor(
      async () => {
        const list = (await openclaw("/runtime/devices")).data;
        return list?.pending?.length ? list : null;
      },
      { what: "a device asking to pair" },
    );
    expect(devices.pending[0].client).toEqual({ platform: "ios", mode: "node" });
    await waitFor(async () => (await openclaw("/runtime/pairing/telegram")).data?.requests?.length === 1, {
      what: "a telegram pairing request",
    });

    // Those calls were served, yet no request line reached the console (quiet by default).
    expect(output).not.toMatch(/^\[wrangler:info\] [A-Z]+ \/\S* \d{3}/m);

    // npm run chat's approval hint repeats what picks this agent worker and user.
    const chat = spawnSync(
      process.execPath,
      [join(root, "scripts/chat.mjs"), "--url", agentUrl, "--user", "ada", "--thread", "t1", "restart my openclaw"],
      {
        cwd: root,
        env,
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(chat.stdout, chat.stderr).toMatch(new RegExp(`npm run chat -- --thread t1 --user ada --url ${agentUrl} --approve \\S+`));

    // The agent worker dies: npm start says so and brings it back on the same port.
    const agentGroup = processes().find(
      (proc) => proc.pid === proc.pgid && proc.ppid === start!.pid && proc.cmdline.includes("apps/agent-worker/wrangler.jsonc"),
    );
    expect(agentGroup, "the agent worker's wrangler, a child of start.mjs leading its own group").toBeDefined();
    process.kill(-agentGroup!.pgid, "SIGKILL");
    await waitFor(() => output.includes("the agent worker died (signal SIGKILL)"), {
      timeoutMs: 10_000,
      what: "start.mjs to say the agent worker died",
    });
    await waitFor(() => output.includes(`the agent worker is back on ${agentUrl}`), {
      timeoutMs: 120_000,
      intervalMs: 250,
      what: "the agent worker to be restarted",
    });
    const internalKey = readFileSync(join(dir, "dev", "oa-internal-key"), "utf8").trim();
    const threads = await fetch(`${agentUrl}/internal/threads`, { headers: { "x-oa-internal-key": internalKey, "x-oa-user-id": "ada" } });
    expect(threads.status).toBe(200);

    // A closed terminal (SIGHUP): start.mjs ends, and so does every worker it started.
    groups = new Set(
      processes()
        .filter((proc) => proc.ppid === start!.pid && proc.pid === proc.pgid)
        .map((proc) => proc.pgid),
    );
    expect(groups.size, "openclaw-local, the agent worker and the website").toBe(3);
    start.kill("SIGHUP");
    expect(await exited).toEqual({ code: 0, signal: null });
    await waitFor(() => processes().every((proc) => !groups.has(proc.pgid)), {
      timeoutMs: 10_000,
      what: "every worker process to be gone",
    });
  }, 300_000);
});
