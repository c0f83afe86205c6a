import { LoaderCircle } from "lucide-react";
import { type FormEvent, useState } from "react";
import { api, type Me, type SignInMode } from "./api.ts";
import { ErrorLine } from "./ui/alert.tsx";
import { Button } from "./ui/button.tsx";
import { Input } from "./ui/input.tsx";
import { Logo } from "./ui/logo.tsx";
import { ThemeToggle } from "./ui/theme-toggle.tsx";

export function Login({ mode, onSignedIn }: { mode: SignInMode; onSignedIn: (user: Me) => void }) {
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(
    new URLSearchParams(window.location.search).get("error") ? "Sign-in failed; try again." : null,
  );
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
    <main className="relative flex min-h-dvh flex-col items-center justify-center bg-background px-4 py-12">
      <div className="absolute top-3 right-3">
        <ThemeToggle side="bottom" />
      </div>
      <div className="flex w-full max-w-sm flex-col items-center gap-6">
        <div className="flex flex-col items-center gap-3 text-center">
          <Logo className="size-10" />
          <h1 className="text-2xl font-semibold tracking-tight">Sign in to OpenAgents</h1>
          <p className="text-sm text-muted-foreground">Your agent, and the OpenClaw runtime it looks after.</p>
        </div>
        <div className="w-full rounded-xl border bg-card p-6 text-card-foreground shadow-sm">
          {mode === "workos" ? (
            <Button asChild className="w-full">
              <a href="/auth/login">Sign in</a>
            </Button>
          ) : mode === "off" ? (
            <p className="text-sm text-muted-foreground">Sign-in is not configured on this deployment.</p>
          ) : (
            <form onSubmit={submit} aria-label="Dev sign-in" className="flex flex-col gap-4">
              <p className="text-sm text-muted-foreground">Local development: sign in with any name. The same name is the same user.</p>
              <div className="flex flex-col gap-2">
                <label htmlFor="login-name" className="text-sm font-medium">
                  Your name
                </label>
                <Input
                  id="login-name"
                  value={name}
                  onChange={(event) => setName(event.target.value)}
                  autoFocus
                  required
                  maxLength={64}
                  autoComplete="username"
                />
              </div>
              <Button type="submit" className="w-full" disabled={busy || name.trim() === ""}>
                {busy ? <LoaderCircle aria-hidden className="animate-spin" /> : null}
                Sign in
              </Button>
            </form>
          )}
        </div>
        {error ? <ErrorLine className="w-full">{error}</ErrorLine> : null}
      </div>
    </main>
  );
}
