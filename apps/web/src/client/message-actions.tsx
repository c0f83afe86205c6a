/**
 * What a person can do with a message, with assistant-ui's primitives: copy either side, edit a
 * question (a new version of the conversation from there), regenerate an answer (a new version of
 * it). The bar stays in the page, faded out until the message is hovered or focused (always shown
 * on the last message and on touch screens), so a keyboard reaches it like any other button.
 */
import { ActionBarPrimitive, ComposerPrimitive, useAuiState } from "@assistant-ui/react";
import { Check, Copy, Pencil, RefreshCw } from "lucide-react";
import { ComposerAttachmentTiles } from "./composer-attachments.tsx";
import { cn } from "./lib/cn.ts";
import { BranchPicker, MessageTime } from "./message-versions.tsx";
import { Button } from "./ui/button.tsx";
import { TooltipIconButton } from "./ui/tooltip-icon-button.tsx";

/** Faded until the message row (`group/message`) is hovered or holds focus; never on the last message or a touch screen. */
const fadedUntilHover =
  "transition-opacity pointer-fine:opacity-0 pointer-fine:group-hover/message:opacity-100 pointer-fine:group-focus-within/message:opacity-100 pointer-fine:group-data-[last]/message:opacity-100";

/** How long the copy button says "Copied" after a click. */
const COPIED_MS = 2000;

function CopyButton() {
  const copied = useAuiState((state) => state.message.isCopied);
  return (
    <ActionBarPrimitive.Copy copiedDuration={COPIED_MS} asChild>
      <TooltipIconButton tooltip={copied ? "Copied" : "Copy"} side="top" className="size-7" data-copied={copied || undefined}>
        {copied ? <Check /> : <Copy />}
      </TooltipIconButton>
    </ActionBarPrimitive.Copy>
  );
}

export function UserActionBar() {
  const id = useAuiState((state) => state.message.id);
  return (
    <div className="col-start-2 flex items-center justify-end gap-1">
      <BranchPicker messageId={id} />
      <ActionBarPrimitive.Root
        className={cn("flex items-center gap-0.5", fadedUntilHover)}
        hideWhenRunning
        autohide="never"
        role="group"
        aria-label="Question actions"
      >
        <MessageTime messageId={id} />
        <CopyButton />
        <ActionBarPrimitive.Edit asChild>
          <TooltipIconButton tooltip="Edit" side="top" className="size-7">
            <Pencil />
          </TooltipIconButton>
        </ActionBarPrimitive.Edit>
      </ActionBarPrimitive.Root>
    </div>
  );
}

export function AssistantActionBar() {
  const id = useAuiState((state) => state.message.id);
  const status = useAuiState((state) => state.message.status?.type);
  // An answer to a question can be asked for again; one after a thread note (a job's report) cannot.
  const answersQuestion = useAuiState(
    (state) => state.thread.messages.find((message) => message.id === state.message.parentId)?.role === "user",
  );
  if (status === "running") return null;
  return (
    <div className="flex items-center gap-1">
      <BranchPicker messageId={id} />
      <ActionBarPrimitive.Root
        className={cn("flex items-center gap-0.5", fadedUntilHover)}
        hideWhenRunning
        autohide="never"
        role="group"
        aria-label="Answer actions"
      >
        <CopyButton />
        {answersQuestion ? (
          <ActionBarPrimitive.Reload asChild>
            <TooltipIconButton tooltip="Regenerate" side="top" className="size-7">
              <RefreshCw />
            </TooltipIconButton>
          </ActionBarPrimitive.Reload>
        ) : null}
        <MessageTime messageId={id} />
      </ActionBarPrimitive.Root>
    </div>
  );
}

/** Editing a sent question, in place: sending it starts a new version of the conversation from there. */
export function EditComposer() {
  return (
    <ComposerPrimitive.Root className="ms-auto flex w-full max-w-[85%] flex-col rounded-3xl bg-muted px-2 pt-2 pb-2" data-role="edit">
      {/* The files the question carries go with the edit too: shown, and removable. */}
      <ComposerAttachmentTiles />
      <ComposerPrimitive.Input
        className="max-h-64 min-h-16 w-full resize-none bg-transparent px-3 py-1.5 text-base leading-7 outline-none"
        aria-label="Edit question"
        autoFocus
        submitMode="enter"
      />
      <div className="flex items-center justify-end gap-2 px-1">
        <ComposerPrimitive.Cancel asChild>
          <Button variant="ghost" size="sm">
            Cancel
          </Button>
        </ComposerPrimitive.Cancel>
        <ComposerPrimitive.Send asChild>
          <Button size="sm">Send</Button>
        </ComposerPrimitive.Send>
      </div>
    </ComposerPrimitive.Root>
  );
}
