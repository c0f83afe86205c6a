/**
 * Opening a thread at a message (a search hit's `?m=<messageId>`): the view scrolls to it and marks
 * it for a moment. A message on another branch (an older version after an edit or a regenerate) is
 * switched to first; one that no longer exists is said in a sentence.
 */
import { useEffect, useState } from "react";
import { ApiFailure, api, errorSentence } from "./api.ts";
import { clearTargetMessage, useTargetMessage } from "./router.ts";

/** How long the mark stays before it fades. */
const HIGHLIGHT_MS = 2_000;
/** Frames to wait for the message to be drawn after the transcript changed. */
const MAX_FRAMES = 120;
const MARK = ["rounded-2xl", "outline-2", "outline-offset-4", "outline-ring", "transition-[outline-color]", "duration-1000"];

function findMessage(messageId: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(messageId)}"]`);
}

/** Scrolls to the message once it is drawn and marks it; false when it never showed. */
async function reveal(messageId: string): Promise<boolean> {
  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  // The viewport scrolls to the end on the first frame after the transcript shows: go after it.
  await nextFrame();
  await nextFrame();
  for (let frame = 0; frame < MAX_FRAMES; frame++) {
    const element = findMessage(messageId);
    if (element) {
      // At once, not smoothly: the viewport follows the end of the conversation while it is at the
      // bottom, and a slow scroll would still count as there.
      element.scrollIntoView({ block: "center", behavior: "instant" });
      element.classList.add(...MARK);
      element.dataset.highlighted = "true";
      setTimeout(() => {
        element.classList.replace("outline-ring", "outline-transparent");
        setTimeout(() => {
          element.classList.remove(...MARK, "outline-transparent");
          delete element.dataset.highlighted;
        }, 1_000);
      }, HIGHLIGHT_MS);
      return true;
    }
    await nextFrame();
  }
  return false;
}

export function useOpenAtMessage({
  threadId,
  has,
  sync,
}: {
  threadId: string;
  has: (messageId: string) => boolean;
  sync: () => Promise<void>;
}): string | null {
  const target = useTargetMessage();
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    if (!target) return;
    let cancelled = false;
    void (async () => {
      setNotice(null);
      if (!has(target)) {
        // Not on the path the thread shows: make its branch the active one, then read the transcript again.
        try {
          await api.switchBranch(threadId, target);
          await sync();
        } catch (error) {
          if (cancelled) return;
          const gone = error instanceof ApiFailure && error.status === 404;
          setNotice(
            gone
              ? "The message you searched for is no longer in this thread."
              : `The message you searched for could not be shown — ${errorSentence(error)}`,
          );
          clearTargetMessage();
          return;
        }
      }
      if (cancelled) return;
      const shown = await reveal(target);
      if (cancelled) return;
      if (!shown) setNotice("The message you searched for is not among the messages shown here.");
      clearTargetMessage();
    })();
    return () => {
      cancelled = true;
    };
    // `has` and `sync` are read when the target changes, not on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [target, threadId]);
  return notice;
}
