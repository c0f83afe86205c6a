import {
  type ApprovalList,
  type ApprovalRespondResult,
  type AttachmentDeleteResult,
  type AttachmentUploadResult,
  attachmentMediaType,
  type CreateThreadResult,
  type Decision,
  type ExportFormat,
  type Inbox,
  type JobList,
  type MessagesPage,
  type OpenClawOverview,
  type OpenClawRuntimeStatusAnswer,
  type OverviewPart,
  type ScheduleCancelResult,
  type ScheduleList,
  type SearchResult,
  type SwitchBranchResult,
  type ThreadKind,
  type ThreadListPage,
  type ThreadPatch,
  type ThreadSummary,
} from "@oa/protocol";

/** How this deployment signs people in; `off`: neither WorkOS nor the dev login is configured. */
export type SignInMode = "dev" | "workos" | "off";

export type Me = { id: string; name: string; email: string | null; via: "dev" | "workos" };

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A sentence for an answer that is not ours (a proxy's 502 page, HTML, an empty body). */
export function unreadableAnswer(status: number): string {
  return status >= 500 || status === 0
    ? `The server is unreachable right now (${status}). Try again in a moment.`
    : `The server gave an answer this page cannot read (${status}). Try again in a moment.`;
}

async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  return send<T>(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(signal ? { signal } : {}),
  });
}

/** One call to the browser API; its JSON answer, or an ApiFailure carrying the server's sentence. */
async function send<T>(path: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, credentials: "same-origin" });
  } catch (error) {
    // Cancelled by the caller (a newer search): not a network failure.
    if (init.signal?.aborted) throw error;
    throw new ApiFailure(0, "network_error", "The server cannot be reached; check your connection and try again.");
  }
  const data = (await response.json().catch(() => null)) as { ok?: boolean; error?: { code?: unknown; message?: unknown } } | null;
  if (!response.ok || !data || data.ok === false) {
    const message = typeof data?.error?.message === "string" && data.error.message ? data.error.message : unreadableAnswer(response.status);
    throw new ApiFailure(response.status, typeof data?.error?.code === "string" ? data.error.code : "http_error", message);
  }
  return data as T;
}

export type ThreadPage = ThreadListPage;
/** The OpenClaw panel's shapes are the protocol's (the agent's overview, its parts, the runtime status). */
export type { OpenClawOverview, OpenClawRuntimeStatusAnswer, RuntimeStatus } from "@oa/protocol";
export type Part<T> = OverviewPart<T>;

export const api = {
  me: () => request<{ mode: SignInMode; user: Me | null }>("GET", "/auth/me"),
  devLogin: (name: string) => request<{ user: Me }>("POST", "/auth/dev-login", { name }),
  logout: () => request<unknown>("POST", "/auth/logout", {}),
  logoutEverywhere: () => request<{ revoked: number }>("POST", "/auth/logout-everywhere", {}),
  threads: (query: Record<string, string | undefined>) => {
    const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => Boolean(entry[1])));
    return request<ThreadPage>("GET", `/threads?${params}`);
  },
  createThread: (kind: ThreadKind = "chat", title?: string) =>
    request<CreateThreadResult>("POST", "/threads", title ? { kind, title } : { kind }),
  patchThread: (id: string, patch: ThreadPatch) => request<unknown>("PATCH", `/threads/${id}`, patch),
  deleteThread: (id: string) => request<unknown>("DELETE", `/threads/${id}`),
  /** The active path (the version of the conversation the thread is on), with each message's branch info. */
  messages: (id: string, limit = 100) => request<MessagesPage>("GET", `/threads/${id}/messages?limit=${limit}`),
  /** Puts the thread on the version through `messageId`; 409 `run_active` while a run is active. */
  switchBranch: (id: string, messageId: string) => request<SwitchBranchResult>("POST", `/threads/${id}/branch`, { messageId }),
  /** Whether a run is active in the thread (its answer may not be stored yet). */
  summary: (id: string) => request<ThreadSummary>("GET", `/threads/${id}/summary`),
  approvals: (id: string) => request<ApprovalList>("GET", `/threads/${id}/approvals`),
  jobs: (id: string) => request<JobList>("GET", `/threads/${id}/jobs`),
  stop: (id: string) => request<unknown>("POST", `/chat/${id}/stop`, {}),
  inbox: () => request<Inbox>("GET", "/approvals?status=pending"),
  respond: (threadId: string, approvalId: string, decision: Decision, reason?: string) =>
    request<ApprovalRespondResult>("POST", "/approvals/respond", { threadId, approvalId, decision, ...(reason ? { reason } : {}) }),
  schedules: (threadId: string) => request<ScheduleList>("GET", `/threads/${threadId}/schedules`),
  cancelSchedule: (threadId: string, scheduleId: string) =>
    request<ScheduleCancelResult>("DELETE", `/threads/${threadId}/schedules/${scheduleId}`),
  /** Message hits across all of the user's threads, best first. */
  search: (q: string, limit?: number, signal?: AbortSignal) => {
    const params = new URLSearchParams({ q, ...(limit ? { limit: String(limit) } : {}) });
    return request<SearchResult>("GET", `/search?${params}`, undefined, signal);
  },
  /** Makes the path through `messageId` the thread's active one (an older version after an edit or a regenerate). */
  /** Where the browser downloads a thread's export (a plain link: the answer is an attachment). */
  exportUrl: (threadId: string, format: ExportFormat) => `/threads/${encodeURIComponent(threadId)}/export?format=${format}`,
  openclaw: () => request<OpenClawOverview>("GET", "/openclaw"),
  /** Reads the gateway's status, which starts a stopped gateway: only on the user's request. */
  openclawStatus: () => request<OpenClawRuntimeStatusAnswer>("POST", "/openclaw/status", {}),
};

/**
 * Uploads a file into the thread (which must exist: POST /threads first). Its type (the browser's,
 * or its extension's) goes as Content-Type; the server refuses types and sizes it does not accept, with a sentence.
 * The answer's `attachment.url` (`attachment:<id>`) is what a message's file part carries.
 */
export function uploadAttachment(threadId: string, file: File): Promise<AttachmentUploadResult> {
  return send(`/threads/${encodeURIComponent(threadId)}/attachments`, {
    method: "POST",
    headers: { "content-type": attachmentMediaType(file.name, file.type), "x-oa-filename": encodeURIComponent(file.name) },
    body: file,
  });
}

/** Where the attachment's bytes are served to its owner (an <img src>, or a download link). */
export function attachmentHref(threadId: string, attachmentId: string): string {
  return `/threads/${encodeURIComponent(threadId)}/attachments/${encodeURIComponent(attachmentId)}`;
}

/** Deletes an attachment no message refers to yet (one removed from the composer). */
export function deleteAttachment(threadId: string, attachmentId: string): Promise<AttachmentDeleteResult> {
  return send(attachmentHref(threadId, attachmentId), { method: "DELETE" });
}

/**
 * What went wrong, as a sentence for a person: the server's own message (never its JSON body),
 * and for a request that got no answer at all, that the agent could not be reached.
 */
export function errorSentence(error: unknown): string {
  if (error instanceof ApiFailure) return error.message;
  const failed = error as { responseBody?: unknown; statusCode?: unknown; message?: unknown } | null;
  if (typeof failed?.responseBody === "string") {
    try {
      const body = JSON.parse(failed.responseBody) as { error?: { message?: unknown } };
      if (typeof body.error?.message === "string") return body.error.message;
    } catch {
      // not JSON: fall through to the status
    }
  }
  if (typeof failed?.statusCode === "number") return `The server answered ${failed.statusCode}; try again.`;
  if (error instanceof TypeError) return "Could not reach the agent. Check your connection; this page keeps trying by itself.";
  const message = typeof failed?.message === "string" ? failed.message.trim() : "";
  if (message && !message.startsWith("{") && !/^(network error|failed to fetch)$/i.test(message)) return message;
  return "Could not reach the agent. Try again in a moment.";
}
