import type { ThreadListItem } from "@oa/protocol";
import { useEffect, useState, type KeyboardEvent } from "react";
import { api, type Me } from "./api.ts";
import { sortedThreads, userFeed, useUserFeed } from "./feed.ts";
import { navigate, type Route } from "./router.ts";

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

export function Sidebar({ user, route, onSignOut, onSignOutEverywhere }: { user: Me; route: Route; onSignOut: () => void; onSignOutEverywhere: () => void }) {
  const feed = useUserFeed();
  const [query, setQuery] = useState("");
  const [archived, setArchived] = useState(false);
  const [results, setResults] = useState<ThreadListItem[] | null>(null);

  // Search and the archive are server queries (titles in D1); the live list is the feed's.
  useEffect(() => {
    const q = query.trim();
    if (!q && !archived) {
      setResults(null);
      return;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      api.threads({ q: q || undefined, archived: archived ? "true" : undefined, limit: "100" }).then(
        (page) => !cancelled && setResults(page.threads),
        () => !cancelled && setResults([]),
      );
    }, 150);
    return () => ((cancelled = true), clearTimeout(timer));
    // Not re-run per feed event: listed rows are drawn from the live feed when it knows them.
  }, [query, archived]);

  const threads = results ?? sortedThreads(feed.threads, false);
  const activeId = route.name === "thread" ? route.threadId : null;

  const newChat = async () => {
    const { threadId } = await api.createThread("chat");
    navigate(`/t/${threadId}`);
  };

  return (
    <nav className="sidebar" aria-label="Threads">
      <div className="sidebar-head">
        <button className="primary new-chat" onClick={newChat}>
          + New chat
        </button>
        <span className={`live-dot ${feed.live ? "on" : ""}`} title={feed.live ? "Live" : "Reconnecting…"} aria-label={feed.live ? "Live" : "Reconnecting"} />
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
        <button className="link-button" aria-pressed={archived} onClick={() => setArchived(!archived)}>
          {archived ? "Back to threads" : "Archived"}
        </button>
      </div>
      <ul className="thread-list" data-testid="thread-list">
        {threads.map((thread) => (
          <ThreadItem key={thread.id} thread={feed.threads.get(thread.id) ?? thread} active={thread.id === activeId} />
        ))}
        {threads.length === 0 && feed.loaded ? <li className="muted empty">{query ? "No thread matches." : archived ? "Nothing archived." : "No threads yet."}</li> : null}
      </ul>
      {!results && feed.nextCursor ? (
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

function ThreadItem({ thread, active }: { thread: ThreadListItem; active: boolean }) {
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
    <li className={`thread-item ${active ? "active" : ""}`} data-thread-id={thread.id}>
      {renaming ? (
        <input aria-label="Thread title" value={title} autoFocus onChange={(event) => setTitle(event.target.value)} onKeyDown={onKey} onBlur={save} maxLength={200} />
      ) : (
        <Link to={`/t/${thread.id}`} className="thread-link">
          {thread.pinned ? <span aria-label="Pinned">★ </span> : null}
          <span className="thread-title">{label}</span>
          {thread.status === "running" ? <span className="badge running">Running…</span> : null}
          {thread.status === "awaiting_approval" ? <span className="badge warn">Needs approval</span> : null}
          {thread.status === "error" ? <span className="badge error">Error</span> : null}
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
