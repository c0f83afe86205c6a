/** The open thread's export: Markdown to read, JSON to keep — plain downloads of `GET /threads/:id/export`. */
import { Download, FileJson, FileText } from "lucide-react";
import { api } from "./api.ts";
import { Button } from "./ui/button.tsx";
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from "./ui/dropdown-menu.tsx";
import { Tooltip } from "./ui/tooltip.tsx";

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
          <a href={api.exportUrl(threadId, "markdown")} download>
            <FileText aria-hidden />
            Export as Markdown
          </a>
        </DropdownMenuItem>
        <DropdownMenuItem asChild>
          <a href={api.exportUrl(threadId, "json")} download>
            <FileJson aria-hidden />
            Export as JSON
          </a>
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
