import type { UIMessage, UIMessageChunk } from "ai";

type AnyPart = UIMessage["parts"][number] & Record<string, unknown>;

/**
 * Re-emits a stored UI message as the chunks that build it, so a client that reconnects (or
 * retries a request) rebuilds the identical message with the AI SDK's own reader.
 */
export function messageToChunks(message: UIMessage): UIMessageChunk[] {
  const chunks: UIMessageChunk[] = [{ type: "start", messageId: message.id }];
  let partIndex = 0;
  let inStep = false;
  for (const raw of message.parts) {
    const part = raw as AnyPart;
    const id = `${message.id}-p${partIndex++}`;
    if (part.type === "step-start") {
      if (inStep) chunks.push({ type: "finish-step" });
      chunks.push({ type: "start-step" });
      inStep = true;
    } else if (part.type === "text") {
      chunks.push({ type: "text-start", id }, { type: "text-delta", id, delta: String(part.text) }, { type: "text-end", id });
    } else if (part.type === "reasoning") {
      // The reader stores the chunk id on the reasoning part, so reuse the part's own.
      const reasoningId = typeof part.id === "string" ? part.id : id;
      chunks.push(
        { type: "reasoning-start", id: reasoningId },
        { type: "reasoning-delta", id: reasoningId, delta: String(part.text) },
        { type: "reasoning-end", id: reasoningId },
      );
    } else if (part.type.startsWith("data-")) {
      chunks.push({ type: part.type, id: part.id, data: part.data } as UIMessageChunk);
    } else if (part.type === "dynamic-tool" || part.type.startsWith("tool-")) {
      chunks.push(...toolPartToChunks(part));
    } else if (part.type === "source-url") {
      chunks.push({ type: "source-url", sourceId: String(part.sourceId), url: String(part.url) });
    } else if (part.type === "file") {
      chunks.push({ type: "file", url: String(part.url), mediaType: String(part.mediaType) });
    }
  }
  if (inStep) chunks.push({ type: "finish-step" });
  return chunks;
}

function toolPartToChunks(part: AnyPart): UIMessageChunk[] {
  const toolCallId = String(part.toolCallId);
  const dynamic = part.type === "dynamic-tool";
  const toolName = dynamic ? String(part.toolName) : part.type.slice("tool-".length);
  const state = String(part.state);
  const input = part.input;
  const common = dynamic ? { dynamic: true as const } : {};
  const chunks: UIMessageChunk[] = [];
  if (state === "input-streaming") {
    chunks.push({ type: "tool-input-start", toolCallId, toolName, ...common });
    return chunks;
  }
  chunks.push({ type: "tool-input-available", toolCallId, toolName, input, ...common });
  const approval = part.approval as { id: string; approved?: boolean; reason?: string } | undefined;
  if (approval) {
    chunks.push({ type: "tool-approval-request", approvalId: approval.id, toolCallId });
    if (approval.approved !== undefined) {
      chunks.push({
        type: "tool-approval-response",
        approvalId: approval.id,
        approved: approval.approved,
        ...(approval.reason === undefined ? {} : { reason: approval.reason }),
      });
    }
  }
  if (state === "output-available") {
    chunks.push({ type: "tool-output-available", toolCallId, output: part.output, ...common });
  } else if (state === "output-error") {
    chunks.push({ type: "tool-output-error", toolCallId, errorText: String(part.errorText), ...common });
  } else if (state === "output-denied") {
    chunks.push({ type: "tool-output-denied", toolCallId });
  }
  return chunks;
}
