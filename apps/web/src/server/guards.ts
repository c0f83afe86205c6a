import type { Context, MiddlewareHandler } from "hono";
import type { App } from "./app-types.ts";
import type { WebEnv } from "./env.ts";
import { WebError } from "./errors.ts";
import { type Session, verifySession } from "./session.ts";
import { readCookies, sessionCookieName } from "./session-cookie.ts";
import { sessionStore } from "./session-store.ts";
import { readWebConfig } from "./web-config.ts";

export function secure(c: Context<App>): boolean {
  return new URL(c.req.url).protocol === "https:";
}

export function sessionSecret(env: WebEnv): string {
  if (!env.SESSION_SECRET) throw new WebError("config_missing", "SESSION_SECRET is not configured on the web worker.");
  return env.SESSION_SECRET;
}

/** Every request: the sign-in settings are read and checked first; a bad one refuses to serve. */
export const checkedConfig: MiddlewareHandler<App> = async (c, next) => {
  c.set("config", readWebConfig(c.env));
  await next();
};

/**
 * Nothing another site starts has an effect: a request the browser marks as coming from another
 * site (`Sec-Fetch-Site: cross-site` or `same-site`) is refused whatever its method — a top-level
 * navigation or an <img> is a GET too. State-changing methods must in addition name this origin
 * (Origin, else Sec-Fetch-Site: same-origin), for clients that send no Sec-Fetch-Site.
 */
export const sameOrigin: MiddlewareHandler<App> = async (c, next) => {
  const fetchSite = c.req.header("sec-fetch-site");
  if (fetchSite === "cross-site" || fetchSite === "same-site")
    throw new WebError("forbidden_origin", "Requests from other sites are not accepted.");
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    const origin = c.req.header("origin");
    const own = new URL(c.req.url).origin;
    const allowed = origin ? origin === own : fetchSite === "same-origin";
    if (!allowed) throw new WebError("forbidden_origin", "Cross-origin requests are not accepted.");
  }
  await next();
};

/**
 * The request's session, or null. The cookie must verify (HMAC, expiry) and name a live row of
 * the sessions table (one primary-key lookup) for the same user and sign-in method; a dev session
 * counts only while the dev login is on. A session cookie sent twice is refused outright (401):
 * which copy a server reads is an ambiguity an attacker who can plant a cookie would exploit.
 */
export async function currentSession(c: Context<App>): Promise<Session | null> {
  const values = readCookies(c.req.header("cookie") ?? null, sessionCookieName(secure(c)));
  if (values.length > 1) throw new WebError("not_authenticated", "The session cookie was sent more than once; sign in again.");
  if (values.length === 0) return null;
  const session = await verifySession(values[0]!, sessionSecret(c.env), Math.floor(Date.now() / 1000));
  if (!session) return null;
  const config = c.get("config");
  if (session.via === "dev" && !config.devLogin) return null;
  const record = await sessionStore(config.sessions).find(session.sid);
  if (!record || record.revokedAt !== null || record.expiresAt <= Date.now() || record.userId !== session.sub || record.via !== session.via)
    return null;
  return session;
}

export const requireSession: MiddlewareHandler<App> = async (c, next) => {
  const session = await currentSession(c);
  if (!session) throw new WebError("not_authenticated", "Sign in first.");
  c.set("session", session);
  await next();
};

/** Per-user limits: every API call, and chat turns on their own tighter budget. */
export const rateLimited: MiddlewareHandler<App> = async (c, next) => {
  const key = c.get("session").sub;
  const limits = [c.env.API_RATE_LIMIT];
  if (c.req.method === "POST" && c.req.path === "/chat") limits.push(c.env.CHAT_RATE_LIMIT);
  const outcomes = await Promise.all(limits.filter(Boolean).map((limiter) => limiter.limit({ key })));
  if (outcomes.some((outcome) => !outcome.success)) {
    throw new WebError("rate_limited", "Too many requests; slow down.", { "retry-after": "60" });
  }
  await next();
};
