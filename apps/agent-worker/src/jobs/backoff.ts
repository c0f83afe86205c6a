/** A failed job step waits this long times 2^attempt before the next try (up to MAX_BACKOFF_MS). */
export const BACKOFF_BASE_MS = 1000;
export const MAX_BACKOFF_MS = 5 * 60_000;

/** How long a job waits before retrying a step that failed for the `attempt`-th time. (No imports: tests derive their waits from it.) */
export function retryDelayMs(attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, 2 ** attempt * BACKOFF_BASE_MS);
}
