/** Files in the transcript: an attachment (`attachment:<id>`) as a thumbnail or a file chip, read through the owner's session. */
import type { FileMessagePartProps } from "@assistant-ui/react";
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
  const className = "flex max-w-64 min-w-0 items-center gap-2 rounded-lg border border-border bg-background px-2.5 py-1.5 text-sm leading-5 text-foreground";
  return href ? (
    <a href={href} download={download ? name : undefined} className={`${className} outline-none hover:bg-accent focus-visible:ring-2 focus-visible:ring-ring`} aria-label={`Download ${name}`} data-testid="attachment-chip">
      {body}
    </a>
  ) : (
    <span className={className} data-testid="attachment-chip">
      {body}
    </span>
  );
}

export function MessageFile({ data, mimeType, filename }: FileMessagePartProps) {
  // A transcript is shown on its thread's page: attachment links are per thread.
  const route = parseRoute(useLocation());
  const threadId = route.name === "thread" ? route.threadId : null;
  const attachmentId = attachmentIdFromUrl(data);
  const name = filename ?? (isImageAttachmentType(mimeType) ? "image" : "file");
  // An attachment of this thread: the bytes come from the server, for their owner only.
  if (attachmentId && threadId) {
    const href = attachmentHref(threadId, attachmentId);
    return isImageAttachmentType(mimeType) ? (
      <a href={href} target="_blank" rel="noopener" className="my-1.5 block w-fit rounded-xl outline-none focus-visible:ring-2 focus-visible:ring-ring" title={`Open ${name} full size`} data-testid="attachment-image">
        <img src={href} alt={name} loading="lazy" className="max-h-48 max-w-full rounded-xl border border-border object-contain" />
      </a>
    ) : (
      <span className="my-1.5 block">
        <FileChip name={name} href={href} download />
      </span>
    );
  }
  // An older inline file (a data: URL): an image shows as one, anything else as a named chip.
  if (data.startsWith("data:image/") && isImageAttachmentType(mimeType)) {
    return <img src={data} alt={name} className="my-1.5 max-h-48 max-w-full rounded-xl border border-border object-contain" />;
  }
  return (
    <span className="my-1.5 block">
      <FileChip name={name} detail={mimeType} />
    </span>
  );
}
