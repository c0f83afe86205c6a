import { describe, expect, it } from "vitest";
import { readAnswer, toolParts, waitForJobReport } from "./harness.ts";
import {
  chat,
  expectReported,
  freshUser,
  INSTANCE_READ,
  JOB_REPORTED,
  type JobOutput,
  READY,
  receiptOf,
  useToolsSystem,
  utcMinute,
  writes,
} from "./openclaw-tools-kit.ts";

// The OpenClaw tools that need no approval, driven through chat with the offline model against
// openclaw-local; every effect is checked in openclaw-local's request log.

useToolsSystem();

describe("tools that need no approval run at once, each reaching openclaw-local once", () => {
  it("what's my balance → get_billing_summary", async () => {
    const { user, thread, control } = await freshUser("billing", { balance_usd: 3.5 });
    const { parts, text } = await chat(thread, "what's my balance");
    expect(parts).toMatchObject([
      { type: "tool-get_billing_summary", state: "output-available", output: { user_id: user, balance_usd: 3.5 } },
    ]);
    expect(text).toBe("Your balance is $3.50.");
    expect(await control.requests()).toMatchObject([
      { method: "GET", path: "/api/openclaw/billing/summary", status: 200, idempotencyKey: null },
    ]);
    expect(await receiptOf(thread, parts[0]!.toolCallId)).toMatchObject({
      tool: "get_billing_summary",
      status: "succeeded",
      approvalId: null,
      decidedBy: null,
      attempts: 1,
    });
    expect(await thread.approvals()).toEqual([]);
  });

  it("do I have an openclaw → get_instance (null without one)", async () => {
    const { thread, control } = await freshUser("instance");
    const { parts, text } = await chat(thread, "do i have an openclaw?");
    expect(parts).toMatchObject([{ type: "tool-get_instance", state: "output-available", output: null }]);
    expect(text).toBe("You have no OpenClaw instance yet. Ask me to provision one if you want it.");
    expect(await control.requests()).toMatchObject([{ method: "GET", path: "/api/openclaw/instance", status: 200 }]);
  });

  it("is my openclaw running → get_status", async () => {
    const { thread, control } = await freshUser("status", READY);
    const { parts } = await chat(thread, "is my openclaw running?");
    expect(parts).toMatchObject([
      {
        type: "tool-get_status",
        state: "output-available",
        output: { gateway: { status: "running" }, container: { instanceType: "standard-4" } },
      },
    ]);
    expect(await control.requests()).toMatchObject([{ method: "GET", path: "/api/openclaw/runtime/status", status: 200 }]);
  });

  it("show my devices → list_devices", async () => {
    const { thread, control } = await freshUser("devices", {
      ...READY,
      devices: { pending: [{ requestId: "req-1", client: { platform: "ios", mode: "node" } }], paired: [{ deviceId: "dev-1" }] },
    });
    const { parts } = await chat(thread, "show my devices");
    expect(parts).toMatchObject([
      {
        type: "tool-list_devices",
        state: "output-available",
        output: { pending: [{ requestId: "req-1", client: { platform: "ios", mode: "node" } }], paired: [{ deviceId: "dev-1" }] },
      },
    ]);
    expect(await control.requests()).toMatchObject([{ method: "GET", path: "/api/openclaw/runtime/devices", status: 200 }]);
  });

  it("list telegram pairing requests → list_pairing_requests", async () => {
    const { thread, control } = await freshUser("pairing", {
      ...READY,
      pairing: { telegram: [{ id: "12345", code: "QRST2345", meta: { username: "ada" } }] },
    });
    const { parts } = await chat(thread, "list telegram pairing requests");
    expect(parts).toMatchObject([
      {
        type: "tool-list_pairing_requests",
        input: { channel: "telegram" },
        state: "output-available",
        output: { channel: "telegram", requests: [{ id: "12345", code: "QRST2345", meta: { username: "ada" } }] },
      },
    ]);
    expect(await control.requests()).toMatchObject([{ method: "GET", path: "/api/openclaw/runtime/pairing/telegram", status: 200 }]);
  });

  it("list my sessions → list_sessions", async () => {
    const { thread, control } = await freshUser("sessions", {
      ...READY,
      sessions: [{ key: "cron:daily", kind: "cron", ageMinutes: 90, messages: [{ role: "user", text: "run the report" }] }],
    });
    const { parts } = await chat(thread, "list my sessions");
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ type: "tool-list_sessions", input: { limit: 20 }, state: "output-available" });
    const keys = (parts[0]!.output as Array<{ key: string; kind: string }>).map((row) => [row.key, row.kind]);
    expect(keys).toEqual([
      ["main", "main"],
      ["cron:daily", "cron"],
    ]);
    expect(await control.requests()).toMatchObject([{ method: "GET", path: "/api/openclaw/sessions", query: "limit=20", status: 200 }]);
  });

  it("tell my openclaw session: hello → send_session_message (once, keyed by its tool-call id), then history of session main", async () => {
    const { thread, control } = await freshUser("session-send", READY);
    const sent = await chat(thread, "tell my openclaw session: hello there");
    expect(sent.parts).toMatchObject([
      {
        type: "tool-send_session_message",
        input: { sessionKey: "main", message: "hello there", timeoutSeconds: 30 },
        state: "output-available",
        output: { status: "ok", reply: 'OpenClaw (local) received: "hello there"' },
      },
    ]);
    const toolCallId = sent.parts[0]!.toolCallId;
    expect(writes(await control.requests())).toMatchObject([
      {
        method: "POST",
        path: "/api/openclaw/sessions/main/send",
        idempotencyKey: toolCallId,
        status: 200,
        replayed: false,
        effects: ["session.message"],
      },
    ]);
    expect(await thread.approvals()).toEqual([]);

    const history = await chat(thread, "history of session main");
    expect(history.parts).toMatchObject([
      { type: "tool-get_session_history", input: { sessionKey: "main", limit: 20 }, state: "output-available" },
    ]);
    const transcript = (history.parts[0]!.output as { messages: Array<{ role: string; content: Array<{ text: string }> }> }).messages;
    expect(transcript.map((message) => [message.role, message.content[0]!.text])).toEqual([
      ["user", "hello there"],
      ["assistant", 'OpenClaw (local) received: "hello there"'],
    ]);
    expect((await control.requests()).at(-1)).toMatchObject({
      method: "GET",
      path: "/api/openclaw/sessions/main/history",
      query: "limit=20",
      status: 200,
    });
  });

  it("back up my openclaw → backup_now: a job whose one step backs up once (keyed by the tool-call id); its result comes back as a new run", async () => {
    const { thread, control } = await freshUser("backup", READY);
    const answer = await readAnswer(await thread.send("back up my openclaw"));
    const [part, ...more] = toolParts(answer);
    expect([part, ...more]).toMatchObject([
      { type: "tool-backup_now", state: "output-available", output: { job: { kind: "backup", status: "succeeded", progress: 1 } } },
    ]);
    const { toolCallId, output } = part!;
    const { job } = output as JobOutput;
    const lastBackup = /^Backup finished at (\S+)\.$/.exec(job.message)?.[1];
    expect(Date.parse(lastBackup!)).toBeGreaterThan(Date.now() - 60_000);
    // The job's progress rode along in the open response, one part updated in place.
    expect(answer.parts.filter((part) => part.type === "data-job")).toMatchObject([
      { id: job.id, data: { id: job.id, status: "succeeded", progress: 1 } },
    ]);
    const backedUp = {
      path: "/api/openclaw/runtime/backup",
      idempotencyKey: toolCallId,
      status: 200,
      replayed: false,
      effects: ["backup.completed"],
    };
    // The read-only check that there is a ready instance to back up, then the one keyed POST.
    expect(await control.requests()).toMatchObject([INSTANCE_READ, { method: "POST", ...backedUp }]);
    expect(await receiptOf(thread, toolCallId)).toMatchObject({ tool: "backup_now", status: "succeeded", attempts: 1 });

    const report = await waitForJobReport(thread, toolCallId);
    expect(report.job).toMatchObject({ id: job.id, kind: "backup", status: "succeeded", attempts: 1, result: { lastBackup } });
    expectReported(
      report,
      "backup",
      `Backup finished at ${lastBackup}.`,
      `The backup is done. Backup finished at ${utcMinute(lastBackup!)}.`,
    );
    expect(report.messages.map((message) => message.role)).toEqual(JOB_REPORTED);

    const status = await chat(thread, "what is my openclaw status?");
    expect(status.parts[0]).toMatchObject({ type: "tool-get_status", output: { lastBackup } });
    expect(writes(await control.requests())).toHaveLength(1);
  });
});
