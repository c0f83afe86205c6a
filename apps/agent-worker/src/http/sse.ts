import { UI_MESSAGE_STREAM_HEADERS } from "ai";

/*
 * Hand-framed SSE, for the two streams the AI SDK's helpers (createUIMessageStreamResponse,
 * JsonToSseTransformStream) cannot carry: the event feeds need an `id:` line on every frame
 * (Last-Event-ID resume) and heartbeat comments, and a run's tail counts the bytes queued in
 * its own byte stream to drop a slow reader, which a piped transform would hide. Streams of
 * known chunks use the SDK's helper (see replayResponse).
 */

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

/** An SSE body already framed as a UI message stream (`x-vercel-ai-ui-message-stream: v1`). */
export function uiMessageStreamResponse(body: ReadableStream<Uint8Array>): Response {
  return new Response(body, { status: 200, headers: UI_MESSAGE_STREAM_HEADERS });
}
