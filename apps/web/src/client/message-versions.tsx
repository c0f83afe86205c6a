/**
 * What the server says about each message of the active path that the AI SDK's UIMessage does
 * not carry: when it was written, what it follows, and which version it is among its siblings.
 * The branch picker reads it (assistant-ui's own repository only knows the path it was given).
 */
import type { BranchInfo, StoredMessage } from "@oa/protocol";
import type { UIMessage } from "ai";
import { ChevronLeft, ChevronRight } from "lucide-react";
import { createContext, useContext } from "react";
import { fullDate } from "./relative-time.ts";
import { TooltipIconButton } from "./ui/tooltip-icon-button.tsx";

export type MessageMeta = { createdAt: string; parentId: string | null; branch: BranchInfo };

export type Versions = {
  meta: ReadonlyMap<string, MessageMeta>;
  /** Puts the thread on the version through `messageId` (then this tab reads it again). */
  switchTo: (messageId: string) => void;
  /** A switch is on its way, or a run is active: the picker waits. */
  busy: boolean;
};

export const VersionsContext = createContext<Versions>({ meta: new Map(), switchTo: () => {}, busy: false });

/** A stored message as the AI SDK knows it: the server's extra fields stay in the meta map. */
export function toUIMessage({ position: _p, createdAt: _c, parentId: _parent, branch: _b, ...message }: StoredMessage): UIMessage {
  return message as UIMessage;
}

export function metaOf(messages: StoredMessage[]): Map<string, MessageMeta> {
  return new Map(
    messages.map((message) => [message.id, { createdAt: message.createdAt, parentId: message.parentId, branch: message.branch }]),
  );
}

/** `‹ 2 / 3 ›` between a message's versions, as assistant-ui's BranchPicker looks; nothing for a single version. */
export function BranchPicker({ messageId, className }: { messageId: string; className?: string }) {
  const { meta, switchTo, busy } = useContext(VersionsContext);
  const branch = meta.get(messageId)?.branch;
  if (!branch || branch.count <= 1) return null;
  const { previousId, nextId } = branch;
  return (
    <div
      className={`inline-flex items-center text-xs text-muted-foreground ${className ?? ""}`}
      role="group"
      aria-label="Versions"
      data-testid="branch-picker"
    >
      <TooltipIconButton
        tooltip="Previous version"
        side="top"
        className="size-7"
        disabled={busy || !previousId}
        onClick={() => previousId && switchTo(previousId)}
      >
        <ChevronLeft />
      </TooltipIconButton>
      <span className="min-w-9 text-center font-medium tabular-nums" aria-live="polite">
        {branch.index} / {branch.count}
      </span>
      <TooltipIconButton
        tooltip="Next version"
        side="top"
        className="size-7"
        disabled={busy || !nextId}
        onClick={() => nextId && switchTo(nextId)}
      >
        <ChevronRight />
      </TooltipIconButton>
    </div>
  );
}

/** When the message was written, in the reader's locale; the full date on hover. */
export function MessageTime({ messageId }: { messageId: string }) {
  const createdAt = useContext(VersionsContext).meta.get(messageId)?.createdAt;
  if (!createdAt) return null;
  const at = Date.parse(createdAt);
  const today = new Date(at).toDateString() === new Date().toDateString();
  const shown = today
    ? new Date(at).toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" })
    : new Date(at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  return (
    <time dateTime={createdAt} title={fullDate(at)} className="px-1 text-xs text-muted-foreground tabular-nums" data-testid="message-time">
      {shown}
    </time>
  );
}
