import { billingSummarySchema, sendResultSchema, sessionHistorySchema, sessionListSchema, sessionRowSchema } from "@oa/protocol";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { api, control, expectData, expectError, readyUser, uniqueUser } from "./helpers.ts";

const sessions = [
  {
    key: "agent:main:telegram:group:42",
    kind: "group",
    channel: "telegram",
    displayName: "Team chat",
    ageMinutes: 5,
    messages: [
      { role: "user", text: "hi team" },
      { role: "toolResult", text: '{"ok":true}', toolName: "web_search" },
      { role: "assistant", text: "hello" },
    ],
  },
  { key: "cron:daily", kind: "cron", ageMinutes: 120 },
  { key: "hook:gmail", kind: "hook", ageMinutes: 30 },
];

const listOf = (user: string, query = "") =>
  api(user)
    .get(`/sessions${query}`)
    .then((response) => expectData(response, sessionListSchema));

describe("sessions list", () => {
  it("always has the main session and lists the most recent first", async () => {
    const user = await readyUser("list", { sessions });
    const rows = await listOf(user);
    expect(rows.map((row) => row.key)).toEqual(["main", "agent:main:telegram:group:42", "hook:gmail", "cron:daily"]);
    expect(rows[0]).toMatchObject({ key: "main", kind: "main", sessionId: expect.any(String), model: expect.any(String) });
    expect(rows[1]).toMatchObject({ kind: "group", channel: "telegram", displayName: "Team chat", totalTokens: expect.any(Number) });
    expect(rows[1]).not.toHaveProperty("messages");
  });

  it("honours limit, activeMinutes, messageLimit and kinds (repeated or comma-separated)", async () => {
    const user = await readyUser("query", { sessions });
    expect((await listOf(user, "?limit=2")).map((row) => row.key)).toEqual(["main", "agent:main:telegram:group:42"]);
    expect((await listOf(user, "?activeMinutes=60")).map((row) => row.key)).toEqual(["main", "agent:main:telegram:group:42", "hook:gmail"]);
    expect((await listOf(user, "?kinds=cron&kinds=hook")).map((row) => row.key)).toEqual(["hook:gmail", "cron:daily"]);
    expect((await listOf(user, "?kinds=cron,main")).map((row) => row.key)).toEqual(["main", "cron:daily"]);
    const withMessages = await listOf(user, "?messageLimit=1&kinds=group");
    expect(withMessages[0]?.messages?.map((message) => message.content[0]?.text)).toEqual(["hello"]);
    // Values that do not parse are ignored, like the runtime does.
    expect(await listOf(user, "?limit=zero&activeMinutes=-1&messageLimit=x")).toHaveLength(4);
    expect(await listOf(user, "?messageLimit=0")).toSatisfy((rows: unknown[]) =>
      rows.every((row) => !Object.hasOwn(row as object, "messages")),
    );
  });
});

describe("session history and send", () => {
  it("history: {messages}, tool results only with includeTools, last `limit` messages", async () => {
    const user = await readyUser("history", { sessions });
    const key = encodeURIComponent("agent:main:telegram:group:42");
    const plain = await expectData(await api(user).get(`/sessions/${key}/history`), sessionHistorySchema);
    expect(plain.messages.map((message) => message.role)).toEqual(["user", "assistant"]);
    const tools = await expectData(await api(user).get(`/sessions/${key}/history?includeTools=true`), sessionHistorySchema);
    expect(tools.messages.map((message) => message.role)).toEqual(["user", "toolResult", "assistant"]);
    expect(tools.messages[1]).toMatchObject({ toolName: "web_search" });
    const last = await expectData(await api(user).get(`/sessions/${key}/history?limit=1&includeTools=1`), sessionHistorySchema);
    expect(last.messages.map((message) => message.content[0]?.text)).toEqual(["hello"]);
  });

  it("send waits for the deterministic reply and stores both messages in the history", async () => {
    const user = await readyUser("send");
    const result = await expectData(
      await api(user).post("/sessions/main/send", { message: "status?", timeoutSeconds: 30 }),
      sendResultSchema,
    );
    expect(result).toEqual({ runId: expect.any(String), status: "ok", reply: 'OpenClaw (local) received: "status?"' });
    const history = await expectData(await api(user).get("/sessions/main/history"), sessionHistorySchema);
    expect(history.messages.map((message) => [message.role, message.content[0]?.text])).toEqual([
      ["user", "status?"],
      ["assistant", 'OpenClaw (local) received: "status?"'],
    ]);
    const [main] = await listOf(user, "?kinds=main");
    expect(main?.totalTokens).toBeGreaterThan(0);
  });

  it("send with timeoutSeconds 0 answers accepted without a reply; the reply still lands in the history", async () => {
    const user = await readyUser("accepted");
    const result = await expectData(await api(user).post("/sessions/main/send", { message: "later", timeoutSeconds: 0 }), sendResultSchema);
    expect(result).toEqual({ runId: expect.any(String), status: "accepted" });
    const history = await expectData(await api(user).get("/sessions/main/history"), sessionHistorySchema);
    expect(history.messages).toHaveLength(2);
  });

  it("answers 400 for a blank session key (before the instance check), a bad body, a missing message", async () => {
    const none = uniqueUser("none");
    await expectError(await api(none).get("/sessions/%20/history"), 400, "missing session key");
    await expectError(await api(none).post("/sessions//send", { message: "x" }), 400, "missing session key");
    const user = await readyUser("bad-send");
    await expectError(await api(user).post("/sessions/main/send", "{oops"), 400, "invalid json body");
    await expectError(await api(user).post("/sessions/main/send", [1]), 400, "invalid json body");
    await expectError(await api(user).post("/sessions/main/send", {}), 400, "message is required");
    await expectError(await api(user).post("/sessions/main/send", { message: "   " }), 400, "message is required");
    await expectError(
      await api(user).post("/sessions/main/send", { message: "x", timeoutSeconds: -1 }),
      400,
      "timeoutSeconds must be a non-negative number",
    );
    expect((await control(user).requests()).flatMap((entry) => entry.effects)).toEqual([]);
  });

  it("answers the runtime's 404 for an unknown session", async () => {
    const user = await readyUser("unknown");
    await expectError(await api(user).get("/sessions/nope/history"), 404, "session not found: nope");
    await expectError(await api(user).post("/sessions/nope/send", { message: "x" }), 404, "session not found: nope");
  });
});

describe("tools/invoke", () => {
  const toolResult = z.strictObject({
    content: z.array(z.strictObject({ type: z.literal("text"), text: z.string() })),
    details: z.unknown(),
  });

  it("runs an allowed gateway tool and answers its result", async () => {
    const user = await readyUser("tools", { sessions });
    const listed = await expectData(
      await api(user).post("/tools/invoke", { tool: "sessions_list", args: { kinds: ["cron"] } }),
      toolResult,
    );
    expect(listed.details).toMatchObject({ count: 1, sessions: [{ key: "cron:daily" }] });
    expect(JSON.parse(listed.content[0]!.text)).toEqual(listed.details);

    const sent = await expectData(
      await api(user).post("/tools/invoke", { tool: "sessions_send", args: { message: "via tool" } }),
      toolResult,
    );
    expect(sent.details).toMatchObject({ sessionKey: "main", status: "ok", reply: 'OpenClaw (local) received: "via tool"' });
    const history = await expectData(await api(user).post("/tools/invoke", { tool: "sessions_history", sessionKey: "main" }), toolResult);
    expect((history.details as { messages: unknown[] }).messages).toHaveLength(2);
    const status = await expectData(await api(user).post("/tools/invoke", { tool: "session_status" }), toolResult);
    expect(sessionRowSchema.parse(status.details).key).toBe("main");
  });

  it("dryRun performs nothing", async () => {
    const user = await readyUser("dry");
    await expectData(await api(user).post("/tools/invoke", { tool: "sessions_send", args: { message: "x" }, dryRun: true }), toolResult);
    expect((await expectData(await api(user).get("/sessions/main/history"), sessionHistorySchema)).messages).toEqual([]);
  });

  it("answers 404 for a tool the policy does not allow and 400 for a bad call", async () => {
    const user = await readyUser("denied");
    for (const tool of ["exec", "gateway", "sessions_spawn", "constructor", "__proto__"]) {
      await expectError(await api(user).post("/tools/invoke", { tool }), 404, `Tool not available: ${tool}`);
    }
    await expectError(await api(user).post("/tools/invoke", "nope"), 400, "invalid json body");
    await expectError(await api(user).post("/tools/invoke", {}), 400, "tool is required");
    await expectError(await api(user).post("/tools/invoke", { tool: "sessions_list", args: [1] }), 400, "args must be an object");
    await expectError(
      await api(user).post("/tools/invoke", { tool: "sessions_history", sessionKey: "nope" }),
      400,
      "session not found: nope",
    );
  });
});

describe("billing summary", () => {
  it("answers {user_id, balance_usd} with a default balance, rounded to cents", async () => {
    const user = uniqueUser("billing");
    expect(await expectData(await api(user).get("/billing/summary"), billingSummarySchema)).toEqual({ user_id: user, balance_usd: 25 });
    await control(user).setBalance(12.345678);
    expect((await expectData(await api(user).get("/billing/summary"), billingSummarySchema)).balance_usd).toBe(12.35);
    await control(user).setBalance(-3.456);
    expect((await expectData(await api(user).get("/billing/summary"), billingSummarySchema)).balance_usd).toBe(-3.46);
  });
});
