import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { getAgentByName } from "agents";
import { describe, expect, it, vi } from "vitest";
import type { ThreadAgent } from "../src/agents/thread-agent.ts";
import type { AgentWorkerEnv } from "../src/config.ts";
import { call, headers, postChat, readAnswer, textOf, uniqueThread } from "./helpers.ts";

async function json(path: string, userId = "alice", init: RequestInit = {}): Promise<any> {
  const response = await call(path, { ...init, headers: headers(userId) });
  return { status: response.status, body: await response.json() };
}

/** Makes everything scheduled due now, then lets the Durable Object's alarm run as it would. */
async function fireAlarmNow(threadId: string): Promise<boolean> {
  const stub = await getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId);
  await runInDurableObject(stub, async (agent: ThreadAgent, state) => {
    const past = Date.now() - 1000;
    state.storage.sql.exec("UPDATE schedules SET next_run_at = ? WHERE status = 'active'", past);
    // Through the Agents SDK's own scheduler: replace the pending wake-up with one that is due.
    for (const schedule of agent.getSchedules()) if (schedule.callback === "wake") await agent.cancelSchedule(schedule.id);
    await agent.schedule(new Date(past), "wake", {});
  });
  return runDurableObjectAlarm(stub);
}

function waitForMessages(threadId: string, count: number): Promise<any[]> {
  return vi.waitFor(
    async () => {
      const { body } = await json(`/internal/thread/${threadId}/messages`);
      expect(body.messages.length).toBeGreaterThanOrEqual(count);
      expect(body.messages.at(-1).metadata?.status).toBe("completed");
      return body.messages;
    },
    { timeout: 10_000, interval: 10 },
  );
}

describe("scheduled follow-ups", () => {
  it("a one-off follow-up is created by the model, fires from the alarm with nobody connected, and answers in the thread", async () => {
    const threadId = uniqueThread("followup");
    const answer = await readAnswer(await postChat("alice", { threadId, input: "remind me in 10 minutes to say hello" }));
    const part = answer.parts.find((p) => p.type === "tool-schedule_followup") as any;
    expect(part.state).toBe("output-available");
    expect(part.input).toEqual({ prompt: "say hello", delaySeconds: 600 });

    const listed = (await json(`/internal/thread/${threadId}/schedules`)).body.schedules;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ kind: "once", status: "active", prompt: "say hello", firedCount: 0 });
    expect(Date.parse(listed[0].nextRunAt) - Date.now()).toBeGreaterThan(590_000);

    expect(await fireAlarmNow(threadId)).toBe(true);
    const messages = await waitForMessages(threadId, 4);
    expect(messages.map((m: any) => m.role)).toEqual(["user", "assistant", "system", "assistant"]);
    expect(textOf(messages[2])).toBe("Scheduled follow-up: say hello");
    expect(textOf(messages[3])).toContain('"say hello"');
    expect((await json(`/internal/thread/${threadId}/schedules`)).body.schedules[0]).toMatchObject({ status: "done", firedCount: 1 });
    // A second alarm does not fire it again.
    await fireAlarmNow(threadId);
    expect((await json(`/internal/thread/${threadId}/messages`)).body.messages).toHaveLength(4);
  });

  it("a recurring follow-up fires and moves to its next time", async () => {
    const threadId = uniqueThread("cron");
    await readAnswer(await postChat("alice", { threadId, input: "every day at 7:30 say good morning" }));
    const [schedule] = (await json(`/internal/thread/${threadId}/schedules`)).body.schedules;
    expect(schedule).toMatchObject({ kind: "cron", cron: "30 7 * * *", timezone: "UTC", status: "active" });
    expect(await fireAlarmNow(threadId)).toBe(true);
    await waitForMessages(threadId, 4);
    const [after] = (await json(`/internal/thread/${threadId}/schedules`)).body.schedules;
    expect(after).toMatchObject({ status: "active", firedCount: 1 });
    expect(new Date(after.nextRunAt).toISOString()).toMatch(/T07:30:00\.000Z$/);
    expect(Date.parse(after.nextRunAt)).toBeGreaterThan(Date.now());
  });

  it("a cancelled follow-up never fires; schedules are the owner's only", async () => {
    const threadId = uniqueThread("cancel");
    await readAnswer(await postChat("alice", { threadId, input: "check my status in 5 minutes" }));
    const [schedule] = (await json(`/internal/thread/${threadId}/schedules`)).body.schedules;
    expect((await json(`/internal/thread/${threadId}/schedules/${schedule.id}`, "mallory", { method: "DELETE" })).status).toBe(404);
    const deleted = await json(`/internal/thread/${threadId}/schedules/${schedule.id}`, "alice", { method: "DELETE" });
    expect(deleted.body).toMatchObject({ ok: true, cancelled: true });
    await fireAlarmNow(threadId);
    // A turn after the alarm is the signal: a follow-up it fired would stand before that turn's question.
    await readAnswer(await postChat("alice", { threadId, input: "thanks" }));
    const messages = (await json(`/internal/thread/${threadId}/messages`)).body.messages;
    expect(messages.map((m: any) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(textOf(messages[2])).toBe("thanks");
  });

  it("refuses an invalid follow-up as a readable tool error", async () => {
    const threadId = uniqueThread("badtz");
    const answer = await readAnswer(await postChat("alice", { threadId, input: "every day at 9 say hi in Mars/Olympus" }));
    const part = answer.parts.find((p) => p.type === "tool-schedule_followup") as any;
    expect(part.state).toBe("output-error");
    expect(part.errorText).toMatch(/Unknown time zone/);
    expect((await json(`/internal/thread/${threadId}/schedules`)).body.schedules).toEqual([]);
  });
});
