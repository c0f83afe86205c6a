/** How a thread's messages render: the user's (with "Not sent" and Retry when it did not go out), the agent's, and the thread's own notes. */
import { MessagePrimitive, useAuiState } from "@assistant-ui/react";
import { describeJobNote } from "@oa/offline-model";
import { BellRing, CircleAlert, Info } from "lucide-react";
import { createContext, useContext } from "react";
import { MarkdownText } from "./markdown.tsx";
import { AssistantActionBar, UserActionBar } from "./message-actions.tsx";
import { MessageAttachments } from "./message-attachments.tsx";
import { JobPart, ToolCard } from "./parts.tsx";
import { Button } from "./ui/button.tsx";

/** Messages this tab could not send: their id and why, with a way to send them again. */
export type SendState = { unsent: Map<string, string>; retry: (id: string) => void };
export const SendStateContext = createContext<SendState>({ unsent: new Map(), retry: () => {} });

export function UserMessage() {
  const id = useAuiState((state) => state.message.id);
  const { unsent, retry } = useContext(SendStateContext);
  const reason = unsent.get(id);
  const last = useAuiState((state) => state.message.isLast);
  return (
    <MessagePrimitive.Root
      className="group/message grid grid-cols-[minmax(72px,1fr)_auto] gap-y-1.5 px-2"
      data-role="user"
      data-message-id={id}
      data-last={last || undefined}
    >
      <MessageAttachments />
      <div className="col-start-2 min-w-0 rounded-3xl bg-muted px-4 py-2.5 leading-7 wrap-break-word">
        <MessagePrimitive.Parts components={{ Text: MarkdownText }} />
      </div>
      {reason !== undefined ? (
        <div
          className="col-start-2 flex items-center justify-end gap-2 text-xs text-destructive-text"
          data-testid="not-sent"
          title={reason}
        >
          <CircleAlert aria-hidden className="size-3.5" />
          <span>Not sent</span>
          <Button variant="outline" size="sm" className="h-7 px-2.5 text-xs text-foreground" onClick={() => retry(id)}>
            Retry
          </Button>
        </div>
      ) : (
        <UserActionBar />
      )}
    </MessagePrimitive.Root>
  );
}

export function AssistantMessage() {
  const id = useAuiState((state) => state.message.id);
  const status = useAuiState((state) => state.message.status?.type);
  const last = useAuiState((state) => state.message.isLast);
  // While it streams the message is busy: screen readers read it whole once done, not per word.
  return (
    <MessagePrimitive.Root
      className="group/message flex min-w-0 flex-col gap-1 px-2 leading-7 text-foreground wrap-break-word"
      data-role="assistant"
      data-message-id={id}
      data-status={status}
      data-last={last || undefined}
      aria-busy={status === "running" ? true : undefined}
    >
      {/* The answer itself, apart from its actions and time. */}
      <div className="min-w-0" data-testid="answer-content">
        <MessagePrimitive.Parts components={{ Text: MarkdownText, tools: { Fallback: ToolCard }, data: { by_name: { job: JobPart } } }} />
      </div>
      <AssistantActionBar />
    </MessagePrimitive.Root>
  );
}

/**
 * A note the thread writes for itself, in words: a job's note names the job by kind and says how
 * it ended, without the internal job id the agent's copy carries.
 */
function NoteText({ text }: { text: string }) {
  const followUp = text.startsWith("Scheduled follow-up:");
  const Icon = followUp ? BellRing : Info;
  return (
    <span className="inline-flex items-start gap-1.5">
      <Icon aria-hidden className="mt-0.5 size-3.5 shrink-0" />
      <span>{describeJobNote(text) ?? text}</span>
    </span>
  );
}

/** The thread's own notes (a job finished, a follow-up fired) as one quiet status line. */
export function SystemMessage() {
  const id = useAuiState((state) => state.message.id);
  return (
    <MessagePrimitive.Root
      className="flex justify-center px-2 text-center text-xs leading-5 text-muted-foreground wrap-anywhere"
      data-role="system"
      data-message-id={id}
    >
      <MessagePrimitive.Parts components={{ Text: NoteText }} />
    </MessagePrimitive.Root>
  );
}
