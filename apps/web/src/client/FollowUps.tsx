import type { Schedule } from "@oa/protocol";
import { useCallback, useEffect, useState } from "react";
import { api } from "./api.ts";
import { useUserFeed } from "./feed.ts";
import { fullDate, relativeTime, useMinuteClock } from "./relative-time.ts";

const REFRESH_MS = 30_000;

/** When a follow-up fires next, in words ("in 10 min") with the full time on hover. */
function nextRun(schedule: Schedule, now: number): { text: string; title: string } {
  if (!schedule.nextRunAt) return { text: "not scheduled", title: "" };
  const at = Date.parse(schedule.nextRunAt);
  const repeat = schedule.kind === "cron" ? ` · repeats (${schedule.cron}${schedule.timezone ? `, ${schedule.timezone}` : ""})` : "";
  return { text: `${relativeTime(at, now)}${repeat}`, title: fullDate(at) };
}

/**
 * The thread's upcoming follow-ups, each with Cancel. Read on mount, when the window regains
 * focus, every 30 s, after a cancel, and whenever the thread moves (a follow-up was scheduled or
 * fired: the user feed says the thread changed).
 */
export function FollowUps({ threadId }: { threadId: string }) {
  const [schedules, setSchedules] = useState<Schedule[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const moved = useUserFeed().threads.get(threadId)?.lastEventAt;
  const now = useMinuteClock();

  const refresh = useCallback(async () => {
    try {
      const page = await api.schedules(threadId);
      setSchedules(page.schedules.filter((schedule) => schedule.status === "active"));
      setError(null);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }, [threadId]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    const onFocus = () => void refresh();
    window.addEventListener("focus", onFocus);
    return () => (clearInterval(timer), window.removeEventListener("focus", onFocus));
  }, [refresh]);

  useEffect(() => {
    if (moved) void refresh();
  }, [moved, refresh]);

  if (error && !schedules) {
    return (
      <div className="followups" aria-label="Upcoming follow-ups">
        <p className="muted">
          Follow-ups could not be loaded: {error}{" "}
          <button className="link-button" onClick={() => void refresh()}>
            Try again
          </button>
        </p>
      </div>
    );
  }
  if (!schedules || schedules.length === 0) return null;
  return (
    <section className="followups" aria-label="Upcoming follow-ups">
      <h3>Upcoming follow-ups</h3>
      <ul>
        {schedules.map((schedule) => (
          <FollowUp key={schedule.id} threadId={threadId} schedule={schedule} now={now} onChanged={refresh} />
        ))}
      </ul>
      {error ? <p className="muted">Could not refresh: {error}</p> : null}
    </section>
  );
}

function FollowUp({ threadId, schedule, now, onChanged }: { threadId: string; schedule: Schedule; now: number; onChanged: () => Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const when = nextRun(schedule, now);

  const cancel = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.cancelSchedule(threadId, schedule.id);
      setConfirming(false);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
      await onChanged();
    }
  };

  return (
    <li className="followup" data-testid="followup">
      <span className="followup-when" title={when.title}>
        {when.text}
      </span>{" "}
      <span className="followup-what">“{schedule.prompt}”</span>{" "}
      {confirming ? (
        <span className="followup-confirm" role="group" aria-label="Confirm cancelling">
          Cancel this follow-up?{" "}
          <button className="danger" disabled={busy} onClick={cancel}>
            Yes, cancel it
          </button>{" "}
          <button disabled={busy} onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </span>
      ) : (
        <button className="link-button" onClick={() => setConfirming(true)}>
          Cancel…
        </button>
      )}
      {error ? (
        <span role="alert" className="error">
          {" "}
          {error}
        </span>
      ) : null}
    </li>
  );
}
