import { inboxQuerySchema, searchQuerySchema } from "@oa/protocol";
import { Hono } from "hono";
import { parseWith } from "../body.ts";
import { resultResponse } from "../json.ts";
import { type App, eventCursor, userAgent } from "../route-context.ts";

/** The caller's own UserAgent: their approval inbox, message search and feed. */
export const userRoutes = new Hono<App>();

userRoutes.get("/internal/approvals", async (c) => {
  const query = parseWith(inboxQuerySchema, c.req.query(), "query");
  return resultResponse(await (await userAgent(c)).inbox(query.status, query.limit));
});

/** Message text across all of the caller's threads, best first (their own index: nobody else's text is in it). */
userRoutes.get("/internal/search", async (c) => {
  const query = parseWith(searchQuerySchema, c.req.query(), "query");
  return resultResponse(await (await userAgent(c)).search(query.q, query.limit));
});

userRoutes.get("/internal/user/events", async (c) => {
  const after = eventCursor(c);
  return (await userAgent(c)).events(after);
});
