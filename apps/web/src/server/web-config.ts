import type { WebEnv } from "./env.ts";
import { WebError } from "./errors.ts";

export type WorkOSConfig = { clientId: string; apiKey: string; apiBase: string; redirectUri: string };

/** The settings that decide who may sign in, checked on every request: a bad one refuses to serve. */
export type WebConfig = {
  /** The dev login (any name): only with DEV_LOGIN=true, and never alongside WorkOS. */
  devLogin: boolean;
  workos: WorkOSConfig | null;
  sessions: D1Database;
};

/** Where WorkOS may send the browser back: https, or plain http to this machine in local dev. */
function isCallbackUrl(url: URL): boolean {
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && (url.hostname === "localhost" || url.hostname === "127.0.0.1");
}

/**
 * Fails closed: a DEV_LOGIN other than `true`, `false` or empty is a typo that must not decide
 * whether anyone can sign in as anyone, so it stops the worker (config_invalid) instead of being
 * guessed; half a WorkOS configuration, WorkOS without WORKOS_REDIRECT_URI (never derived from
 * the Host header) and a missing sessions database stop it too (config_missing); a
 * WORKOS_REDIRECT_URI of another scheme (`javascript:`) or plain http off this machine is invalid.
 */
export function readWebConfig(env: WebEnv): WebConfig {
  const devLogin = (env.DEV_LOGIN ?? "").trim();
  if (devLogin !== "true" && devLogin !== "false" && devLogin !== "") {
    throw new WebError("config_invalid", "DEV_LOGIN must be `true`, `false` or empty.");
  }
  const clientId = env.WORKOS_CLIENT_ID?.trim() ?? "";
  const apiKey = env.WORKOS_API_KEY?.trim() ?? "";
  let workos: WorkOSConfig | null = null;
  if (clientId || apiKey) {
    if (!clientId || !apiKey) throw new WebError("config_missing", "WorkOS needs both WORKOS_CLIENT_ID and WORKOS_API_KEY.");
    const redirectUri = env.WORKOS_REDIRECT_URI?.trim() ?? "";
    if (!URL.canParse(redirectUri)) throw new WebError("config_missing", "WORKOS_REDIRECT_URI (an absolute URL) is required with WorkOS.");
    if (!isCallbackUrl(new URL(redirectUri))) {
      throw new WebError("config_invalid", "WORKOS_REDIRECT_URI must be https (http only for localhost or 127.0.0.1).");
    }
    workos = { clientId, apiKey, apiBase: (env.WORKOS_API_BASE || "https://api.workos.com").replace(/\/+$/, ""), redirectUri };
  }
  if (!env.SESSIONS) throw new WebError("config_missing", "The SESSIONS D1 database is not bound to the web worker.");
  return { devLogin: devLogin === "true" && workos === null, workos, sessions: env.SESSIONS };
}
