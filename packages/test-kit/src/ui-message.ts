import { readUIMessageStream, type UIMessage, type UIMessageChunk } from "ai";

/** The message the AI SDK's own reader builds from a stream's chunks, as a (reconnecting) client does. */
export async function messageFromChunks(chunks: UIMessageChunk[], options: { terminateOnError?: boolean } = {}): Promise<UIMessage> {
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  let last: UIMessage | undefined;
  for await (const message of readUIMessageStream({ stream, ...options })) last = message;
  if (!last) throw new Error("the chunks build no message");
  return last;
}

export function textOf(message: { parts: Array<{ type: string; text?: string }> }): string {
  return message.parts
    .filter((part) => part.type === "text")
    .map((part) => part.text)
    .join("");
}

export type ToolPart = {
  type: string;
  toolCallId: string;
  state: string;
  input?: unknown;
  output?: unknown;
  errorText?: string;
  approval?: { id: string; approved?: boolean; reason?: string };
};

/** The parts of a message that are tool calls (`tool-<name>`). */
export function toolParts(message: { parts: Array<{ type: string }> }): ToolPart[] {
  return message.parts.filter((part) => part.type.startsWith("tool-")) as unknown as ToolPart[];
}
