import { secretsEqual } from "@oa/protocol";
import { generateCookie } from "hono/cookie";
import { base64url, fromBase64url, hmacKey } from "./session.ts";

/** How long a WorkOS sign-in may take between /auth/login and /auth/callback. */
export const AUTH_STATE_TTL_SECONDS = 600;

const encoder = new TextEncoder();

/**
 * The sign-in state cookie's name: `__Host-oa_auth_state` on https, so a sibling subdomain
 * cannot plant it (cookie tossing would otherwise log the victim in as the attacker);
 * `oa_auth_state` on plain http (local dev), where browsers refuse `__Host-` cookies.
 */
export function authStateCookieName(secure: boolean): string {
  return secure ? "__Host-oa_auth_state" : "oa_auth_state";
}

export function authStateCookie(value: string, secure: boolean, maxAge = AUTH_STATE_TTL_SECONDS): string {
  return generateCookie(authStateCookieName(secure), value, { path: "/", httpOnly: true, sameSite: "Lax", maxAge, secure });
}

async function sign(nonce: string, issuedAt: number, secret: string): Promise<string> {
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(`auth-state.${nonce}.${issuedAt}`));
  return base64url(new Uint8Array(signature));
}

/**
 * A new sign-in attempt: `state` goes to WorkOS, `cookie` to this browser. The cookie is signed
 * with SESSION_SECRET and dated, so only this server mints one and it dies after the TTL whatever
 * Max-Age a planted copy claims.
 */
export async function newAuthState(secret: string, nowSeconds: number): Promise<{ state: string; cookie: string }> {
  const nonce = base64url(crypto.getRandomValues(new Uint8Array(32)));
  return { state: nonce, cookie: `${nonce}.${nowSeconds}.${await sign(nonce, nowSeconds, secret)}` };
}

/** Whether the callback's `state` is the one this browser's cookie was minted for, in time. */
export async function authStateMatches(state: string, cookie: string, secret: string, nowSeconds: number): Promise<boolean> {
  const [nonce, issued, signature, ...rest] = cookie.split(".");
  if (!nonce || !issued || !signature || rest.length > 0 || !/^\d{1,12}$/.test(issued) || !fromBase64url(signature)) return false;
  const issuedAt = Number(issued);
  if (nowSeconds - issuedAt > AUTH_STATE_TTL_SECONDS || issuedAt > nowSeconds + 60) return false;
  if (!(await secretsEqual(signature, await sign(nonce, issuedAt, secret)))) return false;
  return secretsEqual(state, nonce);
}
