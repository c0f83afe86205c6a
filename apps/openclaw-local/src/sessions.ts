import type { SendResult, SessionKind, SessionRow, TranscriptMessage } from "@oa/protocol";
import type { UserContext } from "./context.ts";
import { errors, failure, type Outcome, success } from "./envelope.ts";

export const MAIN_SESSION_KEY = "main";
export const DEFAULT_MODEL = "openai/gpt-4o-mini";

type SessionDbRow = {
  key: string;
  kind: SessionKind;
  channel: string | null;
  display_name: string | null;
  session_id: string;
  model: string | null;
  updated_at: number;
};
type MessageRow = { role: TranscriptMessage["role"]; text: string; tool_name: string | null; timestamp: number };

export type SessionListQuery = { limit?: number; activeMinutes?: number; messageLimit?: number; kinds?: string[] };
export type HistoryQuery = { limit?: number; includeTools?: boolean };

function positiveInt(value: unknown): number | undefined {
  const parsed = typeof value === "number" ? Math.floor(value) : Number.parseInt(String(value ?? ""), 10);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : undefined;
}

function nonNegativeInt(value: unknown): number | undefined {
  const parsed = typeof value === "number" ? Math.floor(value) : Number.parseInt(String(value ?? ""), 10);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

function booleanParam(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  const normalized = String(value ?? "")
    .trim()
    .toLowerCase();
  if (["1", "true", "yes", "on"].includes(normalized)) return true;
  if (["0", "false", "no", "off"].includes(normalized)) return false;
  return undefined;
}

function kindsParam(values: unknown[]): string[] | undefined {
  const kinds = values
    .flatMap((value) => String(value).split(","))
    .map((kind) => kind.trim())
    .filter(Boolean);
  return kinds.length > 0 ? kinds : undefined;
}

/** Like the runtime, values that do not parse are ignored rather than refused. */
export function parseSessionListQuery(search: URLSearchParams | Record<string, unknown>): SessionListQuery {
  const get = (name: string) => (search instanceof URLSearchParams ? search.get(name) : search[name]);
  const rawKinds = search instanceof URLSearchParams ? search.getAll("kinds") : ([] as unknown[]).concat(search.kinds ?? []);
  const query: SessionListQuery = {};
  const limit = positiveInt(get("limit"));
  const activeMinutes = positiveInt(get("activeMinutes"));
  const messageLimit = nonNegativeInt(get("messageLimit"));
  const kinds = kindsParam(rawKinds);
  if (limit !== undefined) query.limit = limit;
  if (activeMinutes !== undefined) query.activeMinutes = activeMinutes;
  if (messageLimit !== undefined) query.messageLimit = messageLimit;
  if (kinds !== undefined) query.kinds = kinds;
  return query;
}

export function parseHistoryQuery(search: URLSearchParams | Record<string, unknown>): HistoryQuery {
  const get = (name: string) => (search instanceof URLSearchParams ? search.get(name) : search[name]);
  const query: HistoryQuery = {};
  const limit = positiveInt(get("limit"));
  const includeTools = booleanParam(get("includeTools"));
  if (limit !== undefined) query.limit = limit;
  if (includeTools !== undefined) query.includeTools = includeTools;
  return query;
}

function messageOf(row: MessageRow): TranscriptMessage {
  return {
    role: row.role,
    content: [{ type: "text", text: row.text }],
    timestamp: row.timestamp,
    ...(row.tool_name === null ? {} : { toolName: row.tool_name }),
  };
}

function messagesOf(ctx: UserContext, key: string, includeTools: boolean): TranscriptMessage[] {
  return ctx.sql
    .exec<MessageRow>("SELECT role, text, tool_name, timestamp FROM session_messages WHERE session_key = ? ORDER BY seq", key)
    .toArray()
    .filter((row) => includeTools || row.role !== "toolResult")
    .map(messageOf);
}

function findSession(ctx: UserContext, key: string): SessionDbRow | undefined {
  return ctx.sql.exec<SessionDbRow>("SELECT * FROM sessions WHERE key = ?", key).toArray()[0];
}

function sessionNotFound(key: string) {
  return failure(404, `session not found: ${key}`);
}

/** A ready runtime always has its main session. */
export function ensureMainSession(ctx: UserContext, at: number): void {
  ctx.sql.exec(
    "INSERT OR IGNORE INTO sessions (key, kind, session_id, model, updated_at) VALUES (?, 'main', ?, ?, ?)",
    MAIN_SESSION_KEY,
    crypto.randomUUID(),
    DEFAULT_MODEL,
    at,
  );
}

export function listSessions(ctx: UserContext, query: SessionListQuery): Outcome<SessionRow[]> {
  const tokens = new Map(
    ctx.sql
      .exec<{ session_key: string; tokens: number }>(
        "SELECT session_key, SUM((length(text) + 3) / 4) AS tokens FROM session_messages GROUP BY session_key",
      )
      .toArray()
      .map((row) => [row.session_key, row.tokens]),
  );
  const since = query.activeMinutes === undefined ? null : ctx.now() - query.activeMinutes * 60_000;
  const rows = ctx.sql
    .exec<SessionDbRow>("SELECT * FROM sessions ORDER BY updated_at DESC, key")
    .toArray()
    .filter((row) => !query.kinds || query.kinds.includes(row.kind))
    .filter((row) => since === null || row.updated_at >= since)
    .slice(0, query.limit ?? Number.POSITIVE_INFINITY);
  return success(
    rows.map(
      (row): SessionRow => ({
        key: row.key,
        kind: row.kind,
        ...(row.channel === null ? {} : { channel: row.channel }),
        ...(row.display_name === null ? {} : { displayName: row.display_name }),
        updatedAt: row.updated_at,
        sessionId: row.session_id,
        ...(row.model === null ? {} : { model: row.model }),
        totalTokens: tokens.get(row.key) ?? 0,
        ...(query.messageLimit ? { messages: messagesOf(ctx, row.key, false).slice(-query.messageLimit) } : {}),
      }),
    ),
  );
}

export function sessionHistory(ctx: UserContext, key: string, query: HistoryQuery): Outcome<{ messages: TranscriptMessage[] }> {
  if (!findSession(ctx, key)) return sessionNotFound(key);
  const messages = messagesOf(ctx, key, query.includeTools ?? false);
  return success({ messages: query.limit === undefined ? messages : messages.slice(-query.limit) });
}

/** The local agent's answer: deterministic, so tests and demos can rely on it. */
export function replyTo(message: string): string {
  const quoted = message.length > 200 ? `${message.slice(0, 200)}…` : message;
  return `OpenClaw (local) received: "${quoted}"`;
}

/**
 * Appends the message and the agent's reply to the session. `timeoutSeconds: 0` does not wait
 * for the reply (`accepted`); the run still completes and its reply lands in the history.
 */
export function sendToSession(ctx: UserContext, key: string, body: unknown, options: { dryRun?: boolean } = {}): Outcome<SendResult> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return errors.invalidJsonBody();
  const fields = body as Record<string, unknown>;
  const message = typeof fields.message === "string" ? fields.message.trim() : "";
  if (message === "") return errors.messageRequired();
  const timeoutSeconds = typeof fields.timeoutSeconds === "number" ? fields.timeoutSeconds : undefined;
  if (timeoutSeconds !== undefined && (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0)) {
    return failure(400, "timeoutSeconds must be a non-negative number");
  }
  if (!findSession(ctx, key)) return sessionNotFound(key);
  const runId = crypto.randomUUID();
  const reply = replyTo(message);
  const waits = timeoutSeconds === undefined || Math.floor(timeoutSeconds) > 0;
  const result: SendResult = waits ? { runId, status: "ok", reply } : { runId, status: "accepted" };
  if (options.dryRun) return success(result);
  const now = ctx.now();
  ctx.storage.transactionSync(() => {
    appendMessage(ctx, key, { role: "user", text: message, timestamp: now });
    appendMessage(ctx, key, { role: "assistant", text: reply, timestamp: now });
    ctx.sql.exec("UPDATE sessions SET updated_at = ? WHERE key = ?", now, key);
  });
  return success(result, "session.message");
}

function appendMessage(
  ctx: UserContext,
  key: string,
  message: { role: TranscriptMessage["role"]; text: string; toolName?: string | undefined; timestamp: number },
): void {
  ctx.sql.exec(
    "INSERT INTO session_messages (session_key, role, text, tool_name, timestamp) VALUES (?, ?, ?, ?, ?)",
    key,
    message.role,
    message.text,
    message.toolName ?? null,
    message.timestamp,
  );
}

export function sessionStatus(ctx: UserContext, key: string): Outcome<SessionRow> {
  const listed = listSessions(ctx, {});
  const row = listed.ok ? listed.data.find((session) => session.key === key) : undefined;
  return row ? success(row) : sessionNotFound(key);
}

export type SessionSeed = {
  key: string;
  kind: SessionKind;
  channel?: string | undefined;
  displayName?: string | undefined;
  model?: string | undefined;
  /** How long ago the session was last active. */
  ageMinutes?: number | undefined;
  messages?: Array<{ role: TranscriptMessage["role"]; text: string; toolName?: string | undefined }> | undefined;
};

/** Control surface: add or replace sessions with their transcripts. */
export function seedSessions(ctx: UserContext, seeds: SessionSeed[]): void {
  for (const seed of seeds) {
    const updatedAt = ctx.now() - Math.round((seed.ageMinutes ?? 0) * 60_000);
    const existing = findSession(ctx, seed.key);
    ctx.sql.exec("DELETE FROM session_messages WHERE session_key = ?", seed.key);
    ctx.sql.exec(
      "INSERT OR REPLACE INTO sessions (key, kind, channel, display_name, session_id, model, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      seed.key,
      seed.kind,
      seed.channel ?? null,
      seed.displayName ?? null,
      existing?.session_id ?? crypto.randomUUID(),
      seed.model ?? DEFAULT_MODEL,
      updatedAt,
    );
    const messages = seed.messages ?? [];
    messages.forEach((message, index) => {
      appendMessage(ctx, seed.key, { ...message, timestamp: updatedAt - (messages.length - 1 - index) * 1000 });
    });
  }
}
