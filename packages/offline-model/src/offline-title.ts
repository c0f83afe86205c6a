import { type OfflineIntent, offlineIntents } from "./offline-intents.ts";

const MAX_TITLE_CHARS = 60;
const MAX_TITLE_WORDS = 6;

/** Words that open a request without saying what it is about. */
const FILLER =
  /^(?:please|pls|hey|hi|hello|good (?:morning|afternoon|evening)|ok(?:ay)?|so|well|can you|could you|would you|will you|can i|could i|i want to|i wanna|i'd like to|i would like to|i need to|let's|let me)\b[\s,!.:;-]*/i;

/** Small words a cut title must not end on ("Explain quantum computing to me in"). */
const DANGLING = new Set([
  "a",
  "an",
  "the",
  "and",
  "or",
  "but",
  "to",
  "in",
  "on",
  "at",
  "of",
  "for",
  "with",
  "about",
  "from",
  "by",
  "my",
  "your",
  "is",
  "are",
]);

/**
 * A thread's offline title: the fixed summary of the first message's intent, or else its first
 * words without filler, capitalised, at most six words and 60 characters, no trailing punctuation.
 */
export function offlineTitle(firstUserText: string, intents: OfflineIntent[] = offlineIntents): string {
  const line = firstUserText.replace(/\s+/g, " ").trim();
  const intent = intents.find((candidate) => candidate.match.test(line));
  const fixed = intent?.title(line);
  if (fixed) return fixed;
  let rest = line;
  for (let previous = ""; previous !== rest; ) {
    previous = rest;
    rest = rest
      .replace(FILLER, "")
      .replace(/[\s,]+please[\s?!.]*$/i, "")
      .trim();
  }
  const words = rest.split(" ").slice(0, MAX_TITLE_WORDS);
  while (words.length > 1 && words.join(" ").length > MAX_TITLE_CHARS) words.pop();
  while (
    words.length > 1 &&
    DANGLING.has(
      words
        .at(-1)!
        .toLowerCase()
        .replace(/\p{P}+$/u, ""),
    )
  )
    words.pop();
  const title = words
    .join(" ")
    .slice(0, MAX_TITLE_CHARS)
    .replace(/[\s\p{P}]+$/u, "");
  return title ? title[0]!.toUpperCase() + title.slice(1) : "New chat";
}
