import { type Context, Hono } from "hono";
import { z } from "zod";
import type { App } from "./app-types.ts";
import { authStateCookie, authStateCookieName, authStateMatches, newAuthState } from "./auth-state.ts";
import { WebError, webErrorResponse } from "./errors.ts";
import { currentSession, requireSession, sameOrigin, secure, sessionSecret } from "./guards.ts";
import { parseJson, readBody } from "./request-body.ts";
import { devUserId, newSessionId, SESSION_TTL_SECONDS, type Session, signSession } from "./session.ts";
import { readCookies, sessionCookie } from "./session-cookie.ts";
import { sessionStore } from "./session-store.ts";
import { authorizationUrl, exchangeCode } from "./workos.ts";

/** `/auth/*`: sign in (dev login or WorkOS AuthKit), who am I, sign out (here or everywhere). */
export const auth = new Hono<App>();

// The callback is WorkOS redirecting the browser back (a cross-site navigation by design); the
// state cookie (`__Host-` on https, signed, dated, compared in constant time) is its guard instead.
for (const path of ["/me", "/dev-login", "/login", "/logout", "/logout-everywhere"]) auth.use(path, sameOrigin);

/** Records a new server-side session and answers with its signed cookie. */
async function startSession(c: Context<App>, user: Pick<Session, "sub" | "name" | "email" | "via">): Promise<string> {
  const now = Date.now();
  const session: Session = { sid: newSessionId(), ...user, iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + SESSION_TTL_SECONDS };
  await sessionStore(c.get("config").sessions).create({
    id: session.sid,
    userId: session.sub,
    via: session.via,
    createdAt: now,
    expiresAt: session.exp * 1000,
  });
  return sessionCookie(await signSession(session, sessionSecret(c.env)), secure(c));
}

auth.get("/me", async (c) => {
  const config = c.get("config");
  const session = await currentSession(c);
  return c.json(
    {
      ok: true,
      mode: config.workos ? "workos" : config.devLogin ? "dev" : "off",
      user: session ? { id: session.sub, name: session.name, email: session.email, via: session.via } : null,
    },
    200,
    { "cache-control": "no-store" },
  );
});

const devLoginSchema = z.object({ name: z.string().trim().min(1).max(64) }).strict();

auth.post("/dev-login", async (c) => {
  if (!c.get("config").devLogin) throw new WebError("not_found", "The dev login is off on this deployment.");
  const parsed = devLoginSchema.safeParse(parseJson(await readBody(c)));
  if (!parsed.success) throw new WebError("invalid_request", "Send {name}: 1–64 characters.");
  const user = { sub: await devUserId(parsed.data.name), name: parsed.data.name, email: null, via: "dev" as const };
  const cookie = await startSession(c, user);
  return c.json({ ok: true, user: { id: user.sub, name: user.name, email: null, via: "dev" } }, 200, {
    "set-cookie": cookie,
    "cache-control": "no-store",
  });
});

auth.get("/login", async (c) => {
  const workos = c.get("config").workos;
  if (!workos) return c.redirect("/login", 302);
  const { state, cookie } = await newAuthState(sessionSecret(c.env), Math.floor(Date.now() / 1000));
  c.header("set-cookie", authStateCookie(cookie, secure(c)));
  return c.redirect(authorizationUrl(workos, state), 302);
});

auth.get("/callback", async (c) => {
  const workos = c.get("config").workos;
  if (!workos) throw new WebError("not_found", "WorkOS is not configured.");
  const code = c.req.query("code");
  const state = c.req.query("state");
  // Only this scheme's name counts, and a state cookie sent twice counts as none (a planted copy).
  const cookies = readCookies(c.req.header("cookie") ?? null, authStateCookieName(secure(c)));
  const clearState = authStateCookie("", secure(c), 0);
  const now = Math.floor(Date.now() / 1000);
  if (!code || !state || cookies.length !== 1 || !(await authStateMatches(state, cookies[0]!, sessionSecret(c.env), now))) {
    c.header("set-cookie", clearState);
    return c.redirect("/login?error=state", 302);
  }
  let user: Awaited<ReturnType<typeof exchangeCode>>;
  try {
    user = await exchangeCode(workos, code);
  } catch (error) {
    console.warn("WorkOS sign-in failed", error);
    c.header("set-cookie", clearState);
    return c.redirect("/login?error=workos", 302);
  }
  const cookie = await startSession(c, { sub: user.id, name: user.name, email: user.email, via: "workos" });
  c.header("set-cookie", clearState);
  c.header("set-cookie", cookie, { append: true });
  return c.redirect("/", 302);
});

/** Signs this browser out: its session is revoked on the server, so a copied cookie dies with it. */
auth.post("/logout", async (c) => {
  const clear = { "set-cookie": sessionCookie("", secure(c), 0), "cache-control": "no-store" };
  let session: Session | null;
  try {
    session = await currentSession(c);
  } catch (error) {
    // A doubled cookie is refused, but the answer still clears the one this site set.
    if (error instanceof WebError) return webErrorResponse(error.code, error.message, clear);
    throw error;
  }
  if (session) await sessionStore(c.get("config").sessions).revoke(session.sid, Date.now());
  return c.json({ ok: true }, 200, clear);
});

/** Revokes every session of the signed-in user, on every device. */
auth.post("/logout-everywhere", requireSession, async (c) => {
  const revoked = await sessionStore(c.get("config").sessions).revokeAllOf(c.get("session").sub, Date.now());
  return c.json({ ok: true, revoked }, 200, { "set-cookie": sessionCookie("", secure(c), 0), "cache-control": "no-store" });
});
