/** Reading tool results of unknown shape, and writing what they say as plain sentences. */
import { isToolName } from "@oa/protocol";

export type Fields = Record<string, unknown>;
/** A tool call's arguments, as the model sent them. */
export type ToolInput = Record<string, unknown>;

/** Longest an id, a session key or a name from outside is said, in characters. */
export const ID_CHARS = 60;
/** Longest a short label from outside (a status, a platform, a time zone) is said. */
export const LABEL_CHARS = 40;
/** Longest a pairing code is said. */
export const CODE_CHARS = 20;
/** How many items `listed` names before it says "and N more". */
const LISTED_ITEMS = 5;
/** How many facts `factsOf` names from one object. */
const MAX_FACTS = 4;

// ---------------------------------------------------------------- reading unknown values

export function fields(value: unknown): Fields | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Fields) : null;
}

export function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

export function list(value: unknown): unknown[] | null {
  return Array.isArray(value) ? value : null;
}

/** The entries of `value` that are objects, or null when `value` is not a list. */
export function listOfFields(value: unknown): Fields[] | null {
  return (
    list(value)
      ?.map(fields)
      .filter((entry): entry is Fields => entry !== null) ?? null
  );
}

// ---------------------------------------------------------------- writing sentences

/** "2026-11-27 09:20 UTC" from epoch milliseconds or an ISO string. */
export function humanTime(value: unknown): string | null {
  const ms = typeof value === "number" ? value : typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) return null;
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** ISO timestamps inside a sentence, written for people. */
function humanTimes(sentence: string): string {
  return sentence.replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g, (iso) => humanTime(iso) ?? iso);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "a, b and c", with "and N more" past `max`. */
export function listed(items: string[], max = LISTED_ITEMS, separator = ", "): string {
  const shown = items.slice(0, max);
  if (items.length > max) shown.push(`${items.length - max} more`);
  if (shown.length <= 1) return shown.join("");
  return `${shown.slice(0, -1).join(separator)} and ${shown.at(-1)}`;
}

/** Ends a sentence with a full stop unless it already ends with punctuation. */
export function sentence(value: string): string {
  const trimmed = value.trim();
  if (trimmed === "") return trimmed;
  const capitalised = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

/** Code names ("get_status", "tookMs") read as words ("get status", "took ms"). */
export function words(name: string): string {
  return name
    .replace(/_/g, " ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
}

/**
 * Text from outside (an API's message, a session's reply) made safe to say: never raw JSON,
 * never a tool's code name, one line, at most `max` characters.
 */
export function plainText(value: string, max = 240): string {
  let clean = value;
  // JSON inside the text (an API's body, a serialised error) is said as its facts.
  const start = value.search(/[{[]/);
  const end = Math.max(value.lastIndexOf("}"), value.lastIndexOf("]"));
  if (start >= 0 && end > start) {
    try {
      clean = `${value.slice(0, start)}${factsOf(JSON.parse(value.slice(start, end + 1))) || "no details"}${value.slice(end + 1)}`;
    } catch {
      // Not JSON after all: its braces and quotes go below.
    }
  }
  clean = clean
    .replace(/[{}"]/g, " ")
    .replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (name) => (isToolName(name) ? words(name) : name))
    .replace(/\s+/g, " ")
    .trim();
  clean = humanTimes(clean);
  return clean.length <= max ? clean : `${clean.slice(0, max - 1).trimEnd()}…`;
}

/** Quoted words of someone else, in typographic quotes so no `"key":` can appear. */
export function quoted(value: string, max = 160): string {
  return `“${plainText(value, max)}”`;
}

/** A few key facts of an unknown value: "status running, balance usd 3.5, 2 items". */
export function factsOf(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return plainText(value, 120);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const items = list(value);
  if (items) return plural(items.length, "item");
  const facts: string[] = [];
  for (const [key, entry] of Object.entries(value as Fields)) {
    if (facts.length >= MAX_FACTS) break;
    if (entry === null || entry === undefined) continue;
    const nested = fields(entry);
    if (nested && depth < 1) {
      const inner = factsOf(nested, depth + 1);
      if (inner) facts.push(`${words(key)}: ${inner}`);
      continue;
    }
    const fact = factsOf(entry, depth + 1);
    if (fact) facts.push(`${words(key)} ${fact}`);
  }
  return facts.join(", ");
}
