import { z } from "zod";

/** `GET /internal/thread/:threadId/export?format=markdown|json`. */
export const exportQuerySchema = z.object({ format: z.enum(["markdown", "json"]).default("markdown") });
export type ExportFormat = z.infer<typeof exportQuerySchema>["format"];

/** The `format` field of a JSON export, and its version. */
export const THREAD_EXPORT_FORMAT = "openagents.thread-export";
export const THREAD_EXPORT_VERSION = 1;
