import type { Schedule } from "@oa/protocol";
import { Clock } from "lucide-react";
import { useCallback, useEffect, useState } from "react";
import { api } from "./api.ts";
import { useUserFeed } from "./feed.ts";
import { fullDate, relativeTime, useMinuteClock } from "./relative-time.ts";
import { ErrorLine } from "./ui/alert.tsx";
import { Button } from "./ui/button.tsx";

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
    return () => {
      clearInterval(timer);
      window.removeEventListener("focus", onFocus);
    };
  }, [refresh]);

  useEffect(() => {
    if (moved) void refresh();
  }, [moved, refresh]);

  if (error && !schedules) {
    return (
      <section aria-label="Upcoming follow-ups">
        <ErrorLine onRetry={() => void refresh()}>Follow-ups could not be loaded: {error}</ErrorLine>
      </section>
    );
  }
  if (!schedules || schedules.length === 0) return null;
  return (
    <section className="rounded-xl border border-border bg-card px-3.5 py-2 text-sm" aria-label="Upcoming follow-ups">
      <h2 className="text-xs font-medium text-muted-foreground">Upcoming follow-ups</h2>
      <ul className="mt-1 flex flex-col divide-y divide-border">
        {schedules.map((schedule) => (
          <FollowUp key={schedule.id} threadId={threadId} schedule={schedule} now={now} onChanged={refresh} />
        ))}
      </ul>
      {error ? <p className="text-xs text-muted-foreground">Could not refresh: {error}</p> : null}
    </section>
  );
}

function FollowUp({
  threadId,
  schedule,
  now,
  onChanged,
}: {
  threadId: string;
  schedule: Schedule;
  now: number;
  onChanged: () => Promise<void>;
}) {
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
    <li className="flex flex-wrap items-center gap-x-2 gap-y-1 py-1.5" data-testid="followup">
      <Clock aria-hidden className="size-4 shrink-0 text-muted-foreground" />
      <span className="font-medium" title={when.title}>
        {when.text}
      </span>
      <span className="min-w-0 flex-1 truncate text-muted-foreground" title={schedule.prompt}>
        “{schedule.prompt}”
      </span>
      {confirming ? (
        <span className="flex flex-wrap items-center gap-2" role="group" aria-label="Confirm cancelling">
          <span>Cancel this follow-up?</span>
          <Button variant="destructive" size="sm" className="h-7 px-2.5 text-xs" disabled={busy} onClick={cancel}>
            Yes, cancel it
          </Button>
          <Button variant="outline" size="sm" className="h-7 px-2.5 text-xs" disabled={busy} onClick={() => setConfirming(false)}>
            Keep it
          </Button>
        </span>
      ) : (
        <Button
          variant="ghost"
          size="sm"
          className="h-7 px-2 text-xs text-muted-foreground hover:text-foreground"
          onClick={() => setConfirming(true)}
        >
          Cancel…
        </Button>
      )}
      {error ? <ErrorLine className="basis-full">{error}</ErrorLine> : null}
    </li>
  );
}
