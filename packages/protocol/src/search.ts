import { z } from "zod";
import { messageRoleSchema } from "./ui-message.ts";

/** `GET /internal/search?q=&limit=`: message text across all of the caller's threads, best first. */
export const searchQuerySchema = z.object({
  q: z.string().trim().min(1, "q must not be empty").max(200, "q is at most 200 characters"),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

/** A snippet as plain text pieces; `match` marks the words that matched (render them highlighted). */
export const snippetPieceSchema = z.object({ text: z.string(), match: z.boolean() });

export const searchHitSchema = z.object({
  threadId: z.string(),
  threadTitle: z.string().nullable(),
  messageId: z.string(),
  role: messageRoleSchema,
  snippet: z.array(snippetPieceSchema),
  /** Lower is better (FTS5 bm25); hits come sorted by it. */
  rank: z.number(),
  createdAt: z.string(),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

export const searchResultSchema = z.object({ ok: z.literal(true), query: z.string(), hits: z.array(searchHitSchema) });
export type SearchResult = z.infer<typeof searchResultSchema>;
