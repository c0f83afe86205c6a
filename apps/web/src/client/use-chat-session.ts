import { Chat as ChatSession } from "@ai-sdk/react";
import { DefaultChatTransport, type UIMessage } from "ai";
import { useRef, useState } from "react";

export type ThreadChatSession = ChatSession<UIMessage>;

/** Whether this tab's own stream is under way (sent, or streaming its answer). */
export function isBusy(session: ThreadChatSession): boolean {
  return session.status === "streaming" || session.status === "submitted";
}

/**
 * The AI SDK chat of one thread, made once per view. `hooks.current.onStreamEnd` runs when a
 * stream of this tab ends without an error (the view sets it to its sync).
 */
export function useChatSession(threadId: string, messages: UIMessage[]) {
  const hooks = useRef({ onStreamEnd: () => {} });
  const [session] = useState(
    () =>
      new ChatSession<UIMessage>({
        id: threadId,
        messages,
        transport: new DefaultChatTransport({
          api: "/chat",
          credentials: "same-origin",
          // The agent keeps the history: only the newest message travels.
          // An edit also says where its question goes (`parentId`, set by `send` for that one request).
          prepareSendMessagesRequest: ({ id, messages, trigger, messageId, body }) => ({
            body: {
              id,
              messages: messages.slice(-1),
              trigger,
              messageId,
              ...(body && "parentId" in body ? { parentId: body.parentId } : {}),
            },
          }),
        }),
        // Whatever this tab streamed, the stored transcript is what it ends with.
        onFinish: ({ isError }) => {
          if (!isError) hooks.current.onStreamEnd();
        },
      }),
  );
  return { session, hooks };
}
