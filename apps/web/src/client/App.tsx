import { useEffect, useState, type FormEvent, type KeyboardEvent as ReactKeyboardEvent } from "react";
import { api, type Me, type SignInMode } from "./api.ts";
import { userFeed, useUserFeed } from "./feed.ts";
import { Inbox } from "./Inbox.tsx";
import { Login } from "./Login.tsx";
import { OpenClawPanel } from "./OpenClawPanel.tsx";
import { navigate, parseRoute, useLocation } from "./router.ts";
import { Sidebar } from "./Sidebar.tsx";
import { ThreadView } from "./ThreadView.tsx";

export function App() {
  const [session, setSession] = useState<{ mode: SignInMode; user: Me | null } | null>(null);
  const [unavailable, setUnavailable] = useState<string | null>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const route = parseRoute(useLocation());
  const connection = useUserFeed().connection;

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

  useEffect(() => setMenuOpen(false), [route.name, route.name === "thread" ? route.threadId : ""]);

  // The phone drawer closes on Escape, as it does on a tap on the backdrop.
  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setMenuOpen(false);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [menuOpen]);

  if (unavailable !== null) return <SignInUnavailable message={unavailable} onRetry={loadSession} />;
  if (!session) return <div className="splash">Loading…</div>;
  if (!session.user) return <Login mode={session.mode} onSignedIn={(user) => setSession({ ...session, user })} />;

  const signOut = async (everywhere = false) => {
    await (everywhere ? api.logoutEverywhere() : api.logout());
    userFeed.stop();
    setSession({ ...session, user: null });
    navigate("/");
  };

  return (
    <div className={`shell ${menuOpen ? "menu-open" : ""}`}>
      <Sidebar user={session.user} route={route} onSignOut={() => signOut()} onSignOutEverywhere={() => signOut(true)} />
      {menuOpen ? <button className="backdrop" aria-label="Close the thread list" data-testid="drawer-backdrop" onClick={() => setMenuOpen(false)} /> : null}
      <main className="main">
        <header className="topbar">
          <button className="icon-button menu-toggle" aria-label="Open the thread list" aria-expanded={menuOpen} onClick={() => setMenuOpen(!menuOpen)}>
            ☰
          </button>
          <span className="topbar-title">OpenAgents</span>
          {/* On a phone the sidebar is a closed drawer: the top bar says it too. */}
          {connection === "reconnecting" ? <span className="connection">Reconnecting…</span> : null}
        </header>
        {route.name === "thread" ? (
          <ThreadView key={route.threadId} threadId={route.threadId} />
        ) : route.name === "inbox" ? (
          <Inbox />
        ) : route.name === "openclaw" ? (
          <OpenClawPanel />
        ) : (
          <Home />
        )}
      </main>
    </div>
  );
}

function SignInUnavailable({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <main className="login">
      <h1>OpenAgents</h1>
      <p role="alert" className="error">
        Sign-in is unavailable: {message}
      </p>
      <button className="primary" onClick={onRetry}>
        Retry
      </button>
    </main>
  );
}

/**
 * A new chat: a composer, and no thread until the first message. Sending creates the thread and
 * hands the message to its view, which sends it once it is up.
 */
function Home() {
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
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
    }
  };
  const onKey = (event: ReactKeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };
  return (
    <section className="home" aria-label="Start a chat">
      <h1>Your agent keeps working when you leave.</h1>
      <p>Ask it anything, or to look after your OpenClaw runtime — “restart my OpenClaw”, “list my devices”, “check again in 10 minutes”. Close the tab: everything is here when you come back, on any device.</p>
      <form className="new-chat-form" onSubmit={send}>
        <textarea aria-label="Message" placeholder="Message your agent…" value={text} autoFocus onChange={(event) => setText(event.target.value)} onKeyDown={onKey} disabled={busy} />
        <button className="primary" type="submit" disabled={busy || text.trim() === ""}>
          Send
        </button>
      </form>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
    </section>
  );
}
