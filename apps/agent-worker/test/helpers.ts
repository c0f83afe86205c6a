import { exports } from "cloudflare:workers";
import { readUIMessageStream, type UIMessage, type UIMessageChunk } from "ai";

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

export function postChat(userId: string, body: unknown, extra: Record<string, string> = {}): Promise<Response> {
  return call("/internal/chat", { method: "POST", headers: headers(userId, extra), body: JSON.stringify(body) });
}

/** Parses an SSE body into its data payloads (without the closing [DONE]). */
export async function sseData(response: Response): Promise<string[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .map((frame) => frame.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n"))
    .filter((data) => data !== "");
}

export async function chunksOf(response: Response): Promise<{ chunks: UIMessageChunk[]; done: boolean }> {
  const data = await sseData(response);
  const done = data[data.length - 1] === "[DONE]";
  return { chunks: data.filter((d) => d !== "[DONE]").map((d) => JSON.parse(d) as UIMessageChunk), done };
}

/** Rebuilds a message from chunks with the AI SDK's own reader, as a (reconnecting) client does. */
export async function rebuildMessage(chunks: UIMessageChunk[]): Promise<UIMessage> {
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  let last: UIMessage | undefined;
  for await (const message of readUIMessageStream({ stream, terminateOnError: true })) last = message;
  if (!last) throw new Error("the chunks build no message");
  return last;
}

/** Reads a UI message stream response with the AI SDK's own reader; returns the final message. */
export async function readAnswer(response: Response): Promise<UIMessage> {
  const data = await sseData(response);
  return rebuildMessage(data.filter((d) => d !== "[DONE]").map((d) => JSON.parse(d) as UIMessageChunk));
}

export function textOf(message: { parts: Array<{ type: string; text?: string }> }): string {
  return message.parts.filter((part) => part.type === "text").map((part) => part.text).join("");
}

let counter = 0;
export function uniqueThread(prefix = "t"): string {
  return `${prefix}-${Date.now().toString(36)}-${++counter}`;
}

export function userMessage(id: string, text: string) {
  return { id, role: "user", parts: [{ type: "text", text }] };
}
