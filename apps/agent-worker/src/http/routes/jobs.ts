import { jobIdSchema, scheduleIdSchema } from "@oa/protocol";
import { Hono } from "hono";
import { parseWith } from "../body.ts";
import { resultResponse } from "../json.ts";
import { type App, listPage, thread, threadParam } from "../route-context.ts";

/** A thread's background jobs and schedules: list, cancel. */
export const jobRoutes = new Hono<App>();

jobRoutes.get("/internal/thread/:threadId/jobs", async (c) => {
  const threadId = threadParam(c);
  const page = listPage(c, 100);
  const stub = await thread(c, threadId);
  return resultResponse(await stub.jobsList(c.get("principal").userId, page));
});

jobRoutes.post("/internal/thread/:threadId/jobs/:jobId/cancel", async (c) => {
  const threadId = threadParam(c);
  const jobId = parseWith(jobIdSchema, c.req.param("jobId"), "job id");
  const stub = await thread(c, threadId);
  return resultResponse(await stub.cancelJob(c.get("principal").userId, jobId));
});

jobRoutes.get("/internal/thread/:threadId/schedules", async (c) => {
  const threadId = threadParam(c);
  const page = listPage(c, 100);
  const stub = await thread(c, threadId);
  return resultResponse(await stub.schedulesList(c.get("principal").userId, page));
});

jobRoutes.delete("/internal/thread/:threadId/schedules/:scheduleId", async (c) => {
  const threadId = threadParam(c);
  const scheduleId = parseWith(scheduleIdSchema, c.req.param("scheduleId"), "schedule id");
  const stub = await thread(c, threadId);
  return resultResponse(await stub.deleteSchedule(c.get("principal").userId, scheduleId));
});
