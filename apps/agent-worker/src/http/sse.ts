import { UI_MESSAGE_STREAM_HEADERS } from "ai";

const encoder = new TextEncoder();

/** One SSE frame; `id` lets clients resume with Last-Event-ID. */
export function sseFrame(data: string, id?: number | string): Uint8Array {
  const idLine = id === undefined ? "" : `id: ${id}\n`;
  return encoder.encode(`${idLine}data: ${data}\n\n`);
}

export const sseDone = encoder.encode("data: [DONE]\n\n");

export function sseComment(text: string): Uint8Array {
  return encoder.encode(`: ${text}\n\n`);
}

export function uiMessageStreamResponse(body: ReadableStream<Uint8Array>, extraHeaders?: HeadersInit): Response {
  const headers = new Headers(UI_MESSAGE_STREAM_HEADERS);
  if (extraHeaders) new Headers(extraHeaders).forEach((value, key) => headers.set(key, value));
  return new Response(body, { status: 200, headers });
}
