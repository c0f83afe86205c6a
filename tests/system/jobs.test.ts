import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  client,
  messageFromChunks,
  openclawControl,
  readUserEvents,
  type System,
  sseChunks,
  startSystem,
  textOf,
  threadApi,
  waitFor,
} from "./harness.ts";

type Job = { id: string; kind: string; status: string; progress: number; message: string | null; attempts: number };

function jobsOf(system: System, userId: string, threadId: string) {
  return async (): Promise<Job[]> => {
    const response = await fetch(`${system.agent.url}/internal/thread/${threadId}/jobs`, {
      headers: { "x-oa-internal-key": system.key, "x-oa-user-id": userId },
    });
    return ((await response.json()) as { jobs: Job[] }).jobs;
  };
}

async function approveNext(thread: ReturnType<typeof threadApi>) {
  const [pending] = await waitFor(async () => {
    const approvals = await thread.approvals("pending");
    return approvals.length > 0 ? approvals : null;
  });
  const response = await thread.respond(pending!.id, "approved");
  expect(response.status).toBe(200);
  return pending!;
}

describe("background jobs", () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem({
      agentVars: { JOB_POLL_MS: "400" },
      openclawVars: { PROVISION_DELAY_MS: "6000", RESTART_DELAY_MS: "1500", BACKUP_DELAY_MS: "100" },
    });
  });
  afterAll(async () => {
    if (process.env.DEBUG_SYSTEM) console.log(system?.agent.output().slice(-6000));
    await system?.stop();
  });

  it("provisions in the background: progress while nobody listens, the result posted to the thread", async () => {
    const thread = threadApi(system.agent, "jobs-alice", "jobs-provision");
    await (await thread.send("provision an OpenClaw instance")).text();
    await approveNext(thread);
    // The approved call started a job; its first step asked OpenClaw once and the run answered.
    const listJobs = jobsOf(system, "jobs-alice", thread.threadId);
    const [job] = await waitFor(async () => ((await listJobs()).length > 0 ? listJobs() : null));
    expect(job).toMatchObject({ kind: "provision" });
    await thread.waitForRun(null);

    // Reconnect later (nothing was connected meanwhile): progress is still moving, then it finishes.
    const events = await thread.events({ until: (seen) => seen.some((event) => event.type === "job.finished"), timeoutMs: 30_000 });
    const progress = events.filter((event) => event.type === "job.progress").map((event) => event.progress as number);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(events.find((event) => event.type === "job.finished")).toMatchObject({ jobId: job!.id, status: "succeeded" });

    // The agent posted the result as a new run in the thread.
    const messages = await waitFor(
      async () => {
        const all = await thread.messages();
        return all.some((message) => message.role === "system") &&
          all.at(-1)?.role === "assistant" &&
          all.at(-1)?.metadata?.status === "completed"
          ? all
          : null;
      },
      { timeoutMs: 20_000 },
    );
    const note = messages.find((message) => message.role === "system")!;
    expect(textOf(note)).toMatch(/Background job provision .* finished: Your OpenClaw instance is ready/);
    expect(textOf(messages.at(-1)!)).toMatch(/ready/);

    const control = openclawControl(system.openclaw, "jobs-alice");
    const provisions = (await control.requests()).filter(
      (request) => request.method === "POST" && request.path.endsWith("/openclaw/instance"),
    );
    expect(provisions).toHaveLength(1);
    expect((await listJobs())[0]).toMatchObject({ status: "succeeded", progress: 1 });
  });

  it("while a chat response is open, job progress flows into it as a data-job part updated by id", async () => {
    const alice = client(system.agent, "jobs-frank");
    const asked = await sseChunks(await alice.chat({ threadId: "jobs-data", input: "provision an OpenClaw instance" }));
    const request = asked.find((chunk) => chunk.type === "tool-approval-request") as { approvalId: string; toolCallId: string };
    const start = asked.find((chunk) => chunk.type === "start") as { messageId: string };
    // The AI SDK flow: the next chat request carries the approval; its response is the continuation.
    const continuation = await sseChunks(
      await alice.chat({
        id: "jobs-data",
        trigger: "submit-message",
        messages: [
          {
            id: start.messageId,
            role: "assistant",
            parts: [
              {
                type: "tool-provision",
                toolCallId: request.toolCallId,
                state: "approval-responded",
                input: {},
                approval: { id: request.approvalId, approved: true },
              },
            ],
          },
        ],
      }),
    );
    const dataParts = continuation.filter((chunk) => chunk.type === "data-job") as Array<{
      id: string;
      data: { id: string; kind: string; status: string; progress: number };
    }>;
    expect(dataParts.length).toBeGreaterThan(0);
    expect(dataParts[0]!.data).toMatchObject({ kind: "provision", status: "waiting" });
    expect(dataParts.every((part) => part.id === dataParts[0]!.id)).toBe(true);
    // The AI SDK's reader keeps one data-job part per job id.
    const message = await messageFromChunks(continuation);
    expect(message.id).toBe(start.messageId);
    expect(message.parts.filter((part) => part.type === "data-job")).toHaveLength(1);
  });

  it("a job survives the runtime being killed mid-job and completes exactly once", async () => {
    const thread = threadApi(system.agent, "jobs-bob", "jobs-crash");
    // restart needs an instance that is ready: without one it is not even asked for
    const control = openclawControl(system.openclaw, "jobs-bob");
    await control.seed({ instance: { status: "ready" } } as never);
    await (await thread.send("restart my OpenClaw")).text();
    await approveNext(thread);
    const listJobs = jobsOf(system, "jobs-bob", thread.threadId);
    await waitFor(async () => ((await listJobs())[0]?.status === "waiting" ? true : null));

    await system.killAgent();
    const agent = await system.restartAgent();
    const revived = threadApi(agent, "jobs-bob", "jobs-crash");
    const events = await revived.events({ until: (seen) => seen.some((event) => event.type === "job.finished"), timeoutMs: 40_000 });
    expect(events.filter((event) => event.type === "job.finished")).toHaveLength(1);
    expect(events.find((event) => event.type === "job.finished")).toMatchObject({ kind: "restart", status: "succeeded" });
    const restarts = (await control.requests()).filter((request) => request.method === "POST" && request.path.endsWith("/runtime/restart"));
    expect(restarts).toHaveLength(1);
    const notes = await waitFor(async () => {
      const all = await revived.messages();
      const found = all.filter((message) => message.role === "system");
      return found.length > 0 ? found : null;
    });
    expect(notes).toHaveLength(1);
  });

  it("a follow-up fires with no client connected and its answer is in the history", async () => {
    const thread = threadApi(system.agent, "jobs-carol", "jobs-followup");
    await openclawControl(system.openclaw, "jobs-carol").setBalance(12.34);
    const reply = await (await thread.send("check my balance in 3 seconds")).text();
    expect(reply).toContain("schedule_followup");
    // Nobody is connected now, and the thread is not asked: its owner's feed (another Durable Object) says when the
    // follow-up's answer is the thread's latest message.
    await readUserEvents(system.agent, "jobs-carol", {
      timeoutMs: 30_000,
      until: (events) =>
        events.some(
          (event) =>
            event.type === "thread.updated" &&
            event.threadId === "jobs-followup" &&
            String((event.thread as { preview?: string }).preview).includes("12.34"),
        ),
    });
    const messages = await waitFor(async () => {
      const all = await thread.messages();
      return all.length >= 4 && all.at(-1)?.metadata?.status === "completed" ? all : null;
    });
    expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "system", "assistant"]);
    expect(textOf(messages[2]!)).toBe("Scheduled follow-up: check my balance");
    expect(textOf(messages[3]!)).toContain("12.34");
    const schedules = await (
      await fetch(`${system.agent.url}/internal/thread/jobs-followup/schedules`, {
        headers: { "x-oa-internal-key": system.key, "x-oa-user-id": "jobs-carol" },
      })
    ).json();
    expect(schedules.schedules[0]).toMatchObject({ kind: "once", status: "done", firedCount: 1 });
  });

  it("a recurring follow-up in a time zone is listed and can be cancelled", async () => {
    const thread = threadApi(system.agent, "jobs-dave", "jobs-cron");
    await (await thread.send("every morning at 9 tell me my balance in Europe/Berlin")).text();
    const headers = { "x-oa-internal-key": system.key, "x-oa-user-id": "jobs-dave" };
    const listed = await (await fetch(`${system.agent.url}/internal/thread/jobs-cron/schedules`, { headers })).json();
    const schedule = listed.schedules[0];
    expect(schedule).toMatchObject({
      kind: "cron",
      cron: "0 9 * * *",
      timezone: "Europe/Berlin",
      status: "active",
      prompt: "tell me my balance",
    });
    const berlinHour = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/Berlin",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(new Date(schedule.nextRunAt));
    expect(berlinHour).toBe("09:00");
    expect(Date.parse(schedule.nextRunAt) - Date.now()).toBeLessThanOrEqual(24 * 3600 * 1000);

    const deleted = await fetch(`${system.agent.url}/internal/thread/jobs-cron/schedules/${schedule.id}`, { method: "DELETE", headers });
    expect(await deleted.json()).toMatchObject({ ok: true, cancelled: true, schedule: { status: "cancelled" } });
    const missing = await fetch(`${system.agent.url}/internal/thread/jobs-cron/schedules/sched_nope`, { method: "DELETE", headers });
    expect(missing.status).toBe(404);
    const otherUser = await fetch(`${system.agent.url}/internal/thread/jobs-cron/schedules`, {
      headers: { ...headers, "x-oa-user-id": "mallory" },
    });
    expect(otherUser.status).toBe(404);
  });

  it("a watch job can be cancelled through the API", async () => {
    const thread = threadApi(system.agent, "jobs-erin", "jobs-watch");
    await openclawControl(system.openclaw, "jobs-erin").seed({ instance: { status: "ready" } } as never);
    await (await thread.send("watch my openclaw for 30 minutes")).text();
    const listJobs = jobsOf(system, "jobs-erin", thread.threadId);
    const [job] = await waitFor(async () => ((await listJobs()).length > 0 ? listJobs() : null));
    expect(job).toMatchObject({ kind: "watch_status", status: "waiting" });
    const cancelled = await fetch(`${system.agent.url}/internal/thread/jobs-watch/jobs/${job!.id}/cancel`, {
      method: "POST",
      headers: { "x-oa-internal-key": system.key, "x-oa-user-id": "jobs-erin" },
    });
    expect(await cancelled.json()).toMatchObject({ ok: true, job: { status: "cancelled" } });
    const notes = await waitFor(async () => {
      const all = await thread.messages();
      return all.some((message) => message.role === "system") ? all : null;
    });
    expect(textOf(notes.find((message) => message.role === "system")!)).toMatch(/watch_status .* cancelled/);
  });
});
