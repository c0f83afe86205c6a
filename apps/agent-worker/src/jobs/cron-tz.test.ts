import { describe, expect, it } from "vitest";
import { assertTimeZone, nextCronRun } from "./cron-tz.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe("cron in a time zone", () => {
  it("runs at 9:00 Berlin time: 07:00 UTC in summer, 08:00 UTC in winter", () => {
    expect(iso(nextCronRun("0 9 * * *", "Europe/Berlin", at("2026-07-01T10:00:00Z")))).toBe("2026-07-02T07:00:00.000Z");
    expect(iso(nextCronRun("0 9 * * *", "Europe/Berlin", at("2026-01-15T06:00:00Z")))).toBe("2026-01-15T08:00:00.000Z");
  });

  it("crosses the DST change correctly", () => {
    // Berlin moves to summer time on 2026-03-29.
    expect(iso(nextCronRun("0 9 * * *", "Europe/Berlin", at("2026-03-28T09:00:00Z")))).toBe("2026-03-29T07:00:00.000Z");
    // New York moves back on 2026-11-01.
    expect(iso(nextCronRun("30 8 * * *", "America/New_York", at("2026-10-31T13:00:00Z")))).toBe("2026-11-01T13:30:00.000Z");
  });

  it("handles weekdays and UTC, and is strictly after the given time", () => {
    const monday = nextCronRun("0 8 * * 1", "UTC", at("2026-11-24T12:00:00Z")); // a Tuesday
    expect(iso(monday)).toBe("2026-11-30T08:00:00.000Z");
    const exact = at("2026-11-24T09:00:00Z");
    expect(nextCronRun("0 9 * * *", "UTC", exact)).toBeGreaterThan(exact);
  });

  it("refuses unknown zones", () => {
    expect(() => assertTimeZone("Mars/Olympus")).toThrow(/Unknown time zone/);
    expect(() => assertTimeZone("Asia/Tokyo")).not.toThrow();
  });
});
