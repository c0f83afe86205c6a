import { describe, expect, it } from "vitest";
import { readAnswer, sseChunks, waitForJobReport } from "../harness.ts";
import { effects, lostEvents, record, user } from "./suite.ts";

/** The OpenClaw API failing: reads retried, keyed writes retried with the same key. */
export function describeOpenClawApiFailures(): void {
  describe("the OpenClaw API fails", () => {
    it("500 on a read: retried", async () => {
      const u = user("read500");
      await u.control.seed({ instance: { status: "ready" } });
      await u.control.addFault({ method: "GET", path: "/openclaw/runtime/devices", kind: "500", count: 1 });
      const answer = await readAnswer(await u.thread().send("list my devices"));
      const log = await u.control.requests();
      expect(log.filter((r) => r.path.endsWith("/runtime/devices"))).toHaveLength(2);
      expect(JSON.stringify(answer)).toContain("output-available");
      const events = await u.thread().events({ quietMs: 300 });
      record({
        phase: "OpenClaw read",
        fault: "500 once on GET devices",
        outcome: "retried, answered",
        lost: lostEvents(events, events),
        duplicated: 0,
      });
    });

    it("non-JSON 500 on a keyed write: the job retries it with the same key, once in effect", async () => {
      const u = user("write500");
      await u.control.seed({ instance: { status: "ready" } });
      await u.control.addFault({ method: "POST", path: "/openclaw/runtime/backup", kind: "non-json-500", count: 1 });
      const chunks = await sseChunks(await u.thread().send("back up my openclaw"));
      const call = chunks.find((chunk) => chunk.type === "tool-input-available") as { toolCallId: string };
      const report = await waitForJobReport(u.thread(), call.toolCallId, 60_000);
      const log = await u.control.requests();
      const posts = log.filter((r) => r.method === "POST" && r.path.endsWith("/runtime/backup"));
      expect(new Set(posts.map((r) => r.idempotencyKey))).toEqual(new Set([call.toolCallId]));
      const events = await u.thread().events({ quietMs: 500 });
      record({
        phase: "OpenClaw write",
        fault: "non-JSON 500 on POST backup",
        outcome: `job retried the keyed write (${posts.length} POSTs, one key): ${report.job.status}`,
        lost: lostEvents(events, events),
        duplicated: Math.max(0, effects(log, "backup.completed") - 1),
      });
    });

    it("a read that times out: retried", async () => {
      const u = user("timeout");
      await u.control.seed({ instance: { status: "ready" } });
      await u.control.addFault({ method: "GET", path: "/openclaw/billing/summary", kind: "delay", ms: 3000, count: 1 });
      const answer = await readAnswer(await u.thread().send("what is my balance"));
      expect(JSON.stringify(answer)).toContain("balance_usd");
      const events = await u.thread().events({ quietMs: 300 });
      record({
        phase: "OpenClaw read",
        fault: "GET billing held past the 1.5 s time-out",
        outcome: "timed out, retried, answered",
        lost: lostEvents(events, events),
        duplicated: 0,
      });
    });
  });
}
