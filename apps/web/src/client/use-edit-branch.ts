import type { UIMessage } from "ai";
import { useCallback, useRef, useState } from "react";
import { ApiFailure, api, errorSentence } from "./api.ts";
import { MESSAGE_PAGE_SIZE } from "./thread-reads.ts";
import { isBusy, type ThreadChatSession } from "./use-chat-session.ts";

type EditBranchOptions = {
  threadId: string;
  session: ThreadChatSession;
  markUnsent: (id: string, reason: string | null) => void;
  sync: () => Promise<void>;
  startHealing: () => void;
  refresh: () => void;
};

/**
 * Sending, editing and versions: `send` goes through the chat stream and keeps what the server
 * did not take ("Not sent", with `retry`); `setMessages` records assistant-ui's edit cut so the
 * next send says where its question goes; `switchTo` puts the thread on another version.
 * `sendError` is the last of these that failed, in words.
 */
export function useEditBranch({ threadId, session, markUnsent, sync, startHealing, refresh }: EditBranchOptions) {
  const [sendError, setSendError] = useState<string | null>(null);
  const [switching, setSwitching] = useState(false);
  /**
   * assistant-ui edits by cutting the transcript back to the edited question's parent, then
   * sending: that cut is recorded here and the next send (only that one) carries the parent.
   */
  const editParent = useRef<{ parentId: string | null } | null>(null);
  /** Edits that did not go out, by message id: their retry goes to the same place. */
  const unsentEdits = useRef(new Map<string, { parentId: string | null }>());

  /** Sends through the chat stream; a send the server did not take stays, marked "Not sent". */
  const send = useCallback(
    async (...args: Parameters<typeof session.sendMessage>) => {
      setSendError(null);
      const [message, options] = args;
      // An edit (or the retry of one that did not go out) says where its question goes.
      const edit = editParent.current ?? (message && "id" in message && message.id ? (unsentEdits.current.get(message.id) ?? null) : null);
      editParent.current = null;
      await session.sendMessage(message, edit ? { ...options, body: { ...options?.body, parentId: edit.parentId } } : options);
      if (session.status !== "error") return;
      const error = session.error;
      const last = session.messages.at(-1);
      session.clearError();
      const refused = typeof (error as { statusCode?: unknown } | undefined)?.statusCode === "number";
      const unreachable = error instanceof TypeError;
      if (last?.role === "user" && (refused || unreachable)) {
        if (edit) unsentEdits.current.set(last.id, edit);
        markUnsent(last.id, errorSentence(error));
        setSendError(errorSentence(error));
      } else if (!unreachable) setSendError(errorSentence(error));
      // No answer at all, or the stream broke off: the server may hold more than this tab knows.
      if (unreachable) startHealing();
      else if (!refused) refresh();
    },
    [session, markUnsent, startHealing, refresh],
  );

  const retry = useCallback(
    async (id: string) => {
      const message = session.messages.find((candidate) => candidate.id === id);
      if (!message || isBusy(session)) return;
      markUnsent(id, null);
      setSendError(null);
      // The first attempt may have arrived after all: then the server's transcript shows it.
      const page = await api.messages(threadId, MESSAGE_PAGE_SIZE).catch(() => null);
      if (page?.messages.some((stored) => stored.id === id)) return refresh();
      session.messages = session.messages.filter((candidate) => candidate.id !== id);
      // The same id: should the server have it by now, it answers with that turn, never a second one.
      await send({ id, role: "user", parts: message.parts, ...(message.metadata === undefined ? {} : { metadata: message.metadata }) });
    },
    [session, threadId, markUnsent, refresh, send],
  );

  /** The cut assistant-ui's edit makes before it sends (a function of the current messages, shortening them). */
  const setMessages = useCallback(
    (update: UIMessage[] | ((messages: UIMessage[]) => UIMessage[])) => {
      const before = session.messages;
      const after = typeof update === "function" ? update(before) : update;
      const cut =
        typeof update === "function" && after.length < before.length && after.every((message, index) => message.id === before[index]?.id);
      editParent.current = cut ? { parentId: after.at(-1)?.id ?? null } : null;
      session.messages = after;
    },
    [session],
  );

  /** Puts the thread on another version; the server refuses while a run is active. */
  const switchTo = useCallback(
    async (messageId: string) => {
      setSwitching(true);
      setSendError(null);
      try {
        await api.switchBranch(threadId, messageId);
        await sync().catch(startHealing);
      } catch (error) {
        setSendError(
          error instanceof ApiFailure && error.code === "run_active"
            ? "Wait for the answer to finish, or stop it, before switching versions."
            : errorSentence(error),
        );
      } finally {
        setSwitching(false);
      }
    },
    [threadId, sync, startHealing],
  );

  return { send, retry, setMessages, switchTo, switching, sendError };
}
