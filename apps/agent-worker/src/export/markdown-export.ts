import { toolLabel } from "@oa/protocol";
import type { ApprovalRecord } from "../storage/approval-store.ts";
import type { ReceiptRecord } from "../storage/receipt-store.ts";
import type { StoredMessage } from "../storage/thread-store.ts";

/** What the Markdown export looks up about a tool call: its approval and its receipt. */
export type ToolCallFacts = {
  approval: (toolCallId: string) => ApprovalRecord | null;
  receipt: (toolCallId: string) => ReceiptRecord | null;
};

type Part = StoredMessage["parts"][number];
type ToolPart = { type: string; toolName?: string; toolCallId: string; state: string; errorText?: string };

const iso = (ms: number) => new Date(ms).toISOString();

function isToolPart(part: Part): part is Part & ToolPart {
  return (part.type.startsWith("tool-") || part.type === "dynamic-tool") && "toolCallId" in part;
}

/** A file's byte size when its data is inline (`data:` base64); stored attachments do not say here. */
function inlineBytes(url: string): number | null {
  const comma = url.indexOf(",");
  if (!url.startsWith("data:") || comma < 0 || !url.slice(0, comma).endsWith(";base64")) return null;
  const data = url.slice(comma + 1);
  return Math.floor((data.length * 3) / 4) - (data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0);
}

function humanBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const TOOL_STATES: Record<string, string> = {
  "input-streaming": "being prepared",
  "input-available": "called",
  "approval-requested": "waiting for approval",
  "approval-responded": "decided",
  "output-available": "done",
  "output-error": "failed",
  "output-denied": "not run (denied)",
};

/** One line per tool call: its label, what happened, the approval decision if there was one. */
function toolCallLine(part: ToolPart, facts: ToolCallFacts): string {
  const name = part.type === "dynamic-tool" ? (part.toolName ?? "tool") : part.type.slice("tool-".length);
  const receipt = facts.receipt(part.toolCallId);
  const approval = facts.approval(part.toolCallId);
  let happened = TOOL_STATES[part.state] ?? part.state;
  if (part.state === "output-error" && part.errorText) happened += `: ${oneLine(part.errorText)}`;
  if (receipt?.resultSummary) happened += ` — ${oneLine(receipt.resultSummary)}`;
  let line = `- Tool: **${toolLabel(name)}** (\`${name}\`) — ${happened}`;
  if (approval) {
    const who = approval.decidedBy ? ` by ${approval.decidedBy}` : "";
    const why = approval.reason ? ` (“${oneLine(approval.reason)}”)` : "";
    line += `; approval: ${approval.status}${approval.status === "pending" ? "" : who}${why}`;
  }
  return line;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function quoted(text: string): string {
  return text
    .split("\n")
    .map((line) => (line.trim() ? `> *${line.trim()}*` : ">"))
    .join("\n");
}

/** One message of the active path as Markdown: who and when, then its parts in order. */
export function messageMarkdown(message: StoredMessage, facts: ToolCallFacts): string {
  const who = message.role === "user" ? "You" : message.role === "assistant" ? "Agent" : "System note";
  const blocks: string[] = [`**${who}** · ${iso(message.createdAt)}`];
  let tools: string[] = [];
  const flushTools = () => {
    if (tools.length > 0) blocks.push(tools.join("\n"));
    tools = [];
  };
  for (const part of message.parts) {
    if (isToolPart(part)) {
      tools.push(toolCallLine(part, facts));
      continue;
    }
    flushTools();
    if (part.type === "text" && part.text.trim()) blocks.push(message.role === "system" ? quoted(part.text) : part.text);
    else if (part.type === "file") {
      const bytes = inlineBytes(part.url);
      const details = [part.mediaType, ...(bytes === null ? [] : [humanBytes(bytes)])].join(", ");
      blocks.push(`[attachment: ${part.filename ?? "file"} (${details})]`);
    }
  }
  flushTools();
  return `${blocks.join("\n\n")}\n\n`;
}

export function markdownHeader(title: string | null, exportedAt: number): string {
  return `# ${oneLine(title ?? "Untitled thread")}\n\n*Exported ${iso(exportedAt)}*\n\n---\n\n`;
}
