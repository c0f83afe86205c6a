import { userIdSchema } from "@oa/protocol";
import { z } from "zod";

/**
 * What the signed cookie carries: the server-side session's id (`sid`, checked against the
 * sessions table on every request) and who the browser is.
 */
export const sessionSchema = z.object({
  sid: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  sub: userIdSchema,
  name: z.string().max(200),
  email: z.string().max(320).nullable(),
  via: z.enum(["dev", "workos"]),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type Session = z.infer<typeof sessionSchema>;

export const SESSION_TTL_SECONDS = 7 * 24 * 3600;

const encoder = new TextEncoder();

export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

/** A fresh session id: 128 random bits, base64url (22 characters). */
export function newSessionId(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(16)));
}

export async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/** `v1.<payload>.<HMAC-SHA256(payload)>`, both base64url. */
export async function signSession(session: Session, secret: string): Promise<string> {
  const payload = base64url(encoder.encode(JSON.stringify(session)));
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(`v1.${payload}`)));
  return `v1.${payload}.${base64url(signature)}`;
}

/** The session in a cookie value, or null when it is malformed, forged or expired. */
export async function verifySession(value: string, secret: string, nowSeconds: number): Promise<Session | null> {
  const [version, payload, signature, ...rest] = value.split(".");
  if (version !== "v1" || !payload || !signature || rest.length > 0 || value.length > 4096) return null;
  const signatureBytes = fromBase64url(signature);
  if (!signatureBytes) return null;
  // crypto.subtle.verify compares in constant time.
  const valid = await crypto.subtle.verify("HMAC", await hmacKey(secret), signatureBytes, encoder.encode(`v1.${payload}`));
  if (!valid) return null;
  const bytes = fromBase64url(payload);
  if (!bytes) return null;
  try {
    const parsed = sessionSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    if (!parsed.success || parsed.data.exp <= nowSeconds) return null;
    return parsed.data;
  } catch {
    return null;
  }
}

/** The readable branch's alphabet: what a lower-cased name may hold to appear in its id as is. */
const READABLE_NAME = /^[a-z0-9_.@+ ]+$/;

/**
 * A dev login's stable user id, injective over names compared case-insensitively (after NFKC):
 * `dev:<name>` with spaces as `-` when the name holds only [a-z0-9_.@+ ] (it never holds `-`,
 * so the mapping stays one-to-one), else `dev|<SHA-256 of the name>` — a form the readable
 * branch cannot produce. "Alice Smith" is `dev:alice-smith`; "alice-smith" and "Юлия" are hashes.
 */
export async function devUserId(name: string): Promise<string> {
  const normalized = name.trim().normalize("NFKC").toLowerCase();
  if (READABLE_NAME.test(normalized)) return `dev:${normalized.replaceAll(" ", "-")}`;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(normalized)));
  return `dev|${Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}
