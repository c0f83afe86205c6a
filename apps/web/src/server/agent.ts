import type { WebEnv } from "./env.ts";

export type AgentTarget = { kind: "url"; base: string } | { kind: "binding"; fetcher: Fetcher } | { kind: "stateless" };

/** AGENT_WORKER_URL when set, else the AGENT service binding, else stateless (no durable agent). */
export function agentTarget(env: WebEnv): AgentTarget {
  const url = env.AGENT_WORKER_URL?.trim();
  if (url) return { kind: "url", base: url.replace(/\/+$/, "") };
  if (env.AGENT) return { kind: "binding", fetcher: env.AGENT };
  return { kind: "stateless" };
}

export type ForwardOptions = {
  method: string;
  /** `/internal/...`, with its query string. */
  path: string;
  userId: string;
  threadId?: string;
  body?: BodyInit | null;
  contentType?: string | null;
  lastEventId?: string | null;
  /** An upload's file name (URI-encoded), for the attachments endpoint. */
  filename?: string | null;
  signal?: AbortSignal;
};

/**
 * Answer headers a browser gets from the agent worker; nothing else (nothing internal) passes.
 * The download ones keep an attachment inert: its own type, no sniffing, a sandboxing CSP.
 */
const FORWARDED_RESPONSE_HEADERS = [
  "content-type",
  "cache-control",
  "retry-after",
  "x-accel-buffering",
  "content-length",
  "content-disposition",
  "content-security-policy",
  "x-content-type-options",
];

/**
 * One call to the agent worker on behalf of the signed-in user: the internal key and the user id
 * are added here and only here; the response streams back as it comes.
 */
export async function forwardToAgent(
  env: WebEnv,
  target: Exclude<AgentTarget, { kind: "stateless" }>,
  options: ForwardOptions,
): Promise<Response> {
  const headers = new Headers({ "x-oa-internal-key": env.OA_INTERNAL_KEY ?? "", "x-oa-user-id": options.userId });
  if (options.threadId) headers.set("x-oa-thread-id", options.threadId);
  if (options.contentType) headers.set("content-type", options.contentType);
  if (options.lastEventId) headers.set("last-event-id", options.lastEventId);
  if (options.filename) headers.set("x-oa-filename", options.filename);
  const init: RequestInit = {
    method: options.method,
    headers,
    body: options.body ?? null,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const upstream =
    target.kind === "url"
      ? await fetch(`${target.base}${options.path}`, init)
      : await target.fetcher.fetch(`https://agent.internal${options.path}`, init);
  // Verbatim status and body; only the headers a browser needs (nothing internal leaks).
  const out = new Headers();
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value) out.set(name, value);
  }
  if (!out.has("cache-control")) out.set("cache-control", "no-store");
  return new Response(upstream.body, { status: upstream.status, headers: out });
}
