import { useEffect, useState } from "react";
import { api, type Me, type SignInMode } from "./api.ts";
import { userFeed } from "./feed.ts";
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
      <main className="main">
        <header className="topbar">
          <button className="icon-button menu-toggle" aria-label="Open the thread list" onClick={() => setMenuOpen(!menuOpen)}>
            ☰
          </button>
          <span className="topbar-title">OpenAgents</span>
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

function Home() {
  const [busy, setBusy] = useState(false);
  const start = async () => {
    setBusy(true);
    try {
      const { threadId } = await api.createThread("chat");
      navigate(`/t/${threadId}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="home">
      <h1>Your agent keeps working when you leave.</h1>
      <p>Start a chat, ask it to look after your OpenClaw runtime, close the tab — everything is here when you come back, on any device.</p>
      <button className="primary" onClick={start} disabled={busy}>
        New chat
      </button>
    </section>
  );
}
