import { env, runInDurableObject } from "cloudflare:test";
import type { ErrorCode } from "@oa/protocol";
import { getAgentByName } from "agents";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ThreadAgent } from "../src/agents/thread-agent.ts";
import type { UserAgent } from "../src/agents/user-agent.ts";
import type { AgentWorkerEnv } from "../src/config.ts";
import { call, headers, KEY, postChat, readAnswer } from "./helpers.ts";

// The abuse suite: property-based fuzzing of every internal endpoint (fast-check, 1,000 cases
// each). Whatever arrives, the answer is never a 5xx, and a 4xx changes nothing anywhere: not
// the threads' storage, not the D1 index, not the users' feeds and inboxes.

// 400 cases per endpoint in `npm test` (the suite's time is bounded by CI's budget); ABUSE_RUNS=5000 for a deeper run.
const RUNS = Number((env as unknown as { ABUSE_RUNS: string }).ABUSE_RUNS);
const OWNER = "fuzz-owner";
const OTHER = "fuzz-other";
let THREAD = "";
let OTHER_THREAD = "";
let APPROVAL = "";

const TABLES = ["thread_meta", "messages", "events", "runs", "approvals", "receipts", "jobs", "schedules", "summaries"];

async function threadState(threadId: string): Promise<unknown> {
  const stub = await getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId);
  return runInDurableObject(stub, async (_agent, state) => {
    const sql = state.storage.sql;
    const known = new Set(
      sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
        .toArray()
        .map((row) => row.name),
    );
    const out: Record<string, unknown> = {};
    for (const table of TABLES) if (known.has(table)) out[table] = sql.exec(`SELECT * FROM ${table} ORDER BY rowid`).toArray();
    return out;
  });
}

async function userState(userId: string): Promise<unknown> {
  const stub = await getAgentByName<AgentWorkerEnv, UserAgent>(env.USER_AGENT, userId);
  return runInDurableObject(stub, async (_agent, state) => ({
    feed: state.storage.sql.exec("SELECT MAX(seq) AS seq, COUNT(*) AS n FROM feed").one(),
    inbox: state.storage.sql.exec("SELECT id, status FROM inbox ORDER BY id").toArray(),
  }));
}

/** Everything a request could have changed. */
async function snapshot(): Promise<string> {
  const { results } = await env.DB.prepare("SELECT * FROM threads WHERE user_id IN (?, ?) ORDER BY id").bind(OWNER, OTHER).all();
  return JSON.stringify({
    d1: results,
    threads: [await threadState(THREAD), await threadState(OTHER_THREAD)],
    users: [await userState(OWNER), await userState(OTHER)],
  });
}

async function settle(): Promise<void> {
  // Index and feed writes run after the response (waitUntil): wait until two snapshots in a row agree.
  let previous = "";
  await vi.waitFor(
    async () => {
      const current = await snapshot();
      const settled = current === previous;
      previous = current;
      expect(settled, "the state is still changing").toBe(true);
    },
    { timeout: 5_000, interval: 20 },
  );
}

/**
 * The status each refusal's code stands for. Every 4xx answer is checked against it on its own, its status and its
 * code together.
 */
const REFUSAL_STATUS: Partial<Record<ErrorCode, number>> = {
  unauthorized: 401,
  missing_user_id: 400,
  invalid_user_id: 400,
  invalid_json: 400,
  invalid_request: 400,
  invalid_thread_id: 400,
  body_too_large: 413,
  message_too_long: 400,
  unsupported_file_part: 400,
  thread_not_found: 404,
  message_not_found: 404,
  attachment_not_found: 404,
  attachment_too_large: 413,
  unsupported_attachment: 415,
  attachment_in_use: 409,
  not_found: 404,
  method_not_allowed: 405,
  run_active: 409,
  approval_not_found: 404,
  approval_already_resolved: 409,
  approval_expired: 409,
  approval_mismatch: 409,
  conflict: 409,
  quota_exceeded: 429,
};

/** Per endpoint, how often each answer came (a status, and a refusal's code): reported after the suite. */
const tally: Array<{ endpoint: string; cases: number; answers: Record<string, number> }> = [];
afterAll(() => {
  if (tally.length === 0) return;
  const rows = tally.map(
    (row) =>
      `| ${row.endpoint} | ${row.cases} | ${Object.entries(row.answers)
        .map(([answer, n]) => `${answer} ×${n}`)
        .join(", ")} |`,
  );
  console.log(["", "| endpoint | cases | answers |", "|---|---|---|", ...rows].join("\n"));
});

// ── arbitraries ─────────────────────────────────────────────────────────────────────────────────

const headerSafe = (s: string) => !/[\r\n\0]/.test(s) && [...s].every((c) => c.charCodeAt(0) < 128);
const text = fc.string({ maxLength: 40 });
const asciiText = fc.string({ unit: "grapheme-ascii", maxLength: 300 });
const weirdIds = fc.constantFrom(
  "",
  " ",
  ".",
  "..",
  "../x",
  ".hidden",
  "-x",
  "%2e%2e",
  "%2F",
  "a%2Fb",
  "..%2F..",
  "a/b",
  "/",
  "x".repeat(129),
  "t?x=1",
  "t#x",
  "Ω",
  "t\u0000",
  "__proto__",
  "constructor",
);
const threadArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant("THREAD") },
  { weight: 2, arbitrary: fc.constant("OTHER_THREAD") },
  { weight: 1, arbitrary: fc.constant("missing-thread") },
  { weight: 2, arbitrary: asciiText },
  { weight: 2, arbitrary: weirdIds },
);
const userArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant(OWNER) },
  { weight: 2, arbitrary: fc.constant(OTHER) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: asciiText.filter(headerSafe) },
  { weight: 1, arbitrary: fc.constantFrom("", "   ", "a b", "x".repeat(257), "user\tname", "a/b", "<script>") },
);
const keyArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant(KEY) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: asciiText.filter(headerSafe) },
  { weight: 1, arbitrary: fc.constant(`${KEY} `) },
);
const HUGE = JSON.stringify({ threadId: "THREAD", input: "x".repeat(1024 * 1024 + 16) });
const scalar = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));
/** Bodies that look like real ones with one part wrong, junk JSON, non-JSON, and oversize. */
const bodyArb = (shapes: Array<Record<string, unknown>>) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...shapes), fc.constantFrom(...Object.keys(Object.assign({}, ...shapes)), "extra", "__proto__"), scalar)
        .map(([shape, field, value]) => JSON.stringify({ ...shape, [field]: value })),
    },
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.constantFrom("", "{", "nul", "[1,2", '{"a":}', "\u0000", "{}".repeat(100)) },
    { weight: 1, arbitrary: text },
    { weight: 1, arbitrary: fc.constant(HUGE) },
  );
const queryArb = fc.dictionary(
  fc.oneof(fc.constantFrom("limit", "before", "after", "status", "cursor", "q", "kind", "archived", "pinned"), text),
  fc.oneof(text, fc.integer().map(String), fc.constantFrom("-1", "0", "1e9", "true", "pending", "NaN")),
  { maxKeys: 4 },
);
const lastEventIdArb = fc.option(
  fc.oneof(fc.nat().map(String), fc.constantFrom("-1", "1.5", "1e3", "99999999999999999999", "abc", " 7"), asciiText.filter(headerSafe)),
  { nil: undefined },
);

type Case = {
  user: string | null;
  key: string | null;
  thread: string;
  body: string;
  query: Record<string, string>;
  lastEventId: string | undefined;
  extra: string;
};

const caseArb = (shapes: Array<Record<string, unknown>>, bodies?: fc.Arbitrary<string>): fc.Arbitrary<Case> =>
  fc.record({
    user: userArb,
    key: keyArb,
    thread: threadArb,
    body: bodies ?? bodyArb(shapes),
    query: queryArb,
    lastEventId: lastEventIdArb,
    extra: fc.oneof(asciiText, weirdIds, fc.constant("job_1")),
  });

function resolveThread(thread: string): string {
  return thread === "THREAD" ? THREAD : thread === "OTHER_THREAD" ? OTHER_THREAD : thread;
}

type Endpoint = {
  method: string;
  path: (c: Case) => string;
  shapes?: Array<Record<string, unknown>>;
  body?: boolean;
  /** Bodies of its own instead of mutated shapes. */
  bodies?: fc.Arbitrary<string>;
  /** Every case must be refused (4xx): nothing of it may ever be accepted. */
  mustRefuse?: boolean;
  runs?: number;
  /** Cases left out: the one legitimate request that would destroy the fixture itself. */
  skip?: (c: Case) => boolean;
};
/** A message to the fixture thread carrying a file part by URL, or a malformed one: never accepted, never fetched. */
const fileUrlArb = fc.oneof(
  fc.webUrl({ withQueryParameters: true }),
  fc.constantFrom(
    "ftp://example.com/a.txt",
    "javascript:alert(1)",
    "http://localhost:8788/internal/threads",
    "http://127.0.0.1:9/huge.bin",
    "http://[::1]/x",
    "file:///etc/passwd",
    "data:text/plain,hi",
    "data:text/html;base64,PGI+",
    "data:image/png;base64,@@@@",
    "blob:null/1",
    "//evil.test/x",
  ),
  fc.string({ maxLength: 80 }),
);
const filePartBodies = fc
  .record({
    url: fileUrlArb,
    mediaType: fc.oneof(
      fc.constantFrom("image/png", "text/plain", "application/pdf", "text/html", "application/octet-stream"),
      fc.string({ maxLength: 20 }),
    ),
    filename: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
  })
  .map((file) =>
    JSON.stringify({
      id: "THREAD",
      trigger: "submit-message",
      messages: [
        {
          id: "m-file",
          role: "user",
          parts: [
            { type: "text", text: "see file" },
            { type: "file", ...file },
          ],
        },
      ],
    }),
  );

const ownDelete = (c: Case) =>
  c.key === KEY && ((c.user === OWNER && c.thread === "THREAD") || (c.user === OTHER && c.thread === "OTHER_THREAD"));
const t = (c: Case) => encodeURIComponent(resolveThread(c.thread));
const ENDPOINTS: Endpoint[] = [
  { method: "GET", path: (c) => `/internal/threads` },
  { method: "POST", path: () => "/internal/threads", body: true, shapes: [{ kind: "chat", title: "x" }, { kind: "nope" }] },
  {
    method: "PATCH",
    path: (c) => `/internal/threads/${t(c)}`,
    body: true,
    shapes: [{ title: "renamed" }, { archived: "yes" }, { pinned: 1 }],
  },
  { method: "DELETE", path: (c) => `/internal/threads/${t(c)}`, skip: ownDelete },
  { method: "GET", path: () => "/internal/approvals" },
  { method: "GET", path: () => "/internal/user/events" },
  { method: "GET", path: () => "/internal/openclaw/overview" },
  {
    method: "POST",
    path: () => "/internal/approval/respond",
    body: true,
    shapes: [
      { threadId: "THREAD", approvalId: "APPROVAL", decision: "approved" },
      { threadId: "OTHER_THREAD", approvalId: "APPROVAL", decision: "rejected", reason: "x" },
    ],
  },
  { method: "GET", path: (c) => `/internal/thread/${t(c)}/summary` },
  { method: "GET", path: (c) => `/internal/thread/${t(c)}/messages` },
  { method: "GET", path: (c) => `/internal/thread/${t(c)}/events` },
  { method: "GET", path: (c) => `/internal/thread/${t(c)}/approvals` },
  { method: "GET", path: (c) => `/internal/thread/${t(c)}/receipts` },
  { method: "GET", path: (c) => `/internal/thread/${t(c)}/jobs` },
  { method: "POST", path: (c) => `/internal/thread/${t(c)}/jobs/${encodeURIComponent(c.extra)}/cancel` },
  { method: "GET", path: (c) => `/internal/thread/${t(c)}/schedules` },
  { method: "DELETE", path: (c) => `/internal/thread/${t(c)}/schedules/${encodeURIComponent(c.extra)}` },
  { method: "GET", path: (c) => `/internal/chat/${t(c)}/stream` },
  { method: "POST", path: (c) => `/internal/chat/${t(c)}/stop` },
  { method: "POST", path: (c) => `/internal/thread/${t(c)}/dev/seed`, body: true, shapes: [{ count: 10 }] },
  {
    method: "POST",
    path: () => "/internal/chat",
    body: true,
    shapes: [
      { threadId: "OTHER_THREAD", input: "hi" },
      { id: "THREAD", messages: [{ id: "m1", role: "user", parts: [{ type: "text", text: "hi" }] }], trigger: "submit-message" },
    ],
  },
  { method: "POST", path: () => "/internal/chat#file-parts", body: true, bodies: filePartBodies, mustRefuse: true, runs: 300 },
  {
    method: "POST",
    path: (c) => `/internal/thread/${t(c)}/branch`,
    body: true,
    shapes: [{ messageId: "m1" }, { messageId: 42 }, { messageId: "m1", extra: true }],
  },
];

function requestFor(endpoint: Endpoint, c: Case): { path: string; init: RequestInit } {
  const h: Record<string, string> = {};
  if (c.key !== null) h["x-oa-internal-key"] = c.key;
  if (c.user !== null) h["x-oa-user-id"] = c.user;
  if (c.lastEventId !== undefined) h["last-event-id"] = c.lastEventId;
  const query = new URLSearchParams(c.query).toString();
  const body = endpoint.body
    ? c.body
        .replaceAll('"THREAD"', JSON.stringify(THREAD))
        .replaceAll('"OTHER_THREAD"', JSON.stringify(OTHER_THREAD))
        .replaceAll('"APPROVAL"', JSON.stringify(APPROVAL))
    : undefined;
  if (body !== undefined) h["content-type"] = "application/json";
  return {
    path: `${endpoint.path(c).split("#")[0]}${query ? `?${query}` : ""}`,
    init: { method: endpoint.method, headers: h, ...(body !== undefined ? { body } : {}) },
  };
}

describe("abuse suite: fuzzing every internal endpoint", () => {
  beforeAll(async () => {
    const created = await call("/internal/threads", {
      method: "POST",
      headers: headers(OWNER),
      body: JSON.stringify({ title: "fuzz target" }),
    });
    THREAD = ((await created.json()) as { threadId: string }).threadId;
    await readAnswer(await postChat(OWNER, { threadId: THREAD, input: "hello" }));
    await readAnswer(await postChat(OWNER, { threadId: THREAD, input: "check again in 10 minutes" }));
    await readAnswer(await postChat(OWNER, { threadId: THREAD, input: "restart my OpenClaw" }));
    const approvals = (await (await call(`/internal/thread/${THREAD}/approvals?status=pending`, { headers: headers(OWNER) })).json()) as {
      approvals: Array<{ id: string }>;
    };
    APPROVAL = approvals.approvals[0]!.id;
    const other = await call("/internal/threads", {
      method: "POST",
      headers: headers(OTHER),
      body: JSON.stringify({ title: "other's thread" }),
    });
    OTHER_THREAD = ((await other.json()) as { threadId: string }).threadId;
    await readAnswer(await postChat(OTHER, { threadId: OTHER_THREAD, input: "hello" }));
    await settle();
  }, 120_000);

  for (const endpoint of ENDPOINTS) {
    const name = `${endpoint.method} ${endpoint.path({ thread: ":threadId", extra: ":id" } as Case).replace(/%3A/g, ":")}`;
    it(`${name}: never a 5xx; a 4xx changes nothing`, async () => {
      const answers: Record<string, number> = {};
      let before = await snapshot();
      await fc.assert(
        fc.asyncProperty(caseArb(endpoint.shapes ?? [{}], endpoint.bodies), async (c) => {
          fc.pre(!endpoint.skip?.(c));
          const { path, init } = requestFor(endpoint, c);
          const response = await call(path, init);
          const label = `${name} ${JSON.stringify(c).slice(0, 400)}`;
          expect(response.status, label).toBeLessThan(500);
          if (endpoint.mustRefuse) expect(response.status, label).toBeGreaterThanOrEqual(400);
          if (response.status >= 400) {
            const body = (await response.json()) as { ok: boolean; error: { code: ErrorCode; message: string } };
            expect(body.ok, label).toBe(false);
            expect(typeof body.error.code, label).toBe("string");
            expect(typeof body.error.message, label).toBe("string");
            // This refusal on its own: its status is the one its code stands for.
            const refusal = { status: response.status, code: body.error.code };
            expect(refusal, label).toEqual({ status: REFUSAL_STATUS[refusal.code], code: refusal.code });
            answers[`${refusal.status} ${refusal.code}`] = (answers[`${refusal.status} ${refusal.code}`] ?? 0) + 1;
            const after = await snapshot();
            expect(after, `${name}: a ${response.status} changed state`).toBe(before);
          } else {
            answers[response.status] = (answers[response.status] ?? 0) + 1;
            // A request that was accepted may change state: drain it, let it settle, go on from there.
            if (response.headers.get("content-type")?.includes("text/event-stream") && endpoint.path(c).includes("/internal/chat"))
              await response.text();
            else await response.body?.cancel();
            await settle();
            before = await snapshot();
          }
        }),
        { numRuns: endpoint.runs ?? RUNS },
      );
      tally.push({ endpoint: name, cases: endpoint.runs ?? RUNS, answers });
      expect(Object.values(answers).reduce((a, b) => a + b, 0)).toBe(endpoint.runs ?? RUNS);
    }, 600_000);
  }

  it("quota flood: 60 concurrent feed opens stop exactly at QUOTA_EVENT_FEEDS (20); the 429s change nothing", async () => {
    const flooder = "fuzz-flooder";
    const created = await call("/internal/threads", { method: "POST", headers: headers(flooder), body: "{}" });
    const threadId = ((await created.json()) as { threadId: string }).threadId;
    await settle();
    const before = await snapshot();
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        call(i % 3 === 0 ? "/internal/user/events" : `/internal/thread/${threadId}/events`, { headers: headers(flooder) }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(20);
    expect(statuses.filter((status) => status === 429)).toHaveLength(40);
    for (const response of responses.filter((r) => r.status === 429)) {
      expect(((await response.json()) as { error: { code: string; details: unknown } }).error).toMatchObject({
        code: "quota_exceeded",
        details: { quota: "event_feeds", limit: 20, current: 20 },
      });
    }
    expect(await snapshot()).toBe(before);
    const user = await getAgentByName<AgentWorkerEnv, UserAgent>(env.USER_AGENT, flooder);
    expect(await user.leasesInUse("feed")).toBe(20);
    await Promise.all(responses.filter((r) => r.status === 200).map((response) => response.body!.cancel()));
    // The runtime notices a gone reader on its next write: a rename reaches both kinds of feed.
    await call(`/internal/threads/${threadId}`, {
      method: "PATCH",
      headers: headers(flooder),
      body: JSON.stringify({ title: "flood over" }),
    });
    await vi.waitFor(async () => expect(await user.leasesInUse("feed")).toBe(0), { timeout: 10_000 });
  });
});
