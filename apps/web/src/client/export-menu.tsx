/** The open thread's export: Markdown to read, JSON to keep — plain downloads of `GET /threads/:id/export`. */
import type { ExportFormat } from "@oa/protocol";
import { Download, FileJson, FileText } from "lucide-react";
import { Button } from "./ui/button.tsx";
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from "./ui/dropdown-menu.tsx";
import { Tooltip } from "./ui/tooltip.tsx";

export function exportHref(threadId: string, format: ExportFormat): string {
  return `/threads/${encodeURIComponent(threadId)}/export?format=${format}`;
}

export function ExportMenu({ threadId, className }: { threadId: string; className?: string }) {
  return (
    <DropdownMenu>
      <Tooltip content="Export">
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="icon-sm" aria-label="Export" className={className}>
            <Download aria-hidden />
          </Button>
        </DropdownMenuTrigger>
      </Tooltip>
      <DropdownMenuContent align="end" className="w-48">
        <DropdownMenuItem asChild>
          <a href={exportHref(threadId, "markdown")} download>
            <FileText aria-hidden />
            Export as Markdown
          </a>
        </DropdownMenuItem>
        <DropdownMenuItem asChild>
          <a href={exportHref(threadId, "json")} download>
            <FileJson aria-hidden />
            Export as JSON
          </a>
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
