import { approvalRespondSchema, approvalsQuerySchema } from "@oa/protocol";
import { Hono } from "hono";
import { parseWith, readJsonBody } from "../body.ts";
import { resultResponse } from "../json.ts";
import { type App, listPage, thread, threadParam } from "../route-context.ts";

/** A thread's approvals (list, decide) and the receipts of what its tools did. */
export const approvalRoutes = new Hono<App>();

approvalRoutes.post("/internal/approval/respond", async (c) => {
  const body = parseWith(approvalRespondSchema, await readJsonBody(c.req.raw));
  const stub = await thread(c, body.threadId);
  return resultResponse(await stub.respondToApproval(c.get("principal").userId, body));
});

approvalRoutes.get("/internal/thread/:threadId/approvals", async (c) => {
  const threadId = threadParam(c);
  const query = parseWith(approvalsQuerySchema, { status: c.req.query("status") }, "query");
  const page = listPage(c, 200);
  const stub = await thread(c, threadId);
  return resultResponse(await stub.approvals(c.get("principal").userId, query.status, page));
});

approvalRoutes.get("/internal/thread/:threadId/receipts", async (c) => {
  const threadId = threadParam(c);
  const page = listPage(c, 200);
  const stub = await thread(c, threadId);
  return resultResponse(await stub.receiptsList(c.get("principal").userId, page));
});
