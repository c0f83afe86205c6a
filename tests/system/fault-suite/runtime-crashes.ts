import { describe, expect, it } from "vitest";
import { client, readAnswer, sseChunks, textOf, waitFor, waitForJobReport } from "../harness.ts";
import { count, crash, effects, faultSystem, lostEvents, record, user } from "./suite.ts";

/** The runtime SIGKILLed in each phase of work and restarted on the same state. */
export function describeRuntimeCrashes(): void {
  describe("SIGKILL of the runtime, then restart", () => {
    it("mid-answer (streaming)", async () => {
      const u = user("streaming");
      const response = await u.thread().send("give me a long answer please");
      const reader = response.body!.getReader();
      let seen = "";
      while ((seen.match(/text-delta/g) ?? []).length < 40) seen += new TextDecoder().decode((await reader.read()).value);
      // (The feed never goes quiet while chunks stream: read up to what is stored so far.)
      const before = await u.thread().events({ until: (events) => count(events, "ui.chunks") >= 3 });
      expect(count(before, "run.finished")).toBe(0);
      await crash();
      const after = await u
        .thread()
        .events({ until: (events) => events.some((event) => event.type === "run.finished"), timeoutMs: 60_000 });
      const answer = (await u.thread().messages()).at(-1)!;
      expect(textOf(answer)).toContain("Sentence 40 of a deliberately long answer");
      expect(
        count(after, "run.recovered"),
        after
          .map((e) => e.type)
          .filter((t) => t !== "ui.chunks")
          .join(","),
      ).toBe(1);
      record({
        phase: "streaming",
        fault: "SIGKILL after 40 words",
        outcome: "run recovered by the alarm, answer completed from its checkpoint",
        lost: lostEvents(before, after),
        duplicated:
          count(after, "run.finished") -
          1 +
          (count(
            after.filter((e) => e.role === "user"),
            "message.stored",
          ) -
            1),
      });
    });

    it("with a tool call in flight", async () => {
      const u = user("inflight");
      await u.control.seed({ instance: { status: "ready" } });
      const heldMs = 5_000;
      await u.control.addFault({ method: "POST", path: "/openclaw/runtime/backup", kind: "delay", ms: heldMs, count: 1 });
      const sent = u.thread().send("back up my openclaw");
      await waitFor(async () => (await u.control.requests()).some((r) => r.path.endsWith("/runtime/backup") && r.status === null) || null);
      const before = await u.thread().events({ quietMs: 300 });
      await crash();
      await sent.then((r) => r.text()).catch(() => "");
      const receipt = await waitFor(async () => (await u.thread().receipts()).find((r) => r.status !== "started") ?? null, {
        timeoutMs: 60_000,
      });
      await new Promise((resolve) => setTimeout(resolve, heldMs + 500)); // the held call ends; the log is final
      const log = await u.control.requests();
      const after = await u.thread().events({ quietMs: 500 });
      record({
        phase: "tool call in flight",
        fault: "SIGKILL while POST /runtime/backup is held",
        outcome: `retried with the same Idempotency-Key; receipt ${receipt.status}`,
        lost: lostEvents(before, after),
        duplicated: Math.max(0, effects(log, "backup.completed") - 1),
      });
    });

    it("awaiting approval", async () => {
      const u = user("awaiting");
      await u.control.seed({ instance: { status: "ready" } });
      const chunks = await sseChunks(await u.thread().send("restart my OpenClaw"));
      const request = chunks.find((chunk) => chunk.type === "tool-approval-request") as { approvalId: string; toolCallId: string };
      const before = await u.thread().events({ quietMs: 300 });
      await crash();
      expect((await u.thread().respond(request.approvalId, "approved")).status).toBe(200);
      const report = await waitForJobReport(u.thread(), request.toolCallId, 60_000);
      const after = await u.thread().events({ quietMs: 300 });
      record({
        phase: "awaiting approval",
        fault: "SIGKILL while the run waits",
        outcome: `approved after restart; restart job ${report.job.status}`,
        lost: lostEvents(before, after),
        duplicated: Math.max(0, effects(await u.control.requests(), "gateway.restarted") - 1) + (count(after, "job.started") - 1),
      });
    });

    it("with a job running", async () => {
      const u = user("job");
      const chunks = await sseChunks(await u.thread().send("provision an OpenClaw instance"));
      const request = chunks.find((chunk) => chunk.type === "tool-approval-request") as { approvalId: string; toolCallId: string };
      expect((await u.thread().respond(request.approvalId, "approved")).status).toBe(200);
      await waitFor(async () => (await u.thread().jobs()).find((job) => job.status === "waiting" || job.status === "running") ?? null);
      const before = await u.thread().events({ quietMs: 300 });
      await crash();
      const report = await waitForJobReport(u.thread(), request.toolCallId, 60_000);
      const after = await u.thread().events({ quietMs: 300 });
      record({
        phase: "job running",
        fault: "SIGKILL while provision polls",
        outcome: `job ${report.job.status}: ${report.job.message}`,
        lost: lostEvents(before, after),
        duplicated: Math.max(0, effects(await u.control.requests(), "instance.provisioning") - 1) + (count(after, "job.finished") - 1),
      });
    });

    it("with a timer pending", async () => {
      const u = user("timer");
      await readAnswer(await u.thread().send("check again in 5 seconds"));
      const before = await u.thread().events({ quietMs: 300 });
      expect(count(before, "schedule.created")).toBe(1);
      await crash();
      const after = await u.thread().events({
        until: (events) =>
          events.some((e) => e.type === "run.finished" && events.some((f) => f.type === "schedule.fired" && f.runId === e.runId)),
        timeoutMs: 60_000,
      });
      // The follow-up is done (nothing left to fire): only then is the absence of a second firing
      // meaningful; the schedule's own count says how often it fired, besides the log.
      const firedCount = await waitFor(
        async () => {
          const { schedules } = (await (
            await client(faultSystem().agent, u.id).get(`/internal/thread/${u.thread().threadId}/schedules`)
          ).json()) as { schedules: Array<{ status: string; firedCount: number }> };
          const done = schedules.length > 0 && schedules.every((schedule) => schedule.status === "done");
          return done ? schedules.reduce((sum, schedule) => sum + schedule.firedCount, 0) : null;
        },
        { what: "the follow-up to be done" },
      );
      const final = await u.thread().events({ quietMs: 300 });
      record({
        phase: "timer pending",
        fault: "SIGKILL before a 5 s follow-up is due",
        outcome: "fired after the restart, answered with nobody connected",
        lost: lostEvents(before, after),
        duplicated: Math.max(count(final, "schedule.fired"), firedCount) - 1,
      });
    });
  });
}
