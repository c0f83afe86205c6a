import type { BoundRequest, SessionKind } from "@oa/protocol";
import { hashArgs } from "./args-hash.ts";

/**
 * Every request the agent makes to the OpenClaw API, as a value: built in one place, so what an
 * approval shows ("POST /runtime/devices/req-1/approve") is exactly what is later sent.
 */
export type OpenClawRequest = { method: "GET" | "POST" | "DELETE"; path: string; body?: unknown };

/** An id that would not stay one path segment: it never reaches a URL. */
export class UnsafePathSegmentError extends Error {
  constructor(readonly value: string) {
    super(`${JSON.stringify(value.slice(0, 80))} is not a valid id for an OpenClaw API path.`);
    this.name = "UnsafePathSegmentError";
  }
}

/**
 * Encodes one path parameter. `.` and `..` survive percent-encoding and a URL parser resolves
 * them (`/sessions/../history` is `/history`), so they — and the empty segment — are refused.
 */
export function pathSegment(value: string): string {
  if (value === "" || value === "." || value === "..") throw new UnsafePathSegmentError(value);
  return encodeURIComponent(value);
}

/** True when a path holds a segment a URL parser would resolve away: `.`, `..` or an empty one. */
export function hasDotSegment(path: string): boolean {
  const segments = path.split("?")[0]!.split("/").slice(1);
  return segments.some((segment) => segment === "" || segment === "." || segment === ".." || /^(\.|%2e){1,2}$/i.test(segment));
}

function query(params: Record<string, string | number | boolean | string[] | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) search.append(name, item);
    else search.set(name, String(value));
  }
  return search.size > 0 ? `?${search}` : "";
}

export type SessionsQuery = { limit?: number; activeMinutes?: number; messageLimit?: number; kinds?: SessionKind[] };
export type HistoryQuery = { limit?: number; includeTools?: boolean };

export const openclawRequests = {
  getInstance: (): OpenClawRequest => ({ method: "GET", path: "/instance" }),
  provision: (): OpenClawRequest => ({ method: "POST", path: "/instance" }),
  deleteInstance: (): OpenClawRequest => ({ method: "DELETE", path: "/instance" }),
  getStatus: (): OpenClawRequest => ({ method: "GET", path: "/runtime/status" }),
  listDevices: (): OpenClawRequest => ({ method: "GET", path: "/runtime/devices" }),
  approveDevice: (requestId: string): OpenClawRequest => ({ method: "POST", path: `/runtime/devices/${pathSegment(requestId)}/approve` }),
  listPairingRequests: (channel: string): OpenClawRequest => ({ method: "GET", path: `/runtime/pairing/${pathSegment(channel)}` }),
  approvePairing: (channel: string, code: string): OpenClawRequest => ({
    method: "POST",
    path: `/runtime/pairing/${pathSegment(channel)}/approve`,
    body: { code },
  }),
  backupNow: (): OpenClawRequest => ({ method: "POST", path: "/runtime/backup" }),
  restart: (): OpenClawRequest => ({ method: "POST", path: "/runtime/restart" }),
  billingSummary: (): OpenClawRequest => ({ method: "GET", path: "/billing/summary" }),
  listSessions: (params: SessionsQuery): OpenClawRequest => ({
    method: "GET",
    path: `/sessions${query({ limit: params.limit, activeMinutes: params.activeMinutes, messageLimit: params.messageLimit, kinds: params.kinds })}`,
  }),
  sessionHistory: (key: string, params: HistoryQuery): OpenClawRequest => ({
    method: "GET",
    path: `/sessions/${pathSegment(key)}/history${query({ limit: params.limit, includeTools: params.includeTools })}`,
  }),
  sendSessionMessage: (key: string, message: string, timeoutSeconds: number | undefined): OpenClawRequest => ({
    method: "POST",
    path: `/sessions/${pathSegment(key)}/send`,
    body: timeoutSeconds === undefined ? { message } : { message, timeoutSeconds },
  }),
};

/** What an approval records of the request it allows: method, path and a hash of the body. */
export async function bindRequest(request: OpenClawRequest): Promise<BoundRequest> {
  if (request.body === undefined) return { method: request.method, path: request.path, bodyHash: null };
  return { method: request.method, path: request.path, bodyHash: await hashArgs(request.body) };
}

export function sameRequest(a: BoundRequest, b: BoundRequest): boolean {
  return a.method === b.method && a.path === b.path && a.bodyHash === b.bodyHash;
}
