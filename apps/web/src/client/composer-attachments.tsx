/** The composer's files: the Attach button, the tiles of what is attached (with progress and Remove), refusals in words, the drop area. */
import { type Attachment, AttachmentPrimitive, ComposerPrimitive, useAuiEvent } from "@assistant-ui/react";
import { FileText, ImageIcon, LoaderCircle, Paperclip, TriangleAlert, Upload, X } from "lucide-react";
import { type DragEvent, useEffect, useState } from "react";
import { ACCEPTED_KINDS_SENTENCE } from "./attachment-adapter.ts";
import { cn } from "./lib/cn.ts";
import { formatBytes } from "./message-attachments.tsx";
import { ErrorLine } from "./ui/alert.tsx";
import { TooltipIconButton } from "./ui/tooltip-icon-button.tsx";

export function AttachButton() {
  return (
    <ComposerPrimitive.AddAttachment asChild>
      <TooltipIconButton tooltip="Attach files" variant="ghost" className="size-8 rounded-full text-muted-foreground hover:text-foreground">
        <Paperclip />
      </TooltipIconButton>
    </ComposerPrimitive.AddAttachment>
  );
}

/** An object URL of a picked image for its tile, let go when the tile goes (the CSP allows blob: images). */
function usePreview(file: File | undefined, isImage: boolean): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!file || !isImage) return;
    const objectUrl = URL.createObjectURL(file);
    setUrl(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [file, isImage]);
  return url;
}

function AttachmentTile({ attachment }: { attachment: Attachment }) {
  const isImage = attachment.type === "image";
  const preview = usePreview(attachment.file, isImage);
  const status = attachment.status;
  const uploading = status.type === "running";
  const failed = status.type === "incomplete";
  const percent = uploading ? Math.round(status.progress * 100) : null;
  const state = uploading
    ? `uploading${percent ? ` ${percent}%` : ""}`
    : failed
      ? `not uploaded: ${status.message ?? "the upload failed"}`
      : "ready";
  return (
    <li
      className={cn(
        "relative flex h-14 min-w-0 items-center gap-2 rounded-xl border bg-background text-sm",
        isImage ? "w-14 justify-center" : "max-w-56 px-2.5",
        failed ? "border-destructive/60" : "border-border",
      )}
      data-testid="composer-attachment"
      data-state={uploading ? "uploading" : failed ? "failed" : "ready"}
      title={failed ? (status.message ?? undefined) : attachment.name}
    >
      {isImage ? (
        preview ? (
          <img src={preview} alt={attachment.name} className="size-full rounded-[inherit] object-cover" />
        ) : (
          // A file the question already carries (being edited): no local bytes to preview.
          <>
            <ImageIcon aria-hidden className="size-5 text-muted-foreground" />
            <span className="sr-only">{attachment.name}</span>
          </>
        )
      ) : (
        <>
          <FileText aria-hidden className="size-4 shrink-0 text-muted-foreground" />
          <span className="flex min-w-0 flex-col leading-4">
            <span className="truncate">{attachment.name}</span>
            {attachment.file ? <span className="text-xs text-muted-foreground">{formatBytes(attachment.file.size)}</span> : null}
          </span>
        </>
      )}
      <span className="sr-only">, {state}</span>
      {uploading ? (
        <span
          aria-hidden
          className="absolute inset-0 flex items-center justify-center rounded-[inherit] bg-background/70 text-xs font-medium"
        >
          <LoaderCircle className="size-4 animate-spin motion-reduce:animate-none" />
        </span>
      ) : failed ? (
        <span
          aria-hidden
          className="absolute -bottom-1.5 -left-1.5 flex size-5 items-center justify-center rounded-full bg-background text-destructive-text"
        >
          <TriangleAlert className="size-3.5" />
        </span>
      ) : null}
      <AttachmentPrimitive.Remove asChild>
        <button
          type="button"
          aria-label={`Remove ${attachment.name}`}
          title="Remove"
          className="absolute -top-2 -right-2 flex size-5 cursor-pointer items-center justify-center rounded-full border border-border bg-background text-muted-foreground shadow-xs outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring"
        >
          <X aria-hidden className="size-3" />
        </button>
      </AttachmentPrimitive.Remove>
    </li>
  );
}

/** The files waiting to go with the next message. */
export function ComposerAttachmentTiles() {
  return (
    <ul aria-label="Attached files" className="flex basis-full flex-wrap gap-3 px-2 pt-2 pb-1 empty:hidden">
      <ComposerPrimitive.Attachments>{({ attachment }) => <AttachmentTile attachment={attachment} />}</ComposerPrimitive.Attachments>
    </ul>
  );
}

/** A file the composer would not take (type, size, count) or could not upload, as a sentence; gone on the next add or send. */
export function AttachmentRefusal() {
  const [message, setMessage] = useState<string | null>(null);
  useAuiEvent("composer.attachmentAddError", (event) =>
    setMessage(event.reason === "not-accepted" ? `That file cannot be attached. ${ACCEPTED_KINDS_SENTENCE}` : event.message),
  );
  useAuiEvent("composer.attachmentAdd", () => setMessage(null));
  useAuiEvent("composer.send", () => setMessage(null));
  if (!message) return null;
  return (
    <ErrorLine testId="attachment-refusal" onRetry={() => setMessage(null)} retryLabel="Dismiss">
      {message}
    </ErrorLine>
  );
}

/**
 * Files dragged anywhere over the thread attach to the composer (`addFiles`); `dragging` says
 * while they hover, for the overlay. Spread `handlers` on the area's element.
 */
export function useFileDrop(addFiles: (files: File[]) => void) {
  const [dragging, setDragging] = useState(false);
  const carriesFiles = (event: DragEvent) => event.dataTransfer.types.includes("Files");
  const handlers = {
    onDragEnter: (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      setDragging(true);
    },
    onDragOver: (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    },
    onDragLeave: (event: DragEvent) => {
      // Moving onto a child of the area is not leaving it.
      const next = event.relatedTarget;
      if (next instanceof Node && event.currentTarget.contains(next)) return;
      setDragging(false);
    },
    onDrop: (event: DragEvent) => {
      setDragging(false);
      if (!carriesFiles(event)) return;
      event.preventDefault();
      addFiles(Array.from(event.dataTransfer.files));
    },
  };
  return { dragging, handlers };
}

/** What the thread shows while files hover over it. */
export function DropOverlay({ visible }: { visible: boolean }) {
  if (!visible) return null;
  return (
    <div
      aria-hidden
      className="pointer-events-none absolute inset-2 z-20 flex flex-col items-center justify-center gap-2 rounded-2xl border-2 border-dashed border-ring bg-background/85 text-sm font-medium text-foreground"
    >
      <Upload className="size-6 text-muted-foreground" />
      Drop files to attach them
    </div>
  );
}
