/** Files in the transcript: an attachment (`attachment:<id>`) as a thumbnail or a file chip, read through the owner's session. */
import { type CompleteAttachment, MessagePrimitive } from "@assistant-ui/react";
import { attachmentIdFromUrl, isImageAttachmentType } from "@oa/protocol";
import { Download, FileText } from "lucide-react";
import { attachmentHref } from "./api.ts";
import { parseRoute, useLocation } from "./router.ts";

/** "12 KB", "1.4 MB": a size for people. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function FileChip({ name, detail, href, download }: { name: string; detail?: string; href?: string; download?: boolean }) {
  const body = (
    <>
      <FileText aria-hidden className="size-4 shrink-0 text-muted-foreground" />
      <span className="min-w-0 flex-1 truncate">{name}</span>
      {detail ? <span className="shrink-0 text-xs text-muted-foreground">{detail}</span> : null}
      {href ? <Download aria-hidden className="size-3.5 shrink-0 text-muted-foreground" /> : null}
    </>
  );
  const className =
    "flex max-w-64 min-w-0 items-center gap-2 rounded-lg border border-border bg-background px-2.5 py-1.5 text-sm leading-5 text-foreground";
  return href ? (
    <a
      href={href}
      download={download ? name : undefined}
      className={`${className} outline-none hover:bg-accent focus-visible:ring-2 focus-visible:ring-ring`}
      aria-label={`Download ${name}`}
      data-testid="attachment-chip"
    >
      {body}
    </a>
  ) : (
    <span className={className} data-testid="attachment-chip">
      {body}
    </span>
  );
}

/** Where an attachment's bytes are: its url (`attachment:<id>` or an inline data: URL) and media type. */
function source(attachment: CompleteAttachment): { url: string; mediaType: string } | null {
  for (const part of attachment.content) {
    if (part.type === "image") return { url: part.image, mediaType: attachment.contentType ?? "image/png" };
    if (part.type === "file") return { url: part.data, mediaType: part.mimeType };
  }
  return null;
}

function MessageAttachment({ attachment, threadId }: { attachment: CompleteAttachment; threadId: string | null }) {
  const found = source(attachment);
  if (!found) return null;
  const { url, mediaType } = found;
  const attachmentId = attachmentIdFromUrl(url);
  const name = attachment.name || (isImageAttachmentType(mediaType) ? "image" : "file");
  // An attachment of this thread: the bytes come from the server, for their owner only.
  if (attachmentId && threadId) {
    const href = attachmentHref(threadId, attachmentId);
    return isImageAttachmentType(mediaType) ? (
      <a
        href={href}
        target="_blank"
        rel="noopener"
        className="block w-fit rounded-xl outline-none focus-visible:ring-2 focus-visible:ring-ring"
        title={`Open ${name} full size`}
        data-testid="attachment-image"
      >
        <img
          src={href}
          alt={name}
          loading="lazy"
          className="max-h-48 min-h-16 max-w-full min-w-16 rounded-xl border border-border bg-muted/50 object-contain"
        />
      </a>
    ) : (
      <FileChip name={name} href={href} download />
    );
  }
  // An older inline file (a data: URL): an image shows as one, anything else as a named chip.
  if (url.startsWith("data:image/") && isImageAttachmentType(mediaType)) {
    return <img src={url} alt={name} className="max-h-48 max-w-full rounded-xl border border-border object-contain" />;
  }
  return <FileChip name={name} detail={mediaType} />;
}

/** A user message's files, above its words (assistant-ui carries a user's file parts as the message's attachments). */
export function MessageAttachments() {
  // A transcript is shown on its thread's page: attachment links are per thread.
  const route = parseRoute(useLocation());
  const threadId = route.name === "thread" ? route.threadId : null;
  return (
    <div className="col-start-2 flex min-w-0 flex-wrap items-start justify-end gap-2 empty:hidden" data-testid="message-attachments">
      <MessagePrimitive.Attachments>
        {({ attachment }) => <MessageAttachment attachment={attachment} threadId={threadId} />}
      </MessagePrimitive.Attachments>
    </div>
  );
}
