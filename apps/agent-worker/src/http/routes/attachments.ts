import { Hono } from "hono";
import { readAttachmentUpload } from "../../attachments/read-upload.ts";
import { resultResponse } from "../json.ts";
import { type App, attachmentParam, thread, threadParam } from "../route-context.ts";

/** A thread's files: upload, list, download, delete. */
export const attachmentRoutes = new Hono<App>();

/** Uploads one file into the thread: raw body, Content-Type = its type, X-OA-Filename = its URI-encoded name. */
attachmentRoutes.post("/internal/thread/:threadId/attachments", async (c) => {
  const threadId = threadParam(c);
  const upload = await readAttachmentUpload(c.req.raw);
  const stub = await thread(c, threadId);
  return resultResponse(await stub.uploadAttachment(c.get("principal").userId, upload), 201);
});

attachmentRoutes.get("/internal/thread/:threadId/attachments", async (c) => {
  const stub = await thread(c, threadParam(c));
  return resultResponse(await stub.attachmentsList(c.get("principal").userId));
});

attachmentRoutes.get("/internal/thread/:threadId/attachments/:attachmentId", async (c) => {
  const threadId = threadParam(c);
  const attachmentId = attachmentParam(c);
  const stub = await thread(c, threadId);
  return stub.downloadAttachment(c.get("principal").userId, attachmentId);
});

attachmentRoutes.delete("/internal/thread/:threadId/attachments/:attachmentId", async (c) => {
  const threadId = threadParam(c);
  const attachmentId = attachmentParam(c);
  const stub = await thread(c, threadId);
  return resultResponse(await stub.deleteAttachment(c.get("principal").userId, attachmentId));
});
