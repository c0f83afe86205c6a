import type { PageAfter } from "../storage/keyset-page.ts";
import { encodeCursor } from "../threads-index/thread-index.ts";

/** Which page of a list: how many, after which row (null: the first page). */
export type ListPage = { limit: number; after: PageAfter | null };

/** The opaque cursor of the page after this one, or null on the last page. */
export const nextCursor = (next: PageAfter | null) => (next ? encodeCursor(next[0], next[1]) : null);
