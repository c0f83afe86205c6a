import type { ThreadListItem } from "@oa/protocol";
import { useEffect, useState, type KeyboardEvent } from "react";
import { api, type Me } from "./api.ts";
import { sortedThreads, userFeed, useUserFeed } from "./feed.ts";
import { fullDate, relativeTime, useMinuteClock } from "./relative-time.ts";
import { navigate, type Route } from "./router.ts";
import { useUnread } from "./unread.ts";

function Link({ to, children, className, label }: { to: string; children: React.ReactNode; className?: string; label?: string }) {
  return (
    <a
      href={to}
      className={className}
      aria-label={label}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

type Results = { status: "loading" } | { status: "error"; message: string } | { status: "ok"; threads: ThreadListItem[] };

export function Sidebar({ user, route, onSignOut, onSignOutEverywhere }: { user: Me; route: Route; onSignOut: () => void; onSignOutEverywhere: () => void }) {
  const feed = useUserFeed();
  const [query, setQuery] = useState("");
  const [archived, setArchived] = useState(false);
  const [results, setResults] = useState<Results | null>(null);
  const [attempt, setAttempt] = useState(0);
  const now = useMinuteClock();
  const activeId = route.name === "thread" ? route.threadId : null;
  const unread = useUnread(user.id, feed.threads, activeId);

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
      api.threads({ q: q || undefined, archived: archived ? "true" : undefined, limit: "100" }).then(
        (page) => !cancelled && setResults({ status: "ok", threads: page.threads }),
        (failure: Error) => !cancelled && setResults({ status: "error", message: failure.message }),
      );
    }, 150);
    return () => ((cancelled = true), clearTimeout(timer));
    // Not re-run per feed event: listed rows are drawn from the live feed when it knows them.
  }, [query, archived, attempt]);

  const threads = listed(feed.threads, results, archived, query.trim() !== "");
  const searching = results !== null;
  const listState = searching
    ? results.status === "error"
      ? { error: `${archived ? "The archive" : "The search"} could not be loaded — ${results.message}`, retry: () => setAttempt(attempt + 1) }
      : results.status === "loading" && threads.length === 0
        ? { loading: true }
        : null
    : !feed.loaded
      ? feed.error
        ? { error: `Your threads could not be loaded — ${feed.error}`, retry: () => void userFeed.reload() }
        : { loading: true }
      : null;

  return (
    <nav className="sidebar" aria-label="Threads">
      <div className="sidebar-head">
        <button className="primary new-chat" onClick={() => navigate("/")}>
          + New chat
        </button>
        {feed.connection === "live" ? (
          <span className="live-dot on" title="Live" aria-label="Live" />
        ) : (
          <span className="connection" role="status">
            {feed.connection === "reconnecting" ? "Reconnecting…" : "Connecting…"}
          </span>
        )}
      </div>
      <input className="search" type="search" placeholder="Search titles" aria-label="Search threads" value={query} onChange={(event) => setQuery(event.target.value)} />
      <div className="sidebar-links">
        <Link to="/inbox" className={route.name === "inbox" ? "active" : ""}>
          Approvals{" "}
          {feed.inbox.length > 0 ? (
            <span className="badge warn" data-testid="inbox-count">
              {feed.inbox.length}
            </span>
          ) : null}
        </Link>
        <Link to="/openclaw" className={route.name === "openclaw" ? "active" : ""}>
          OpenClaw
        </Link>
        {archived ? null : (
          <button className="link-button" onClick={() => setArchived(true)}>
            Archived
          </button>
        )}
      </div>
      {archived ? (
        <div className="archived-head">
          <h3>Archived</h3>
          <button className="link-button" onClick={() => setArchived(false)}>
            ← Back to threads
          </button>
        </div>
      ) : null}
      <ul className="thread-list" data-testid="thread-list" aria-busy={listState && "loading" in listState ? true : undefined}>
        {threads.map((thread) => (
          <ThreadItem key={thread.id} thread={thread} active={thread.id === activeId} unread={unread.has(thread.id)} now={now} />
        ))}
        {listState && "error" in listState ? (
          <li className="list-state" role="alert">
            <p className="error">{listState.error}</p>
            <button onClick={listState.retry}>Try again</button>
          </li>
        ) : listState ? (
          <li className="muted list-state">Loading…</li>
        ) : threads.length === 0 ? (
          <li className="muted empty">{query.trim() ? "No thread matches." : archived ? "Nothing archived." : "No threads yet."}</li>
        ) : null}
        {!searching && feed.loaded && feed.error ? <li className="muted list-state">Could not refresh the list — {feed.error}</li> : null}
      </ul>
      {!searching && feed.nextCursor ? (
        <button className="link-button" onClick={() => userFeed.loadMore()}>
          Load more
        </button>
      ) : null}
      <div className="sidebar-foot">
        <span className="muted" title={user.id}>
          {user.name}
        </span>
        <button className="link-button" onClick={onSignOut}>
          Sign out
        </button>
        <button className="link-button" onClick={onSignOutEverywhere} title="Ends your sessions on every device and browser">
          Sign out everywhere
        </button>
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

function ThreadItem({ thread, active, unread, now }: { thread: ThreadListItem; active: boolean; unread: boolean; now: number }) {
  const [renaming, setRenaming] = useState(false);
  const [title, setTitle] = useState(thread.title ?? "");
  const label = thread.title ?? "New chat";

  const save = async () => {
    const next = title.trim();
    setRenaming(false);
    if (!next || next === thread.title) return;
    userFeed.patchLocal(thread.id, { title: next });
    await api.patchThread(thread.id, { title: next });
  };
  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter") void save();
    if (event.key === "Escape") setRenaming(false);
  };
  const toggle = async (field: "pinned" | "archived") => {
    userFeed.patchLocal(thread.id, { [field]: !thread[field] });
    await api.patchThread(thread.id, { [field]: !thread[field] });
  };

  return (
    <li className={`thread-item ${active ? "active" : ""} ${unread ? "unread" : ""}`} data-thread-id={thread.id}>
      {renaming ? (
        <input aria-label="Thread title" value={title} autoFocus onChange={(event) => setTitle(event.target.value)} onKeyDown={onKey} onBlur={save} maxLength={200} />
      ) : (
        <Link to={`/t/${thread.id}`} className="thread-link">
          {thread.pinned ? <span aria-label="Pinned">★ </span> : null}
          {unread ? <span className="unread-dot" role="img" aria-label="unread" title="New since you last looked" /> : null}
          <span className="thread-title">{label}</span>
          {thread.status === "running" ? <span className="badge running">Running…</span> : null}
          {thread.status === "awaiting_approval" ? <span className="badge warn">Needs approval</span> : null}
          {thread.status === "error" ? <span className="badge error">Error</span> : null}
          <time className="thread-time" dateTime={thread.lastEventAt} title={fullDate(Date.parse(thread.lastEventAt))}>
            {/* Re-read each minute (`now`) and on every change; a clock a little behind the server's is "just now". */}
            {relativeTime(Math.min(Date.parse(thread.lastEventAt), Math.max(now, Date.now())), Math.max(now, Date.now()))}
          </time>
        </Link>
      )}
      <div className="thread-actions">
        <button className="icon-button" aria-label={`Rename ${label}`} title="Rename" onClick={() => (setTitle(thread.title ?? ""), setRenaming(true))}>
          ✎
        </button>
        <button className="icon-button" aria-label={`${thread.pinned ? "Unpin" : "Pin"} ${label}`} title={thread.pinned ? "Unpin" : "Pin"} onClick={() => toggle("pinned")}>
          {thread.pinned ? "☆" : "★"}
        </button>
        <button className="icon-button" aria-label={`${thread.archived ? "Unarchive" : "Archive"} ${label}`} title={thread.archived ? "Unarchive" : "Archive"} onClick={() => toggle("archived")}>
          {thread.archived ? "↺" : "⤓"}
        </button>
      </div>
    </li>
  );
}
