import { Loader2 } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { ApiFailure, api, errorSentence } from "./api.ts";
import { useUserFeed } from "./feed.ts";
import { backoffDelay, onWake } from "./live-source.ts";
import { metaOf, toUIMessage } from "./message-versions.tsx";
import { navigate } from "./router.ts";
import { Chat } from "./thread-chat.tsx";
import { activeRun, inFlight, type LoadedThread, MESSAGE_PAGE_SIZE } from "./thread-reads.ts";
import { DeletedThread, Reconnecting } from "./thread-status.tsx";
import { Button } from "./ui/button.tsx";

/** An open thread: loaded (retried with backoff while the agent is away), then the chat. */
export function ThreadView({ threadId }: { threadId: string }) {
  const [loaded, setLoaded] = useState<LoadedThread | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const retryNow = useRef<() => void>(() => {});

  // A thread opened while the agent is away loads by itself once it is back (with backoff).
  useEffect(() => {
    let done = false;
    let loading = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () => {
      if (done || loading) return;
      clearTimeout(timer);
      loading = true;
      Promise.all([api.messages(threadId, MESSAGE_PAGE_SIZE), activeRun(threadId)]).then(
        ([page, running]) => {
          done = true;
          setLoaded({
            messages: page.messages.map(toUIMessage),
            meta: metaOf(page.messages),
            lastSeq: page.lastSeq,
            running: running || inFlight(page.messages.map(toUIMessage)) !== null,
          });
        },
        (error) => {
          loading = false;
          if (done) return;
          // The website makes a thread before it opens it: one the server does not know was deleted
          // (or is someone else's), never an empty chat to type into.
          if (error instanceof ApiFailure && error.status === 404) {
            done = true;
            setMissing(true);
            return;
          }
          setFailure(errorSentence(error));
          timer = setTimeout(load, backoffDelay(attempt++));
        },
      );
    };
    retryNow.current = () => {
      attempt = 0;
      load();
    };
    load();
    const unwake = onWake(() => retryNow.current());
    return () => {
      done = true;
      clearTimeout(timer);
      unwake();
    };
  }, [threadId]);

  const deleted = useUserFeed().deleted.has(threadId);
  if (deleted) return <DeletedThread />;
  if (missing) return <DeletedThread sentence="This thread does not exist: it was deleted, or it belongs to another account." />;
  if (!loaded && failure) {
    return (
      <section className="mx-auto flex w-full max-w-3xl flex-col gap-4 p-6" aria-label="Thread">
        <Reconnecting reason={`This thread could not be loaded yet: ${failure}`} />
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => retryNow.current()}>Retry</Button>
          <Button variant="outline" onClick={() => navigate("/")}>
            Back
          </Button>
        </div>
      </section>
    );
  }
  if (!loaded) {
    return (
      <p role="status" className="flex flex-1 items-center justify-center gap-2 p-12 text-sm text-muted-foreground">
        <Loader2 aria-hidden className="size-4 animate-spin motion-reduce:animate-none" />
        Loading the thread…
      </p>
    );
  }
  return <Chat threadId={threadId} initial={loaded} />;
}
