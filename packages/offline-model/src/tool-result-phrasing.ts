/** One tool call's outcome (a result, an error, a denial) in plain words. */
import { describeJobHandle } from "./describe-job-results.ts";
import { factsOf, fields, plainText, sentence, type ToolInput, text, words } from "./phrasing-text.ts";
import { phrasingOf } from "./tool-phrasings.ts";

/** What a tool call came back with, as the model reads it. */
export type ToolOutcome =
  | { kind: "result"; value: unknown }
  | { kind: "error"; message: string }
  | { kind: "denied"; reason: string | null };

function describeSuccess(toolName: string, value: unknown, input: ToolInput): string {
  const result = fields(value);
  // Said as they are: a precondition the tool found unmet, or a quota that refused the call.
  if (result && (result.skipped === true || result.refused === true) && text(result.message))
    return sentence(plainText(text(result.message)!, 400));
  const phrasing = phrasingOf(toolName);
  const described = describeJobHandle(value, input) ?? phrasing.success(value, input);
  if (described) return described;
  if (typeof value === "string") return sentence(`Done: ${plainText(value)}`);
  const facts = factsOf(value);
  return sentence(`I ran ${words(toolName)}${facts ? `: ${facts}` : "; it returned nothing to report"}`);
}

/** The error text a tool call failed with, minus the tool's own prefix ("restart failed: "). */
function errorDetail(toolName: string, message: string): { detail: string; status: number | null } {
  let detail = message.trim().replace(new RegExp(`^${toolName} failed: `), "");
  let status: number | null = null;
  detail = detail.replace(/\s*\(HTTP (\d{3})\)/, (_match, code: string) => {
    status = Number(code);
    return "";
  });
  detail = detail.replace(/\.?\s*The outcome is unknown; check the status before trying again\.?$/, "");
  return { detail, status };
}

function describeFailure(toolName: string, raw: string, input: ToolInput): string {
  // A stored answer carries the error as the UI showed it: "Error: restart failed: …".
  const message = raw.trim().replace(/^(?:[A-Za-z]*Error: )+/, "");
  const phrasing = phrasingOf(toolName);
  const action = phrasing.action(input);
  if (/Tool call execution denied/i.test(message)) return describeDenial(toolName, null, input);
  if (/was not approved by the person/.test(message)) return `I didn't ${action}: it was not approved, so nothing was sent.`;
  if (/approved with different arguments|would not make the request that was approved/.test(message)) {
    return `I didn't ${action}: the request no longer matches what was approved, so nothing was sent.`;
  }
  if (/^The outcome of \S+ is unknown/.test(message)) {
    return `I was interrupted while trying to ${action}, so I don't know whether it happened. Check the status before trying again.`;
  }
  if (/is not configured for this agent/.test(message))
    return `I couldn't ${action}: the OpenClaw API is not configured for this agent. Nothing was changed.`;
  if (/^Invalid input for tool|does not form a valid OpenClaw API request/.test(message)) {
    return `I couldn't ${action}: the details I was given are not valid. Nothing was changed.`;
  }
  const { detail, status } = errorDetail(toolName, message);
  const unknown = /The outcome is unknown/.test(message);
  const tail = unknown
    ? "I don't know whether it happened; check the status before trying again."
    : phrasing.readOnly || (status !== null && status < 500)
      ? "Nothing was changed."
      : phrasing.openclaw
        ? "It is safe to ask me again."
        : "";
  const ending = tail ? ` ${tail}` : "";
  if (/^instance not found$/i.test(detail))
    return `I couldn't ${action}: you have no OpenClaw instance yet.${ending} Ask me to provision one if you want it.`;
  if (/^runtime url not set$/i.test(detail))
    return `I couldn't ${action}: your OpenClaw instance has no runtime yet (it may still be provisioning).${ending}`;
  const unreachable = /^The OpenClaw API could not be reached: ([\s\S]*)$/.exec(detail);
  if (unreachable) return `I couldn't reach the OpenClaw API: ${plainText(unreachable[1]!).replace(/[.\s]+$/, "")}.${ending}`;
  const said = plainText(detail).replace(/[.\s]+$/, "") || "no reason given";
  if (!phrasing.openclaw) return `I couldn't ${action}. ${sentence(said)}${ending}`;
  const source = /OpenClaw API/.test(said) ? "" : "The OpenClaw API said: ";
  return `I couldn't ${action}. ${source}${said}${status ? ` (HTTP ${status})` : ""}.${ending}`;
}

function describeDenial(toolName: string, reason: string | null, input: ToolInput): string {
  const action = phrasingOf(toolName).action(input);
  const why = reason ? plainText(reason, 300) : "";
  if (!why) return `OK, I won't ${action}.`;
  // A reason the agent wrote is a sentence already; a person's reason is quoted as theirs.
  return /^[A-Z].*[.!?]$/.test(why)
    ? `OK, I won't ${action}. ${why}`
    : `OK, I won't ${action}. Your reason: ${why.replace(/[.\s]+$/, "")}.`;
}

/** One tool call's outcome in plain words: never raw JSON, never a tool's code name. */
export function describeToolOutcome(toolName: string, outcome: ToolOutcome, input: ToolInput = {}): string {
  switch (outcome.kind) {
    case "result":
      return describeSuccess(toolName, outcome.value, input);
    case "error":
      return describeFailure(toolName, outcome.message, input);
    case "denied":
      return describeDenial(toolName, outcome.reason, input);
  }
}
