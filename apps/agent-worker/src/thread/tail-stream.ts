import type { UIMessageChunk } from "ai";
import { sseDone, sseFrame, uiMessageStreamResponse } from "../http/sse.ts";
import type { RunHub } from "./run-hub.ts";

/** An SSE body that follows one run through the hub; closing it unsubscribes and cancels nothing. */
export function tailRunResponse(hub: RunHub, runId: string, continuationOnly = false): Response {
  let unsubscribe: (() => void) | null = null;
  let closed = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const finish = () => {
        if (closed) return;
        closed = true;
        controller.enqueue(sseDone);
        controller.close();
      };
      unsubscribe = hub.tail(
        runId,
        (chunk) => {
          if (!closed) controller.enqueue(sseFrame(JSON.stringify(chunk)));
        },
        finish,
        continuationOnly,
      );
      if (!unsubscribe) finish();
    },
    cancel() {
      closed = true;
      unsubscribe?.();
    },
  });
  return uiMessageStreamResponse(body);
}

/** An SSE body for chunks that are already known (a retried request whose answer exists). */
export function replayResponse(chunks: UIMessageChunk[]): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(sseFrame(JSON.stringify(chunk)));
      controller.enqueue(sseDone);
      controller.close();
    },
  });
  return uiMessageStreamResponse(body);
}
