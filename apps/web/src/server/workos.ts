import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import type { WebEnv } from "./env.ts";

/** WorkOS AuthKit is on when its client id and API key are both configured. */
export function workosConfigured(env: WebEnv): boolean {
  return Boolean(env.WORKOS_CLIENT_ID && env.WORKOS_API_KEY);
}

function apiBase(env: WebEnv): string {
  return (env.WORKOS_API_BASE || "https://api.workos.com").replace(/\/+$/, "");
}

export function redirectUri(env: WebEnv, origin: string): string {
  return env.WORKOS_REDIRECT_URI || `${origin}/auth/callback`;
}

/** Where the browser goes to sign in: AuthKit's hosted page, coming back with `code` and `state`. */
export function authorizationUrl(env: WebEnv, origin: string, state: string): string {
  const url = new URL(`${apiBase(env)}/user_management/authorize`);
  url.searchParams.set("client_id", env.WORKOS_CLIENT_ID);
  url.searchParams.set("redirect_uri", redirectUri(env, origin));
  url.searchParams.set("response_type", "code");
  url.searchParams.set("provider", "authkit");
  url.searchParams.set("state", state);
  return url.toString();
}

const authenticateResponseSchema = z.object({
  user: z.object({
    id: z.string().min(1).max(256),
    email: z.string().max(320).nullish(),
    first_name: z.string().max(200).nullish(),
    last_name: z.string().max(200).nullish(),
  }),
  access_token: z.string().min(1),
});

export type WorkOSUser = { id: string; email: string | null; name: string };

const jwksCache = new Map<string, JWTVerifyGetKey>();

function jwks(env: WebEnv): JWTVerifyGetKey {
  const url = `${apiBase(env)}/sso/jwks/${encodeURIComponent(env.WORKOS_CLIENT_ID)}`;
  let set = jwksCache.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url));
    jwksCache.set(url, set);
  }
  return set;
}

/**
 * The code exchange: POST /user_management/authenticate with the client secret, then the access
 * token is verified against the client's JWKS (signature, issuer, expiry) and must name the same
 * user. Throws on any failure; the caller turns that into a failed login.
 */
export async function exchangeCode(env: WebEnv, code: string): Promise<WorkOSUser> {
  const response = await fetch(`${apiBase(env)}/user_management/authenticate`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({
      client_id: env.WORKOS_CLIENT_ID,
      client_secret: env.WORKOS_API_KEY,
      grant_type: "authorization_code",
      code,
    }),
  });
  if (!response.ok) throw new Error(`WorkOS authenticate answered ${response.status}`);
  const body = authenticateResponseSchema.parse(await response.json());
  const base = apiBase(env);
  const { payload } = await jwtVerify(body.access_token, jwks(env), {
    issuer: [base, `${base}/user_management/${env.WORKOS_CLIENT_ID}`],
    algorithms: ["RS256"],
  });
  if (payload.sub !== body.user.id) throw new Error("the access token names another user");
  const name = [body.user.first_name, body.user.last_name].filter(Boolean).join(" ") || body.user.email || body.user.id;
  return { id: body.user.id, email: body.user.email ?? null, name };
}
