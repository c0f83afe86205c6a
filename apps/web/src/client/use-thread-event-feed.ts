import type { ThreadEvent } from "@oa/protocol";
import { type Dispatch, type MutableRefObject, type SetStateAction, useEffect, useState } from "react";
import { LiveSource, type LiveStatus } from "./live-source.ts";
import type { ThreadExtras } from "./parts.tsx";
import { isBusy, type ThreadChatSession } from "./use-chat-session.ts";

/** How long a finished job stays in the strip, at its final state, before it goes. */
const FINISHED_JOB_MS = 5_000;

type EventFeedOptions = {
  threadId: string;
  /** Where the history this view loaded left off: the feed starts after it. */
  lastSeq: number;
  session: ThreadChatSession;
  events: MutableRefObject<LiveSource | null>;
  refreshExtras: () => Promise<void>;
  setExtras: Dispatch<SetStateAction<ThreadExtras>>;
  runEvents: MutableRefObject<number>;
  setServerRunning: (running: boolean) => void;
  refresh: () => void;
  startHealing: () => void;
};

/**
 * The thread's own event feed: runs, approvals and jobs, from where the history left off. Says
 * whether the feed is live, and which jobs just finished (shown a moment longer at their end).
 */
export function useThreadEventFeed({
  threadId,
  lastSeq,
  session,
  events,
  refreshExtras,
  setExtras,
  runEvents,
  setServerRunning,
  refresh,
  startHealing,
}: EventFeedOptions) {
  const [finishedJobs, setFinishedJobs] = useState<Set<string>>(new Set());
  const [feedStatus, setFeedStatus] = useState<LiveStatus>("connecting");
  const busy = () => isBusy(session);

  useEffect(() => {
    void refreshExtras();
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const source = (events.current = new LiveSource({
      url: (after) => `/threads/${threadId}/events?after=${after ?? lastSeq}`,
      after: lastSeq,
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
            return {
              ...current,
              jobs: new Map(current.jobs).set(event.jobId, {
                ...job,
                status: event.status,
                progress: event.progress,
                message: event.message,
              }),
            };
          });
        }
        const started =
          event.type === "run.started" ||
          event.type === "run.recovered" ||
          event.type === "ui.chunks" ||
          (event.type === "run.status" && event.status === "running");
        const ended =
          event.type === "run.finished" ||
          event.type === "run.failed" ||
          event.type === "run.cancelled" ||
          (event.type === "run.status" && event.status === "awaiting_approval");
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
  }, [threadId, lastSeq, refreshExtras, refresh, startHealing, session]);

  return { feedStatus, finishedJobs };
}
