import {
  ATTACHMENT_URL_PREFIX,
  attachmentIdFromUrl,
  type BusyPolicy,
  type ChatTrigger,
  checkUserFilePart,
  MAX_ATTACHMENTS_PER_MESSAGE,
  MAX_MESSAGE_CHARS,
  MAX_MESSAGE_FILE_BYTES,
  OPAQUE_ID_PATTERN,
  simpleChatRequestSchema,
  threadIdSchema,
  transportChatRequestSchema,
  userMessageTextLength,
} from "@oa/protocol";
import { generateId, type UIMessage } from "ai";
import { ApiError } from "../failure.ts";
import { parseWith } from "./body.ts";

/** Characters of a rejection's reason that are kept. */
const MAX_REASON_CHARS = 2000;
/** Characters of a file reference's media type that are kept (the thread replaces it with its record's). */
const MAX_MEDIA_TYPE_CHARS = 100;

export type ParsedChatRequest =
  | {
      kind: "message";
      threadId: string;
      message: UIMessage;
      trigger: ChatTrigger;
      onBusy: BusyPolicy | undefined;
      /** The transport's `messageId`: the user message an edit replaces, or the answer a regenerate replaces. */
      messageId?: string;
      /** Where the new user message goes (null: first); absent: at the active path's end. */
      parentId?: string | null;
    }
  | {
      /** The AI SDK's approval continuation: only the decisions are taken from the client. */
      kind: "approvals";
      threadId: string;
      decisions: Array<{ approvalId: string; approved: boolean; reason: string | null }>;
    };

/** Reads the decisions out of `approval-responded` tool parts; nothing else of the message is trusted. */
function approvalDecisions(parts: Array<Record<string, unknown>>): Array<{ approvalId: string; approved: boolean; reason: string | null }> {
  const decisions = [];
  for (const part of parts) {
    const isTool = typeof part.type === "string" && (part.type === "dynamic-tool" || part.type.startsWith("tool-"));
    if (!isTool || part.state !== "approval-responded") continue;
    const approval = part.approval as { id?: unknown; approved?: unknown; reason?: unknown } | undefined;
    if (!approval || typeof approval.id !== "string" || !OPAQUE_ID_PATTERN.test(approval.id) || typeof approval.approved !== "boolean") {
      throw new ApiError("invalid_request", "An approval-responded tool part needs approval.id and approval.approved.");
    }
    const reason = typeof approval.reason === "string" ? approval.reason.slice(0, MAX_REASON_CHARS) : null;
    decisions.push({ approvalId: approval.id, approved: approval.approved, reason });
  }
  return decisions;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Header first, then `threadId`, then the AI SDK transport's `id`. */
function resolveThreadId(header: string | null, body: Record<string, unknown>): string {
  const candidate = header ?? body.threadId ?? body.id;
  if (candidate === undefined || candidate === null) {
    throw new ApiError("invalid_thread_id", "A thread id is required: X-OA-Thread-Id header, threadId or id in the body.");
  }
  const parsed = threadIdSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new ApiError("invalid_thread_id", "Thread ids are 1–128 characters of A-Z a-z 0-9 _ . : -", {
      issues: parsed.error.issues.map((issue) => issue.message),
    });
  }
  return parsed.data;
}

function tooLong(length: number): never {
  throw new ApiError("message_too_long", `Message text is over ${MAX_MESSAGE_CHARS} characters.`, {
    limit: MAX_MESSAGE_CHARS,
    length,
  });
}

/**
 * A reference to one of the thread's attachments (`attachment:<id>`). Its type and name are
 * placeholders here: the thread replaces them with its record's, or refuses an unknown id.
 */
function attachmentReference(part: Record<string, unknown>, index: number): UIMessage["parts"][number] {
  const id = attachmentIdFromUrl(part.url as string);
  if (!id) throw new ApiError("attachment_not_found", `Message part ${index} names no valid attachment id.`, { part: index });
  return {
    type: "file",
    url: part.url as string,
    mediaType: typeof part.mediaType === "string" ? part.mediaType.slice(0, MAX_MEDIA_TYPE_CHARS) : "application/octet-stream",
  };
}

/**
 * Only what a person can send: text, files inline as base64 `data:` URLs of an allowed type
 * within the size limits, and references to the thread's attachments (`attachment:<id>`). A file
 * by URL is refused: the agent never fetches what a client points at.
 */
function sanitizeUserParts(parts: Array<Record<string, unknown>>): UIMessage["parts"] {
  let fileBytes = 0;
  let attachments = 0;
  return parts.map((part, index) => {
    if (part.type === "text" && typeof part.text === "string") return { type: "text", text: part.text };
    if (part.type === "file" && typeof part.url === "string" && part.url.startsWith(ATTACHMENT_URL_PREFIX)) {
      if (++attachments > MAX_ATTACHMENTS_PER_MESSAGE) {
        throw new ApiError("unsupported_file_part", `One message may refer to at most ${MAX_ATTACHMENTS_PER_MESSAGE} attachments.`, {
          part: index,
          limit: MAX_ATTACHMENTS_PER_MESSAGE,
        });
      }
      return attachmentReference(part, index);
    }
    if (part.type === "file") {
      const checked = checkUserFilePart(part);
      if (!checked.ok) throw new ApiError("unsupported_file_part", `Message part ${index}: ${checked.reason}`, { part: index });
      fileBytes += checked.bytes;
      if (fileBytes > MAX_MESSAGE_FILE_BYTES) {
        throw new ApiError("unsupported_file_part", `The files of one message may hold at most ${MAX_MESSAGE_FILE_BYTES} bytes together.`, {
          part: index,
          limit: MAX_MESSAGE_FILE_BYTES,
        });
      }
      return checked.part;
    }
    throw new ApiError("invalid_request", `Message part ${index} of type "${String(part.type)}" cannot be sent by a user.`);
  });
}

/**
 * Accepts the AI SDK transport body `{id, messages, trigger, messageId}` (only the last,
 * new message is used: history is the server's) and the simple `{threadId, input}`.
 */
export function parseChatRequest(body: unknown, threadHeader: string | null): ParsedChatRequest {
  if (!isObject(body)) throw new ApiError("invalid_request", "Request body must be a JSON object.");
  if ("messages" in body) {
    const threadId = resolveThreadId(threadHeader, body);
    const request = parseWith(transportChatRequestSchema, body);
    const last = request.messages[request.messages.length - 1]!;
    if (last.role === "assistant") {
      const decisions = approvalDecisions(last.parts as Array<Record<string, unknown>>);
      if (decisions.length === 0) {
        throw new ApiError("invalid_request", "An assistant message is only accepted carrying approval responses.", { role: last.role });
      }
      return { kind: "approvals", threadId, decisions };
    }
    if (last.role !== "user") {
      throw new ApiError("invalid_request", "The last message must be the user's new message.", { role: last.role });
    }
    const length = userMessageTextLength(last);
    if (length > MAX_MESSAGE_CHARS) tooLong(length);
    const parts = sanitizeUserParts(last.parts as Array<Record<string, unknown>>);
    if (parts.length === 0) throw new ApiError("invalid_request", "The message has no parts.");
    return {
      kind: "message",
      threadId,
      message: { id: last.id, role: "user", parts },
      trigger: request.trigger,
      onBusy: request.onBusy,
      ...(request.messageId !== undefined ? { messageId: request.messageId } : {}),
      ...(request.parentId !== undefined ? { parentId: request.parentId } : {}),
    };
  }
  if ("input" in body) {
    const threadId = resolveThreadId(threadHeader, body);
    if (typeof body.input === "string" && body.input.length > MAX_MESSAGE_CHARS) tooLong(body.input.length);
    const request = parseWith(simpleChatRequestSchema, body);
    return {
      kind: "message",
      threadId,
      message: { id: request.messageId ?? `msg_${generateId()}`, role: "user", parts: [{ type: "text", text: request.input }] },
      trigger: "submit-message",
      onBusy: request.onBusy,
    };
  }
  throw new ApiError("invalid_request", "Send either {id, messages, trigger} (AI SDK transport) or {threadId, input}.");
}
