import type { ThreadListItem } from "@oa/protocol";
import { useEffect, useMemo, useState } from "react";

/** What this user has seen, per browser: each thread's last seen `lastEventAt`, and since when we count. */
type Seen = { since: string; threads: Record<string, string> };

const storageKey = (userId: string) => `oa.seen.${userId}`;

function readSeen(userId: string): Seen {
  try {
    const stored = JSON.parse(localStorage.getItem(storageKey(userId)) ?? "null") as Seen | null;
    if (stored && typeof stored.since === "string" && stored.threads && typeof stored.threads === "object") return stored;
  } catch {
    // Unreadable storage counts as a first visit.
  }
  // A first visit: everything already there counts as seen.
  const fresh = { since: new Date().toISOString(), threads: {} };
  writeSeen(userId, fresh);
  return fresh;
}

function writeSeen(userId: string, seen: Seen): void {
  try {
    localStorage.setItem(storageKey(userId), JSON.stringify(seen));
  } catch {
    // Storage full or off: unread marks then last for this page only.
  }
}

/**
 * Threads that moved while the user was not looking: their `lastEventAt` is newer than when the
 * user last had them open (or than the first visit). The open thread is always seen, and every
 * tab of this browser shares what was seen.
 */
export function useUnread(userId: string, threads: Map<string, ThreadListItem>, activeId: string | null): Set<string> {
  const [seen, setSeen] = useState<Seen>(() => readSeen(userId));

  useEffect(() => {
    setSeen(readSeen(userId));
    const onStorage = (event: StorageEvent) => {
      if (event.key === storageKey(userId)) setSeen(readSeen(userId));
    };
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, [userId]);

  const activeAt = activeId ? threads.get(activeId)?.lastEventAt : undefined;
  useEffect(() => {
    if (!activeId || !activeAt) return;
    const current = readSeen(userId);
    if (current.threads[activeId] !== undefined && current.threads[activeId]! >= activeAt) return;
    const next = { ...current, threads: { ...current.threads, [activeId]: activeAt } };
    writeSeen(userId, next);
    setSeen(next);
  }, [userId, activeId, activeAt]);

  return useMemo(() => {
    const unread = new Set<string>();
    for (const thread of threads.values()) {
      if (thread.id === activeId) continue;
      if (thread.lastEventAt > (seen.threads[thread.id] ?? seen.since)) unread.add(thread.id);
    }
    return unread;
  }, [threads, seen, activeId]);
}
