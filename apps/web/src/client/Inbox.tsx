import { type Decision, type InboxItem, toolLabel } from "@oa/protocol";
import { Check, CircleCheck, LoaderCircle, MessageSquare, X } from "lucide-react";
import { useLayoutEffect, useRef, useState } from "react";
import { api } from "./api.ts";
import { userFeed, useUserFeed } from "./feed.ts";
import { relativeTime } from "./relative-time.ts";
import { ErrorLine } from "./ui/alert.tsx";
import { RiskBadge } from "./ui/badge.tsx";
import { Button } from "./ui/button.tsx";
import { Input } from "./ui/input.tsx";
import { Link } from "./ui/link.tsx";

/** Every pending approval across the user's threads, decided in place. */
export function Inbox() {
  const feed = useUserFeed();
  const list = useRef<HTMLUListElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  // A decided item leaves the list: focus goes to the next one waiting (or the heading), not to the page's top.
  const onLeave = (index: number) =>
    requestAnimationFrame(() => {
      const items = list.current?.querySelectorAll<HTMLElement>("[data-testid=inbox-item]") ?? [];
      const next = items[Math.min(index, items.length - 1)];
      (next?.querySelector<HTMLElement>("input, button") ?? heading.current)?.focus();
    });

  return (
    <section aria-label="Approvals" className="flex min-h-0 flex-1 flex-col overflow-y-auto">
      <div className="mx-auto w-full max-w-3xl px-4 py-6 md:px-8 md:py-10">
        <h1 ref={heading} tabIndex={-1} className="text-2xl font-semibold tracking-tight outline-none">
          Approvals
        </h1>
        <p className="mt-1 text-sm text-muted-foreground">What your agent is waiting on you for, from every chat.</p>
        <div className="mt-6 flex flex-col gap-3">
          {feed.error ? (
            <ErrorLine onRetry={() => void userFeed.reload().catch(() => undefined)}>
              Your approvals could not be loaded — {feed.error}
            </ErrorLine>
          ) : null}
          {feed.inbox.length === 0 && feed.loaded && !feed.error ? (
            <div className="flex flex-col items-center gap-3 rounded-xl border border-dashed px-6 py-12 text-center">
              <span className="flex size-10 items-center justify-center rounded-full bg-success/10 text-success-text">
                <CircleCheck aria-hidden className="size-5" />
              </span>
              <p className="font-medium">Nothing is waiting for you.</p>
              <p className="max-w-sm text-sm text-muted-foreground">
                When your agent needs a yes before it acts, the request shows up here and in its chat.
              </p>
            </div>
          ) : null}
          {!feed.loaded && !feed.error ? (
            <p role="status" className="flex items-center gap-2 text-sm text-muted-foreground">
              <LoaderCircle aria-hidden className="size-4 animate-spin" />
              Loading your approvals…
            </p>
          ) : null}
          {feed.inbox.length > 0 ? (
            <ul ref={list} className="flex flex-col gap-3">
              {feed.inbox.map((item, index) => (
                <InboxEntry key={item.id} item={item} onLeave={() => onLeave(index)} />
              ))}
            </ul>
          ) : null}
        </div>
      </div>
    </section>
  );
}

function InboxEntry({ item, onLeave }: { item: InboxItem; onLeave: () => void }) {
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState<Decision | null>(null);
  const [error, setError] = useState<string | null>(null);
  const card = useRef<HTMLLIElement>(null);
  const leave = useRef(onLeave);
  leave.current = onLeave;

  // Runs before the card leaves the page, while it still holds the focus it had.
  useLayoutEffect(() => {
    const node = card.current;
    return () => {
      if (node?.contains(document.activeElement)) leave.current();
    };
  }, []);

  const decide = async (decision: Decision) => {
    setBusy(decision);
    setError(null);
    try {
      await api.respond(item.threadId, item.id, decision, decision === "rejected" ? reason.trim() || undefined : undefined);
    } catch (failure) {
      setError((failure as Error).message);
      // Someone else may have decided it: the feed has the truth.
      void userFeed.reload();
    } finally {
      setBusy(null);
    }
  };
  const expires = Date.parse(item.expiresAt);
  return (
    <li ref={card} data-testid="inbox-item" className="rounded-xl border bg-card p-4 text-card-foreground shadow-xs">
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="text-base font-semibold">{toolLabel(item.tool)}</h2>
        <RiskBadge risk={item.risk} />
      </div>
      <p className="mt-1.5 text-sm leading-relaxed">{item.summary}</p>
      <dl className="mt-3 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-muted-foreground">Chat</dt>
        <dd className="min-w-0">
          <Link
            to={`/t/${item.threadId}`}
            className="inline-flex max-w-full items-center gap-1.5 text-link underline-offset-4 hover:underline"
          >
            <MessageSquare aria-hidden className="size-3.5 shrink-0" />
            <span className="truncate">{item.threadTitle ?? "a chat"}</span>
          </Link>
        </dd>
        {item.cost ? (
          <>
            <dt className="text-muted-foreground">Cost</dt>
            <dd>{item.cost}</dd>
          </>
        ) : null}
        <dt className="text-muted-foreground">Expires</dt>
        <dd>
          <time dateTime={item.expiresAt} title={new Date(expires).toLocaleString()}>
            {relativeTime(expires, Date.now())}
          </time>
        </dd>
      </dl>
      <div className="mt-4 flex flex-col gap-2 sm:flex-row sm:items-center">
        <Input
          aria-label="Reason (optional)"
          placeholder="Reason (optional)"
          className="sm:flex-1"
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          maxLength={2000}
        />
        <div className="flex gap-2 max-sm:[&>*]:flex-1">
          <Button
            variant="outline"
            className="text-destructive-text hover:text-destructive-text"
            disabled={busy !== null}
            onClick={() => decide("rejected")}
          >
            {busy === "rejected" ? <LoaderCircle aria-hidden className="animate-spin" /> : <X aria-hidden />}
            Reject
          </Button>
          <Button disabled={busy !== null} onClick={() => decide("approved")}>
            {busy === "approved" ? <LoaderCircle aria-hidden className="animate-spin" /> : <Check aria-hidden />}
            Approve
          </Button>
        </div>
      </div>
      {error ? <ErrorLine className="mt-3">{error}</ErrorLine> : null}
    </li>
  );
}
