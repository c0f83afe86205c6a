import type { ThreadListItem } from "@oa/protocol";
import { Archive, ArchiveRestore, ArrowLeft, CircleAlert, Ellipsis, Inbox, LoaderCircle, LogOut, MonitorSmartphone, Pencil, Pin, PinOff, Search, Server, SquarePen, Trash2, TriangleAlert } from "lucide-react";
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { api, type Me } from "./api.ts";
import { DeleteThreadDialog } from "./delete-thread-dialog.tsx";
import { sortedThreads, userFeed, useUserFeed } from "./feed.ts";
import { cn } from "./lib/cn.ts";
import { fullDate, relativeTime, useMinuteClock } from "./relative-time.ts";
import { navigate, useTargetMessage, type Route } from "./router.ts";
import { MessageHits } from "./search-results.tsx";
import { Badge } from "./ui/badge.tsx";
import { Button } from "./ui/button.tsx";
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuLabel, DropdownMenuSeparator, DropdownMenuTrigger } from "./ui/dropdown-menu.tsx";
import { Input } from "./ui/input.tsx";
import { Link } from "./ui/link.tsx";
import { Logo } from "./ui/logo.tsx";
import { StackedErrorLine } from "./ui/stacked-error-line.tsx";
import { ThemeToggle } from "./ui/theme-toggle.tsx";
import { Tooltip } from "./ui/tooltip.tsx";
import { useUnread } from "./unread.ts";

type Results = { status: "loading" } | { status: "error"; message: string } | { status: "ok"; threads: ThreadListItem[] };

/** A sidebar row's look: the nav items and the thread rows share it, as in assistant-ui's thread list. */
const rowClass =
  "flex w-full min-w-0 items-center gap-2 rounded-lg px-2 py-1.5 text-sm text-sidebar-foreground outline-none transition-colors hover:bg-sidebar-accent focus-visible:ring-2 focus-visible:ring-ring aria-[current=page]:bg-sidebar-accent aria-[current=page]:font-medium aria-pressed:bg-sidebar-accent aria-pressed:font-medium [&_svg]:size-4 [&_svg]:shrink-0";

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
      api.threads({ q: q || undefined, archived: archived ? "true" : undefined, limit: "100" }).then(
        (page) => !cancelled && setResults({ status: "ok", threads: page.threads }),
        (failure: Error) => !cancelled && setResults({ status: "error", message: failure.message }),
      );
    }, 150);
    return () => ((cancelled = true), clearTimeout(timer));
    // Not re-run per feed event: listed rows are drawn from the live feed when it knows them.
  }, [query, archived, attempt]);

  const threads = listed(feed.threads, results, archived, query.trim() !== "").filter((thread) => !feed.deleted.has(thread.id));
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
          <Input type="search" placeholder="Search" aria-label="Search threads" className="h-8 bg-background pl-8" value={query} onChange={(event) => setQuery(event.target.value)} />
        </div>
      </div>

      <div className="min-h-0 flex-1 overflow-y-auto px-2 pb-2">
        <ul className="flex flex-col gap-0.5">
          <li>
            <Link to="/inbox" className={rowClass} aria-current={route.name === "inbox" ? "page" : undefined} onClick={() => onNavigate?.()}>
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
            <Link to="/openclaw" className={rowClass} aria-current={route.name === "openclaw" ? "page" : undefined} onClick={() => onNavigate?.()}>
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
            <ThreadItem key={thread.id} thread={thread} active={thread.id === activeId} unread={unread.has(thread.id)} now={now} onNavigate={onNavigate} listHeading={listHeading} />
          ))}
          {listState && "error" in listState ? (
            <li className="px-1 py-1">
              <StackedErrorLine onRetry={listState.retry}>
                {listState.error}
              </StackedErrorLine>
            </li>
          ) : listState ? (
            <li className="flex items-center gap-2 px-2 py-1.5 text-sm text-muted-foreground">
              <LoaderCircle aria-hidden className="size-4 animate-spin" />
              Loading…
            </li>
          ) : threads.length === 0 ? (
            <li className="px-2 py-1.5 text-sm text-muted-foreground">{query.trim() ? "No thread matches." : archived ? "Nothing archived." : "No threads yet."}</li>
          ) : null}
          {!searching && feed.loaded && feed.error ? <li className="px-2 py-1.5 text-xs text-muted-foreground">Could not refresh the list — {feed.error}</li> : null}
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

/** The live feed's state: a quiet dot while live, words while it is not (a grey dot alone says nothing). */
function Connection({ state }: { state: "connecting" | "live" | "reconnecting" }) {
  return (
    <span role="status" className="ml-auto flex shrink-0 items-center gap-1.5 text-xs">
      {state === "live" ? (
        <span title="Live — changes show as they happen" className="flex items-center">
          <span aria-hidden className="size-2 rounded-full bg-success" />
          <span className="sr-only">Live</span>
        </span>
      ) : (
        <span className={state === "reconnecting" ? "text-warning-text" : "text-muted-foreground"}>{state === "reconnecting" ? "Reconnecting…" : "Connecting…"}</span>
      )}
    </span>
  );
}

function AccountMenu({ user, onSignOut, onSignOutEverywhere }: { user: Me; onSignOut: () => void; onSignOutEverywhere: () => void }) {
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" className="h-10 min-w-0 flex-1 justify-start gap-2 px-2">
          {/* The initial is drawn by CSS, so the button's name is its words: "Account: <name>". */}
          <span
            aria-hidden
            data-initial={user.name.trim().charAt(0) || "?"}
            className="flex size-7 shrink-0 items-center justify-center rounded-full bg-primary text-xs font-semibold text-primary-foreground uppercase before:content-[attr(data-initial)]"
          />
          <span className="sr-only">Account: </span>
          <span className="truncate">{user.name}</span>
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent side="top" align="start" className="w-60">
        <DropdownMenuLabel className="truncate" title={user.id}>
          Signed in as {user.name}
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={onSignOut}>
          <LogOut aria-hidden />
          Sign out
        </DropdownMenuItem>
        <DropdownMenuItem onSelect={onSignOutEverywhere} title="Ends your sessions on every device and browser">
          <MonitorSmartphone aria-hidden />
          Sign out everywhere
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
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

/** What the row's menu does once it has closed (so focus can go where the person is, not to a removed row). */
type RowAction = "rename" | "pin" | "archive" | "delete";

function ThreadItem({
  thread,
  active,
  unread,
  now,
  onNavigate,
  listHeading,
}: {
  thread: ThreadListItem;
  active: boolean;
  unread: boolean;
  now: number;
  onNavigate?: () => void;
  listHeading: React.RefObject<HTMLHeadingElement | null>;
}) {
  const [renaming, setRenaming] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [title, setTitle] = useState(thread.title ?? "");
  const pending = useRef<RowAction | null>(null);
  // Enter saves, and so does the blur of the field leaving the page: once.
  const saved = useRef(false);
  const refocus = useRef(false);
  const row = useRef<HTMLLIElement>(null);
  const link = useRef<HTMLAnchorElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const label = thread.title ?? "New chat";
  const nowOrLater = Math.max(now, Date.now());

  // After Enter or Escape in the rename field, focus goes back to the row it renamed.
  useLayoutEffect(() => {
    if (renaming || !refocus.current) return;
    refocus.current = false;
    link.current?.focus();
  }, [renaming]);

  const save = async () => {
    if (saved.current) return;
    saved.current = true;
    const next = title.trim();
    setRenaming(false);
    if (!next || next === thread.title) return;
    userFeed.patchLocal(thread.id, { title: next });
    await api.patchThread(thread.id, { title: next }).catch(() => userFeed.reload());
  };
  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter") {
      refocus.current = true;
      void save();
    }
    if (event.key === "Escape") {
      saved.current = true;
      refocus.current = true;
      setRenaming(false);
    }
  };
  const toggle = (field: "pinned" | "archived") => {
    userFeed.patchLocal(thread.id, { [field]: !thread[field] });
    // A refused change: the feed reads the truth again rather than keep a row that lies.
    void api.patchThread(thread.id, { [field]: !thread[field] }).catch(() => userFeed.reload());
  };
  const afterMenu = (event: Event) => {
    const action = pending.current;
    pending.current = null;
    if (!action) return;
    event.preventDefault();
    if (action === "rename") {
      saved.current = false;
      setTitle(thread.title ?? "");
      setRenaming(true);
    } else if (action === "delete") {
      setConfirmDelete(true);
    } else if (action === "pin") {
      toggle("pinned");
      requestAnimationFrame(() => trigger.current?.focus());
    } else {
      // The row leaves this list: focus moves to its neighbour, or to the list's heading.
      const neighbour = (row.current?.nextElementSibling ?? row.current?.previousElementSibling)?.querySelector<HTMLElement>("a[href]");
      toggle("archived");
      requestAnimationFrame(() => (neighbour?.isConnected ? neighbour : listHeading.current)?.focus());
    }
  };

  return (
    <li ref={row} className="group/row relative" data-thread-id={thread.id}>
      {renaming ? (
        <Input
          aria-label="Thread title"
          data-renaming
          className="h-8 bg-background"
          value={title}
          autoFocus
          onFocus={(event) => event.currentTarget.select()}
          onChange={(event) => setTitle(event.target.value)}
          onKeyDown={onKey}
          onBlur={save}
          maxLength={200}
        />
      ) : (
        <Link
          ref={link}
          to={`/t/${thread.id}`}
          aria-current={active ? "page" : undefined}
          className={cn(rowClass, "pr-2 group-has-[[data-state=open]]/row:bg-sidebar-accent max-md:pr-10 pointer-coarse:pr-10")}
          onClick={() => onNavigate?.()}
        >
          {unread ? <span role="img" aria-label="unread" title="New since you last looked" className="size-2 shrink-0 rounded-full bg-primary" /> : null}
          {thread.pinned ? (
            <span role="img" aria-label="Pinned" title="Pinned" className="flex text-muted-foreground">
              <Pin aria-hidden className="size-3.5!" />
            </span>
          ) : null}
          <span className={cn("min-w-0 flex-1 truncate", unread && "font-semibold")}>{label}</span>
          <ThreadStatus status={thread.status} />
          <time
            dateTime={thread.lastEventAt}
            title={fullDate(Date.parse(thread.lastEventAt))}
            className="shrink-0 text-xs font-normal text-muted-foreground md:pointer-fine:group-focus-within/row:opacity-0 md:pointer-fine:group-hover/row:opacity-0 md:pointer-fine:group-has-[[data-state=open]]/row:opacity-0"
          >
            {/* Re-read each minute (`now`) and on every change; a clock a little behind the server's is "just now". */}
            {relativeTime(Math.min(Date.parse(thread.lastEventAt), nowOrLater), nowOrLater)}
          </time>
        </Link>
      )}
      {renaming ? null : (
        <DropdownMenu>
          <DropdownMenuTrigger asChild>
            <Button
              ref={trigger}
              variant="ghost"
              size="icon-sm"
              aria-label={`Actions for ${label}`}
              title="More"
              className="absolute top-1/2 right-1 size-7 -translate-y-1/2 text-muted-foreground hover:bg-transparent hover:text-foreground data-[state=open]:opacity-100 md:pointer-fine:opacity-0 md:pointer-fine:group-focus-within/row:opacity-100 md:pointer-fine:group-hover/row:opacity-100"
            >
              <Ellipsis aria-hidden />
            </Button>
          </DropdownMenuTrigger>
          <DropdownMenuContent align="start" className="w-44" onCloseAutoFocus={afterMenu}>
            <DropdownMenuItem onSelect={() => (pending.current = "rename")}>
              <Pencil aria-hidden />
              Rename
            </DropdownMenuItem>
            <DropdownMenuItem onSelect={() => (pending.current = "pin")}>
              {thread.pinned ? <PinOff aria-hidden /> : <Pin aria-hidden />}
              {thread.pinned ? "Unpin" : "Pin"}
            </DropdownMenuItem>
            <DropdownMenuItem onSelect={() => (pending.current = "archive")}>
              {thread.archived ? <ArchiveRestore aria-hidden /> : <Archive aria-hidden />}
              {thread.archived ? "Unarchive" : "Archive"}
            </DropdownMenuItem>
            <DropdownMenuSeparator />
            <DropdownMenuItem variant="destructive" onSelect={() => (pending.current = "delete")}>
              <Trash2 aria-hidden />
              Delete…
            </DropdownMenuItem>
          </DropdownMenuContent>
        </DropdownMenu>
      )}
      <DeleteThreadDialog
        threadId={thread.id}
        title={label}
        open={confirmDelete}
        onOpenChange={setConfirmDelete}
        isOpenHere={active}
        onClosed={(deleted) => {
          // Kept: back to the row's menu button. Deleted: the row goes, so its neighbour (or the list's heading).
          if (!deleted) return requestAnimationFrame(() => trigger.current?.focus());
          const neighbour = (row.current?.nextElementSibling ?? row.current?.previousElementSibling)?.querySelector<HTMLElement>("a[href]");
          requestAnimationFrame(() => (neighbour?.isConnected ? neighbour : listHeading.current)?.focus());
        }}
      />
    </li>
  );
}

/** Running, waiting for a yes, or failed: a small icon that leaves the title its width, named for screen readers. */
function ThreadStatus({ status }: { status: ThreadListItem["status"] }): ReactNode {
  const shown =
    status === "running"
      ? { Icon: LoaderCircle, text: "Running…", className: "animate-spin text-muted-foreground" }
      : status === "awaiting_approval"
        ? { Icon: TriangleAlert, text: "Needs approval", className: "text-warning-text" }
        : status === "error"
          ? { Icon: CircleAlert, text: "Error", className: "text-destructive-text" }
          : null;
  if (!shown) return null;
  return (
    <span title={shown.text} className="flex shrink-0">
      <shown.Icon aria-hidden className={cn("size-3.5!", shown.className)} />
      <span className="sr-only">{shown.text}</span>
    </span>
  );
}
