/** How a thread's messages render: the user's (with "Not sent" and Retry when it did not go out), the agent's, and the thread's own notes. */
import { MessagePrimitive, useAuiState } from "@assistant-ui/react";
import { createContext, useContext } from "react";
import { JobPart, MarkdownText, ToolCard } from "./parts.tsx";

/** Messages this tab could not send: their id and why, with a way to send them again. */
export type SendState = { unsent: Map<string, string>; retry: (id: string) => void };
export const SendStateContext = createContext<SendState>({ unsent: new Map(), retry: () => {} });

export function UserMessage() {
  const id = useAuiState((state) => state.message.id);
  const { unsent, retry } = useContext(SendStateContext);
  const reason = unsent.get(id);
  return (
    <MessagePrimitive.Root className="message user" data-role="user">
      <MessagePrimitive.Parts components={{ Text: MarkdownText }} />
      {reason !== undefined ? (
        <div className="not-sent" data-testid="not-sent" title={reason}>
          <span>Not sent</span>
          <button type="button" onClick={() => retry(id)}>
            Retry
          </button>
        </div>
      ) : null}
    </MessagePrimitive.Root>
  );
}

export function AssistantMessage() {
  const status = useAuiState((state) => state.message.status?.type);
  return (
    <MessagePrimitive.Root className="message assistant" data-role="assistant" data-status={status}>
      <MessagePrimitive.Parts components={{ Text: MarkdownText, tools: { Fallback: ToolCard }, data: { by_name: { job: JobPart } } }} />
    </MessagePrimitive.Root>
  );
}

/** The thread's own notes (a job finished, a follow-up fired) as one status line. */
export function SystemMessage() {
  return (
    <MessagePrimitive.Root className="message system" data-role="system" role="status">
      <MessagePrimitive.Parts components={{ Text: ({ text }) => <span>ⓘ {text}</span> }} />
    </MessagePrimitive.Root>
  );
}
