import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { App } from "./app-types.ts";

/**
 * The page may load images only from this origin (attachments are served from it), inline data:
 * URLs and blob: URLs (the composer's previews of files not yet sent): a markdown image in a
 * model's or a tool's output must not become a request to someone else's server (a beacon that
 * carries data out).
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

const HSTS = "max-age=63072000; includeSubDomains";

/** Hono's secure-headers with every header it sets by default off: each one here is chosen. */
const NONE = {
  crossOriginEmbedderPolicy: false,
  crossOriginResourcePolicy: false,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  referrerPolicy: false,
  strictTransportSecurity: false,
  xContentTypeOptions: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xFrameOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
  removePoweredBy: false,
} as const;

const overHttp = secureHeaders({ ...NONE, xContentTypeOptions: true });
const overHttps = secureHeaders({ ...NONE, xContentTypeOptions: true, strictTransportSecurity: HSTS });

/**
 * Headers every answer of the web worker carries, whatever produced it (API JSON, errors, SSE,
 * redirects, assets): nosniff always, HSTS when served over https. Registered first, around
 * everything else (an error a later handler throws is answered inside it).
 */
export const securityHeaders: MiddlewareHandler<App> = (c, next) =>
  (new URL(c.req.url).protocol === "https:" ? overHttps : overHttp)(c, next);
