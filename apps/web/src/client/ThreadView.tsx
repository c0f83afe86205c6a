import { Chat as ChatSession, useChat } from "@ai-sdk/react";
import { AssistantRuntimeProvider, ComposerPrimitive, ThreadPrimitive } from "@assistant-ui/react";
import { useAISDKRuntime } from "@assistant-ui/react-ai-sdk";
import type { Approval, Job, ThreadEvent } from "@oa/protocol";
import { DefaultChatTransport, type UIMessage } from "ai";
import { ArrowDown, ArrowUp, Loader2, Square, Trash2, WifiOff } from "lucide-react";
import { useCallback, useEffect, useRef, useState } from "react";
import { api, ApiFailure, errorSentence } from "./api.ts";
import { createAttachmentAdapter } from "./attachment-adapter.ts";
import { AttachButton, AttachmentRefusal, ComposerAttachmentTiles, DropOverlay, useFileDrop } from "./composer-attachments.tsx";
import { ExportMenu } from "./export-menu.tsx";
import { FollowUps } from "./FollowUps.tsx";
import { useUserFeed } from "./feed.ts";
import { backoffDelay, LiveSource, onWake, type LiveStatus } from "./live-source.ts";
import { useOpenAtMessage } from "./open-at-message.ts";
import { JobProgress, ThreadExtrasContext, type ThreadExtras } from "./parts.tsx";
import { navigate, takePendingDraft, takePendingSend } from "./router.ts";
import { EditComposer } from "./message-actions.tsx";
import { metaOf, toUIMessage, VersionsContext, type MessageMeta } from "./message-versions.tsx";
import { AssistantMessage, SendStateContext, SystemMessage, UserMessage } from "./thread-messages.tsx";
import { ErrorLine } from "./ui/alert.tsx";
import { Button } from "./ui/button.tsx";
import { TooltipIconButton } from "./ui/tooltip-icon-button.tsx";

/** `running`: a run is active on the server, whether or not its answer is stored yet. */
type Loaded = { messages: UIMessage[]; meta: Map<string, MessageMeta>; lastSeq: number; running: boolean };

/** How long a finished job stays in the strip, at its final state, before it goes. */
const FINISHED_JOB_MS = 5_000;

/** The answer a run is still writing (its checkpoint): the stream carries the rest. */
function inFlight(messages: UIMessage[]): UIMessage | null {
  const last = messages[messages.length - 1];
  if (!last || last.role !== "assistant") return null;
  const status = (last.metadata as { status?: string } | undefined)?.status;
  return status === undefined || status === "running" ? last : null;
}

/** Whether a run is active in the thread; false when that cannot be read (the stream still tells). */
async function activeRun(threadId: string): Promise<boolean> {
  const summary = await api.summary(threadId).catch(() => null);
  const status = summary?.activeRun?.status;
  return status === "running" || status === "queued";
}

function Reconnecting({ reason }: { reason?: string | null }) {
  return (
    <p role="status" className="flex items-center gap-2 text-sm text-warning-text">
      <WifiOff aria-hidden className="size-4 shrink-0" />
      <span>Reconnecting…{reason ? ` ${reason}` : ""}</span>
    </p>
  );
}

/** The open thread was deleted (in this tab or another), or there is none for this person: said plainly, with a way on. */
function DeletedThread({ sentence = "This thread was deleted." }: { sentence?: string }) {
  return (
    <section className="mx-auto flex w-full max-w-3xl flex-1 flex-col items-center justify-center gap-4 p-6 text-center" aria-label="Thread">
      <Trash2 aria-hidden className="size-6 text-muted-foreground" />
      <p role="status" className="text-base font-medium">
        {sentence}
      </p>
      <Button onClick={() => navigate("/")}>Start a new chat</Button>
    </section>
  );
}

export function ThreadView({ threadId }: { threadId: string }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const retryNow = useRef<() => void>(() => {});

  // A thread opened while the agent is away loads by itself once it is back (with backoff).
  useEffect(() => {
    let done = false;
    let loading = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () => {
      if (done || loading) return;
      clearTimeout(timer);
      loading = true;
      Promise.all([api.messages(threadId, 200), activeRun(threadId)]).then(
        ([page, running]) => {
          done = true;
          setLoaded({ messages: page.messages.map(toUIMessage), meta: metaOf(page.messages), lastSeq: page.lastSeq, running: running || inFlight(page.messages.map(toUIMessage)) !== null });
        },
        (error) => {
          loading = false;
          if (done) return;
          // The website makes a thread before it opens it: one the server does not know was deleted
          // (or is someone else's), never an empty chat to type into.
          if (error instanceof ApiFailure && error.status === 404) {
            done = true;
            setMissing(true);
            return;
          }
          setFailure(errorSentence(error));
          timer = setTimeout(load, backoffDelay(attempt++));
        },
      );
    };
    retryNow.current = () => {
      attempt = 0;
      load();
    };
    load();
    const unwake = onWake(() => retryNow.current());
    return () => {
      done = true;
      clearTimeout(timer);
      unwake();
    };
  }, [threadId]);

  const deleted = useUserFeed().deleted.has(threadId);
  if (deleted) return <DeletedThread />;
  if (missing) return <DeletedThread sentence="This thread does not exist: it was deleted, or it belongs to another account." />;
  if (!loaded && failure) {
    return (
      <section className="mx-auto flex w-full max-w-3xl flex-col gap-4 p-6" aria-label="Thread">
        <Reconnecting reason={`This thread could not be loaded yet: ${failure}`} />
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => retryNow.current()}>Retry</Button>
          <Button variant="outline" onClick={() => navigate("/")}>
            Back
          </Button>
        </div>
      </section>
    );
  }
  if (!loaded) {
    return (
      <p role="status" className="flex flex-1 items-center justify-center gap-2 p-12 text-sm text-muted-foreground">
        <Loader2 aria-hidden className="size-4 animate-spin motion-reduce:animate-none" />
        Loading the thread…
      </p>
    );
  }
  return <Chat threadId={threadId} initial={loaded} />;
}

function Chat({ threadId, initial }: { threadId: string; initial: Loaded }) {
  // A message handed over by the OpenClaw panel, sent once this view is up (instead of resuming).
  const pendingSend = useRef<string | null | undefined>(undefined);
  if (pendingSend.current === undefined) pendingSend.current = takePendingSend();
  const hooks = useRef({ onStreamEnd: () => {} });
  const [session] = useState(
    () =>
      new ChatSession<UIMessage>({
        id: threadId,
        messages: initial.messages,
        transport: new DefaultChatTransport({
          api: "/chat",
          credentials: "same-origin",
          // The agent keeps the history: only the newest message travels.
          // An edit also says where its question goes (`parentId`, set by `send` for that one request).
          prepareSendMessagesRequest: ({ id, messages, trigger, messageId, body }) => ({
            body: { id, messages: messages.slice(-1), trigger, messageId, ...(body && "parentId" in body ? { parentId: body.parentId } : {}) },
          }),
        }),
        // Whatever this tab streamed, the stored transcript is what it ends with.
        onFinish: ({ isError }) => {
          if (!isError) hooks.current.onStreamEnd();
        },
      }),
  );
  const chat = useChat({ chat: session });
  const busy = () => session.status === "streaming" || session.status === "submitted";

  const [extras, setExtras] = useState<ThreadExtras>({ approvals: new Map(), jobs: new Map() });
  const [finishedJobs, setFinishedJobs] = useState<Set<string>>(new Set());
  const [feedStatus, setFeedStatus] = useState<LiveStatus>("connecting");
  const [healing, setHealing] = useState(false);
  const [serverRunning, setServerRunning] = useState(initial.running);
  /** How many run events this tab has seen: orders what the feed says against what a read said. */
  const runEvents = useRef(0);
  const [unsent, setUnsent] = useState<Map<string, string>>(new Map());
  const unsentRef = useRef(unsent);
  unsentRef.current = unsent;
  const [sendError, setSendError] = useState<string | null>(null);
  const [meta, setMeta] = useState(initial.meta);
  const [switching, setSwitching] = useState(false);
  /**
   * assistant-ui edits by cutting the transcript back to the edited question's parent, then
   * sending: that cut is recorded here and the next send (only that one) carries the parent.
   */
  const editParent = useRef<{ parentId: string | null } | null>(null);
  /** Edits that did not go out, by message id: their retry goes to the same place. */
  const unsentEdits = useRef(new Map<string, { parentId: string | null }>());

  const markUnsent = useCallback((id: string, reason: string | null) => {
    setUnsent((current) => {
      if (reason === null ? !current.has(id) : current.get(id) === reason) return current;
      const next = new Map(current);
      if (reason === null) next.delete(id);
      else next.set(id, reason);
      unsentRef.current = next;
      return next;
    });
  }, []);

  /** Reads approvals and jobs again; an older read that answers after a newer one is dropped. */
  const extrasReads = useRef(0);
  const refreshExtras = useCallback(async () => {
    const read = ++extrasReads.current;
    const [approvals, jobs] = await Promise.all([api.approvals(threadId).catch(() => ({ approvals: [] as Approval[] })), api.jobs(threadId).catch(() => ({ jobs: [] as Job[] }))]);
    if (read !== extrasReads.current) return;
    setExtras({ approvals: new Map(approvals.approvals.map((a) => [a.id, a])), jobs: new Map(jobs.jobs.map((j) => [j.id, j])) });
  }, [threadId]);

  /**
   * Catches up with the server: the stored transcript (messages this tab could not send stay at
   * the end until the server has them), approvals and jobs, then the live run if there is one
   * (204 when none). Throws when the server cannot be reached; `heal` retries it.
   */
  const syncing = useRef<Promise<void> | null>(null);
  const again = useRef(false);
  const reachedRef = useRef(() => {});
  const reached = () => reachedRef.current();
  const sync = useCallback(async () => {
    if (syncing.current) {
      again.current = true;
      return syncing.current;
    }
    syncing.current = (async () => {
      do {
        again.current = false;
        if (busy()) continue; // the live stream carries it; its end syncs again
        const page = await api.messages(threadId, 200);
        reached();
        if (busy()) continue;
        const messages = page.messages.map(toUIMessage);
        setMeta(metaOf(page.messages));
        const stored = new Set(messages.map((message) => message.id));
        for (const id of unsentRef.current.keys()) if (stored.has(id)) markUnsent(id, null);
        const waiting = session.messages.filter((message) => unsentRef.current.has(message.id) && !stored.has(message.id));
        session.messages = [...messages, ...waiting];
        void refreshExtras();
        session.clearError();
        await session.resumeStream();
        if (session.status === "error") throw session.error ?? new Error("The answer stream broke off.");
        if (!busy()) {
          // A run event that arrives while the summary is read is newer than its answer.
          const seen = runEvents.current;
          const running = await activeRun(threadId);
          if (seen === runEvents.current && !busy()) setServerRunning(running);
        }
      } while (again.current);
    })().finally(() => (syncing.current = null));
    return syncing.current;
  }, [threadId, refreshExtras, markUnsent, session]);

  // After a blip (agent restarted, network gone): sync again with backoff until it works.
  const heal = useRef({ active: false, attempt: 0, timer: undefined as ReturnType<typeof setTimeout> | undefined, run: () => {} });
  /** The server answered again: no longer "Reconnecting…" (the live run may still be resuming). */
  const events = useRef<LiveSource | null>(null);
  reachedRef.current = () => {
    const state = heal.current;
    if (!state.active) return;
    state.active = false;
    clearTimeout(state.timer);
    setHealing(false);
    // The server is back: the event feed need not wait out its own backoff.
    events.current?.reconnectNow();
  };
  const startHealing = useCallback(() => {
    const state = heal.current;
    if (state.active) return;
    state.active = true;
    setHealing(true);
    state.run = () => {
      clearTimeout(state.timer);
      sync().then(
        () => {
          state.attempt = 0;
          reached();
        },
        () => {
          state.active = true;
          setHealing(true);
          state.timer = setTimeout(state.run, backoffDelay(state.attempt++));
        },
      );
    };
    state.run();
  }, [sync]);
  const refresh = useCallback(() => {
    sync().catch(startHealing);
  }, [sync, startHealing]);
  hooks.current.onStreamEnd = refresh;

  useEffect(() => {
    const unwake = onWake(() => {
      const state = heal.current;
      if (state.active) {
        state.attempt = 0;
        state.run();
      }
    });
    return () => {
      unwake();
      clearTimeout(heal.current.timer);
    };
  }, []);

  /** Sends through the chat stream; a send the server did not take stays, marked "Not sent". */
  const send = useCallback(
    async (...args: Parameters<typeof session.sendMessage>) => {
      setSendError(null);
      const [message, options] = args;
      // An edit (or the retry of one that did not go out) says where its question goes.
      const edit = editParent.current ?? (message && "id" in message && message.id ? unsentEdits.current.get(message.id) ?? null : null);
      editParent.current = null;
      await session.sendMessage(message, edit ? { ...options, body: { ...options?.body, parentId: edit.parentId } } : options);
      if (session.status !== "error") return;
      const error = session.error;
      const last = session.messages.at(-1);
      session.clearError();
      const refused = typeof (error as { statusCode?: unknown } | undefined)?.statusCode === "number";
      const unreachable = error instanceof TypeError;
      if (last?.role === "user" && (refused || unreachable)) {
        if (edit) unsentEdits.current.set(last.id, edit);
        markUnsent(last.id, errorSentence(error));
        setSendError(errorSentence(error));
      } else if (!unreachable) setSendError(errorSentence(error));
      // No answer at all, or the stream broke off: the server may hold more than this tab knows.
      if (unreachable) startHealing();
      else if (!refused) refresh();
    },
    [session, markUnsent, startHealing, refresh],
  );

  const retry = useCallback(
    async (id: string) => {
      const message = session.messages.find((candidate) => candidate.id === id);
      if (!message || busy()) return;
      markUnsent(id, null);
      setSendError(null);
      // The first attempt may have arrived after all: then the server's transcript shows it.
      const page = await api.messages(threadId, 200).catch(() => null);
      if (page?.messages.some((stored) => stored.id === id)) return refresh();
      session.messages = session.messages.filter((candidate) => candidate.id !== id);
      // The same id: should the server have it by now, it answers with that turn, never a second one.
      await send({ id, role: "user", parts: message.parts, ...(message.metadata === undefined ? {} : { metadata: message.metadata }) });
    },
    [session, threadId, markUnsent, refresh, send],
  );

  /** The cut assistant-ui's edit makes before it sends (a function of the current messages, shortening them). */
  const setMessages = useCallback(
    (update: UIMessage[] | ((messages: UIMessage[]) => UIMessage[])) => {
      const before = session.messages;
      const after = typeof update === "function" ? update(before) : update;
      const cut = typeof update === "function" && after.length < before.length && after.every((message, index) => message.id === before[index]?.id);
      editParent.current = cut ? { parentId: after.at(-1)?.id ?? null } : null;
      session.messages = after;
    },
    [session],
  );

  /** Puts the thread on another version; the server refuses while a run is active. */
  const switchTo = useCallback(
    async (messageId: string) => {
      setSwitching(true);
      setSendError(null);
      try {
        await api.switchBranch(threadId, messageId);
        await sync().catch(startHealing);
      } catch (error) {
        setSendError(error instanceof ApiFailure && error.code === "run_active" ? "Wait for the answer to finish, or stop it, before switching versions." : errorSentence(error));
      } finally {
        setSwitching(false);
      }
    },
    [threadId, sync, startHealing],
  );

  /** Stop means stop: the run on the server, then this tab's stream. */
  const stop = useCallback(async () => {
    await api.stop(threadId).catch(() => undefined);
    await session.stop();
    setServerRunning(false);
    refresh();
  }, [session, threadId, refresh]);

  // The thread's own event feed: runs, approvals and jobs, from where the history left off.
  useEffect(() => {
    void refreshExtras();
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const source = (events.current = new LiveSource({
      url: (after) => `/threads/${threadId}/events?after=${after ?? initial.lastSeq}`,
      after: initial.lastSeq,
      onStatus: setFeedStatus,
      // Back after a drop: whatever happened meanwhile is read again. A stream of this tab that
      // went through the same outage may hang without an error: it is let go and resumed afresh.
      onOpen: (reopened) => {
        if (!reopened) return;
        void (busy() ? session.stop() : Promise.resolve()).finally(startHealing);
      },
      onMessage: (data) => {
        const event = JSON.parse(data) as ThreadEvent;
        if (event.type.startsWith("approval.") || event.type === "job.started" || event.type === "job.finished") void refreshExtras();
        if (event.type === "job.finished") {
          // The strip shows the job at its end for a moment instead of dropping it mid-bar.
          setFinishedJobs((current) => new Set(current).add(event.jobId));
          const timer = setTimeout(() => {
            timers.delete(timer);
            setFinishedJobs((current) => {
              const next = new Set(current);
              next.delete(event.jobId);
              return next;
            });
          }, FINISHED_JOB_MS);
          timers.add(timer);
        }
        if (event.type === "job.progress") {
          setExtras((current) => {
            const job = current.jobs.get(event.jobId);
            if (!job) return current;
            return { ...current, jobs: new Map(current.jobs).set(event.jobId, { ...job, status: event.status, progress: event.progress, message: event.message }) };
          });
        }
        const started = event.type === "run.started" || event.type === "run.recovered" || event.type === "ui.chunks" || (event.type === "run.status" && event.status === "running");
        const ended = event.type === "run.finished" || event.type === "run.failed" || event.type === "run.cancelled" || (event.type === "run.status" && event.status === "awaiting_approval");
        if (started || ended) runEvents.current++;
        if (started) setServerRunning(true);
        if (ended) setServerRunning(false);
        const unknownMessage = event.type === "message.stored" && !session.messages.some((message) => message.id === event.messageId);
        // Another version of the conversation (here or in another tab): every tab shows it.
        if (event.type === "branch.switched" && !busy()) refresh();
        // Whoever started it (another tab, a follow-up, a job's report): this tab follows it live.
        if ((started || ended || unknownMessage) && !busy()) refresh();
      },
    }));
    return () => {
      source.close();
      events.current = null;
      for (const timer of timers) clearTimeout(timer);
    };
  }, [threadId, initial.lastSeq, refreshExtras, refresh, startHealing, session]);

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
  const { dragging, handlers: dropHandlers } = useFileDrop((files) => files.forEach((file) => void runtime.thread.composer.addAttachment(file).catch(() => undefined)));
  const feed = useUserFeed();
  const title = feed.threads.get(threadId)?.title ?? "New chat";
  const streaming = chat.status === "streaming" || chat.status === "submitted";
  const running = streaming || serverRunning;
  const last = chat.messages.at(-1);
  const answering = last?.role === "assistant" && last.parts.some((part) => (part.type === "text" && part.text.trim() !== "") || part.type.startsWith("tool-") || part.type === "dynamic-tool");
  const reconnecting = healing || feedStatus === "reconnecting";
  const shownJobs = [...extras.jobs.values()].flatMap((job) => {
    if (job.status === "queued" || job.status === "running" || job.status === "waiting") return [job];
    if (!finishedJobs.has(job.id)) return [];
    return [job.status === "succeeded" ? { ...job, progress: 1 } : job];
  });
  const problem = sendError ?? (chat.error && !reconnecting ? errorSentence(chat.error) : null);

  return (
    <ThreadExtrasContext.Provider value={extras}>
      <SendStateContext.Provider value={{ unsent, retry: (id) => void retry(id) }}>
       <VersionsContext.Provider value={{ meta, switchTo: (id) => void switchTo(id), busy: switching || running }}>
        <AssistantRuntimeProvider runtime={runtime}>
          <section className="relative flex min-h-0 min-w-0 flex-1 flex-col" aria-labelledby="thread-title" data-testid="drop-area" data-dragging={dragging || undefined} {...dropHandlers}>
            {/* On a phone the shell's bar is the one visible header: the title stays for screen readers. */}
            <header className="flex h-14 shrink-0 items-center gap-2 border-b border-border px-6 max-md:sr-only">
              <h1 id="thread-title" className="min-w-0 flex-1 truncate text-base font-semibold">
                {title}
              </h1>
              {/* On a phone the shell's bar holds the export menu. */}
              <ExportMenu threadId={threadId} className="max-md:hidden" />
            </header>
            <ThreadPrimitive.Root className="flex min-h-0 flex-1 flex-col">
              {/* The log is the live region: new messages are announced; a streaming one once it is whole. */}
              {/* Focusable, so a keyboard user can scroll the conversation (axe: scrollable-region-focusable). */}
              <ThreadPrimitive.Viewport className="flex min-h-0 flex-1 flex-col overflow-y-auto focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring/50 focus-visible:ring-inset" data-testid="messages" role="log" aria-label="Conversation" tabIndex={0}>
                <div className="mx-auto flex w-full max-w-3xl flex-1 flex-col gap-6 px-4 pt-6 pb-4">
                  <ThreadPrimitive.Empty>
                    <div className="flex flex-1 flex-col items-center justify-center gap-2 py-16 text-center">
                      <p className="text-xl font-medium tracking-tight">What should your agent do?</p>
                      <p className="max-w-md text-sm text-muted-foreground">Ask anything — or “restart my OpenClaw”, “list my devices”, “check again in 10 minutes”.</p>
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
                  <TooltipIconButton tooltip="Scroll to bottom" variant="outline" className="absolute -top-11 left-1/2 size-8 -translate-x-1/2 rounded-full bg-background shadow-sm disabled:invisible">
                    <ArrowDown />
                  </TooltipIconButton>
                </ThreadPrimitive.ScrollToBottom>
                <FollowUps threadId={threadId} />
                {shownJobs.length > 0 ? (
                  <div role="group" className="flex flex-col gap-2" aria-label="Background jobs">
                    {shownJobs.map((job) => (
                      <JobProgress key={job.id} job={job} />
                    ))}
                  </div>
                ) : null}
                {reconnecting ? <Reconnecting /> : null}
                {problem ? <ErrorLine>{problem}</ErrorLine> : null}
                {openNotice ? <ErrorLine testId="open-at-message">{openNotice}</ErrorLine> : null}
                <AttachmentRefusal />
                <ComposerPrimitive.Root className="flex w-full flex-wrap items-end gap-2 rounded-3xl border border-input bg-card p-2 shadow-xs transition-[border-color,box-shadow] focus-within:border-ring/60 focus-within:ring-[3px] focus-within:ring-ring/10">
                  <ComposerAttachmentTiles />
                  <div className="flex h-10 shrink-0 items-center ps-0.5">
                    <AttachButton />
                  </div>
                  <ComposerPrimitive.Input
                    className="max-h-48 min-h-10 min-w-0 flex-1 resize-none rounded-none border-0 bg-transparent px-3 py-1.5 text-base leading-6 shadow-none outline-none placeholder:text-muted-foreground focus-visible:outline-none"
                    placeholder="Message your agent…"
                    aria-label="Message"
                    rows={1}
                    autoFocus
                    // The composer cancels a stream of this tab by itself; a run this tab only knows
                    // from the transcript (just refreshed) is stopped here.
                    onKeyDown={(event) => {
                      if (event.key === "Escape" && !streaming && serverRunning) void stop();
                    }}
                  />
                  <div className="flex h-10 shrink-0 items-center pe-0.5">
                    {running ? (
                      <TooltipIconButton tooltip="Stop" variant="default" className="size-8 rounded-full" onClick={() => void stop()}>
                        <Square className="size-3.5 fill-current" />
                      </TooltipIconButton>
                    ) : (
                      <ComposerPrimitive.Send asChild>
                        <TooltipIconButton tooltip="Send" variant="default" className="size-8 rounded-full">
                          <ArrowUp />
                        </TooltipIconButton>
                      </ComposerPrimitive.Send>
                    )}
                  </div>
                </ComposerPrimitive.Root>
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
