import { expect } from "vitest";
import type { WebClient } from "./web-client.ts";

/** Every browser API route (and the auth routes with effects), with a body where it takes one. */
export function browserRoutes(threadId: string): Array<[string, string, unknown?]> {
  return [
    ["GET", "/threads"],
    ["POST", "/threads", { title: "from elsewhere" }],
    ["PATCH", `/threads/${threadId}`, { title: "renamed from elsewhere" }],
    ["DELETE", `/threads/${threadId}`],
    ["GET", `/threads/${threadId}/messages`],
    ["GET", `/threads/${threadId}/events`],
    ["GET", `/threads/${threadId}/summary`],
    ["GET", `/threads/${threadId}/approvals`],
    ["GET", `/threads/${threadId}/jobs`],
    ["POST", `/threads/${threadId}/jobs/job_x/cancel`],
    ["GET", `/chat/${threadId}/stream`],
    ["POST", `/chat/${threadId}/stop`],
    [
      "POST",
      "/chat",
      {
        id: threadId,
        messages: [{ id: "m_x", role: "user", parts: [{ type: "text", text: "restart my OpenClaw" }] }],
        trigger: "submit-message",
      },
    ],
    ["GET", "/approvals"],
    ["POST", "/approvals/respond", { threadId, approvalId: "a_x", decision: "approved" }],
    ["GET", "/events"],
    ["GET", "/openclaw"],
    ["POST", "/openclaw/status", {}],
    ["GET", "/auth/me"],
    ["POST", "/auth/dev-login", { name: "someone else" }],
    ["POST", "/auth/logout", {}],
    ["POST", "/auth/logout-everywhere", {}],
  ];
}

/** A signed-in route answers 401 for a dead session (auth/me: no user; logout: nothing to end). */
export async function expectSignedOut(client: WebClient, threadId: string) {
  for (const [method, path, body] of browserRoutes(threadId)) {
    if (path === "/auth/dev-login" || path === "/auth/logout") continue;
    const response = await client.json(method, path, body);
    if (path === "/auth/me") expect(response.body.user, path).toBeNull();
    else expect([method, path, response.status, response.body.error?.code]).toEqual([method, path, 401, "not_authenticated"]);
  }
}
