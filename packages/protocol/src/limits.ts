/** Request bodies above this size are refused before parsing (413-style, reported as 400). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** A single user message may carry at most this many characters of text. */
export const MAX_MESSAGE_CHARS = 100_000;
/** Page size bounds for history reads. */
export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;
