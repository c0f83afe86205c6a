import { it } from "vitest";
import { call, callJson, headers, postChat, readAnswer, uniqueThread } from "./helpers.ts";
import { readFramesUntil } from "./sse-reader.ts";

it("dumps", async () => {
  const user = uniqueThread("dump-user");
  const out: Record<string, unknown> = {};
  const created = await callJson("/internal/threads", user, { method: "POST", body: JSON.stringify({ kind: "chat", title: "Conformance" }) });
  out.create = created;
  const threadId = created.body.threadId as string;
  await readAnswer(await postChat(user, { threadId, input: "hello" }));
  await readAnswer(await postChat(user, { threadId, input: "remind me in 10 minutes to say hello" }));
  await readAnswer(await postChat(user, { threadId, input: "restart my OpenClaw" }));
  for (const path of ["/internal/threads", `/internal/thread/${threadId}/summary`, `/internal/thread/${threadId}/messages`, `/internal/thread/${threadId}/approvals`,
    `/internal/thread/${threadId}/receipts`, `/internal/thread/${threadId}/jobs`, `/internal/thread/${threadId}/schedules`, "/internal/search?q=hello", `/internal/thread/${threadId}/export?format=json`,
    `/internal/thread/${threadId}/attachments`, "/internal/openclaw/overview", "/internal/approvals"]) out[path.replace(threadId, ":t")] = await callJson(path, user);
  out.patch = await callJson(`/internal/threads/${threadId}`, user, { method: "PATCH", body: JSON.stringify({ pinned: true }) });
  out.status = await callJson(`/internal/openclaw/runtime-status`, user, { method: "POST", body: "{}" });
  const up = await call(`/internal/thread/${threadId}/attachments`, { method: "POST", headers: headers(user, { "content-type": "text/plain", "x-oa-filename": "a.txt" }), body: "hi there" });
  out.upload = { status: up.status, body: await up.json() };
  const att = (out.upload as any).body.attachment.id;
  out.del = await callJson(`/internal/thread/${threadId}/attachments/${att}`, user, { method: "DELETE" });
  const sched = (out["/internal/thread/:t/schedules"] as any).body.schedules[0]?.id;
  if (sched) out.cancelSched = await callJson(`/internal/thread/${threadId}/schedules/${sched}`, user, { method: "DELETE" });
  const appr = (out["/internal/thread/:t/approvals"] as any).body.approvals[0]?.id;
  if (appr) out.respond = await callJson(`/internal/approval/respond`, user, { method: "POST", body: JSON.stringify({ threadId, approvalId: appr, decision: "rejected" }) });
  const ev = await call(`/internal/thread/${threadId}/events`, { headers: headers(user) });
  out.events = (await readFramesUntil(ev, (f) => f.data.includes('"attachment.deleted"'))).map((f) => JSON.parse(f.data).type);
  const uev = await call(`/internal/user/events`, { headers: headers(user) });
  out.userEvents = (await readFramesUntil(uev, (f, all) => all.length >= 3)).map((f) => f.data.slice(0, 300));
  out.stop = await callJson(`/internal/chat/${threadId}/stop`, user, { method: "POST", body: "{}" });
  const s = await call(`/internal/chat/${threadId}/stream`, { headers: headers(user) });
  out.stream = s.status;
  out.del2 = await callJson(`/internal/threads/${threadId}`, user, { method: "DELETE" });
  console.log("DUMP" + JSON.stringify(out, null, 1));
});
