import type { SearchHit } from "@oa/protocol";

/** Words a query may hold; more are ignored (a search box, not a document). */
const MAX_QUERY_WORDS = 12;

/** Private markers FTS5's snippet() puts around matches; stripped from indexed text so no doc can forge one. */
export const MATCH_START = "\u0001";
export const MATCH_END = "\u0002";
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

/** What is indexed of a text: control characters (and so the markers) removed, whitespace folded. */
export function indexableText(text: string, maxChars: number): string {
  return text.replace(CONTROL, " ").replace(/\s+/g, " ").trim().slice(0, maxChars);
}

/**
 * The person's words as an FTS5 query that cannot be anything else: every word quoted (so
 * `AND`, `NEAR(`, `*`, `"` are just text), all required, the last one also as a prefix (the
 * word being typed). Null when the query holds no word at all.
 */
export function toFtsQuery(query: string): string | null {
  // A word needs a letter or digit: marks alone (a lone combining accent) tokenize to nothing, and an empty phrase is an FTS5 error.
  const words = (query.match(/[\p{L}\p{N}\p{M}]+/gu) ?? []).filter((word) => /[\p{L}\p{N}]/u.test(word)).slice(0, MAX_QUERY_WORDS);
  if (words.length === 0) return null;
  const quoted = words.map((word) => `"${word.replaceAll('"', '""')}"`);
  quoted[quoted.length - 1] += "*";
  return quoted.join(" AND ");
}

/** FTS5 snippet text with the private markers, as plain pieces. */
export function snippetPieces(marked: string): SearchHit["snippet"] {
  const pieces: SearchHit["snippet"] = [];
  let match = false;
  for (const segment of marked.split(/([\u0001\u0002])/)) {
    if (segment === MATCH_START) match = true;
    else if (segment === MATCH_END) match = false;
    else if (segment !== "") {
      const last = pieces.at(-1);
      if (last && last.match === match) last.text += segment;
      else pieces.push({ text: segment, match });
    }
  }
  return pieces;
}
