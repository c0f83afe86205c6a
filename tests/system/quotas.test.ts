import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, readAnswer, type System, startSystem, threadApi, toolParts, waitFor } from "./harness.ts";

// Every per-user quota against a real `wrangler dev`, with small limits: over a quota a request
// answers 429 quota_exceeded with {quota, limit, current} and changes nothing, a tool tells the
// model so as its answer, and freeing a slot (a delete, a cancel, a finished run) lets the next in.

const LIMITS = {
  QUOTA_THREADS: "25",
  QUOTA_SCHEDULES_PER_THREAD: "2",
  QUOTA_SCHEDULES_PER_USER: "3",
  QUOTA_ACTIVE_JOBS: "2",
  QUOTA_CONCURRENT_RUNS: "2",
  QUOTA_EVENT_FEEDS: "3",
};

describe("per-user quotas (system)", () => {
  let system: System;
  beforeAll(async () => {
    // Paced answers (~1 s for a greeting), so runs overlap in the concurrent-runs case.
    system = await startSystem({ agentVars: { ...LIMITS, JOB_POLL_MS: "60000", OFFLINE_MODEL_DELAY_MS: "30" } });
  });
  afterAll(async () => {
    if (process.env.DEBUG_SYSTEM) console.log(system?.agent.output().slice(-6000));
    await system?.stop();
  });

  const call = (userId: string, path: string, init: RequestInit = {}) =>
    fetch(`${system.agent.url}${path}`, {
      ...init,
      headers: { "x-oa-internal-key": system.key, "x-oa-user-id": userId, "content-type": "application/json" },
    });

  it("a flood of concurrent thread creates stops exactly at QUOTA_THREADS; deleting one frees its slot", async () => {
    const user = "quota-flood";
    const answers = await Promise.all(Array.from({ length: 60 }, () => call(user, "/internal/threads", { method: "POST", body: "{}" })));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(25);
    expect(statuses.filter((status) => status === 429)).toHaveLength(35);
    const refused = (await answers.find((answer) => answer.status === 429)!.json()) as any;
    expect(refused.error).toMatchObject({ code: "quota_exceeded", details: { quota: "threads", limit: 25, current: 25 } });
    const created = await Promise.all(
      answers.filter((answer) => answer.status === 201).map(async (answer) => ((await answer.json()) as any).threadId as string),
    );
    const listed = (await (await call(user, "/internal/threads?limit=100")).json()) as any;
    expect(listed.threads).toHaveLength(25);

    // A first message to a new thread id creates a thread too: refused, nothing stored.
    const viaChat = await client(system.agent, user).chat({ threadId: "quota-flood-extra", input: "hello" });
    expect(viaChat.status).toBe(429);
    expect(((await viaChat.json()) as any).error.details).toMatchObject({ quota: "threads", current: 25 });
    expect((await call(user, "/internal/thread/quota-flood-extra/summary")).status).toBe(404);

    expect((await call(user, `/internal/threads/${created[0]}`, { method: "DELETE" })).status).toBe(200);
    expect((await call(user, "/internal/threads", { method: "POST", body: "{}" })).status).toBe(201);
    expect((await call(user, "/internal/threads", { method: "POST", body: "{}" })).status).toBe(429);
  });

  it("schedule_followup over a quota tells the model and schedules nothing; a cancel frees the slot", async () => {
    const user = "quota-schedules";
    const first = threadApi(system.agent, user, "quota-sched-a");
    const second = threadApi(system.agent, user, "quota-sched-b");
    for (let i = 0; i < 2; i++) await readAnswer(await first.send("check again in 10 minutes"));
    const overThread = await readAnswer(await first.send("check again in 10 minutes"));
    const [refusedHere] = toolParts(overThread);
    expect(refusedHere).toMatchObject({ type: "tool-schedule_followup", state: "output-available" });
    expect(refusedHere!.output).toMatchObject({ refused: true, quota: "schedules_per_thread", limit: 2, current: 2 });
    expect((refusedHere!.output as any).message).toMatch(/You already have 2 follow-ups scheduled in this thread, the most allowed is 2/);
    const listA = async () => ((await (await call(user, "/internal/thread/quota-sched-a/schedules")).json()) as any).schedules;
    expect(await listA()).toHaveLength(2);

    await readAnswer(await second.send("check again in 10 minutes"));
    const overUser = await readAnswer(await second.send("check again in 10 minutes"));
    expect(toolParts(overUser)[0]!.output).toMatchObject({ refused: true, quota: "schedules_per_user", limit: 3, current: 3 });
    expect(((await (await call(user, "/internal/thread/quota-sched-b/schedules")).json()) as any).schedules).toHaveLength(1);

    const [victim] = await listA();
    expect((await call(user, `/internal/thread/quota-sched-a/schedules/${victim.id}`, { method: "DELETE" })).status).toBe(200);
    const admitted = await waitFor(async () => {
      const answer = await readAnswer(await second.send("check again in 10 minutes"));
      return (toolParts(answer)[0]!.output as any)?.refused ? null : answer;
    });
    expect(toolParts(admitted)[0]!.output).toMatchObject({ status: "active" });
  });

  it("watch jobs over QUOTA_ACTIVE_JOBS are refused in the tool result without calling OpenClaw; a cancelled job frees its slot", async () => {
    const user = "quota-jobs";
    const threads = ["quota-job-1", "quota-job-2", "quota-job-3"].map((id) => threadApi(system.agent, user, id));
    for (const thread of threads.slice(0, 2)) await readAnswer(await thread.send("watch my gateway for 2 hours"));
    const over = await readAnswer(await threads[2]!.send("watch my gateway for 2 hours"));
    const [part] = toolParts(over);
    expect(part).toMatchObject({ type: "tool-watch_status", state: "output-available" });
    expect(part!.output).toMatchObject({ refused: true, quota: "active_jobs", limit: 2, current: 2 });
    expect((part!.output as any).message).toMatch(/You already have 2 background jobs running, the most allowed is 2/);
    expect(await threads[2]!.jobs()).toHaveLength(0);
    expect(await threads[2]!.receipts()).toHaveLength(0);

    const [job] = await threads[0]!.jobs();
    expect((await call(user, `/internal/thread/quota-job-1/jobs/${job!.id}/cancel`, { method: "POST" })).status).toBe(200);
    const admitted = await waitFor(async () => {
      const answer = await readAnswer(await threads[2]!.send("watch my gateway for 2 hours"));
      return (toolParts(answer)[0]!.output as any)?.refused ? null : answer;
    });
    expect(toolParts(admitted)[0]!.state).toBe("output-available");
    expect(await threads[2]!.jobs()).toHaveLength(1);
  });

  it("a turn beyond QUOTA_CONCURRENT_RUNS is refused with 429 and stores nothing; a finished run frees its slot", async () => {
    const user = "quota-runs";
    const http = client(system.agent, user);
    const busy = await Promise.all(["quota-run-1", "quota-run-2"].map((threadId) => http.chat({ threadId, input: "hello" })));
    expect(busy.map((answer) => answer.status)).toEqual([200, 200]);
    const refused = await http.chat({ threadId: "quota-run-3", input: "hello" });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as any).error).toMatchObject({
      code: "quota_exceeded",
      details: { quota: "concurrent_runs", limit: 2, current: 2 },
    });
    expect((await call(user, "/internal/thread/quota-run-3/summary")).status).toBe(404);
    await Promise.all(busy.map((answer) => answer.text()));
    const admitted = await waitFor(async () => {
      const answer = await http.chat({ threadId: "quota-run-3", input: "hello" });
      if (answer.status === 429) {
        await answer.body?.cancel();
        return null;
      }
      return answer;
    });
    expect(admitted.status).toBe(200);
    await admitted.text();
  });
});
