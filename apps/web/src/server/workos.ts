import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from "jose";
import { z } from "zod";
import type { WorkOSConfig } from "./web-config.ts";

/**
 * Where the browser goes to sign in: AuthKit's hosted page, coming back with `code` and `state`
 * to the configured WORKOS_REDIRECT_URI (never one derived from the request's Host header).
 */
export function authorizationUrl(workos: WorkOSConfig, state: string): string {
  const url = new URL(`${workos.apiBase}/user_management/authorize`);
  url.searchParams.set("client_id", workos.clientId);
  url.searchParams.set("redirect_uri", workos.redirectUri);
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

function jwks(workos: WorkOSConfig): JWTVerifyGetKey {
  const url = `${workos.apiBase}/sso/jwks/${encodeURIComponent(workos.clientId)}`;
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
export async function exchangeCode(workos: WorkOSConfig, code: string): Promise<WorkOSUser> {
  const response = await fetch(`${workos.apiBase}/user_management/authenticate`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({
      client_id: workos.clientId,
      client_secret: workos.apiKey,
      grant_type: "authorization_code",
      code,
    }),
  });
  if (!response.ok) throw new Error(`WorkOS authenticate answered ${response.status}`);
  const body = authenticateResponseSchema.parse(await response.json());
  const base = workos.apiBase;
  const { payload } = await jwtVerify(body.access_token, jwks(workos), {
    issuer: [base, `${base}/user_management/${workos.clientId}`],
    algorithms: ["RS256"],
  });
  if (payload.sub !== body.user.id) throw new Error("the access token names another user");
  const name = [body.user.first_name, body.user.last_name].filter(Boolean).join(" ") || body.user.email || body.user.id;
  return { id: body.user.id, email: body.user.email ?? null, name };
}
