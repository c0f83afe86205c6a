import { z } from "zod";

/**
 * The one shape of an opaque id (threads, messages, jobs, schedules): 1–128 characters of
 * `[A-Za-z0-9_.:-]` that do not start with `.` or `-`, so `.`, `..` and `.hidden` — which a URL
 * or a file system would read as a path — are never ids.
 */
export const OPAQUE_ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$/;

export function opaqueIdSchema(what: string) {
  return z
    .string()
    .min(1, `${what} must not be empty`)
    .max(128, `${what} is at most 128 characters`)
    .regex(OPAQUE_ID_PATTERN, `${what} is 1–128 characters of A-Z a-z 0-9 _ . : - and starts with a letter, digit or _`);
}

/** Thread ids are opaque to the server. */
export const threadIdSchema = opaqueIdSchema("thread id");

/** User ids come from the web worker's auth (WorkOS ids, dev logins); same alphabet, up to 256. */
export const userIdSchema = z
  .string()
  .trim()
  .min(1, "user id must not be empty")
  .max(256, "user id is at most 256 characters")
  .regex(/^[A-Za-z0-9_.:@|+-]+$/, "user id contains characters that are not allowed");

/** UI message ids are client-chosen for user messages (AI SDK ids) and server-chosen for answers. */
export const messageIdSchema = opaqueIdSchema("message id");

/** Background job and follow-up schedule ids in paths. */
export const jobIdSchema = opaqueIdSchema("job id");
export const scheduleIdSchema = opaqueIdSchema("schedule id");

/**
 * An id the agent puts into an OpenClaw API path (device request ids, session keys): one path
 * segment that cannot be read as anything else — no `/`, `%`, `?`, `#`, no leading `.` (so never
 * `.` or `..`). Session keys like `agent:main:whatsapp:dm:+15550100` keep their `:`, `+` and `@`.
 */
export const openclawPathIdSchema = z
  .string()
  .min(1, "must not be empty")
  .max(200, "is at most 200 characters")
  .regex(/^[A-Za-z0-9_+@][A-Za-z0-9_.:+@-]{0,199}$/, "must be one path segment of A-Z a-z 0-9 _ . : + @ - that does not start with . or -");

export type ThreadId = z.infer<typeof threadIdSchema>;
export type UserId = z.infer<typeof userIdSchema>;
