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

export const HSTS = "max-age=63072000; includeSubDomains";

/**
 * Headers every answer of the web worker carries, whatever produced it (API JSON, errors, SSE,
 * redirects, assets): nosniff always, HSTS when served over https. Applied once, around the app.
 */
export function withSecurityHeaders(request: Request, response: Response): Response {
  // A copy: responses from fetch() and Response.redirect() have immutable headers. The body streams through.
  const out = new Response(response.body, response);
  out.headers.set("x-content-type-options", "nosniff");
  if (new URL(request.url).protocol === "https:") out.headers.set("strict-transport-security", HSTS);
  return out;
}
