/**
 * While a run is active the thread's alarm beats this often; after a crash that beat is what wakes
 * the thread to recover its run. (No imports: the whole-system tests derive their waits from it.)
 */
export const KEEP_ALIVE_INTERVAL_MS = 5_000;
