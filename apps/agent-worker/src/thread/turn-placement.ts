import type { ChatTrigger } from "@oa/protocol";
import type { UIMessage } from "ai";
import { type Failure, failure } from "../failure.ts";
import type { RunStore } from "../storage/run-store.ts";
import type { StoredMessage, ThreadStore } from "../storage/thread-store.ts";

/** What a submitted message is, and where its run puts it in the transcript's tree. */
export type ResolvedTurn =
  /** A retried request: follow (or replay) the run of `userMessageId` (default: the sent message's id). */
  | { ok: true; kind: "retry"; userMessageId?: string }
  | {
      ok: true;
      /** `message`: a new turn; `edit`: a new version of a user message; `regenerate`: a new answer to a stored one. */
      kind: "message" | "edit" | "regenerate";
      userMessageId: string;
      /** Appended when the run starts (null: the question is stored already). */
      pendingMessage: UIMessage | null;
      /** Under which message (null: first); null placement: at the active leaf when the run starts. */
      placement: { parentId: string | null } | null;
    };

export type TurnRequest = {
  message: UIMessage;
  trigger: ChatTrigger;
  messageId?: string;
  parentId?: string | null;
};

const sameParts = (a: UIMessage["parts"], b: UIMessage["parts"]) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The AI SDK's own protocol decides:
 * - `submit-message` with `messageId` = the sent message's id, already stored as a user message
 *   with other parts: an edit (`sendMessage({text, messageId})`). The new text becomes a new user
 *   message (a server id: ids are unique) beside the edited one, under the same parent.
 * - `submit-message` with `parentId`: the new message goes under that message (a website edit).
 * - `submit-message` with an id already stored or queued, and no edit: a retried request.
 * - `regenerate-message` whose last message is a stored user message: a new answer beside the
 *   old ones. The client may still hold an edited question under the id of its first version:
 *   then the version holding the sent text is the one answered.
 */
export function resolveTurn(
  store: ThreadStore,
  runs: RunStore,
  request: TurnRequest,
  newId: (prefix: string) => string,
): ResolvedTurn | Failure {
  const { message } = request;
  const existing = store.getMessage(message.id);
  const alreadySubmitted = existing !== null || runs.byUserMessage(message.id) !== null;
  if (request.trigger === "submit-message") {
    if (existing && existing.role === "user" && request.messageId === message.id && !sameParts(existing.parts, message.parts)) {
      // The same edit sent again (a retried request) follows the version its first attempt made.
      const made = versionWithParts(store, existing, message.parts) ?? queuedEdit(runs, existing.parentId, message.parts);
      if (made) return { ok: true, kind: "retry", userMessageId: made };
      const edited: UIMessage = { ...message, id: newId("msg") };
      return { ok: true, kind: "edit", userMessageId: edited.id, pendingMessage: edited, placement: { parentId: existing.parentId } };
    }
    if (alreadySubmitted) return { ok: true, kind: "retry" };
    if (request.parentId !== undefined) {
      if (request.parentId !== null && !store.hasMessage(request.parentId)) {
        return failure("message_not_found", "parentId names no message of this thread.", { parentId: request.parentId });
      }
      const kind = request.parentId === store.leafId() ? "message" : "edit";
      return { ok: true, kind, userMessageId: message.id, pendingMessage: message, placement: { parentId: request.parentId } };
    }
    return { ok: true, kind: "message", userMessageId: message.id, pendingMessage: message, placement: null };
  }

  if (!existing) {
    if (alreadySubmitted) return { ok: true, kind: "retry" };
    // Nothing to regenerate: the message is a new turn.
    return { ok: true, kind: "message", userMessageId: message.id, pendingMessage: message, placement: null };
  }
  if (existing.role !== "user") return failure("invalid_request", "Only a user message can be regenerated.", { messageId: existing.id });
  const versionId = sameParts(existing.parts, message.parts) ? null : versionWithParts(store, existing, message.parts);
  const question = (versionId ? store.getMessage(versionId) : null) ?? existing;
  if (request.messageId !== undefined && request.messageId !== question.id) {
    const answer = store.getMessage(request.messageId);
    if (!answer) return failure("message_not_found", "messageId names no message of this thread.", { messageId: request.messageId });
    if (answer.parentId !== question.id) {
      return failure("invalid_request", "messageId is not an answer to the last message sent.", {
        messageId: request.messageId,
        questionId: question.id,
      });
    }
  }
  return { ok: true, kind: "regenerate", userMessageId: question.id, pendingMessage: null, placement: null };
}

/** The id of an edit still queued under `parentId` with exactly `parts` (not stored until its run starts). */
function queuedEdit(runs: RunStore, parentId: string | null, parts: UIMessage["parts"]): string | null {
  const run = runs
    .active()
    .find(
      (candidate) =>
        candidate.pendingMessage && candidate.placement?.parentId === parentId && sameParts(candidate.pendingMessage.parts, parts),
    );
  return run ? run.userMessageId : null;
}

/** The newest version of `message` (itself or a sibling user message) holding exactly `parts`. */
function versionWithParts(store: ThreadStore, message: StoredMessage, parts: UIMessage["parts"]): string | null {
  return store.versionsOf(message.id).find((version) => version.role === "user" && sameParts(version.parts, parts))?.id ?? null;
}
