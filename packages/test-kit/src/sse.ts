/** The `data:` payload of every SSE frame in `text` (comments and heartbeats left out; `[DONE]` kept). */
export function sseDataPayloads(text: string): string[] {
  return text
    .split("\n\n")
    .map((frame) =>
      frame
        .split("\n")
        .filter((line) => line.startsWith("data: "))
        .map((line) => line.slice(6))
        .join("\n"),
    )
    .filter((data) => data !== "");
}

export type SseFrame = { id: string | null; data: string };

/** Reads SSE frames incrementally until `stop` says so (or the stream ends); then cancels. */
export async function readFramesUntil(response: Response, stop: (frame: SseFrame, all: SseFrame[]) => boolean): Promise<SseFrame[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const frames: SseFrame[] = [];
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return frames;
      buffer += decoder.decode(value, { stream: true });
      let boundary: number;
      while ((boundary = buffer.indexOf("\n\n")) >= 0) {
        const raw = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const lines = raw.split("\n");
        const data = lines
          .filter((line) => line.startsWith("data: "))
          .map((line) => line.slice(6))
          .join("\n");
        if (data === "") continue; // comments (heartbeats)
        const id = lines.find((line) => line.startsWith("id: "))?.slice(4) ?? null;
        const frame = { id, data };
        frames.push(frame);
        if (stop(frame, frames)) return frames;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
