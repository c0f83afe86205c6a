/** The sidebar search's message hits: words from any of the user's messages, ranked, each a link to the thread at that message. */
import type { SearchHit } from "@oa/protocol";
import { LoaderCircle, MessageSquareText } from "lucide-react";
import { useEffect, useState } from "react";
import { api, errorSentence } from "./api.ts";
import { useUserFeed } from "./feed.ts";
import { cn } from "./lib/cn.ts";
import { fullDate, relativeTime } from "./relative-time.ts";
import { Link } from "./ui/link.tsx";
import { StackedErrorLine } from "./ui/stacked-error-line.tsx";

/** Typing pauses this long before a search goes out; a newer query cancels the older request. */
const DEBOUNCE_MS = 250;
const HIT_LIMIT = 20;

type HitsState = { status: "loading" } | { status: "error"; message: string } | { status: "ok"; hits: SearchHit[] };

/** Where a hit opens: the thread, scrolled to the message (`?m=`). */
export function hitPath(hit: Pick<SearchHit, "threadId" | "messageId">): string {
  return `/t/${encodeURIComponent(hit.threadId)}?${new URLSearchParams({ m: hit.messageId })}`;
}

function useMessageHits(query: string): { state: HitsState | null; retry: () => void } {
  const [state, setState] = useState<HitsState | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setState(null);
      return;
    }
    setState({ status: "loading" });
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api.search(q, HIT_LIMIT, controller.signal).then(
        (result) => !controller.signal.aborted && setState({ status: "ok", hits: result.hits }),
        (failure: unknown) => !controller.signal.aborted && setState({ status: "error", message: errorSentence(failure) }),
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query, attempt]);
  return { state, retry: () => setAttempt((n) => n + 1) };
}

/** The matched words marked; every piece is text, never HTML. */
export function Snippet({ pieces }: { pieces: SearchHit["snippet"] }) {
  // Each piece is keyed by where it starts in the snippet: stable, and unique within it.
  let start = 0;
  const placed = pieces.map((piece) => {
    const at = start;
    start += piece.text.length;
    return { ...piece, at };
  });
  return (
    <>
      {placed.map((piece) =>
        piece.match ? (
          <mark key={piece.at} className="rounded-sm bg-warning/30 px-0.5 text-foreground">
            {piece.text}
          </mark>
        ) : (
          <span key={piece.at}>{piece.text}</span>
        ),
      )}
    </>
  );
}

export function MessageHits({
  query,
  now,
  activeMessage,
  onNavigate,
}: {
  query: string;
  now: number;
  activeMessage: string | null;
  onNavigate?: () => void;
}) {
  const { state: read, retry } = useMessageHits(query);
  // A thread deleted since the search answered (here or in another tab) has no hits any more.
  const { deleted } = useUserFeed();
  const state = read?.status === "ok" ? { ...read, hits: read.hits.filter((hit) => !deleted.has(hit.threadId)) } : read;
  if (state === null) return null;
  const nowOrLater = Math.max(now, Date.now());
  return (
    <section aria-labelledby="message-hits-heading" className="mt-1">
      <h2 id="message-hits-heading" className="flex h-9 items-center px-2 pt-3 text-xs font-medium text-muted-foreground">
        Messages
      </h2>
      <ul className="flex flex-col gap-0.5" data-testid="message-hits" aria-busy={state.status === "loading" ? true : undefined}>
        {state.status === "loading" ? (
          <li className="flex items-center gap-2 px-2 py-1.5 text-sm text-muted-foreground">
            <LoaderCircle aria-hidden className="size-4 animate-spin motion-reduce:animate-none" />
            Searching messages…
          </li>
        ) : state.status === "error" ? (
          <li className="px-1 py-1">
            <StackedErrorLine onRetry={retry} retryLabel="Retry">
              {`The message search could not be loaded — ${state.message}`}
            </StackedErrorLine>
          </li>
        ) : state.hits.length === 0 ? (
          <li className="px-2 py-1.5 text-sm text-muted-foreground">No message matches.</li>
        ) : (
          state.hits.map((hit) => {
            const at = Date.parse(hit.createdAt);
            return (
              <li key={`${hit.threadId}/${hit.messageId}`} data-message-hit={hit.messageId}>
                <Link
                  to={hitPath(hit)}
                  aria-current={activeMessage === hit.messageId ? "location" : undefined}
                  className={cn(
                    "flex w-full min-w-0 flex-col gap-0.5 rounded-lg px-2 py-1.5 text-sm text-sidebar-foreground outline-none transition-colors hover:bg-sidebar-accent focus-visible:ring-2 focus-visible:ring-ring aria-[current=location]:bg-sidebar-accent",
                  )}
                  onClick={() => onNavigate?.()}
                >
                  <span className="flex min-w-0 items-center gap-1.5">
                    <MessageSquareText aria-hidden className="size-3.5 shrink-0 text-muted-foreground" />
                    <span className="min-w-0 flex-1 truncate font-medium">{hit.threadTitle ?? "New chat"}</span>
                    <time dateTime={hit.createdAt} title={fullDate(at)} className="shrink-0 text-xs text-muted-foreground">
                      {relativeTime(Math.min(at, nowOrLater), nowOrLater)}
                    </time>
                  </span>
                  <span className="line-clamp-2 text-xs leading-5 text-muted-foreground">
                    <span className="font-medium text-sidebar-foreground">
                      {hit.role === "user" ? "You" : hit.role === "assistant" ? "Agent" : "Note"}:{" "}
                    </span>
                    <Snippet pieces={hit.snippet} />
                  </span>
                </Link>
              </li>
            );
          })
        )}
      </ul>
    </section>
  );
}
