import { z } from "zod";
import { messageIdSchema } from "./ids.ts";
import { MAX_MESSAGE_CHARS } from "./limits.ts";

/**
 * A UI message as the AI SDK sends and renders it. Parts are validated loosely (the AI SDK
 * owns their exact shapes and adds new ones); what the server relies on is checked strictly.
 */
export const uiMessagePartSchema = z.object({ type: z.string().min(1).max(128) }).passthrough();

export const messageRoleSchema = z.enum(["system", "user", "assistant"]);
export type MessageRole = z.infer<typeof messageRoleSchema>;

export const uiMessageSchema = z.object({
  id: messageIdSchema,
  role: messageRoleSchema,
  parts: z.array(uiMessagePartSchema).max(1000),
  metadata: z.unknown().optional(),
});
export type UIMessageLike = z.infer<typeof uiMessageSchema>;

/** Total text a user message carries, for the size limit. */
export function userMessageTextLength(message: Pick<UIMessageLike, "parts">): number {
  let total = 0;
  for (const part of message.parts) {
    const text = (part as { text?: unknown }).text;
    if (typeof text === "string") total += text.length;
  }
  return total;
}

export const messageTextLimit = MAX_MESSAGE_CHARS;
