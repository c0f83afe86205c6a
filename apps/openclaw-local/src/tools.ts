import type { UserContext } from "./context.ts";
import { errors, failure, type Outcome, success } from "./envelope.ts";
import {
  listSessions,
  MAIN_SESSION_KEY,
  parseHistoryQuery,
  parseSessionListQuery,
  sendToSession,
  sessionHistory,
  sessionStatus,
} from "./sessions.ts";

/**
 * `POST /tools/invoke` of the runtime's gateway: one tool call outside an agent turn. Only the
 * tools below are allowed by the local gateway's policy; anything else is 404, like a tool the
 * gateway's policy filters out. A result is the gateway's tool result: text content plus details.
 */
type ToolCall = { args: Record<string, unknown>; sessionKey: string; dryRun: boolean };
type ToolHandler = (ctx: UserContext, call: ToolCall) => Outcome;

const tools: Record<string, ToolHandler> = {
  sessions_list: (ctx, call) => {
    const listed = listSessions(ctx, parseSessionListQuery(call.args));
    return listed.ok ? success({ count: listed.data.length, sessions: listed.data }) : listed;
  },
  sessions_history: (ctx, call) => {
    const key = stringArg(call.args.sessionKey) ?? call.sessionKey;
    const history = sessionHistory(ctx, key, parseHistoryQuery(call.args));
    return history.ok ? success({ sessionKey: key, messages: history.data.messages }) : history;
  },
  sessions_send: (ctx, call) => {
    const key = stringArg(call.args.sessionKey) ?? call.sessionKey;
    const sent = sendToSession(ctx, key, call.args, { dryRun: call.dryRun });
    return sent.ok ? success({ sessionKey: key, ...sent.data }, ...sent.effects) : sent;
  },
  session_status: (ctx, call) => sessionStatus(ctx, stringArg(call.args.sessionKey) ?? call.sessionKey),
};

export const ALLOWED_TOOLS = Object.keys(tools);

function stringArg(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

export function invokeTool(ctx: UserContext, body: unknown): Outcome {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return errors.invalidJsonBody();
  const fields = body as Record<string, unknown>;
  const name = stringArg(fields.tool);
  if (!name) return failure(400, "tool is required");
  if (fields.args !== undefined && (fields.args === null || typeof fields.args !== "object" || Array.isArray(fields.args))) {
    return failure(400, "args must be an object");
  }
  const handler = Object.hasOwn(tools, name) ? tools[name] : undefined;
  if (!handler) return failure(404, `Tool not available: ${name}`);
  const args = { ...(fields.args as Record<string, unknown> | undefined) };
  const action = stringArg(fields.action);
  if (action && args.action === undefined) args.action = action;
  const outcome = handler(ctx, {
    args,
    sessionKey: stringArg(fields.sessionKey) ?? MAIN_SESSION_KEY,
    dryRun: fields.dryRun === true,
  });
  if (!outcome.ok) return failure(outcome.status === 404 ? 400 : outcome.status, outcome.error);
  return success({ content: [{ type: "text", text: JSON.stringify(outcome.data, null, 2) }], details: outcome.data }, ...outcome.effects);
}
