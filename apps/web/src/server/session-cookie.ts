import { generateCookie } from "hono/cookie";
import { SESSION_TTL_SECONDS } from "./session.ts";

/**
 * The session cookie's name: `__Host-oa_session` on https, so the browser only keeps it when it
 * is Secure, Path=/ and has no Domain (a sibling subdomain cannot plant or shadow it);
 * `oa_session` on plain http (local dev), where browsers refuse `__Host-` cookies.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? "__Host-oa_session" : "oa_session";
}

export function sessionCookie(value: string, secure: boolean, maxAge = SESSION_TTL_SECONDS): string {
  return generateCookie(sessionCookieName(secure), value, { path: "/", httpOnly: true, sameSite: "Lax", maxAge, secure });
}

/**
 * Every value the Cookie header carries under `name` (a cookie sent twice shows up twice). Hono's
 * `getCookie` keeps one value per name, which would hide a planted second copy we must refuse.
 */
export function readCookies(header: string | null, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) values.push(value.join("="));
  }
  return values;
}
