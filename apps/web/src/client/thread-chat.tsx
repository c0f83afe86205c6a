import { useChat } from "@ai-sdk/react";
import { AssistantRuntimeProvider, ThreadPrimitive } from "@assistant-ui/react";
import { useAISDKRuntime } from "@assistant-ui/react-ai-sdk";
import { isToolUIPart } from "ai";
import { ArrowDown } from "lucide-react";
import { useCallback, useEffect, useRef, useState } from "react";
import { api, errorSentence } from "./api.ts";
import { createAttachmentAdapter } from "./attachment-adapter.ts";
import { BackgroundJobs, shownJobs } from "./background-jobs.tsx";
import { AttachmentRefusal, DropOverlay, useFileDrop } from "./composer-attachments.tsx";
import { FollowUps } from "./FollowUps.tsx";
import { useUserFeed } from "./feed.ts";
import { EditComposer } from "./message-actions.tsx";
import { VersionsContext } from "./message-versions.tsx";
import { useOpenAtMessage } from "./open-at-message.ts";
import { ThreadExtrasContext } from "./parts.tsx";
import { takePendingDraft, takePendingSend } from "./router.ts";
import { ThreadComposer } from "./thread-composer.tsx";
import { ThreadHeader } from "./thread-header.tsx";
import { AssistantMessage, SendStateContext, SystemMessage, UserMessage } from "./thread-messages.tsx";
import type { LoadedThread } from "./thread-reads.ts";
import { Reconnecting } from "./thread-status.tsx";
import { ErrorLine } from "./ui/alert.tsx";
import { TooltipIconButton } from "./ui/tooltip-icon-button.tsx";
import { useChatSession } from "./use-chat-session.ts";
import { useEditBranch } from "./use-edit-branch.ts";
import { useThreadEventFeed } from "./use-thread-event-feed.ts";
import { useThreadExtras } from "./use-thread-extras.ts";
import { useThreadSync } from "./use-thread-sync.ts";
import { useUnsentMessages } from "./use-unsent-messages.ts";

/** An open thread, loaded: its conversation live, the composer, jobs and approvals. */
export function Chat({ threadId, initial }: { threadId: string; initial: LoadedThread }) {
  // A message handed over by the OpenClaw panel, sent once this view is up (instead of resuming).
  const pendingSend = useRef<string | null | undefined>(undefined);
  if (pendingSend.current === undefined) pendingSend.current = takePendingSend();
  const { session, hooks } = useChatSession(threadId, initial.messages);
  const chat = useChat({ chat: session });

  const { extras, setExtras, refreshExtras } = useThreadExtras(threadId);
  const [serverRunning, setServerRunning] = useState(initial.running);
  /** How many run events this tab has seen: orders what the feed says against what a read said. */
  const runEvents = useRef(0);
  const { unsent, unsentRef, markUnsent } = useUnsentMessages();
  const [meta, setMeta] = useState(initial.meta);

  const { sync, startHealing, refresh, healing, events } = useThreadSync({
    threadId,
    session,
    refreshExtras,
    unsentRef,
    markUnsent,
    setMeta,
    runEvents,
    setServerRunning,
  });
  hooks.current.onStreamEnd = refresh;
  const { send, retry, setMessages, switchTo, switching, sendError } = useEditBranch({
    threadId,
    session,
    markUnsent,
    sync,
    startHealing,
    refresh,
  });

  /** Stop means stop: the run on the server, then this tab's stream. */
  const stop = useCallback(async () => {
    await api.stop(threadId).catch(() => undefined);
    await session.stop();
    setServerRunning(false);
    refresh();
  }, [session, threadId, refresh]);

  const { feedStatus, finishedJobs } = useThreadEventFeed({
    threadId,
    lastSeq: initial.lastSeq,
    session,
    events,
    refreshExtras,
    setExtras,
    runEvents,
    setServerRunning,
    refresh,
    startHealing,
  });

  useEffect(() => {
    const text = pendingSend.current;
    pendingSend.current = null;
    if (text) void send({ text });
    // Refreshed mid-answer: the same answer carries on here.
    else if (initial.running) refresh();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Files go to the thread as they are picked; the message carries `attachment:<id>` references.
  const [attachments] = useState(() => createAttachmentAdapter(threadId));
  const openNotice = useOpenAtMessage({ threadId, has: (id) => session.messages.some((message) => message.id === id), sync });

  const runtime = useAISDKRuntime(
    // Sending marks what did not go out; stopping (the Stop button and Escape) stops the server's run.
    { ...chat, sendMessage: send, setMessages, stop },
    {
      adapters: { attachments },
      // Decisions go to the server's approval record; the run then continues by itself and this
      // view follows it through the event feed (as every other tab does).
      onRespondToToolApproval: async (response) => {
        await api.respond(threadId, response.approvalId, response.approved ? "approved" : "rejected", response.reason);
        await refreshExtras();
      },
    },
  );

  // Files attached on a new chat's first screen (which made this thread) go into the composer, with the text typed there.
  useEffect(() => {
    const draft = takePendingDraft(threadId);
    if (!draft) return;
    const composer = runtime.thread.composer;
    if (draft.text) composer.setText(draft.text);
    for (const file of draft.files) void composer.addAttachment(file).catch(() => undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // A refused file is said by <AttachmentRefusal>, from the composer's own event.
  const { dragging, handlers: dropHandlers } = useFileDrop((files) =>
    files.forEach((file) => void runtime.thread.composer.addAttachment(file).catch(() => undefined)),
  );
  const feed = useUserFeed();
  const title = feed.threads.get(threadId)?.title ?? "New chat";
  const streaming = chat.status === "streaming" || chat.status === "submitted";
  const running = streaming || serverRunning;
  const last = chat.messages.at(-1);
  const answering =
    last?.role === "assistant" && last.parts.some((part) => (part.type === "text" && part.text.trim() !== "") || isToolUIPart(part));
  const reconnecting = healing || feedStatus === "reconnecting";
  const problem = sendError ?? (chat.error && !reconnecting ? errorSentence(chat.error) : null);

  return (
    <ThreadExtrasContext.Provider value={extras}>
      <SendStateContext.Provider value={{ unsent, retry: (id) => void retry(id) }}>
        <VersionsContext.Provider value={{ meta, switchTo: (id) => void switchTo(id), busy: switching || running }}>
          <AssistantRuntimeProvider runtime={runtime}>
            <section
              className="relative flex min-h-0 min-w-0 flex-1 flex-col"
              aria-labelledby="thread-title"
              data-testid="drop-area"
              data-dragging={dragging || undefined}
              {...dropHandlers}
            >
              <ThreadHeader threadId={threadId} title={title} />
              <ThreadPrimitive.Root className="flex min-h-0 flex-1 flex-col">
                {/* The log is the live region: new messages are announced; a streaming one once it is whole. */}
                {/* Focusable, so a keyboard user can scroll the conversation (axe: scrollable-region-focusable). */}
                <ThreadPrimitive.Viewport
                  className="flex min-h-0 flex-1 flex-col overflow-y-auto focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring/50 focus-visible:ring-inset"
                  data-testid="messages"
                  role="log"
                  aria-label="Conversation"
                  tabIndex={0}
                >
                  <div className="mx-auto flex w-full max-w-3xl flex-1 flex-col gap-6 px-4 pt-6 pb-4">
                    <ThreadPrimitive.Empty>
                      <div className="flex flex-1 flex-col items-center justify-center gap-2 py-16 text-center">
                        <p className="text-xl font-medium tracking-tight">What should your agent do?</p>
                        <p className="max-w-md text-sm text-muted-foreground">
                          Ask anything — or “restart my OpenClaw”, “list my devices”, “check again in 10 minutes”.
                        </p>
                      </div>
                    </ThreadPrimitive.Empty>
                    <ThreadPrimitive.Messages components={{ UserMessage, AssistantMessage, SystemMessage, EditComposer }} />
                    {running && !answering && !reconnecting ? (
                      <p role="status" className="flex items-center gap-2 px-2 text-sm text-muted-foreground">
                        <span aria-hidden className="size-2 animate-pulse rounded-full bg-muted-foreground motion-reduce:animate-none" />
                        Thinking…
                      </p>
                    ) : null}
                  </div>
                </ThreadPrimitive.Viewport>
                <div className="relative mx-auto flex w-full max-w-3xl flex-col gap-2 px-4 pb-4">
                  <ThreadPrimitive.ScrollToBottom asChild>
                    <TooltipIconButton
                      tooltip="Scroll to bottom"
                      variant="outline"
                      className="absolute -top-11 left-1/2 size-8 -translate-x-1/2 rounded-full bg-background shadow-sm disabled:invisible"
                    >
                      <ArrowDown />
                    </TooltipIconButton>
                  </ThreadPrimitive.ScrollToBottom>
                  <FollowUps threadId={threadId} />
                  <BackgroundJobs jobs={shownJobs(extras.jobs, finishedJobs)} />
                  {reconnecting ? <Reconnecting /> : null}
                  {problem ? <ErrorLine>{problem}</ErrorLine> : null}
                  {openNotice ? <ErrorLine testId="open-at-message">{openNotice}</ErrorLine> : null}
                  <AttachmentRefusal />
                  <ThreadComposer running={running} streaming={streaming} serverRunning={serverRunning} stop={stop} />
                </div>
              </ThreadPrimitive.Root>
              <DropOverlay visible={dragging} />
            </section>
          </AssistantRuntimeProvider>
        </VersionsContext.Provider>
      </SendStateContext.Provider>
    </ThreadExtrasContext.Provider>
  );
}
