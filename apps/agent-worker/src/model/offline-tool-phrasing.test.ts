import type { LanguageModelV4FunctionTool, LanguageModelV4Prompt, LanguageModelV4ToolResultOutput } from "@ai-sdk/provider";
import { createOfflineModel, describeJobNote, toolPhrasings } from "@oa/offline-model";
import * as contract from "@oa/protocol";
import { scheduleSchema } from "@oa/protocol";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { quotaToolResult } from "../quotas/quota.ts";
import { buildThreadTools, type ThreadToolsDeps } from "../tools/thread-tools.ts";

/**
 * Every tool a thread's run registers, read from the real builder: a tool added there without a
 * phrasing here fails this table. Building the set touches only the config and the schedule store.
 */
const registered = Object.keys(
  buildThreadTools({ config: { gatedTools: new Set<string>() }, background: { schedules: {} } } as unknown as ThreadToolsDeps),
).sort();

/** One tool call answered: the prompt the offline model sees after the tool ran. */
function answered(toolName: string, input: Record<string, unknown>, output: LanguageModelV4ToolResultOutput): LanguageModelV4Prompt {
  return [
    { role: "user", content: [{ type: "text", text: "do it" }] },
    { role: "assistant", content: [{ type: "tool-call", toolCallId: "call-1", toolName, input }] },
    { role: "tool", content: [{ type: "tool-result", toolCallId: "call-1", toolName, output }] },
  ];
}

async function say(toolName: string, output: LanguageModelV4ToolResultOutput, input: Record<string, unknown> = {}): Promise<string> {
  const tools: LanguageModelV4FunctionTool[] = registered.map((name) => ({ type: "function", name, inputSchema: { type: "object" } }));
  const generated = await createOfflineModel({ delayMs: 0 }).doGenerate({ prompt: answered(toolName, input, output), tools });
  const reply = generated.content.find((part) => part.type === "text");
  if (reply?.type !== "text") throw new Error(`no text for ${toolName}`);
  return reply.text;
}

const json = (value: unknown): LanguageModelV4ToolResultOutput => ({ type: "json", value: value as never });
const errorText = (value: string): LanguageModelV4ToolResultOutput => ({ type: "error-text", value });
/** A contract shape, checked against openclaw-local's zod contract so the samples are real answers. */
const shaped = <T extends z.ZodType>(schema: T, value: z.input<T>) => json(schema.parse(value));

const READY_AT = Date.UTC(2026, 10, 27, 9, 20);
const instance = (status: z.infer<typeof contract.instanceStatusSchema>) =>
  shaped(contract.instanceSummarySchema, {
    status,
    runtime_name: "rt-1",
    created_at: READY_AT - 60_000,
    updated_at: READY_AT,
    last_ready_at: status === "ready" ? READY_AT : null,
  });
const jobHandle = (kind: string, status = "waiting") =>
  json({ job: { id: "job_1", kind, status, progress: 0.2, message: "Restart requested; the gateway is starting." } });
const schedule = (kind: "once" | "cron") =>
  json(
    scheduleSchema.parse({
      id: "sched_1",
      kind,
      prompt: "check my balance",
      cron: kind === "cron" ? "0 9 * * *" : null,
      timezone: kind === "cron" ? "Europe/Berlin" : null,
      nextRunAt: "2026-11-27T09:30:00.000Z",
      status: "active",
      firedCount: 0,
      lastFiredAt: null,
      createdAt: "2026-11-27T09:20:00.000Z",
    }),
  );

/** Successful answers of each tool: contract shapes, empty lists, job handles. */
const successes: Record<string, Array<{ input?: Record<string, unknown>; output: LanguageModelV4ToolResultOutput }>> = {
  get_instance: [
    { output: instance("ready") },
    { output: instance("provisioning") },
    { output: instance("error") },
    { output: json(null) },
  ],
  provision: [{ output: jobHandle("provision") }, { output: instance("ready") }],
  delete_instance: [{ output: json({ deleted: true }) }, { output: json({ deleted: false }) }],
  get_status: [
    {
      output: shaped(contract.runtimeStatusSchema, {
        gateway: { status: "running" },
        lastBackup: "2026-11-27T08:00:00.000Z",
        container: { instanceType: "standard-4" },
        version: { clawdbot: "2026.11.1" },
      }),
    },
    {
      output: shaped(contract.runtimeStatusSchema, {
        gateway: { status: "starting" },
        lastBackup: null,
        container: { instanceType: "standard-4" },
        version: { clawdbot: "2026.11.1" },
      }),
    },
  ],
  list_devices: [
    { output: shaped(contract.deviceListSchema, { pending: [], paired: [] }) },
    {
      output: shaped(contract.deviceListSchema, {
        pending: [{ requestId: "req-1", client: { platform: "android" } }],
        paired: [
          { deviceId: "d1", client: { platform: "ios" } },
          { deviceId: "d2", client: { platform: "macos" } },
        ],
      }),
    },
  ],
  approve_device: [
    { input: { requestId: "req-1" }, output: shaped(contract.deviceApprovalSchema, { approved: true, requestId: "req-1" }) },
  ],
  list_pairing_requests: [
    { input: { channel: "telegram" }, output: shaped(contract.pairingListSchema, { channel: "telegram", requests: [] }) },
    {
      input: { channel: "whatsapp" },
      output: shaped(contract.pairingListSchema, {
        channel: "whatsapp",
        requests: [{ id: "p1", code: "ABCD2345", createdAt: "2026-11-27T09:00:00.000Z", lastSeenAt: "2026-11-27T09:05:00.000Z" }],
      }),
    },
  ],
  approve_pairing: [
    {
      input: { channel: "telegram", code: "ABCD2345" },
      output: shaped(contract.pairingApprovalSchema, { approved: true, channel: "telegram", code: "ABCD2345", stdout: "ok", stderr: "" }),
    },
  ],
  backup_now: [
    { output: jobHandle("backup") },
    {
      output: json({
        job: {
          id: "job_2",
          kind: "backup",
          status: "waiting",
          progress: 0,
          message: 'Retrying in 2 s: OpenClaw API answered HTTP 503 without JSON: {"a":1}',
        },
      }),
    },
    {
      output: json({
        job: { id: "job_2", kind: "backup", status: "succeeded", progress: 1, message: "Backup finished at 2026-11-27T09:21:00.000Z." },
      }),
    },
  ],
  restart: [{ output: jobHandle("restart") }],
  watch_status: [{ input: { durationMinutes: 10, intervalSeconds: 30 }, output: jobHandle("watch_status") }],
  get_billing_summary: [{ output: shaped(contract.billingSummarySchema, { user_id: "u-1", balance_usd: 25 }) }],
  list_sessions: [
    { output: shaped(contract.sessionListSchema, []) },
    {
      output: shaped(contract.sessionListSchema, [
        { key: "main", kind: "main", updatedAt: READY_AT },
        { key: "g1", kind: "group", channel: "telegram", displayName: "Family", updatedAt: READY_AT },
      ]),
    },
  ],
  get_session_history: [
    { input: { sessionKey: "main" }, output: shaped(contract.sessionHistorySchema, { messages: [] }) },
    {
      input: { sessionKey: "main" },
      output: shaped(contract.sessionHistorySchema, {
        messages: [{ role: "assistant", content: [{ type: "text", text: "All good here." }], timestamp: READY_AT }],
      }),
    },
  ],
  send_session_message: [
    {
      input: { sessionKey: "main", message: "hi" },
      output: shaped(contract.sendResultSchema, { runId: "r1", status: "ok", reply: "Hello back." }),
    },
    { input: { sessionKey: "main", message: "hi" }, output: shaped(contract.sendResultSchema, { runId: "r1", status: "accepted" }) },
    { input: { sessionKey: "main", message: "hi" }, output: shaped(contract.sendResultSchema, { runId: "r1", status: "timeout" }) },
    {
      input: { sessionKey: "main", message: "hi" },
      output: shaped(contract.sendResultSchema, { runId: "r1", status: "error", error: "agent busy" }),
    },
  ],
  schedule_followup: [{ output: schedule("once") }, { output: schedule("cron") }],
  list_schedules: [{ output: json({ schedules: [] }) }, { output: json({ schedules: [(schedule("once") as { value: unknown }).value] }) }],
  cancel_schedule: [{ input: { scheduleId: "sched_1" }, output: json({ cancelled: true, scheduleId: "sched_1" }) }],
};

/** What can go wrong with any tool, as the toolset and the AI SDK hand it to the model. */
const mishaps = (tool: string): LanguageModelV4ToolResultOutput[] => [
  errorText(`${tool} failed: runtime exploded (HTTP 500)`),
  errorText(`${tool} failed: instance not found (HTTP 404)`),
  errorText(`${tool} failed: runtime url not set (HTTP 409)`),
  errorText(`${tool} failed: The OpenClaw API could not be reached: connection refused`),
  errorText(
    `${tool} failed: The OpenClaw API did not answer within 10000 ms.. The outcome is unknown; check the status before trying again.`,
  ),
  errorText(`${tool} was not approved by the person, so it was not run.`),
  errorText(
    `The outcome of ${tool} is unknown: the agent was interrupted while the call was in flight. Check the current status (for example with get_status) before trying again.`,
  ),
  errorText(`Invalid input for tool ${tool}: Type validation failed: Value: {"sessionKey":".."}.`),
  { type: "error-json", value: `${tool} failed: OpenClaw API answered HTTP 502 without JSON: {"oops":true}` },
  { type: "error-json", value: { message: "not a string" } },
  { type: "execution-denied" },
  { type: "execution-denied", reason: "not during the demo" },
  { type: "error-text", value: "Tool call execution denied." },
  json({ skipped: true, reason: "no_instance", message: "You have no instance yet — shall I provision one?" }),
  json(quotaToolResult({ quota: "active_jobs", limit: 2, current: 2 }, `The ${tool} job`)),
  json({ unexpected: { nested: [1, 2] }, other_field: "value" }),
];

function expectSpoken(text: string, label: string) {
  expect(text, label).toMatch(/\S/);
  expect(text, label).not.toMatch(/[{}]|":/);
  // Snake-case names are code; one-word names ("restart") are plain words too.
  for (const name of registered.filter((candidate) => candidate.includes("_"))) expect(text, `${label}: says ${name}`).not.toContain(name);
  expect(text, label).toMatch(/[.!?]$/);
}

describe("the offline model's words for tool results", () => {
  it("has a phrasing and sample results for every tool a run registers", () => {
    expect(registered.length).toBeGreaterThanOrEqual(18);
    expect(registered.filter((name) => !Object.hasOwn(toolPhrasings, name))).toEqual([]);
    expect(registered.filter((name) => !successes[name]?.length)).toEqual([]);
  });

  it("answers every tool's successes, errors, refusals and skips in plain sentences, never raw JSON", async () => {
    for (const tool of registered) {
      for (const [index, sample] of (successes[tool] ?? []).entries()) {
        const text = await say(tool, sample.output, sample.input);
        expectSpoken(text, `${tool} success ${index}`);
        // A known shape gets its own words, not the fallback for unknown results.
        expect(text, `${tool} success ${index}`).not.toMatch(/^I ran /);
      }
      for (const [index, output] of mishaps(tool).entries())
        expectSpoken(await say(tool, output), `${tool} mishap ${index}: ${shown(output)}`);
    }
  });

  it("says the results people ask for most in exact words", async () => {
    expect(await say("get_billing_summary", successes.get_billing_summary![0]!.output)).toBe("Your balance is $25.00.");
    expect(await say("list_devices", successes.list_devices![0]!.output)).toBe(
      "You have no paired devices, and no devices are waiting to pair.",
    );
    expect(await say("list_devices", successes.list_devices![1]!.output)).toBe(
      "You have 2 paired devices (ios and macos) and 1 waiting to pair (android, request req-1).",
    );
    expect(await say("restart", jobHandle("restart"))).toBe("Restart started; I'll tell you when the gateway is back.");
    expect(
      await say(
        "restart",
        json({ job: { id: "job_1", kind: "restart", status: "waiting", progress: 0, message: "Retrying in 2 s: runtime exploded" } }),
      ),
    ).toBe("Restart started, but the first try failed (runtime exploded); I'm retrying in 2 s. I'll tell you when the gateway is back.");
    expect(await say("get_instance", instance("ready"))).toBe(
      "Your OpenClaw instance (runtime rt-1) is ready (since 2026-11-27 09:20 UTC).",
    );
    expect(await say("get_instance", json(null))).toBe("You have no OpenClaw instance yet. Ask me to provision one if you want it.");
    expect(await say("list_pairing_requests", successes.list_pairing_requests![0]!.output, { channel: "telegram" })).toBe(
      "No Telegram pairing requests are waiting.",
    );
    expect(
      await say("get_billing_summary", errorText("get_billing_summary failed: The OpenClaw API could not be reached: connection refused")),
    ).toBe("I couldn't reach the OpenClaw API: connection refused. Nothing was changed.");
    expect(await say("schedule_followup", schedule("once"))).toBe(
      "Follow-up scheduled: “check my balance” at 2026-11-27 09:30 UTC (id sched_1).",
    );
  });

  it("says a rejected or withdrawn call will not happen, with the reason given", async () => {
    expect(await say("restart", { type: "execution-denied" })).toBe("OK, I won't restart your OpenClaw gateway.");
    expect(await say("restart", { type: "execution-denied", reason: "not during the demo" })).toBe(
      "OK, I won't restart your OpenClaw gateway. Your reason: not during the demo.",
    );
    expect(await say("delete_instance", { type: "execution-denied", reason: "The approval expired before anyone decided." })).toBe(
      "OK, I won't delete your OpenClaw instance. The approval expired before anyone decided.",
    );
  });

  it("says a skipped call's message as it is", async () => {
    const message = "You already have an instance, ready since 2026-11-27 09:20 UTC.";
    expect(await say("provision", json({ skipped: true, reason: "instance_exists", message }))).toBe(message);
  });

  it("tells what failed and whether anything changed", async () => {
    expect(await say("get_billing_summary", errorText("get_billing_summary failed: runtime exploded (HTTP 500)"))).toBe(
      "I couldn't read your balance. The OpenClaw API said: runtime exploded (HTTP 500). Nothing was changed.",
    );
    expect(await say("restart", errorText("restart failed: instance not found (HTTP 404)"))).toBe(
      "I couldn't restart your OpenClaw gateway: you have no OpenClaw instance yet. Nothing was changed. Ask me to provision one if you want it.",
    );
    // A stored answer's error reaches the model as the UI showed it.
    expect(await say("backup_now", { type: "error-json", value: "Error: backup_now failed: a backup is already running (HTTP 409)" })).toBe(
      "I couldn't back up your OpenClaw. The OpenClaw API said: a backup is already running (HTTP 409). Nothing was changed.",
    );
    expect(await say("cancel_schedule", errorText("No active schedule sched_9."), { scheduleId: "sched_9" })).toBe(
      "I couldn't cancel follow-up sched_9. No active schedule sched_9.",
    );
  });
});

describe("the offline model's words for a finished background job", () => {
  it("reports each job outcome in plain words", () => {
    expect(describeJobNote("Background job restart (job_1) finished: The gateway is running again.")).toBe(
      "The restart is done. The gateway is running again.",
    );
    expect(describeJobNote("Background job backup (job_1) finished: Backup finished at 2026-11-27T09:21:00.000Z.")).toBe(
      "The backup is done. Backup finished at 2026-11-27 09:21 UTC.",
    );
    expect(describeJobNote("Background job provision (job_1) failed: Provisioning was refused. (instance exists (HTTP 409))")).toBe(
      "Provisioning failed. Provisioning was refused. Reason: instance exists (HTTP 409).",
    );
    expect(describeJobNote("Background job watch_status (job_1) finished: Watch finished. No changes: it stayed running.")).toBe(
      "The status watch is done. No changes: it stayed running.",
    );
    expect(describeJobNote("Background job watch_status (job_1) cancelled: ")).toBe("The status watch was cancelled.");
    expect(describeJobNote("Scheduled follow-up: check my balance")).toBeNull();
  });

  it("answers the job's note in the thread with those words", async () => {
    const note = "Background job restart (job_1) finished: The gateway is running again.";
    const generated = await createOfflineModel({ delayMs: 0 }).doGenerate({
      prompt: [
        { role: "system", content: "You are the agent." },
        { role: "user", content: [{ type: "text", text: "restart my openclaw" }] },
        { role: "assistant", content: [{ type: "text", text: "Restart started; I'll tell you when the gateway is back." }] },
        { role: "system", content: note },
      ],
    });
    expect(generated.content).toEqual([{ type: "text", text: "The restart is done. The gateway is running again." }]);
  });
});

function shown(output: LanguageModelV4ToolResultOutput): string {
  return "value" in output ? JSON.stringify(output.value) : output.type;
}
