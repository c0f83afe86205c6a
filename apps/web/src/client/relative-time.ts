import { useEffect, useState } from "react";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "2 min ago", "in 10 min", "3 h ago", "yesterday", "5 days ago", then the date. */
export function relativeTime(at: number, now: number): string {
  const delta = at - now;
  const past = delta <= 0;
  const span = Math.abs(delta);
  const say = (amount: string) => (past ? `${amount} ago` : `in ${amount}`);
  if (span < MINUTE) return past ? "just now" : "in less than a minute";
  if (span < HOUR) return say(`${Math.round(span / MINUTE)} min`);
  if (span < DAY) return say(`${Math.round(span / HOUR)} h`);
  const days = Math.round(span / DAY);
  if (days === 1) return past ? "yesterday" : "tomorrow";
  if (days < 7) return say(`${days} days`);
  return new Date(at).toLocaleDateString();
}

export function fullDate(at: number): string {
  return new Date(at).toLocaleString();
}

/** The current time, re-read every minute so relative times stay true while the page is open. */
export function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), MINUTE);
    return () => clearInterval(timer);
  }, []);
  return now;
}
