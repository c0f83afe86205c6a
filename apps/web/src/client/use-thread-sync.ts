import { type Dispatch, type MutableRefObject, type SetStateAction, useCallback, useEffect, useRef, useState } from "react";
import { api } from "./api.ts";
import { backoffDelay, type LiveSource, onWake } from "./live-source.ts";
import { type MessageMeta, metaOf, toUIMessage } from "./message-versions.tsx";
import { activeRun, MESSAGE_PAGE_SIZE } from "./thread-reads.ts";
import { isBusy, type ThreadChatSession } from "./use-chat-session.ts";

type SyncOptions = {
  threadId: string;
  session: ThreadChatSession;
  refreshExtras: () => Promise<void>;
  unsentRef: MutableRefObject<Map<string, string>>;
  markUnsent: (id: string, reason: string | null) => void;
  setMeta: Dispatch<SetStateAction<Map<string, MessageMeta>>>;
  /** How many run events this tab has seen: orders what the feed says against what a read said. */
  runEvents: MutableRefObject<number>;
  setServerRunning: (running: boolean) => void;
};

/**
 * The live/resume wiring: `sync` catches up with the server and resumes the live run; after a
 * blip (agent restarted, network gone) `startHealing` syncs again with backoff until it works
 * ("Reconnecting…" meanwhile); `refresh` is a sync that heals when it fails. `events` is the
 * thread's event feed, told to reconnect at once when the server answers again.
 */
export function useThreadSync({
  threadId,
  session,
  refreshExtras,
  unsentRef,
  markUnsent,
  setMeta,
  runEvents,
  setServerRunning,
}: SyncOptions) {
  const [healing, setHealing] = useState(false);
  const busy = () => isBusy(session);

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
        const page = await api.messages(threadId, MESSAGE_PAGE_SIZE);
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

  return { sync, startHealing, refresh, healing, events };
}
