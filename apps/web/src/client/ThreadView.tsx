import { useChat } from "@ai-sdk/react";
import { AssistantRuntimeProvider, ComposerPrimitive, MessagePrimitive, ThreadPrimitive, useAuiState } from "@assistant-ui/react";
import { useAISDKRuntime } from "@assistant-ui/react-ai-sdk";
import type { Approval, Job, StoredMessage, ThreadEvent } from "@oa/protocol";
import { DefaultChatTransport, type UIMessage } from "ai";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, ApiFailure } from "./api.ts";
import { FollowUps } from "./FollowUps.tsx";
import { useUserFeed } from "./feed.ts";
import { JobPart, JobProgress, MarkdownText, ThreadExtrasContext, ToolCard, type ThreadExtras } from "./parts.tsx";
import { navigate, takePendingSend } from "./router.ts";

type Loaded = { messages: UIMessage[]; lastSeq: number };

function toUIMessage({ position: _p, createdAt: _c, ...message }: StoredMessage): UIMessage {
  return message as UIMessage;
}

/** The answer a run is still writing: resumed from the stream, not shown from its checkpoint. */
function inFlight(messages: UIMessage[]): UIMessage | null {
  const last = messages[messages.length - 1];
  if (!last || last.role !== "assistant") return null;
  const status = (last.metadata as { status?: string } | undefined)?.status;
  return status === undefined || status === "running" ? last : null;
}

export function ThreadView({ threadId }: { threadId: string }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [missing, setMissing] = useState(false);

  useEffect(() => {
    api.messages(threadId, 200).then(
      (page) => setLoaded({ messages: page.messages.map(toUIMessage), lastSeq: page.lastSeq }),
      (error) => {
        // A thread created by the first message does not exist yet: start empty.
        if (error instanceof ApiFailure && error.status === 404) setLoaded({ messages: [], lastSeq: 0 });
        else setMissing(true);
      },
    );
  }, [threadId]);

  if (missing) {
    return (
      <section className="home">
        <p>This thread could not be loaded.</p>
        <button onClick={() => navigate("/")}>Back</button>
      </section>
    );
  }
  if (!loaded) return <div className="splash">Loading the thread…</div>;
  return <Chat threadId={threadId} initial={loaded} />;
}

function Chat({ threadId, initial }: { threadId: string; initial: Loaded }) {
  const flight = inFlight(initial.messages);
  // A message handed over by the OpenClaw panel, sent once this view is up (instead of resuming).
  const pendingSend = useRef<string | null | undefined>(undefined);
  if (pendingSend.current === undefined) pendingSend.current = takePendingSend();
  const transport = useMemo(
    () =>
      new DefaultChatTransport({
        api: "/chat",
        credentials: "same-origin",
        // The agent keeps the history: only the newest message travels.
        prepareSendMessagesRequest: ({ id, messages, trigger, messageId }) => ({ body: { id, messages: messages.slice(-1), trigger, messageId } }),
      }),
    [],
  );
  const chat = useChat({
    id: threadId,
    messages: flight ? initial.messages.slice(0, -1) : initial.messages,
    transport,
    // An answer still being written (another tab, before a refresh) continues here.
    resume: pendingSend.current === null,
  });
  const [extras, setExtras] = useState<ThreadExtras>({ approvals: new Map(), jobs: new Map() });
  const chatRef = useRef(chat);
  chatRef.current = chat;

  const refreshExtras = useCallback(async () => {
    const [approvals, jobs] = await Promise.all([api.approvals(threadId).catch(() => ({ approvals: [] as Approval[] })), api.jobs(threadId).catch(() => ({ jobs: [] as Job[] }))]);
    setExtras({ approvals: new Map(approvals.approvals.map((a) => [a.id, a])), jobs: new Map(jobs.jobs.map((j) => [j.id, j])) });
  }, [threadId]);

  // Another tab, the inbox or the agent itself moved the thread on: catch up from the server.
  const syncing = useRef<Promise<void> | null>(null);
  const again = useRef(false);
  const sync = useCallback(async () => {
    if (syncing.current) {
      again.current = true;
      return;
    }
    syncing.current = (async () => {
      do {
        again.current = false;
        const current = chatRef.current;
        if (current.status === "streaming" || current.status === "submitted") continue;
        const page = await api.messages(threadId, 200).catch(() => null);
        if (!page) continue;
        const messages = page.messages.map(toUIMessage);
        const live = inFlight(messages);
        current.setMessages(live ? messages.slice(0, -1) : messages);
        if (live) {
          await current.resumeStream();
          // Nothing to resume (it just ended): show what was stored.
          if (!chatRef.current.messages.some((message) => message.id === live.id)) {
            const after = await api.messages(threadId, 200).catch(() => null);
            if (after) chatRef.current.setMessages(after.messages.map(toUIMessage));
          }
        }
      } while (again.current);
    })().finally(() => (syncing.current = null));
    await syncing.current;
  }, [threadId]);

  // The thread's own event feed: runs, approvals and jobs, from where the history left off.
  useEffect(() => {
    void refreshExtras();
    const source = new EventSource(`/threads/${threadId}/events?after=${initial.lastSeq}`);
    source.onmessage = (message) => {
      const event = JSON.parse(message.data) as ThreadEvent;
      if (event.type.startsWith("approval.") || event.type === "job.started" || event.type === "job.finished") void refreshExtras();
      if (event.type === "job.progress") {
        setExtras((current) => {
          const job = current.jobs.get(event.jobId);
          if (!job) return current;
          return { ...current, jobs: new Map(current.jobs).set(event.jobId, { ...job, status: event.status, progress: event.progress, message: event.message }) };
        });
      }
      const idle = chatRef.current.status !== "streaming" && chatRef.current.status !== "submitted";
      const moved =
        event.type === "run.started" ||
        (event.type === "run.status" && event.status === "running") ||
        event.type === "run.finished" ||
        event.type === "run.failed" ||
        event.type === "run.cancelled" ||
        (event.type === "message.stored" && !chatRef.current.messages.some((m) => m.id === event.messageId));
      if (idle && moved) void sync();
    };
    return () => source.close();
  }, [threadId, initial.lastSeq, refreshExtras, sync]);

  useEffect(() => {
    const text = pendingSend.current;
    pendingSend.current = null;
    if (text) void chat.sendMessage({ text });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const runtime = useAISDKRuntime(chat, {
    // Decisions go to the server's approval record; the run then continues by itself and this
    // view follows it through the event feed (as every other tab does).
    onRespondToToolApproval: async (response) => {
      await api.respond(threadId, response.approvalId, response.approved ? "approved" : "rejected", response.reason);
      await refreshExtras();
    },
  });

  const feed = useUserFeed();
  const title = feed.threads.get(threadId)?.title ?? "New chat";
  const running = chat.status === "streaming" || chat.status === "submitted";
  const activeJobs = [...extras.jobs.values()].filter((job) => job.status === "queued" || job.status === "running" || job.status === "waiting");

  const stop = async () => {
    await api.stop(threadId).catch(() => undefined);
    await chat.stop();
  };

  return (
    <ThreadExtrasContext.Provider value={extras}>
      <AssistantRuntimeProvider runtime={runtime}>
        <section className="thread" aria-label={title}>
          <h2 className="thread-heading">{title}</h2>
          <ThreadPrimitive.Root className="thread-root">
            <ThreadPrimitive.Viewport className="viewport" data-testid="messages">
              <ThreadPrimitive.Empty>
                <p className="muted empty-thread">Ask anything — or “restart my OpenClaw”, “list my devices”, “check again in 10 minutes”.</p>
              </ThreadPrimitive.Empty>
              <ThreadPrimitive.Messages components={{ UserMessage, AssistantMessage, SystemMessage }} />
            </ThreadPrimitive.Viewport>
            <FollowUps threadId={threadId} />
            {activeJobs.length > 0 ? (
              <div className="job-strip" aria-label="Background jobs">
                {activeJobs.map((job) => (
                  <JobProgress key={job.id} job={job} />
                ))}
              </div>
            ) : null}
            {chat.error ? (
              <p role="alert" className="error">
                {chat.error.message}
              </p>
            ) : null}
            <ComposerPrimitive.Root className="composer">
              <ComposerPrimitive.Input className="composer-input" placeholder="Message your agent…" aria-label="Message" autoFocus />
              {running ? (
                <button type="button" className="danger" onClick={stop}>
                  Stop
                </button>
              ) : (
                <ComposerPrimitive.Send className="primary">Send</ComposerPrimitive.Send>
              )}
            </ComposerPrimitive.Root>
          </ThreadPrimitive.Root>
        </section>
      </AssistantRuntimeProvider>
    </ThreadExtrasContext.Provider>
  );
}

function UserMessage() {
  return (
    <MessagePrimitive.Root className="message user" data-role="user">
      <MessagePrimitive.Parts components={{ Text: MarkdownText }} />
    </MessagePrimitive.Root>
  );
}

function AssistantMessage() {
  const status = useAuiState((state) => state.message.status?.type);
  return (
    <MessagePrimitive.Root className="message assistant" data-role="assistant" data-status={status}>
      <MessagePrimitive.Parts components={{ Text: MarkdownText, tools: { Fallback: ToolCard }, data: { by_name: { job: JobPart } } }} />
    </MessagePrimitive.Root>
  );
}

/** The thread's own notes (a job finished, a follow-up fired) as one status line. */
function SystemMessage() {
  return (
    <MessagePrimitive.Root className="message system" data-role="system" role="status">
      <MessagePrimitive.Parts components={{ Text: ({ text }) => <span>ⓘ {text}</span> }} />
    </MessagePrimitive.Root>
  );
}
