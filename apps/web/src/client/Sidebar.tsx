import type { ThreadListItem } from "@oa/protocol";
import { Archive, ArrowLeft, Inbox, LoaderCircle, Search, Server, SquarePen } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { AccountMenu } from "./account-menu.tsx";
import { api, type Me } from "./api.ts";
import { Connection } from "./connection-status.tsx";
import { sortedThreads, userFeed, useUserFeed } from "./feed.ts";
import { cn } from "./lib/cn.ts";
import { useMinuteClock } from "./relative-time.ts";
import { navigate, type Route, useTargetMessage } from "./router.ts";
import { MessageHits } from "./search-results.tsx";
import { rowClass, ThreadItem } from "./sidebar-thread-row.tsx";
import { Badge } from "./ui/badge.tsx";
import { Button } from "./ui/button.tsx";
import { Input } from "./ui/input.tsx";
import { Link } from "./ui/link.tsx";
import { Logo } from "./ui/logo.tsx";
import { StackedErrorLine } from "./ui/stacked-error-line.tsx";
import { ThemeToggle } from "./ui/theme-toggle.tsx";
import { useUnread } from "./unread.ts";

/** How long typing pauses before the search asks the server. */
const SEARCH_DEBOUNCE_MS = 150;
/** The most rows a search or the archive lists. */
const SEARCH_LIMIT = 100;

type Results = { status: "loading" } | { status: "error"; message: string } | { status: "ok"; threads: ThreadListItem[] };

export function Sidebar({
  user,
  route,
  onNavigate,
  onSignOut,
  onSignOutEverywhere,
  inDrawer = false,
}: {
  user: Me;
  route: Route;
  /** Any move to another screen (the phone drawer closes on it, even to the screen already open). */
  onNavigate?: () => void;
  onSignOut: () => void;
  onSignOutEverywhere: () => void;
  /** In the phone drawer its close button sits at the top right: the header leaves it room. */
  inDrawer?: boolean;
}) {
  const feed = useUserFeed();
  const [query, setQuery] = useState("");
  const [archived, setArchived] = useState(false);
  const [results, setResults] = useState<Results | null>(null);
  const [attempt, setAttempt] = useState(0);
  const now = useMinuteClock();
  const activeId = route.name === "thread" ? route.threadId : null;
  const unread = useUnread(user.id, feed.threads, activeId);
  const listHeading = useRef<HTMLHeadingElement>(null);
  const targetMessage = useTargetMessage();

  // Search and the archive are server queries (titles in D1); the live list is the feed's.
  useEffect(() => {
    const q = query.trim();
    if (!q && !archived) {
      setResults(null);
      return;
    }
    let cancelled = false;
    setResults({ status: "loading" });
    const timer = setTimeout(() => {
      api.threads({ q: q || undefined, archived: archived ? "true" : undefined, limit: String(SEARCH_LIMIT) }).then(
        (page) => !cancelled && setResults({ status: "ok", threads: page.threads }),
        (failure: Error) => !cancelled && setResults({ status: "error", message: failure.message }),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
    // Not re-run per feed event: listed rows are drawn from the live feed when it knows them.
  }, [query, archived, attempt]);

  const threads = listed(feed.threads, results, archived, query.trim() !== "").filter((thread) => !feed.deleted.has(thread.id));
  const searching = results !== null;
  const listState = searching
    ? results.status === "error"
      ? {
          error: `${archived ? "The archive" : "The search"} could not be loaded — ${results.message}`,
          retry: () => setAttempt(attempt + 1),
        }
      : results.status === "loading" && threads.length === 0
        ? { loading: true }
        : null
    : !feed.loaded
      ? feed.error
        ? { error: `Your threads could not be loaded — ${feed.error}`, retry: () => void userFeed.reload() }
        : { loading: true }
      : null;

  const go = (to: string) => {
    navigate(to);
    onNavigate?.();
  };
  const showArchive = (show: boolean) => {
    setArchived(show);
    // The list's heading says where the person now is; focus goes there, not to the top of the page.
    requestAnimationFrame(() => listHeading.current?.focus());
  };

  return (
    <nav aria-label="Threads" className="flex h-full min-h-0 flex-col bg-sidebar text-sidebar-foreground">
      <div className="flex flex-col gap-1 p-2">
        <div className={cn("flex h-10 items-center gap-2 px-2", inDrawer && "pr-10")}>
          <Logo />
          <span className="min-w-0 truncate font-semibold tracking-tight">OpenAgents</span>
          <Connection state={feed.connection} />
        </div>
        <Button variant="ghost" className={cn(rowClass, "h-auto justify-start font-normal")} onClick={() => go("/")}>
          <SquarePen aria-hidden />
          New chat
        </Button>
        <div className="relative mt-1">
          <Search aria-hidden className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" />
          <Input
            type="search"
            placeholder="Search"
            aria-label="Search threads"
            className="h-8 bg-background pl-8"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
        </div>
      </div>

      <div className="min-h-0 flex-1 overflow-y-auto px-2 pb-2">
        <ul className="flex flex-col gap-0.5">
          <li>
            <Link
              to="/inbox"
              className={rowClass}
              aria-current={route.name === "inbox" ? "page" : undefined}
              onClick={() => onNavigate?.()}
            >
              <Inbox aria-hidden />
              <span className="flex-1 truncate">Approvals</span>
              {feed.inbox.length > 0 ? (
                <Badge tone="warning" className="px-1.5" data-testid="inbox-count">
                  {feed.inbox.length}
                </Badge>
              ) : null}
            </Link>
          </li>
          <li>
            <Link
              to="/openclaw"
              className={rowClass}
              aria-current={route.name === "openclaw" ? "page" : undefined}
              onClick={() => onNavigate?.()}
            >
              <Server aria-hidden />
              <span className="flex-1 truncate">OpenClaw</span>
            </Link>
          </li>
          <li>
            <button type="button" className={cn(rowClass, "cursor-pointer")} aria-pressed={archived} onClick={() => showArchive(!archived)}>
              <Archive aria-hidden />
              <span className="flex-1 truncate text-left">Archived</span>
            </button>
          </li>
        </ul>

        <div className="flex h-9 items-center justify-between gap-2 px-2 pt-3">
          <h2 ref={listHeading} tabIndex={-1} className="text-xs font-medium text-muted-foreground outline-none">
            {archived ? "Archived" : "Chats"}
          </h2>
          {archived ? (
            <Button variant="ghost" size="sm" className="-mr-2 h-7 px-2 text-xs" onClick={() => showArchive(false)}>
              <ArrowLeft aria-hidden className="size-3.5" />
              Back to threads
            </Button>
          ) : null}
        </div>
        <ul className="flex flex-col gap-0.5" data-testid="thread-list" aria-busy={listState && "loading" in listState ? true : undefined}>
          {threads.map((thread) => (
            <ThreadItem
              key={thread.id}
              thread={thread}
              active={thread.id === activeId}
              unread={unread.has(thread.id)}
              now={now}
              onNavigate={onNavigate}
              listHeading={listHeading}
            />
          ))}
          {listState && "error" in listState ? (
            <li className="px-1 py-1">
              <StackedErrorLine onRetry={listState.retry}>{listState.error}</StackedErrorLine>
            </li>
          ) : listState ? (
            <li className="flex items-center gap-2 px-2 py-1.5 text-sm text-muted-foreground">
              <LoaderCircle aria-hidden className="size-4 animate-spin" />
              Loading…
            </li>
          ) : threads.length === 0 ? (
            <li className="px-2 py-1.5 text-sm text-muted-foreground">
              {query.trim() ? "No thread matches." : archived ? "Nothing archived." : "No threads yet."}
            </li>
          ) : null}
          {!searching && feed.loaded && feed.error ? (
            <li className="px-2 py-1.5 text-xs text-muted-foreground">Could not refresh the list — {feed.error}</li>
          ) : null}
        </ul>
        {/* Titles above (D1), the words of messages here (the user's search index); not in the archive view. */}
        {!archived ? <MessageHits query={query} now={now} activeMessage={targetMessage} onNavigate={onNavigate} /> : null}
        {!searching && feed.nextCursor ? (
          <Button variant="ghost" size="sm" className="mt-1 w-full text-muted-foreground" onClick={() => void userFeed.loadMore()}>
            Load more
          </Button>
        ) : null}
      </div>

      <div className="flex items-center gap-1 border-t border-sidebar-border p-2">
        <AccountMenu user={user} onSignOut={onSignOut} onSignOutEverywhere={onSignOutEverywhere} />
        <ThemeToggle />
      </div>
    </nav>
  );
}

/**
 * The rows to show. Without a query, the live feed's threads. With a search or the archive, the
 * server's answer drawn from the live feed where it knows the row, so archiving, unarchiving and
 * renaming show at once; the archive also takes every archived thread the feed knows.
 */
function listed(live: Map<string, ThreadListItem>, results: Results | null, archived: boolean, searching: boolean): ThreadListItem[] {
  if (results === null) return sortedThreads(live, false);
  const rows = new Map<string, ThreadListItem>();
  if (results.status === "ok") for (const thread of results.threads) rows.set(thread.id, live.get(thread.id) ?? thread);
  if (archived && !searching) for (const thread of live.values()) if (thread.archived) rows.set(thread.id, thread);
  return sortedThreads(rows, archived);
}
