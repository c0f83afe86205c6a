/**
 * Files on a new chat's first screen: there is no thread yet, so attaching one creates it (like
 * sending does) and hands the files and the text typed so far to its composer, which uploads them.
 */
import { attachmentMediaType, MAX_ATTACHMENTS_PER_MESSAGE } from "@oa/protocol";
import { Paperclip } from "lucide-react";
import { type ClipboardEvent, type DragEvent, useRef } from "react";
import { api } from "./api.ts";
import { ATTACHMENT_ACCEPT, attachmentRefusal } from "./attachment-adapter.ts";
import { navigate, setPendingDraft } from "./router.ts";
import { Button } from "./ui/button.tsx";

type Options = { text: () => string; busy: boolean; setBusy: (busy: boolean) => void; setError: (error: string | null) => void };

export function useHomeAttach({ text, busy, setBusy, setError }: Options) {
  const attach = async (picked: File[]) => {
    if (picked.length === 0 || busy) return;
    const files = picked.slice(0, MAX_ATTACHMENTS_PER_MESSAGE);
    const refusal =
      picked.length > MAX_ATTACHMENTS_PER_MESSAGE
        ? `A message can carry at most ${MAX_ATTACHMENTS_PER_MESSAGE} files.`
        : files.map((file) => attachmentRefusal(file, attachmentMediaType(file.name, file.type), 0)).find(Boolean);
    if (refusal) {
      setError(refusal);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { threadId } = await api.createThread("chat");
      setPendingDraft(threadId, { text: text(), files });
      navigate(`/t/${encodeURIComponent(threadId)}`);
    } catch (failure) {
      setError(`The files were not attached: ${(failure as Error).message}`);
      setBusy(false);
    }
  };
  return {
    attach,
    onPaste: (event: ClipboardEvent) => {
      const files = [...event.clipboardData.files];
      if (files.length === 0) return;
      event.preventDefault();
      void attach(files);
    },
    onDragOver: (event: DragEvent) => {
      if (event.dataTransfer.types.includes("Files")) event.preventDefault();
    },
    onDrop: (event: DragEvent) => {
      const files = [...event.dataTransfer.files];
      if (files.length === 0) return;
      event.preventDefault();
      void attach(files);
    },
  };
}

export function HomeAttachButton({ attach, disabled }: { attach: (files: File[]) => void; disabled: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        accept={ATTACHMENT_ACCEPT}
        className="sr-only"
        tabIndex={-1}
        aria-hidden
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          event.target.value = "";
          attach(files);
        }}
      />
      <Button
        type="button"
        variant="ghost"
        size="icon-sm"
        className="rounded-full text-muted-foreground hover:text-foreground"
        aria-label="Attach files"
        title="Attach files"
        disabled={disabled}
        onClick={() => input.current?.click()}
      >
        <Paperclip aria-hidden />
      </Button>
    </>
  );
}
