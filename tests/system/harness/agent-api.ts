import { messageFromChunks, sseDataPayloads, type ToolPart, textOf, toolParts, waitUntil } from "@oa/test-kit";
import type { UIMessage, UIMessageChunk } from "ai";
import type { Approval, Receipt } from "../../../packages/protocol/src/approvals.ts";
import type { Job } from "../../../packages/protocol/src/jobs.ts";
import type { Runtime } from "./processes.ts";

export { messageFromChunks, type ToolPart, textOf, toolParts, waitUntil as waitFor };

export function client(runtime: Pick<Runtime, "url" | "key">, userId: string) {
  const headers = { "x-oa-internal-key": runtime.key, "x-oa-user-id": userId, "content-type": "application/json" };
  return {
    chat: (body: unknown, init: RequestInit = {}) =>
      fetch(`${runtime.url}/internal/chat`, { method: "POST", headers, body: JSON.stringify(body), ...init }),
    get: (path: string) => fetch(`${runtime.url}${path}`, { headers }),
    post: (path: string, body?: unknown) =>
      fetch(`${runtime.url}${path}`, { method: "POST", headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
  };
}

export async function sseChunks(response: Response): Promise<UIMessageChunk[]> {
  return sseData(await response.text()).map((data) => JSON.parse(data) as UIMessageChunk);
}

export async function readAnswer(response: Response): Promise<UIMessage> {
  return messageFromChunks(await sseChunks(response));
}

export type ThreadEventRecord = { seq: number; type: string; at: string; runId?: string; [field: string]: unknown };

/** Parses SSE frames' `data:` payloads (the `[DONE]` marker left out). */
export function sseData(text: string): string[] {
  return sseDataPayloads(text).filter((data) => data !== "[DONE]");
}

export type FeedOptions = { after?: number; until?: (events: ThreadEventRecord[]) => boolean; timeoutMs?: number; quietMs?: number };

/**
 * Reads `GET /internal/thread/:id/events` (replay, then live) until `until` holds for the events
 * read so far, or until the feed has been quiet for `quietMs` when no `until` is given.
 */
export function readThreadEvents(
  runtime: Pick<Runtime, "url" | "key">,
  userId: string,
  threadId: string,
  options: FeedOptions = {},
): Promise<ThreadEventRecord[]> {
  return readFeed(runtime, userId, `/internal/thread/${threadId}/events`, options);
}

/** The same for the user's feed, `GET /internal/user/events`. */
export function readUserEvents(
  runtime: Pick<Runtime, "url" | "key">,
  userId: string,
  options: FeedOptions = {},
): Promise<ThreadEventRecord[]> {
  return readFeed(runtime, userId, "/internal/user/events", options);
}

async function readFeed(
  runtime: Pick<Runtime, "url" | "key">,
  userId: string,
  path: string,
  options: FeedOptions,
): Promise<ThreadEventRecord[]> {
  const response = await client(runtime, userId).get(`${path}?after=${options.after ?? 0}`);
  if (!response.ok) throw new Error(`events feed answered ${response.status}: ${await response.text()}`);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let events: ThreadEventRecord[] = [];
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  try {
    for (;;) {
      const wait = options.until ? Math.max(1, deadline - Date.now()) : (options.quietMs ?? 500);
      let timer: NodeJS.Timeout | undefined;
      const next = await Promise.race([reader.read(), new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), wait)))]);
      clearTimeout(timer);
      if (next === null || next.done) break;
      text += decoder.decode(next.value, { stream: true });
      const complete = text.slice(0, text.lastIndexOf("\n\n") + 2);
      events = sseData(complete).map((data) => JSON.parse(data) as ThreadEventRecord);
      if (options.until?.(events)) return events;
      if (Date.now() > deadline) break;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  if (options.until)
    throw new Error(`the events feed did not reach the expected state; got: ${events.map((event) => event.type).join(", ")}`);
  return events;
}

export type StoredMessage = UIMessage & {
  position: number;
  createdAt: string;
  metadata?: { runId?: string; status?: string; origin?: { kind: string; id: string } };
};

export function threadApi(runtime: Pick<Runtime, "url" | "key">, userId: string, threadId: string) {
  const http = client(runtime, userId);
  const json = async <T>(response: Promise<Response>): Promise<T> => {
    const answer = await response;
    const body = (await answer.json()) as T;
    if (!answer.ok) throw new Error(`${answer.url} answered ${answer.status}: ${JSON.stringify(body)}`);
    return body;
  };
  const api = {
    threadId,
    /** Sends a message; resolves with the response (an SSE stream of the answer). */
    send: (input: string) => http.chat({ threadId, input }),
    summary: () =>
      json<{ activeRun: { id: string; status: string } | null; messageCount: number }>(http.get(`/internal/thread/${threadId}/summary`)),
    messages: async () => (await json<{ messages: StoredMessage[] }>(http.get(`/internal/thread/${threadId}/messages?limit=200`))).messages,
    receipts: async () => (await json<{ receipts: Receipt[] }>(http.get(`/internal/thread/${threadId}/receipts`))).receipts,
    jobs: async () => (await json<{ jobs: Job[] }>(http.get(`/internal/thread/${threadId}/jobs`))).jobs,
    approvals: async (status?: string) =>
      (await json<{ approvals: Approval[] }>(http.get(`/internal/thread/${threadId}/approvals${status ? `?status=${status}` : ""}`)))
        .approvals,
    respond: (approvalId: string, decision: "approved" | "rejected", reason?: string) =>
      http.post("/internal/approval/respond", { threadId, approvalId, decision, ...(reason ? { reason } : {}) }),
    /** `GET /internal/chat/:id/stream`: 204 when nothing runs, else the in-flight answer. */
    resume: () => http.get(`/internal/chat/${threadId}/stream`),
    events: (options: Parameters<typeof readThreadEvents>[3] = {}) => readThreadEvents(runtime, userId, threadId, options),
    /** Waits until the thread's active run has `status` (null: no active run). */
    waitForRun: (status: string | null, timeoutMs = 20_000) =>
      waitUntil(
        async () => {
          const summary = await api.summary();
          return (summary.activeRun?.status ?? null) === status ? summary : null;
        },
        { timeoutMs, what: `the run to be ${status ?? "finished"}` },
      ),
  };
  return api;
}

export type ThreadApi = ReturnType<typeof threadApi>;

export type { Job };

const FINAL_JOB_STATUSES = ["succeeded", "failed", "cancelled"];

/**
 * Waits until the background job a tool call started (keyed by its tool-call id) has ended and
 * the agent has reported it: the system note it posted to the thread and the completed answer
 * to that note. `started` is every job with that key (one call starts one job, ever).
 */
export async function waitForJobReport(thread: ThreadApi, toolCallId: string, timeoutMs = 40_000) {
  return waitUntil(
    async () => {
      const started = (await thread.jobs()).filter((job) => job.idempotencyKey === toolCallId);
      const job = started[0];
      if (!job || !FINAL_JOB_STATUSES.includes(job.status)) return null;
      const messages = await thread.messages();
      const notes = messages.filter((message) => message.role === "system" && message.metadata?.origin?.id === job.id);
      const reply = notes.length > 0 ? messages[messages.indexOf(notes[0]!) + 1] : undefined;
      if (reply?.role !== "assistant" || reply.metadata?.status !== "completed") return null;
      return { started, job, notes: notes.map(textOf), note: textOf(notes[0]!), reply: textOf(reply), messages };
    },
    { timeoutMs, intervalMs: 200, what: `the report of the job started by ${toolCallId}` },
  );
}
