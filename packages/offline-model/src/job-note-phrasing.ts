import { plainText } from "./phrasing-text.ts";

/**
 * The note the agent writes into a thread when a background job ends:
 * "Background job <kind> (<id>) finished|failed|cancelled: <message> (<error>)".
 */
const JOB_NOTE = /^Background job (\S+) \((\S+)\) (\w+):\s*([\s\S]*)$/;

/** What each job kind is called in a sentence. */
const JOB_NAMES: Record<string, string> = {
  provision: "Provisioning",
  restart: "The restart",
  backup: "The backup",
  watch_status: "The status watch",
};

function asSentence(value: string): string {
  const trimmed = value.trim();
  if (!trimmed) return "";
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** A job's note in plain words ("The restart is done. The gateway is running again."), or null for any other note. */
export function describeJobNote(note: string): string | null {
  const match = JOB_NOTE.exec(note.trim());
  if (!match) return null;
  const [, kind = "", , outcome = "", detail = ""] = match;
  const name = JOB_NAMES[kind] ?? "The background job";
  if (outcome === "finished") {
    // "Watch finished. No changes: …" — the lead already says it finished.
    const said = asSentence(plainText(detail.replace(/^Watch finished\.\s*/, ""), 600));
    return `${name} is done.${said ? ` ${said}` : ""}`;
  }
  if (outcome === "failed") {
    const [, message = detail, error] = /^([\s\S]*?)\s*\(([\s\S]*)\)$/.exec(detail.trim()) ?? [];
    const said = asSentence(plainText(message, 400));
    const reason = error ? ` Reason: ${asSentence(plainText(error, 300))}` : "";
    return `${name} failed.${said ? ` ${said}` : ""}${reason}`;
  }
  if (outcome === "cancelled") return `${name} was cancelled.${detail.trim() ? ` ${asSentence(plainText(detail, 400))}` : ""}`;
  return `${name} ended (${plainText(outcome, 40)}).${detail.trim() ? ` ${asSentence(plainText(detail, 400))}` : ""}`;
}
