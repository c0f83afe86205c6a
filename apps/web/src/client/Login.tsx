import { useState, type FormEvent } from "react";
import { api, type Me, type SignInMode } from "./api.ts";

export function Login({ mode, onSignedIn }: { mode: SignInMode; onSignedIn: (user: Me) => void }) {
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(new URLSearchParams(window.location.search).get("error") ? "Sign-in failed; try again." : null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { user } = await api.devLogin(name);
      onSignedIn(user);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <h1>OpenAgents</h1>
      {mode === "workos" ? (
        <a className="primary button" href="/auth/login">
          Sign in
        </a>
      ) : mode === "off" ? (
        <p className="muted">Sign-in is not configured on this deployment.</p>
      ) : (
        <form onSubmit={submit} aria-label="Dev sign-in">
          <p className="muted">Local development: sign in with any name. The same name is the same user.</p>
          <label htmlFor="login-name">Your name</label>
          <input id="login-name" value={name} onChange={(event) => setName(event.target.value)} autoFocus required maxLength={64} />
          <button className="primary" type="submit" disabled={busy || name.trim() === ""}>
            Sign in
          </button>
        </form>
      )}
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
    </main>
  );
}
