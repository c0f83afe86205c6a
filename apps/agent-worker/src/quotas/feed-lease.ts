import { HEARTBEAT_MS } from "../http/event-feed.ts";
import type { LeaseRequest } from "./quota.ts";

/**
 * An open event feed's quota slot lives this long past its last heartbeat: a feed whose close was
 * never heard (a crash, an evicted object) frees its slot by itself.
 */
export const FEED_LEASE_MS = 3 * HEARTBEAT_MS;

/** A new slot for one feed connection (thread feeds name their thread; the user feed does not). */
export function feedLease(threadId: string | null, now = Date.now()): LeaseRequest {
  return { kind: "feed", id: `feed_${crypto.randomUUID()}`, threadId, expiresAt: now + FEED_LEASE_MS };
}
