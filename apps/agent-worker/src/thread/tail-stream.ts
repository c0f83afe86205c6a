import type { UIMessageChunk } from "ai";
import { sseDone, sseFrame, uiMessageStreamResponse } from "../http/sse.ts";
import { byteQueue, MAX_QUEUED_BYTES, queuedBytes, slowReaderStats } from "../http/slow-reader.ts";
import type { RunHub } from "./run-hub.ts";

/**
 * An SSE body that follows one run through the hub; closing it unsubscribes and cancels nothing.
 * The run's chunks so far are already in memory (the hub holds them), but a tail that stops
 * reading while the run goes on is dropped past `maxQueuedBytes`: the client resumes with
 * `GET …/stream` and gets the whole in-flight message again.
 */
export function tailRunResponse(hub: RunHub, runId: string, continuationOnly = false, maxQueuedBytes = MAX_QUEUED_BYTES): Response {
  let unsubscribe: (() => void) | null = null;
  let closed = false;
  let backlog = () => 0;
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        backlog = () => queuedBytes(controller);
        slowReaderStats.open.add(backlog);
        const end = () => {
          closed = true;
          unsubscribe?.();
          slowReaderStats.open.delete(backlog);
        };
        const finish = () => {
          if (closed) return;
          end();
          controller.enqueue(sseDone);
          controller.close();
        };
        unsubscribe = hub.tail(
          runId,
          (chunk) => {
            if (closed) return;
            controller.enqueue(sseFrame(JSON.stringify(chunk)));
            if (queuedBytes(controller) > maxQueuedBytes) {
              slowReaderStats.dropped++;
              // The hub may still be replaying into this tail: unsubscribe once that returned.
              closed = true;
              queueMicrotask(end);
              controller.error(new Error("the reader fell too far behind; resume the stream"));
            }
          },
          finish,
          continuationOnly,
        );
        if (!unsubscribe) finish();
        else if (closed) end();
      },
      cancel() {
        closed = true;
        unsubscribe?.();
        slowReaderStats.open.delete(backlog);
      },
    },
    byteQueue(),
  );
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
