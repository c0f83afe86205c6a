import type { BackupResult, InstanceSummary, OpenClawError, RestartResult, RuntimeStatus } from "@oa/protocol";
import { hasDotSegment, type OpenClawRequest, openclawRequests, UnsafePathSegmentError } from "./requests.ts";

/**
 * Typed client for the OpenClaw API (`/api/openclaw/*`, docs/openclaw-api.md; its shapes are `@oa/protocol`'s). Every call
 * resolves to a result value: the string-error envelope, non-JSON 500s, network failures and
 * time-outs all become `OpenClawError`s, never exceptions that could crash a run.
 */
export type { OpenClawError };

export type OpenClawResult<T> = { ok: true; data: T } | { ok: false; error: OpenClawError };

export type ClientOptions = {
  baseUrl: string;
  /** Presented as X-OA-Internal-Key: the OpenClaw API's own key (OPENCLAW_API_KEY), never the one the agent worker accepts. */
  apiKey: string;
  userId: string;
  timeoutMs?: number;
  /** Retries for reads only; writes are never repeated by the client. */
  readRetries?: number;
  fetch?: typeof fetch;
};

export type CallOptions = { body?: unknown; idempotencyKey?: string; signal?: AbortSignal };

/** `https://openagents.com/api/` → `https://openagents.com/api`; a bare host gets https:// and /api. */
export function normalizeBaseUrl(raw: string): string {
  let base = raw.trim().replace(/\/+$/, "");
  if (!/^https?:\/\//i.test(base)) base = `https://${base}`;
  const url = new URL(base);
  if (url.pathname === "" || url.pathname === "/") base = `${base}/api`;
  return base;
}

const RETRY_DELAYS_MS = [200, 600, 1500];
/** A read (GET) is retried this many times after a transient failure; a write never is. */
export const DEFAULT_READ_RETRIES = 2;

export class OpenClawClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly readRetries: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.readRetries = options.readRetries ?? DEFAULT_READ_RETRIES;
    // workerd refuses `fetch` called with another `this`: wrap the global instead of storing it.
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  async request<T>(method: "GET" | "POST" | "DELETE", path: string, call: CallOptions = {}): Promise<OpenClawResult<T>> {
    // Defence in depth: whatever built the path, a segment a URL parser would resolve away is never sent.
    if (hasDotSegment(path)) return fail("invalid_request", null, "The request path holds an empty, `.` or `..` segment; it was not sent.");
    const attempts = method === "GET" ? this.readRetries + 1 : 1;
    let last: OpenClawResult<T> = { ok: false, error: { kind: "network", status: null, message: "not attempted" } };
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(RETRY_DELAYS_MS[attempt - 1] ?? 1500, call.signal);
      last = await this.once<T>(method, path, call);
      if (last.ok || !isRetryable(last.error)) return last;
    }
    return last;
  }

  private async once<T>(method: string, path: string, call: CallOptions): Promise<OpenClawResult<T>> {
    const headers: Record<string, string> = {
      accept: "application/json",
      "x-oa-internal-key": this.options.apiKey,
      "x-oa-user-id": this.options.userId,
    };
    if (call.body !== undefined) headers["content-type"] = "application/json";
    if (call.idempotencyKey) headers["idempotency-key"] = call.idempotencyKey;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}/openclaw${path}`, {
        method,
        headers,
        signal,
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
      });
    } catch (error) {
      if (call.signal?.aborted) return fail("aborted", null, "The call was cancelled.");
      if (timeout.aborted) return fail("timeout", null, `The OpenClaw API did not answer within ${this.timeoutMs} ms.`);
      return fail("network", null, `The OpenClaw API could not be reached: ${error instanceof Error ? error.message : String(error)}`);
    }
    let text: string;
    try {
      text = await response.text();
    } catch {
      return fail(timeout.aborted ? "timeout" : "network", response.status, "The OpenClaw API's answer was cut off.");
    }
    let envelope: { ok?: unknown; data?: unknown; error?: unknown };
    try {
      envelope = JSON.parse(text) as typeof envelope;
    } catch {
      const snippet = text.trim().slice(0, 200) || "(empty body)";
      return fail(
        response.ok ? "invalid_response" : "http",
        response.status,
        `OpenClaw API answered HTTP ${response.status} without JSON: ${snippet}`,
      );
    }
    if (response.ok && envelope.ok === true) return { ok: true, data: envelope.data as T };
    const message = typeof envelope.error === "string" ? envelope.error : `HTTP ${response.status}`;
    return fail("http", response.status, message);
  }

  /**
   * Sends one request built by `openclawRequests`; an id that cannot be a path segment is a typed
   * error and nothing is sent. Writes carry `key` as their Idempotency-Key.
   */
  send<T>(build: () => OpenClawRequest, key?: string, signal?: AbortSignal): Promise<OpenClawResult<T>> {
    let built: OpenClawRequest;
    try {
      built = build();
    } catch (error) {
      if (error instanceof UnsafePathSegmentError) return Promise.resolve(fail("invalid_request", null, error.message));
      throw error;
    }
    return this.request<T>(built.method, built.path, {
      signal,
      ...(built.body === undefined ? {} : { body: built.body }),
      ...(built.method !== "GET" && key ? { idempotencyKey: key } : {}),
    });
  }

  getInstance = (signal?: AbortSignal) => this.send<InstanceSummary | null>(() => openclawRequests.getInstance(), undefined, signal);
  provision = (key: string, signal?: AbortSignal) => this.send<InstanceSummary>(() => openclawRequests.provision(), key, signal);
  getStatus = (signal?: AbortSignal) => this.send<RuntimeStatus>(() => openclawRequests.getStatus(), undefined, signal);
  backupNow = (key: string, signal?: AbortSignal) => this.send<BackupResult>(() => openclawRequests.backupNow(), key, signal);
  restart = (key: string, signal?: AbortSignal) => this.send<RestartResult>(() => openclawRequests.restart(), key, signal);
}

function fail<T>(kind: OpenClawError["kind"], status: number | null, message: string): OpenClawResult<T> {
  return { ok: false, error: { kind, status, message } };
}

function isRetryable(error: OpenClawError): boolean {
  if (error.kind === "aborted") return false;
  if (error.kind === "timeout" || error.kind === "network") return true;
  return error.status !== null && (error.status >= 500 || error.status === 429);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
