import { z } from "zod";
import { messageIdSchema, threadIdSchema } from "./ids.ts";
import { MAX_MESSAGE_CHARS } from "./limits.ts";
import { uiMessageSchema } from "./ui-message.ts";

/** Why the AI SDK transport posts: a new message, or another answer to the last one. */
export const chatTriggerSchema = z.enum(["submit-message", "regenerate-message"]);
export type ChatTrigger = z.infer<typeof chatTriggerSchema>;

export const busyPolicySchema = z.enum(["queue", "reject", "interrupt"]);
export type BusyPolicy = z.infer<typeof busyPolicySchema>;

/** The AI SDK `DefaultChatTransport` / `AssistantChatTransport` body. Only the last message is used. */
export const transportChatRequestSchema = z
  .object({
    id: threadIdSchema.optional(),
    threadId: threadIdSchema.optional(),
    messages: z.array(uiMessageSchema).min(1, "messages must hold at least the new message"),
    trigger: chatTriggerSchema.default("submit-message"),
    /**
     * With `submit-message`: the id of an existing user message the new text replaces (the AI SDK's
     * `sendMessage({text, messageId})`): an edit, which starts a new branch from that message's parent.
     * With `regenerate-message`: the answer being regenerated (optional; the last message sent is
     * the question it answers).
     */
    messageId: messageIdSchema.optional(),
    /**
     * Where the new user message goes: after this message (a new branch when it is not the end of
     * the active path), or first in the thread with null. Absent: after the active path's end. The
     * website sends it for an edit made with assistant-ui's EditComposer.
     */
    parentId: messageIdSchema.nullable().optional(),
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
