import { ExportMenu } from "./export-menu.tsx";

/** The open thread's title and its export menu. */
export function ThreadHeader({ threadId, title }: { threadId: string; title: string }) {
  return (
    // On a phone the shell's bar is the one visible header: the title stays for screen readers.
    <header className="flex h-14 shrink-0 items-center gap-2 border-b border-border px-6 max-md:sr-only">
      <h1 id="thread-title" className="min-w-0 flex-1 truncate text-base font-semibold">
        {title}
      </h1>
      {/* On a phone the shell's bar holds the export menu. */}
      <ExportMenu threadId={threadId} className="max-md:hidden" />
    </header>
  );
}
