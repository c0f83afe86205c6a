import { z } from "zod";
import { messageIdSchema, threadIdSchema } from "./ids.ts";
import { MAX_MESSAGE_CHARS } from "./limits.ts";
import { uiMessageSchema } from "./ui-message.ts";

export const busyPolicySchema = z.enum(["queue", "reject", "interrupt"]);
export type BusyPolicy = z.infer<typeof busyPolicySchema>;

/** The AI SDK `DefaultChatTransport` / `AssistantChatTransport` body. Only the last message is used. */
export const transportChatRequestSchema = z
  .object({
    id: threadIdSchema.optional(),
    threadId: threadIdSchema.optional(),
    messages: z.array(uiMessageSchema).min(1, "messages must hold at least the new message"),
    trigger: z.enum(["submit-message", "regenerate-message"]).default("submit-message"),
    messageId: messageIdSchema.optional(),
    onBusy: busyPolicySchema.optional(),
  })
  .passthrough();

/** The simple server-to-server body: `{threadId, input}`. */
export const simpleChatRequestSchema = z.object({
  threadId: threadIdSchema.optional(),
  input: z.string().min(1, "input must not be empty").max(MAX_MESSAGE_CHARS, `input is at most ${MAX_MESSAGE_CHARS} characters`),
  messageId: messageIdSchema.optional(),
  onBusy: busyPolicySchema.optional(),
});

export type TransportChatRequest = z.infer<typeof transportChatRequestSchema>;
export type SimpleChatRequest = z.infer<typeof simpleChatRequestSchema>;
