import { parseCronExpression } from "cron-schedule";

/** Throws a readable error for an unknown IANA zone. */
export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone }).format(0);
  } catch {
    throw new Error(`Unknown time zone "${timeZone}"; use an IANA name such as Europe/Berlin or UTC.`);
  }
}

/** How far `timeZone`'s wall clock is ahead of UTC at `at`, in milliseconds. */
function zoneOffsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - Math.floor(at / 1000) * 1000;
}

/**
 * The next time after `after` that the 5-field cron expression matches on `timeZone`'s wall
 * clock. The cron library works in the runtime's zone (UTC on Workers), so the search runs on
 * a UTC-shifted copy of the wall clock and the answer is shifted back, re-checked across DST.
 */
export function nextCronRun(expression: string, timeZone: string, after: number): number {
  const cron = parseCronExpression(expression);
  const wallAfter = after + zoneOffsetMs(after, timeZone);
  const wallNext = cron.getNextDate(new Date(wallAfter)).getTime();
  let real = wallNext - zoneOffsetMs(wallNext, timeZone);
  real = wallNext - zoneOffsetMs(real, timeZone);
  return real <= after ? nextCronRun(expression, timeZone, after + 60_000) : real;
}

export function validateCron(expression: string): void {
  parseCronExpression(expression);
}
