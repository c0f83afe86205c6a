import { vi } from "vitest";

export type WaitOptions = { timeoutMs?: number; intervalMs?: number; what?: string };

/** Polls `check` (with vitest's `vi.waitFor`) until it gives a truthy value, and resolves with it. */
export function waitUntil<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 15_000, intervalMs = 100, what = "a condition" }: WaitOptions = {},
): Promise<NonNullable<T>> {
  return vi.waitFor(
    async () => {
      const value = await check();
      if (!value) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      return value as NonNullable<T>;
    },
    { timeout: timeoutMs, interval: intervalMs },
  );
}
