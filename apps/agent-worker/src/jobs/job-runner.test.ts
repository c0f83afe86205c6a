import { env, runInDurableObject } from "cloudflare:test";
import { getAgentByName } from "agents";
import { describe, expect, it, vi } from "vitest";
import type { ThreadAgent } from "../agents/thread-agent.ts";
import type { AgentWorkerEnv } from "../config.ts";
import { OpenClawClient } from "../openclaw/client.ts";
import { commitThenPublish } from "../storage/commit-then-publish.ts";
import { EventLog } from "../storage/event-log.ts";
import { type JobRecord, JobStore } from "../storage/job-store.ts";
import { JobRunner } from "./job-runner.ts";

type Call = { method: string; path: string; key: string | null };

/** Speaks the OpenClaw API's envelope; `answer` decides each reply. */
function fakeOpenClaw(answer: (call: Call, index: number) => Response) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const call = { method: request.method, path: new URL(request.url).pathname, key: request.headers.get("idempotency-key") };
    calls.push(call);
    return answer(call, calls.length - 1);
  }) as typeof fetch;
  return {
    calls,
    client: new OpenClawClient({ baseUrl: "http://openclaw.test/api", apiKey: "k", userId: "u", fetch: fetchImpl, readRetries: 0 }),
  };
}

const ok = (data: unknown) => Response.json({ ok: true, data, error: null });
const fail = (status: number, error: string) => Response.json({ ok: false, data: null, error }, { status });

let counter = 0;

/** A JobRunner on a real thread's SQLite storage, with the clock advanced by hand. */
async function withRunner(
  api: ReturnType<typeof fakeOpenClaw>,
  fn: (ctx: {
    runner: JobRunner;
    jobs: JobStore;
    finished: JobRecord[];
    wakes: number[];
    log: EventLog;
    clock: { now: number };
  }) => Promise<void>,
) {
  const stub = await getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, `jobs-unit-${++counter}`);
  await runInDurableObject(stub, async (_agent: ThreadAgent, state) => {
    const jobs = new JobStore(state.storage.sql);
    const log = new EventLog(state.storage.sql);
    const finished: JobRecord[] = [];
    const wakes: number[] = [];
    const clock = { now: Date.now() };
    const runner = new JobRunner({
      clock: () => clock.now,
      jobs,
      log,
      commit: commitThenPublish(state.storage, log),
      client: () => api.client,
      wakeAt: (at) => wakes.push(at),
      onFinished: (job) => finished.push(job),
      onProgress: () => {},
      newId: () => `job_${++counter}`,
      pollMs: 1000,
      maxAttempts: 3,
    });
    await fn({ runner, jobs, finished, wakes, log, clock });
  });
}

/** Moves the clock to the job's next step and runs it, as its alarm would. */
async function advance(runner: JobRunner, jobs: JobStore, id: string, clock: { now: number }) {
  clock.now = Math.max(clock.now, jobs.get(id)!.nextRunAt ?? clock.now) + 1;
  await runner.tick(clock.now);
}

describe("background job steps", () => {
  it("provision: one keyed POST, then polls until ready, with rising progress; finishes once", async () => {
    let polls = 0;
    const api = fakeOpenClaw((call) => {
      if (call.method === "POST")
        return ok({ status: "provisioning", runtime_name: null, created_at: 1, updated_at: 1, last_ready_at: null });
      polls++;
      return ok({ status: polls >= 3 ? "ready" : "provisioning", runtime_name: "rt", created_at: 1, updated_at: 2, last_ready_at: null });
    });
    await withRunner(api, async ({ runner, jobs, finished, wakes, clock }) => {
      const job = runner.start("provision", {}, "call-1", "run-1");
      expect(runner.start("provision", {}, "call-1", "run-1").id).toBe(job.id); // same key, same job
      expect(wakes.length).toBe(1);
      const first = await runner.runFirstStep(job.id);
      expect(first).toMatchObject({ status: "waiting", progress: 0.1 });
      const progress: number[] = [];
      for (let i = 0; i < 5 && jobs.get(job.id)!.status === "waiting"; i++) {
        await advance(runner, jobs, job.id, clock);
        progress.push(jobs.get(job.id)!.progress);
      }
      expect(jobs.get(job.id)).toMatchObject({ status: "succeeded", progress: 1 });
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(api.calls.filter((call) => call.method === "POST")).toEqual([
        { method: "POST", path: "/api/openclaw/instance", key: "call-1" },
      ]);
      expect(finished.map((entry) => entry.id)).toEqual([job.id]);
    });
  });

  it("retries transient failures with backoff and the same key, then fails after the limit", async () => {
    const api = fakeOpenClaw(() => fail(503, "upstream busy"));
    await withRunner(api, async ({ runner, jobs, finished, clock }) => {
      const job = runner.start("backup", {}, "call-2", null);
      await runner.runFirstStep(job.id);
      const afterFirst = jobs.get(job.id)!;
      expect(afterFirst.status).toBe("waiting");
      expect(afterFirst.nextRunAt! - afterFirst.updatedAt).toBe(2000);
      await advance(runner, jobs, job.id, clock);
      expect(jobs.get(job.id)!.nextRunAt! - jobs.get(job.id)!.updatedAt).toBe(4000);
      await advance(runner, jobs, job.id, clock);
      expect(jobs.get(job.id)).toMatchObject({ status: "failed", error: "upstream busy" });
      expect(api.calls.map((call) => call.key)).toEqual(["call-2", "call-2", "call-2"]);
      expect(finished).toHaveLength(1);
    });
  });

  it("ends at once on a permanent refusal", async () => {
    const api = fakeOpenClaw(() => fail(404, "instance not found"));
    await withRunner(api, async ({ runner, jobs }) => {
      const job = runner.start("restart", {}, "call-3", null);
      const done = await runner.runFirstStep(job.id);
      expect(done).toMatchObject({ status: "failed", error: "instance not found (HTTP 404)" });
      expect(api.calls).toHaveLength(1);
      expect(jobs.nextDueAt()).toBeNull();
    });
  });

  it("restart is never POSTed twice, even when the first call's outcome is unknown", async () => {
    let statusCalls = 0;
    const api = fakeOpenClaw((call) => {
      if (call.method === "POST") return new Response("upstream fetch failed", { status: 500 });
      statusCalls++;
      return ok({
        gateway: { status: statusCalls > 1 ? "running" : "starting" },
        lastBackup: null,
        container: { instanceType: "standard-4" },
        version: { clawdbot: "1" },
      });
    });
    await withRunner(api, async ({ runner, jobs, clock }) => {
      const job = runner.start("restart", {}, "call-4", null);
      await runner.runFirstStep(job.id); // 500: retried later, but as a watch
      for (let i = 0; i < 4 && jobs.get(job.id)!.status === "waiting"; i++) await advance(runner, jobs, job.id, clock);
      expect(api.calls.filter((call) => call.method === "POST")).toHaveLength(1);
      expect(jobs.get(job.id)).toMatchObject({ status: "succeeded" });
      expect(jobs.get(job.id)!.message).toMatch(/may not have restarted/);
    });
  });

  it("watch_status logs every change and stops after its duration", async () => {
    const sequence = ["running", "starting", "starting", "running"];
    const api = fakeOpenClaw((_call, index) =>
      ok({
        gateway: { status: sequence[Math.min(index, sequence.length - 1)] },
        lastBackup: null,
        container: { instanceType: "s" },
        version: { clawdbot: "1" },
      }),
    );
    await withRunner(api, async ({ runner, jobs, log, clock }) => {
      const job = runner.start("watch_status", { durationSeconds: 3, intervalSeconds: 1 }, "call-5", null);
      await runner.runFirstStep(job.id);
      for (let i = 0; i < 6 && jobs.get(job.id)!.status === "waiting"; i++) await advance(runner, jobs, job.id, clock);
      const finished = jobs.get(job.id)!;
      expect(finished.status).toBe("succeeded");
      expect((finished.result as { changes: string[] }).changes).toHaveLength(2);
      const logs = log.after(0, 100).filter((event) => event.type === "job.log");
      expect(logs.map((event) => (event as { message: string }).message)).toEqual([
        "Status changed: running → starting",
        "Status changed: starting → running",
      ]);
    });
  });

  it("arms no wake-up for a job whose step is in flight; the step re-arms when it ends", async () => {
    let answer!: (response: Response) => void;
    const api = fakeOpenClaw(() => new Promise<Response>((resolve) => (answer = resolve)) as unknown as Response);
    await withRunner(api, async ({ runner, jobs, wakes, clock }) => {
      const job = runner.start("restart", {}, "call-7", null);
      const first = runner.runFirstStep(job.id);
      await vi.waitFor(() => expect(api.calls).toHaveLength(1));
      // The job is running and its due time has passed, yet waking for it now would only spin.
      expect(jobs.nextDueAt()).toBe(jobs.get(job.id)!.nextRunAt);
      expect(runner.nextDueAt()).toBeNull();
      wakes.length = 0;
      await runner.tick(clock.now + 1);
      expect(wakes).toEqual([]);
      expect(api.calls).toHaveLength(1);
      answer(ok({ message: "restarting" }));
      expect(await first).toMatchObject({ status: "waiting" });
      expect(wakes).toEqual([jobs.get(job.id)!.nextRunAt]);
    });
  });

  it("cancel stops a waiting job for good", async () => {
    const api = fakeOpenClaw(() => ok({ status: "provisioning", runtime_name: null, created_at: 1, updated_at: 1, last_ready_at: null }));
    await withRunner(api, async ({ runner, finished, clock }) => {
      const job = runner.start("provision", {}, "call-6", null);
      await runner.runFirstStep(job.id);
      expect(runner.cancel(job.id)).toMatchObject({ status: "cancelled" });
      clock.now += 60_000;
      await runner.tick(clock.now);
      expect(api.calls).toHaveLength(1);
      expect(finished.map((entry) => entry.status)).toEqual(["cancelled"]);
    });
  });
});
