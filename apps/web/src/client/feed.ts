import type { InboxItem, ThreadListItem, UserEvent } from "@oa/protocol";
import { useSyncExternalStore } from "react";
import { api } from "./api.ts";
import { backoffDelay, LiveSource } from "./live-source.ts";

/** How many threads one read of the list asks for ("Load more" reads the next as many). */
const THREAD_PAGE_SIZE = 100;

type State = {
  threads: Map<string, ThreadListItem>;
  nextCursor: string | null;
  inbox: InboxItem[];
  live: boolean;
  /** `connecting` until the feed first opens; `reconnecting` after it dropped, until it is back. */
  connection: "connecting" | "live" | "reconnecting";
  loaded: boolean;
  /** Threads deleted while this tab was open (here or in another tab): an open one says so. */
  deleted: ReadonlySet<string>;
  /** Why the list and inbox could not be (re)loaded; null once they were. Unknown is never shown as empty. */
  error: string | null;
};

/** What the feed knows before it has read anything. */
const emptyState = (): State => ({
  threads: new Map(),
  nextCursor: null,
  inbox: [],
  live: false,
  connection: "connecting",
  loaded: false,
  error: null,
  deleted: new Set(),
});

/**
 * The signed-in user's sidebar and inbox, kept live by the user feed (`GET /events`): one
 * stream per tab that reconnects by itself from the last event it saw, and reloads the list and
 * inbox whenever it comes back (what changed while it was down is read again, not guessed).
 */
class UserFeed {
  private state: State = emptyState();
  private readonly listeners = new Set<() => void>();
  private source: LiveSource | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private loading: Promise<void> | null = null;

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = () => this.state;

  private set(patch: Partial<State>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  start(): void {
    if (this.source) return;
    this.source = new LiveSource({
      url: (after) => (after === null ? "/events" : `/events?after=${after}`),
      onMessage: (data) => this.apply(JSON.parse(data) as UserEvent),
      onStatus: (connection) => this.set({ live: connection === "live", connection }),
      onOpen: (again) => {
        if (again) void this.reload();
      },
    });
    void this.reload();
  }

  stop(): void {
    this.source?.close();
    this.source = null;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.attempt = 0;
    this.loading = null;
    this.state = emptyState();
  }

  /** Reads the list and inbox again; a failure says why and tries again with backoff. */
  async reload(): Promise<void> {
    if (this.loading) return this.loading;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const source = this.source;
    this.loading = (async () => {
      try {
        const [page, inbox] = await Promise.all([api.threads({ limit: String(THREAD_PAGE_SIZE) }), api.inbox()]);
        if (this.source !== source) return;
        this.attempt = 0;
        this.set({
          threads: new Map(page.threads.map((thread) => [thread.id, thread])),
          nextCursor: page.nextCursor,
          inbox: inbox.approvals,
          loaded: true,
          error: null,
        });
      } catch (failure) {
        if (this.source !== source || !source) return;
        const reason = failure instanceof Error && !(failure instanceof TypeError) ? failure.message : "Could not reach the server.";
        this.set({ error: reason });
        this.retry = setTimeout(() => void this.reload(), backoffDelay(this.attempt++));
      }
    })().finally(() => (this.loading = null));
    return this.loading;
  }

  async loadMore(): Promise<void> {
    if (!this.state.nextCursor) return;
    const page = await api.threads({ limit: String(THREAD_PAGE_SIZE), cursor: this.state.nextCursor });
    const threads = new Map(this.state.threads);
    for (const thread of page.threads) threads.set(thread.id, thread);
    this.set({ threads, nextCursor: page.nextCursor });
  }

  /** An optimistic local change (rename, pin, archive) before the feed confirms it. */
  patchLocal(id: string, patch: Partial<ThreadListItem>): void {
    const current = this.state.threads.get(id);
    if (!current) return;
    this.set({ threads: new Map(this.state.threads).set(id, { ...current, ...patch }) });
  }

  private apply(event: UserEvent): void {
    switch (event.type) {
      case "thread.created":
      case "thread.updated":
      case "thread.status":
        this.set({ threads: new Map(this.state.threads).set(event.threadId, event.thread) });
        return;
      case "thread.deleted": {
        const threads = new Map(this.state.threads);
        threads.delete(event.threadId);
        this.set({
          threads,
          inbox: this.state.inbox.filter((item) => item.threadId !== event.threadId),
          deleted: new Set(this.state.deleted).add(event.threadId),
        });
        return;
      }
      case "approval.requested":
        if (!this.state.inbox.some((item) => item.id === event.approval.id)) this.set({ inbox: [event.approval, ...this.state.inbox] });
        return;
      case "approval.resolved":
        this.set({ inbox: this.state.inbox.filter((item) => item.id !== event.approval.id) });
        return;
      case "snapshot":
        void this.reload();
        return;
    }
  }
}

export const userFeed = new UserFeed();

export function useUserFeed(): State {
  return useSyncExternalStore(userFeed.subscribe, userFeed.snapshot);
}

/** Sidebar order: pinned first, then the most recently active. */
export function sortedThreads(threads: Map<string, ThreadListItem>, archived: boolean): ThreadListItem[] {
  return [...threads.values()]
    .filter((thread) => thread.archived === archived)
    .sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.lastEventAt.localeCompare(a.lastEventAt) || b.id.localeCompare(a.id));
}
