import { ComposerPrimitive } from "@assistant-ui/react";
import { ArrowUp, Square } from "lucide-react";
import { AttachButton, ComposerAttachmentTiles } from "./composer-attachments.tsx";
import { TooltipIconButton } from "./ui/tooltip-icon-button.tsx";

/**
 * The message box of an open thread: attachments, the text, and Send — or Stop while a run is
 * on. `streaming`: this tab's own stream; `serverRunning`: a run the server says is active.
 */
export function ThreadComposer({
  running,
  streaming,
  serverRunning,
  stop,
}: {
  running: boolean;
  streaming: boolean;
  serverRunning: boolean;
  stop: () => Promise<void>;
}) {
  return (
    <ComposerPrimitive.Root className="flex w-full flex-wrap items-end gap-2 rounded-3xl border border-input bg-card p-2 shadow-xs transition-[border-color,box-shadow] focus-within:border-ring/60 focus-within:ring-[3px] focus-within:ring-ring/10">
      <ComposerAttachmentTiles />
      <div className="flex h-10 shrink-0 items-center ps-0.5">
        <AttachButton />
      </div>
      <ComposerPrimitive.Input
        className="max-h-48 min-h-10 min-w-0 flex-1 resize-none rounded-none border-0 bg-transparent px-3 py-1.5 text-base leading-6 shadow-none outline-none placeholder:text-muted-foreground focus-visible:outline-none"
        placeholder="Message your agent…"
        aria-label="Message"
        rows={1}
        autoFocus
        // The composer cancels a stream of this tab by itself; a run this tab only knows
        // from the transcript (just refreshed) is stopped here.
        onKeyDown={(event) => {
          if (event.key === "Escape" && !streaming && serverRunning) void stop();
        }}
      />
      <div className="flex h-10 shrink-0 items-center pe-0.5">
        {running ? (
          <TooltipIconButton tooltip="Stop" variant="default" className="size-8 rounded-full" onClick={() => void stop()}>
            <Square className="size-3.5 fill-current" />
          </TooltipIconButton>
        ) : (
          <ComposerPrimitive.Send asChild>
            <TooltipIconButton tooltip="Send" variant="default" className="size-8 rounded-full">
              <ArrowUp />
            </TooltipIconButton>
          </ComposerPrimitive.Send>
        )}
      </div>
    </ComposerPrimitive.Root>
  );
}
