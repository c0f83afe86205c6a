import { exports } from "cloudflare:workers";
import { messageFromChunks, sseDataPayloads } from "@oa/test-kit";
import type { UIMessage, UIMessageChunk } from "ai";
import { expect, vi } from "vitest";

export { textOf } from "@oa/test-kit";

export const KEY = "test-internal-key";

export function headers(userId: string | null, extra: Record<string, string> = {}): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-oa-internal-key": KEY,
    ...(userId === null ? {} : { "x-oa-user-id": userId }),
    ...extra,
  };
}

export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`http://agent.test${path}`, init));
}

/** One call as `userId`; resolves with the status and the parsed JSON body. */
export async function callJson(path: string, userId: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await call(path, { ...init, headers: { ...headers(userId), ...(init.headers as Record<string, string> | undefined) } });
  return { status: response.status, body: await response.json() };
}

/**
 * Waits until the thread's active run has `status` (null: no run active) as `userId` sees it; resolves with the
 * thread's summary.
 */
export function waitForRunStatus(threadId: string, status: string | null, userId = "alice"): Promise<any> {
  return vi.waitFor(
    async () => {
      const { body } = await callJson(`/internal/thread/${threadId}/summary`, userId);
      expect(body.activeRun?.status ?? null).toBe(status);
      return body;
    },
    { timeout: 20_000, interval: 10 },
  );
}

export function postChat(userId: string, body: unknown, extra: Record<string, string> = {}): Promise<Response> {
  return call("/internal/chat", { method: "POST", headers: headers(userId, extra), body: JSON.stringify(body) });
}

/** Parses an SSE body into its data payloads (without the closing [DONE]). */
export async function sseData(response: Response): Promise<string[]> {
  return sseDataPayloads(await response.text());
}

export async function chunksOf(response: Response): Promise<{ chunks: UIMessageChunk[]; done: boolean }> {
  const data = await sseData(response);
  const done = data[data.length - 1] === "[DONE]";
  return { chunks: data.filter((d) => d !== "[DONE]").map((d) => JSON.parse(d) as UIMessageChunk), done };
}

/** Rebuilds a message from chunks with the AI SDK's own reader, as a (reconnecting) client does. */
export function rebuildMessage(chunks: UIMessageChunk[]): Promise<UIMessage> {
  return messageFromChunks(chunks, { terminateOnError: true });
}

/** Reads a UI message stream response with the AI SDK's own reader; returns the final message. */
export async function readAnswer(response: Response): Promise<UIMessage> {
  const data = await sseData(response);
  return rebuildMessage(data.filter((d) => d !== "[DONE]").map((d) => JSON.parse(d) as UIMessageChunk));
}

let counter = 0;
export function uniqueThread(prefix = "t"): string {
  return `${prefix}-${Date.now().toString(36)}-${++counter}`;
}

export function userMessage(id: string, text: string) {
  return { id, role: "user", parts: [{ type: "text", text }] };
}
