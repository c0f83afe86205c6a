import { randomBytes } from "node:crypto";
import type { UIMessageChunk } from "ai";
import { afterAll, beforeAll, expect } from "vitest";
import {
  type LoggedRequest,
  type OpenClawControl,
  openclawControl,
  readAnswer,
  type Seed,
  type System,
  sseChunks,
  startSystem,
  type ThreadApi,
  type ThreadEventRecord,
  textOf,
  threadApi,
  toolParts,
  type waitForJobReport,
} from "./harness.ts";

// The agent's OpenClaw tools, driven through chat with the offline model, against openclaw-local.
// Both run under real `wrangler dev`; every effect is checked in openclaw-local's request log.
// provision, restart and backup_now start background jobs: the tool answers once the job exists
// and its first step (the one keyed call) has happened; the job's result comes as a new run.

let system: System;

/** Starts openclaw-local and the agent worker for the calling test file, and stops them after it. */
export function useToolsSystem(): () => System {
  beforeAll(async () => {
    // Job steps poll often; a restart lasts long enough that its job sees the gateway starting.
    system = await startSystem({ agentVars: { JOB_POLL_MS: "300" }, openclawVars: { RESTART_DELAY_MS: "2500" } });
  });
  afterAll(async () => {
    await system?.stop();
  });
  return () => system;
}

/** A fresh user (so openclaw-local's log is theirs alone) with one thread. */
export async function freshUser(name: string, seed?: Seed): Promise<{ user: string; thread: ThreadApi; control: OpenClawControl }> {
  const user = `${name}-${randomBytes(4).toString("hex")}`;
  const control = openclawControl(system.openclaw, user);
  if (seed) await control.seed(seed);
  return { user, thread: threadApi(system.agent, user, `thread-${user}`), control };
}

export const READY = { instance: { status: "ready" } } as const;
/** The read-only check of the instance a gated call makes before it is asked for. */
export const INSTANCE_READ = { method: "GET", path: "/api/openclaw/instance", status: 200, effects: [] } as const;
export const writes = (log: LoggedRequest[]) => log.filter((request) => request.method !== "GET");
export const reads = (log: LoggedRequest[]) => log.filter((request) => request.method === "GET");
/** A thread whose tool call started a job: the turn, then the job's note and its answer. */
export const JOB_REPORTED = ["user", "assistant", "system", "assistant"];
export type JobOutput = { job: { id: string; kind: string; status: string; progress: number; message: string } };

/** One chat turn that needs no approval: the answer as the AI SDK rebuilds it from the stream. */
export async function chat(thread: ThreadApi, input: string) {
  const answer = await readAnswer(await thread.send(input));
  expect(await thread.summary()).toMatchObject({ activeRun: null });
  return { answer, parts: toolParts(answer), text: textOf(answer) };
}

/** The thread's receipt for a tool call. */
export async function receiptOf(thread: ThreadApi, toolCallId: string) {
  const receipt = (await thread.receipts()).find((candidate) => candidate.toolCallId === toolCallId);
  expect(receipt, `receipt for ${toolCallId}`).toBeDefined();
  return receipt!;
}

/** The turn asks for approval: the stream carries the request and the run waits. */
export async function askForApproval(thread: ThreadApi, input: string, tool: string) {
  const chunks = await sseChunks(await thread.send(input));
  const start = chunks.find((chunk) => chunk.type === "start") as Extract<UIMessageChunk, { type: "start" }>;
  const request = chunks.find((chunk) => chunk.type === "tool-approval-request") as
    | Extract<UIMessageChunk, { type: "tool-approval-request" }>
    | undefined;
  expect(request, JSON.stringify(chunks)).toBeDefined();
  const call = chunks.find((chunk) => chunk.type === "tool-input-available" && chunk.toolCallId === request!.toolCallId);
  expect(call).toMatchObject({ toolName: tool });
  expect(chunks.some((chunk) => chunk.type === "tool-output-available" && chunk.toolCallId === request!.toolCallId)).toBe(false);
  const summary = await thread.waitForRun("awaiting_approval");
  const runId = summary.activeRun!.id;
  const [approval] = await thread.approvals("pending");
  expect(approval).toMatchObject({ id: request!.approvalId, toolCallId: request!.toolCallId, tool, runId, status: "pending" });
  // Where the thread's log stood when the run paused; the continuation comes after it.
  const paused = await thread.events({
    until: (events) => events.some((event) => event.type === "run.status" && event.runId === runId && event.status === "awaiting_approval"),
  });
  // Nothing ran for the gated call (a read before it, as in "approve the pending device", did).
  expect((await thread.receipts()).filter((receipt) => receipt.toolCallId === request!.toolCallId)).toEqual([]);
  return {
    chunks,
    runId,
    messageId: start.messageId!,
    approvalId: request!.approvalId,
    toolCallId: request!.toolCallId,
    pausedAt: paused.at(-1)!.seq,
  };
}

export type Asked = Awaited<ReturnType<typeof askForApproval>>;

/** The thread's events after the pause, up to the end of that same run. */
export async function followRun(thread: ThreadApi, asked: Asked) {
  const ended = (event: ThreadEventRecord) =>
    event.runId === asked.runId && ["run.finished", "run.failed", "run.cancelled"].includes(event.type);
  const events = await thread.events({ after: asked.pausedAt, until: (seen) => seen.some(ended) });
  return events.slice(0, events.findIndex(ended) + 1);
}

/** Decides, then reads the thread's events until that same run is over. */
export async function decideAndFollow(thread: ThreadApi, asked: Asked, decision: "approved" | "rejected", reason?: string) {
  const response = await thread.respond(asked.approvalId, decision, reason);
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ ok: true, runId: asked.runId, continued: true, approval: { status: decision } });
  const events = await followRun(thread, asked);
  await thread.waitForRun(null, 30_000);
  return events;
}

/** The run went on by itself: one decision, no new user message, the same run and message to the end. */
export function expectSameRunContinued(events: ThreadEventRecord[], asked: Asked, user: string, decision: "approved" | "rejected") {
  expect(events[0]).toMatchObject({
    type: "approval.resolved",
    approvalId: asked.approvalId,
    runId: asked.runId,
    status: decision,
    decidedBy: user,
  });
  expect(events.filter((event) => event.type === "message.stored" && event.role === "user")).toEqual([]);
  expect(new Set(events.filter((event) => event.runId !== undefined).map((event) => event.runId))).toEqual(new Set([asked.runId]));
  const types = events.map((event) => event.type);
  expect(types.slice(1, 3)).toEqual(["run.status", "run.started"]);
  expect(events[1]).toMatchObject({ status: "queued" });
  expect(types.at(-1)).toBe("run.finished");
  expect(events.filter((event) => event.type === "message.stored").map((event) => event.messageId)).toEqual([asked.messageId]);
}

/** The call's one job ended and the agent said so once: a note in the thread, and a new run answering it in words. */
export function expectReported(report: Awaited<ReturnType<typeof waitForJobReport>>, kind: string, message: string, reply: string) {
  expect(report.started).toHaveLength(1);
  expect(report.notes).toEqual([`Background job ${kind} (${report.job.id}) finished: ${message}`]);
  expect(report.reply).toBe(reply);
}

/** An ISO time as the offline model says it: "2026-11-27 09:20 UTC". */
export function utcMinute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Receipt transitions the log recorded for one tool call. */
export function receiptStatuses(events: ThreadEventRecord[], toolCallId: string): unknown[] {
  return events.filter((event) => event.type === "tool.receipt" && event.toolCallId === toolCallId).map((event) => event.status);
}

/** The final stored answer: still the one assistant message the run started. */
export async function storedAnswer(thread: ThreadApi, asked: Asked, roles = ["user", "assistant"]) {
  const messages = await thread.messages();
  expect(messages.map((message) => message.role)).toEqual(roles);
  expect(messages[1]!.id).toBe(asked.messageId);
  expect(messages[1]!.metadata).toMatchObject({ runId: asked.runId, status: "completed" });
  return messages[1]!;
}
