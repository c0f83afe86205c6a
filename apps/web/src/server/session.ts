import { z } from "zod";

/** Who the browser is: the user id sent to the agent worker, and how they signed in. */
export const sessionSchema = z.object({
  sub: z.string().min(1).max(256),
  name: z.string().max(200),
  email: z.string().max(320).nullable(),
  via: z.enum(["dev", "workos"]),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type Session = z.infer<typeof sessionSchema>;

export const SESSION_COOKIE = "oa_session";
export const SESSION_TTL_SECONDS = 7 * 24 * 3600;

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

async function hmacKey(secret: string): Promise<CryptoKey> {
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

/** A dev login's stable user id: `dev:` and the name, lower-cased, in the user-id alphabet. */
export function devUserId(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9_.@+-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64);
  return `dev:${slug || "user"}`;
}

export function sessionCookie(value: string, secure: boolean, maxAge = SESSION_TTL_SECONDS): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? "; Secure" : ""}`;
}

export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return null;
}
