import { z } from "zod";

/** Thread ids are opaque to the server: 1–128 characters of `[A-Za-z0-9_.:-]`. */
export const threadIdSchema = z
  .string()
  .min(1, "thread id must not be empty")
  .max(128, "thread id is at most 128 characters")
  .regex(/^[A-Za-z0-9_.:-]+$/, "thread id may only contain A-Z a-z 0-9 _ . : -");

/** User ids come from the web worker's auth (WorkOS ids, dev logins); same alphabet, up to 256. */
export const userIdSchema = z
  .string()
  .trim()
  .min(1, "user id must not be empty")
  .max(256, "user id is at most 256 characters")
  .regex(/^[A-Za-z0-9_.:@|+-]+$/, "user id contains characters that are not allowed");

/** UI message ids are client-chosen for user messages (AI SDK ids) and server-chosen for answers. */
export const messageIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, "message id may only contain A-Z a-z 0-9 _ . : -");

export type ThreadId = z.infer<typeof threadIdSchema>;
export type UserId = z.infer<typeof userIdSchema>;
