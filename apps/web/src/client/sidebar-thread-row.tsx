import type { ThreadListItem } from "@oa/protocol";
import { Archive, ArchiveRestore, CircleAlert, Ellipsis, LoaderCircle, Pencil, Pin, PinOff, Trash2, TriangleAlert } from "lucide-react";
import { type KeyboardEvent, type ReactNode, useLayoutEffect, useRef, useState } from "react";
import { api } from "./api.ts";
import { DeleteThreadDialog } from "./delete-thread-dialog.tsx";
import { userFeed } from "./feed.ts";
import { cn } from "./lib/cn.ts";
import { fullDate, relativeTime } from "./relative-time.ts";
import { Button } from "./ui/button.tsx";
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuSeparator, DropdownMenuTrigger } from "./ui/dropdown-menu.tsx";
import { Input } from "./ui/input.tsx";
import { Link } from "./ui/link.tsx";

/** A sidebar row's look: the nav items and the thread rows share it, as in assistant-ui's thread list. */
export const rowClass =
  "flex w-full min-w-0 items-center gap-2 rounded-lg px-2 py-1.5 text-sm text-sidebar-foreground outline-none transition-colors hover:bg-sidebar-accent focus-visible:ring-2 focus-visible:ring-ring aria-[current=page]:bg-sidebar-accent aria-[current=page]:font-medium aria-pressed:bg-sidebar-accent aria-pressed:font-medium [&_svg]:size-4 [&_svg]:shrink-0";

/** What the row's menu does once it has closed (so focus can go where the person is, not to a removed row). */
type RowAction = "rename" | "pin" | "archive" | "delete";

export function ThreadItem({
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
          {unread ? (
            <span role="img" aria-label="unread" title="New since you last looked" className="size-2 shrink-0 rounded-full bg-primary" />
          ) : null}
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
