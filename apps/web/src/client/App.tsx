import { ArrowUp, LoaderCircle, Menu, SquarePen } from "lucide-react";
import { type FormEvent, type KeyboardEvent as ReactKeyboardEvent, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { api, type Me, type SignInMode } from "./api.ts";
import { ExportMenu } from "./export-menu.tsx";
import { userFeed, useUserFeed } from "./feed.ts";
import { HomeAttachButton, useHomeAttach } from "./home-attach.tsx";
import { Inbox } from "./Inbox.tsx";
import { Login } from "./Login.tsx";
import { cn } from "./lib/cn.ts";
import { OpenClawPanel } from "./OpenClawPanel.tsx";
import { navigate, parseRoute, type Route, useLocation } from "./router.ts";
import { Sidebar } from "./Sidebar.tsx";
import { ThreadView } from "./ThreadView.tsx";
import { ErrorLine } from "./ui/alert.tsx";
import { Button } from "./ui/button.tsx";
import { Logo } from "./ui/logo.tsx";
import { Sheet, SheetContent, SheetTitle, SheetTrigger } from "./ui/sheet.tsx";
import { Tooltip } from "./ui/tooltip.tsx";

/** Tailwind's `md`: from here the sidebar stands beside the page; below it, it is a drawer. */
const wide = window.matchMedia("(min-width: 768px)");
const useWide = () =>
  useSyncExternalStore(
    (listener) => {
      wide.addEventListener("change", listener);
      return () => wide.removeEventListener("change", listener);
    },
    () => wide.matches,
  );

export function App() {
  const [session, setSession] = useState<{ mode: SignInMode; user: Me | null } | null>(null);
  const [unavailable, setUnavailable] = useState<string | null>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const route = parseRoute(useLocation());
  const isWide = useWide();

  // Which sign-in this deployment offers comes only from /auth/me: when it cannot answer, say so
  // and offer a retry, never guess (a guessed dev login would show a form the server refuses).
  const loadSession = () => {
    setUnavailable(null);
    api.me().then(setSession, (failure: Error) => setUnavailable(failure.message || "the server did not answer."));
  };
  useEffect(loadSession, []);

  useEffect(() => {
    if (!session?.user) return;
    userFeed.start();
    return () => userFeed.stop();
  }, [session?.user?.id]);

  useEffect(() => setMenuOpen(false), [route.name, route.name === "thread" ? route.threadId : "", isWide]);

  if (unavailable !== null) return <SignInUnavailable message={unavailable} onRetry={loadSession} />;
  if (!session) return <Splash>Loading…</Splash>;
  if (!session.user) return <Login mode={session.mode} onSignedIn={(user) => setSession({ ...session, user })} />;

  const signOut = async (everywhere = false) => {
    await (everywhere ? api.logoutEverywhere() : api.logout());
    userFeed.stop();
    setSession({ ...session, user: null });
    navigate("/");
  };
  const sidebar = (inDrawer: boolean) => (
    <Sidebar
      user={session.user!}
      route={route}
      inDrawer={inDrawer}
      onNavigate={() => setMenuOpen(false)}
      onSignOut={() => void signOut()}
      onSignOutEverywhere={() => void signOut(true)}
    />
  );
  const page =
    route.name === "thread" ? (
      <ThreadView key={route.threadId} threadId={route.threadId} />
    ) : route.name === "inbox" ? (
      <Inbox />
    ) : route.name === "openclaw" ? (
      <OpenClawPanel />
    ) : (
      <Home />
    );

  // One sidebar at a time: beside the page when wide, in the drawer on a phone.
  if (isWide) {
    return (
      <div className="flex h-dvh overflow-hidden">
        <div className="flex w-72 shrink-0 flex-col border-r border-sidebar-border">{sidebar(false)}</div>
        <main className="flex min-w-0 flex-1 flex-col">{page}</main>
      </div>
    );
  }
  return (
    <Sheet open={menuOpen} onOpenChange={setMenuOpen}>
      <div className="flex h-dvh flex-col overflow-hidden">
        <PhoneHeader route={route} />
        <main className="flex min-h-0 flex-1 flex-col">{page}</main>
      </div>
      <SheetContent
        overlayTestId="drawer-backdrop"
        closeLabel="Close the thread list"
        aria-describedby={undefined}
        // Escape in the rename field ends the rename, not the drawer.
        onEscapeKeyDown={(event) => (event.target as Element | null)?.closest?.("[data-renaming]") && event.preventDefault()}
      >
        <SheetTitle className="sr-only">Threads</SheetTitle>
        {sidebar(true)}
      </SheetContent>
    </Sheet>
  );
}

/** The phone's one header: the drawer's button, where you are, and a new chat. */
function PhoneHeader({ route }: { route: Route }) {
  const feed = useUserFeed();
  const title =
    route.name === "thread"
      ? (feed.threads.get(route.threadId)?.title ?? "New chat")
      : route.name === "inbox"
        ? "Approvals"
        : route.name === "openclaw"
          ? "OpenClaw"
          : "New chat";
  return (
    <header className="flex h-12 shrink-0 items-center gap-1 border-b px-2">
      <SheetTrigger asChild>
        <Button variant="ghost" size="icon" aria-label="Open the thread list">
          <Menu aria-hidden className="size-5" />
        </Button>
      </SheetTrigger>
      <span className="min-w-0 flex-1 truncate px-1 text-sm font-medium">{title}</span>
      {/* The sidebar is a closed drawer here: the header says it instead. */}
      {feed.connection === "reconnecting" ? (
        <span role="status" className="flex shrink-0 items-center gap-1 text-xs text-warning-text">
          <LoaderCircle aria-hidden className="size-3 animate-spin" />
          Reconnecting…
        </span>
      ) : null}
      {route.name === "thread" && !feed.deleted.has(route.threadId) ? <ExportMenu threadId={route.threadId} className="size-9" /> : null}
      <Tooltip content="New chat">
        <Button variant="ghost" size="icon" aria-label="New chat" onClick={() => navigate("/")}>
          <SquarePen aria-hidden className="size-5" />
        </Button>
      </Tooltip>
    </header>
  );
}

function Splash({ children }: { children: string }) {
  return (
    <div role="status" className="flex h-dvh items-center justify-center gap-2 text-sm text-muted-foreground">
      <LoaderCircle aria-hidden className="size-4 animate-spin" />
      {children}
    </div>
  );
}

function SignInUnavailable({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-6 px-4">
      <div className="flex items-center gap-2">
        <Logo className="size-8" />
        <h1 className="text-xl font-semibold tracking-tight">OpenAgents</h1>
      </div>
      <ErrorLine onRetry={onRetry} retryLabel="Retry" className="w-full max-w-md">
        Sign-in is unavailable: {message}
      </ErrorLine>
    </main>
  );
}

const SUGGESTIONS = [
  { title: "Restart my OpenClaw", detail: "asks you before it acts" },
  { title: "List my devices", detail: "paired and waiting" },
  { title: "Check again in 10 minutes", detail: "a follow-up, even with the tab closed" },
  { title: "Show me a code example", detail: "with highlighting and Copy" },
];

/**
 * A new chat: a composer, and no thread until the first message. Sending creates the thread and
 * hands the message to its view, which sends it once it is up.
 */
function Home() {
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const files = useHomeAttach({ text: () => text, busy, setBusy, setError });
  const send = async (event?: FormEvent) => {
    event?.preventDefault();
    const message = text.trim();
    if (!message || busy) return;
    setBusy(true);
    setError(null);
    try {
      const { threadId } = await api.createThread("chat");
      navigate(`/t/${threadId}`, { send: message });
    } catch (failure) {
      setError(`Your message was not sent: ${(failure as Error).message}`);
      setBusy(false);
      requestAnimationFrame(() => input.current?.focus());
    }
  };
  const onKey = (event: ReactKeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };
  return (
    <section aria-label="Start a chat" className="flex min-h-0 flex-1 flex-col overflow-y-auto">
      <div className="mx-auto flex w-full max-w-3xl flex-1 flex-col justify-center px-4 py-8 md:px-8">
        <h1 className="text-2xl font-semibold tracking-tight md:text-3xl">What should your agent do?</h1>
        <p className="mt-2 max-w-prose text-muted-foreground">
          It keeps working when you leave: close the tab, and everything is here when you come back, on any device. Anything sensitive waits
          for your yes.
        </p>
        <form
          onSubmit={send}
          onDragOver={files.onDragOver}
          onDrop={files.onDrop}
          className="mt-6 flex flex-col rounded-2xl border border-input bg-background shadow-sm transition-shadow focus-within:border-ring focus-within:ring-2 focus-within:ring-ring/30"
        >
          <textarea
            ref={input}
            aria-label="Message"
            placeholder="Message your agent…"
            rows={2}
            value={text}
            autoFocus
            onChange={(event) => setText(event.target.value)}
            onKeyDown={onKey}
            onPaste={files.onPaste}
            disabled={busy}
            className="max-h-48 min-h-14 w-full resize-none bg-transparent px-4 pt-3 text-base outline-none placeholder:text-muted-foreground focus-visible:outline-none disabled:opacity-60"
          />
          <div className="flex items-center justify-between p-2">
            <HomeAttachButton attach={(picked) => void files.attach(picked)} disabled={busy} />
            <Button
              type="submit"
              size="icon-sm"
              className="rounded-full"
              aria-label="Send"
              title="Send"
              disabled={busy || text.trim() === ""}
            >
              {busy ? <LoaderCircle aria-hidden className="animate-spin" /> : <ArrowUp aria-hidden />}
            </Button>
          </div>
        </form>
        {error ? <ErrorLine className="mt-3">{error}</ErrorLine> : null}
        <ul className="mt-4 grid gap-2 sm:grid-cols-2" aria-label="Suggestions">
          {SUGGESTIONS.map((suggestion) => (
            <li key={suggestion.title}>
              <button
                type="button"
                className={cn(
                  "flex h-full w-full cursor-pointer flex-col items-start rounded-xl border bg-background px-4 py-3 text-left text-sm transition-colors hover:bg-accent",
                  "outline-none focus-visible:ring-2 focus-visible:ring-ring disabled:opacity-50",
                )}
                disabled={busy}
                onClick={() => {
                  setText(suggestion.title);
                  input.current?.focus();
                }}
              >
                <span className="font-medium">{suggestion.title}</span>
                <span className="text-muted-foreground">{suggestion.detail}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
