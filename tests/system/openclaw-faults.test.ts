import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  openclawControl,
  readAnswer,
  sseChunks,
  startSystem,
  textOf,
  threadApi,
  toolParts,
  waitFor,
  type FaultInput,
  type LoggedRequest,
  type System,
  type ThreadApi,
} from "./harness.ts";

// openclaw-local misbehaving (faults injected through its control surface): the agent's run
// always completes with a readable tool error and a receipt, reads are retried, writes never.

const TIMEOUT_MS = 1500;
/** The client's read retries (client.ts): one call and two retries. */
const READ_ATTEMPTS = 3;

let system: System;
beforeAll(async () => {
  system = await startSystem({ agentVars: { OPENCLAW_TIMEOUT_MS: String(TIMEOUT_MS) } });
});
afterAll(async () => {
  await system?.stop();
});

async function freshUser(name: string) {
  const user = `${name}-${randomBytes(4).toString("hex")}`;
  const control = openclawControl(system.openclaw, user);
  await control.seed({ instance: { status: "ready" }, balance_usd: 12.5 });
  return { user, control, thread: threadApi(system.agent, user, `thread-${user}`) };
}

/** One turn; the run must complete normally (no failed run) whatever the tool did. */
async function chatCompletes(thread: ThreadApi, input: string) {
  const answer = await readAnswer(await thread.send(input));
  await thread.waitForRun(null);
  const [, stored] = await thread.messages();
  expect(stored!.id).toBe(answer.id);
  expect(stored!.metadata).toMatchObject({ status: "completed" });
  const events = await thread.events();
  expect(events.filter((event) => event.type === "run.failed")).toEqual([]);
  expect(events.filter((event) => event.type === "run.finished")).toHaveLength(1);
  return { answer, parts: toolParts(stored!), text: textOf(stored!) };
}

const billingRequests = (log: LoggedRequest[]) => log.filter((request) => request.path === "/api/openclaw/billing/summary");

describe("a failing read is retried, then reported as a tool error; the run completes", () => {
  const cases: Array<{ name: string; fault: FaultInput; error: string; logged: string }> = [
    {
      name: "500 with the JSON envelope",
      fault: { method: "GET", path: "/openclaw/billing", kind: "500", message: "billing is on fire" },
      error: "get_billing_summary failed: billing is on fire (HTTP 500)",
      logged: "before:500",
    },
    {
      name: "non-JSON 500 (production when an upstream fetch throws)",
      fault: { method: "GET", path: "/openclaw/billing", kind: "non-json-500", message: "error code: 1101" },
      error: "get_billing_summary failed: OpenClaw API answered HTTP 500 without JSON: error code: 1101 (HTTP 500)",
      logged: "before:non-json-500",
    },
    {
      name: "a delay beyond the agent's OpenClaw timeout",
      fault: { method: "GET", path: "/openclaw/billing", kind: "delay", ms: 4000 },
      error: `get_billing_summary failed: The OpenClaw API did not answer within ${TIMEOUT_MS} ms.`,
      logged: "before:delay",
    },
    {
      name: "a dropped request",
      fault: { method: "GET", path: "/openclaw/billing", kind: "drop", ms: 4000 },
      error: `get_billing_summary failed: The OpenClaw API did not answer within ${TIMEOUT_MS} ms.`,
      logged: "before:drop",
    },
  ];

  it.each(cases)("$name", async ({ fault, error, logged }) => {
    const { thread, control } = await freshUser("read-fault");
    await control.addFault(fault);
    const startedAt = Date.now();
    const { parts, text } = await chatCompletes(thread, "what's my balance");
    const took = Date.now() - startedAt;

    // The tool's error, as the model and the UI both see it.
    expect(parts).toMatchObject([{ type: "tool-get_billing_summary", state: "output-error", errorText: `Error: ${error}` }]);
    expect(text).toContain(error.replace(/^get_billing_summary failed: /, ""));
    expect(text).toMatch(/^Offline model, reporting the result\. get_billing_summary: \{"error":/);
    const receipt = (await thread.receipts())[0];
    expect(receipt).toMatchObject({ tool: "get_billing_summary", toolCallId: parts[0]!.toolCallId, status: "failed", resultSummary: error, attempts: 1 });

    const requests = billingRequests(await control.requests());
    expect(requests).toHaveLength(READ_ATTEMPTS);
    for (const request of requests) expect(request).toMatchObject({ method: "GET", fault: logged, idempotencyKey: null });
    // The client backs off between attempts (200 ms, then 600 ms).
    const gaps = requests.slice(1).map((request, index) => Date.parse(request.at) - Date.parse(requests[index]!.at));
    expect(gaps[0]).toBeGreaterThanOrEqual(200);
    expect(gaps[1]).toBeGreaterThanOrEqual(600);
    if (fault.kind === "delay" || fault.kind === "drop") expect(took).toBeGreaterThanOrEqual(READ_ATTEMPTS * TIMEOUT_MS);
  });

  it("a transient 500 is absorbed by the retry: the read succeeds", async () => {
    const { user, thread, control } = await freshUser("read-transient");
    await control.addFault({ method: "GET", path: "/openclaw/billing", kind: "500", message: "blip", count: 1 });
    const { parts } = await chatCompletes(thread, "what's my balance");
    expect(parts).toMatchObject([{ type: "tool-get_billing_summary", state: "output-available", output: { user_id: user, balance_usd: 12.5 } }]);
    expect(billingRequests(await control.requests()).map((request) => [request.status, request.fault])).toEqual([
      [500, "before:500"],
      [200, null],
    ]);
    expect((await thread.receipts())[0]).toMatchObject({ status: "succeeded" });
  });
});

describe("a failing write is never retried", () => {
  it.each([
    { kind: "500" as const, error: "backup_now failed: backup refused (HTTP 503)" },
    { kind: "non-json-500" as const, error: "backup_now failed: OpenClaw API answered HTTP 503 without JSON: backup refused (HTTP 503)" },
  ])("backup_now on a $kind: one request, a failed receipt", async ({ kind, error }) => {
    const { thread, control } = await freshUser(`write-${kind}`);
    await control.addFault({ method: "POST", path: "/openclaw/runtime/backup", kind, status: 503, message: "backup refused" });
    const { parts, text } = await chatCompletes(thread, "back up my openclaw");
    expect(parts).toMatchObject([{ type: "tool-backup_now", state: "output-error", errorText: `Error: ${error}` }]);
    expect(text).toContain("backup refused");
    const writes = (await control.requests()).filter((request) => request.method !== "GET");
    expect(writes).toMatchObject([{ method: "POST", path: "/api/openclaw/runtime/backup", idempotencyKey: parts[0]!.toolCallId, status: 503, effects: [] }]);
    expect((await thread.receipts())[0]).toMatchObject({ tool: "backup_now", status: "failed", resultSummary: error });
  });

  it("backup_now that outlives the timeout: one request, receipt unknown (the backup did happen), the answer says to check", async () => {
    const { thread, control } = await freshUser("write-timeout");
    await control.addFault({ method: "POST", path: "/openclaw/runtime/backup", kind: "delay", ms: 3000 });
    const { parts, text } = await chatCompletes(thread, "back up my openclaw");
    expect(parts).toMatchObject([{ type: "tool-backup_now", state: "output-error" }]);
    expect(parts[0]!.errorText).toMatch(/did not answer within 1500 ms.*The outcome is unknown; check the status before trying again/);
    expect(text).toContain("check the status");
    expect((await thread.receipts())[0]).toMatchObject({ tool: "backup_now", status: "unknown" });
    // openclaw-local finishes the backup after the agent gave up: exactly once.
    const [backup] = await waitFor(async () => {
      const writes = (await control.requests()).filter((request) => request.method !== "GET");
      return writes.length === 1 && writes[0]!.status !== null ? writes : null;
    });
    expect(backup).toMatchObject({ path: "/api/openclaw/runtime/backup", idempotencyKey: parts[0]!.toolCallId, status: 200, effects: ["backup.completed"] });
  });

  it("an approved restart that gets a 500: one request, a failed receipt that names the approval", async () => {
    const { user, thread, control } = await freshUser("write-gated");
    await control.addFault({ method: "POST", path: "/openclaw/runtime/restart", kind: "500", message: "runtime exploded" });
    const chunks = await sseChunks(await thread.send("restart my OpenClaw"));
    const request = chunks.find((chunk) => chunk.type === "tool-approval-request") as { approvalId: string; toolCallId: string };
    await thread.waitForRun("awaiting_approval");
    expect((await thread.respond(request.approvalId, "approved")).status).toBe(200);
    await thread.waitForRun(null);

    const [, answer] = await thread.messages();
    expect(answer!.metadata).toMatchObject({ status: "completed" });
    expect(toolParts(answer!)).toMatchObject([{ type: "tool-restart", state: "output-error", errorText: "Error: restart failed: runtime exploded (HTTP 500)" }]);
    expect(textOf(answer!)).toContain("runtime exploded");
    expect((await control.requests()).filter((entry) => entry.method !== "GET")).toMatchObject([
      { method: "POST", path: "/api/openclaw/runtime/restart", idempotencyKey: request.toolCallId, status: 500, effects: [] },
    ]);
    expect((await thread.receipts())[0]).toMatchObject({ status: "failed", approvalId: request.approvalId, decidedBy: user });
  });
});
