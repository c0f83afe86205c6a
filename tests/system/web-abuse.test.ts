import { createHmac, randomBytes } from "node:crypto";
import { expectedRefusal } from "@oa/test-kit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { executeD1, WEB_D1 } from "../../scripts/lib/d1.mjs";
import { applyWebMigrations } from "../../scripts/lib/web.mjs";
import { client, openclawControl, type Runtime, type System, startSystem, startWeb, tempState, waitFor } from "./harness.ts";
import { type WebClient, webClient } from "./web-client.ts";

// The abuse suite for the browser API: every endpoint of apps/web fuzzed over HTTP (fast-check,
// 150 by default, ABUSE_RUNS for more) with real, missing and forged sessions, own and foreign origins, and junk
// paths, queries and bodies. Never a 5xx; every 4xx answer on its own changes nothing (checked through
// the agent worker's own API after each one). Dead sessions (revoked by sign-out, the
// cookie sent twice, a valid dev session on a deployment whose dev login is off) and requests
// another site started (Sec-Fetch-Site: cross-site / same-site) never get an API answer.

// 150 cases per endpoint in `npm test`: each refusal is followed by a snapshot of the state (7 reads), and the
// suite's time is bounded by CI's budget; ABUSE_RUNS=5000 for a deeper run.
const RUNS = Number(process.env.ABUSE_RUNS ?? 150);
/**
 * The refusals the website may answer: its own, and the agent worker's that it passes through. Every 4xx answer
 * is checked on its own, its status and its code together, against the test kit's REFUSAL_STATUS.
 */
const WEB_REFUSALS = new Set<string>([
  "not_authenticated",
  "forbidden_origin",
  "rate_limited",
  "invalid_request",
  "invalid_json",
  "unsupported_file_part",
  "body_too_large",
  "not_found",
  "method_not_allowed",
  "login_failed",
  "invalid_thread_id",
  "message_too_long",
  "thread_not_found",
  "message_not_found",
  "attachment_not_found",
  "attachment_too_large",
  "unsupported_attachment",
  "attachment_in_use",
  "run_active",
  "approval_not_found",
  "approval_already_resolved",
  "approval_expired",
  "approval_mismatch",
  "conflict",
  "quota_exceeded",
]);
/** What another site's request may get: refused as such, or no such endpoint. */
const CROSS_SITE_REFUSALS = [
  { status: 403, code: "forbidden_origin" },
  { status: 404, code: "not_found" },
];
/** Per endpoint, how often each answer came (a status, and a refusal's code): reported after the suite. */
const tally: string[] = [];
let system: System;
let base = "";
const sessions: WebClient[] = [];
let owner: WebClient;
let ownerId = "";
let THREAD = "";
let APPROVAL = "";
/** A second website on the same agent worker with the dev login off, and a dev session minted for it. */
let devOff: Runtime;
let devOffCookie = "";
const devOffState = tempState();
let revokedCookie = "";

/** A session cookie as the web worker signs it (session.ts), for a row written straight into its D1. */
function mintDevCookie(secret: string, sid: string, sub: string): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = Buffer.from(JSON.stringify({ sid, sub, name: "minted", email: null, via: "dev", iat: now, exp: now + 3600 })).toString(
    "base64url",
  );
  const signature = createHmac("sha256", secret).update(`v1.${payload}`).digest("base64url");
  return `oa_session=v1.${payload}.${signature}`;
}

beforeAll(async () => {
  system = await startSystem({ web: {} });
  base = system.web!.url;
  owner = webClient(base);
  ownerId = (await owner.login("fuzz owner")).id;
  THREAD = (await owner.json("POST", "/threads", { title: "fuzz target" })).body.threadId;
  await owner.chat(THREAD, "hello");
  // A restart is asked for only when there is a ready instance to restart.
  await openclawControl(system.openclaw, ownerId).seed({ instance: { status: "ready" } });
  await owner.chat(THREAD, "restart my OpenClaw");
  APPROVAL = (await waitFor(async () => (await owner.json("GET", "/approvals")).body.approvals[0] ?? null)).id;
  // Many sessions of the same user: the per-user rate budget is shared, so most of these are
  // other users (each has its own), plus the owner.
  for (let i = 0; i < 40; i++) {
    const session = webClient(base);
    await session.login(`fuzz user ${i}`);
    sessions.push(session);
  }
  // The owner signed in elsewhere too, then signed that session out: a copy of its cookie is dead.
  const other = webClient(base);
  await other.login("fuzz owner");
  revokedCookie = other.cookie;
  await other.request("POST", "/auth/logout", {});
  // Everything about this session is valid except that the dev login is off where it is used.
  const secret = randomBytes(32).toString("base64url");
  const sid = randomBytes(16).toString("base64url");
  applyWebMigrations(devOffState.dir);
  executeD1(
    devOffState.dir,
    `INSERT INTO sessions (id, user_id, via, created_at, expires_at) VALUES ('${sid}', '${ownerId}', 'dev', ${Date.now()}, ${Date.now() + 3_600_000})`,
    WEB_D1,
  );
  devOff = await startWeb({
    stateDir: devOffState.dir,
    key: system.key,
    agentUrl: system.agent.url,
    sessionSecret: secret,
    vars: { DEV_LOGIN: "false" },
  });
  devOffCookie = mintDevCookie(secret, sid, ownerId);
});
afterAll(async () => {
  if (tally.length > 0) console.log(["", "| browser endpoint | cases | answers |", "|---|---|---|", ...tally].join("\n"));
  await devOff?.stop("SIGKILL");
  devOffState.cleanup();
  await system?.stop();
});

/** The owner's world as the agent worker sees it (and one of the fuzz users'). */
async function settledSnapshot(): Promise<string> {
  let last = await snapshot();
  return vi.waitFor(
    async () => {
      const next = await snapshot();
      const settled = next === last;
      last = next;
      if (!settled) throw new Error("the state is still changing");
      return next;
    },
    { timeout: 10_000, interval: 50 },
  );
}

async function snapshot(): Promise<string> {
  const api = client(system.agent, ownerId);
  const parts = await Promise.all(
    [
      `/internal/threads?archived=false&limit=100`,
      `/internal/threads?archived=true&limit=100`,
      `/internal/thread/${THREAD}/summary`,
      `/internal/thread/${THREAD}/messages?limit=100`,
      `/internal/approvals`,
      `/internal/thread/${THREAD}/schedules`,
    ].map(async (path) => (await api.get(path)).text()),
  );
  const other = await (await client(system.agent, "dev:fuzz-user-0").get("/internal/threads?limit=100")).text();
  return JSON.stringify([...parts, other]);
}

const text = fc.string({ maxLength: 40 });
const ascii = fc.string({ unit: "grapheme-ascii", maxLength: 200 });
const weird = fc.constantFrom("", "..", "%2e%2e", "a%2Fb", "x".repeat(129), "t?x=1", "__proto__", "%00");
const threadArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant("THREAD") },
  { weight: 1, arbitrary: fc.constant("t_missing") },
  { weight: 2, arbitrary: ascii.map(encodeURIComponent) },
  { weight: 2, arbitrary: weird },
);
const sessionArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant("owner") },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 39 }).map(String) },
  { weight: 1, arbitrary: fc.constant("none") },
  { weight: 1, arbitrary: fc.constantFrom("forged", "garbage") },
  { weight: 1, arbitrary: fc.constantFrom("revoked", "duplicated", "devOff") },
);
/** Sessions that must never get an API answer. */
const DEAD_SESSIONS = new Set(["none", "forged", "garbage", "revoked", "duplicated", "devOff"]);
/** What the browser says about where a request came from (absent: a non-browser client). */
const fetchSiteArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant("same-origin") },
  { weight: 2, arbitrary: fc.constantFrom("cross-site", "same-site") },
);
const originArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant("own") },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom("https://evil.example", "null", "http://127.0.0.1") },
);
const scalar = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));
const bodyArb = (shapes: Array<Record<string, unknown>>) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...shapes), fc.constantFrom(...Object.keys(Object.assign({}, ...shapes)), "extra"), scalar)
        .map(([shape, field, value]) => JSON.stringify({ ...shape, [field]: value })),
    },
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.constantFrom("", "{", "[1,", "\u0000") },
    { weight: 1, arbitrary: fc.constant(JSON.stringify({ id: "THREAD", pad: "x".repeat(1024 * 1024 + 8) })) },
  );
const queryArb = fc.dictionary(
  fc.oneof(fc.constantFrom("limit", "cursor", "status", "q", "after", "archived", "kind"), text),
  fc.oneof(text, fc.constantFrom("-1", "0", "1e9", "pending")),
  { maxKeys: 3 },
);

type Case = {
  session: string;
  origin: string | null;
  fetchSite: string | undefined;
  thread: string;
  body: string;
  query: Record<string, string>;
  extra: string;
  lastEventId: string | undefined;
};
const caseArb = (shapes: Array<Record<string, unknown>>) =>
  fc.record({
    session: sessionArb,
    origin: originArb,
    fetchSite: fetchSiteArb,
    thread: threadArb,
    body: bodyArb(shapes),
    query: queryArb,
    extra: fc.oneof(ascii.map(encodeURIComponent), weird),
    lastEventId: fc.option(fc.oneof(fc.nat().map(String), fc.constantFrom("-1", "abc", "1.5")), { nil: undefined }),
  });

type Endpoint = { method: string; path: (c: Case) => string; shapes?: Array<Record<string, unknown>>; skip?: (c: Case) => boolean };
const t = (c: Case) => (c.thread === "THREAD" ? THREAD : c.thread);
const ENDPOINTS: Endpoint[] = [
  { method: "GET", path: () => "/threads" },
  { method: "POST", path: () => "/threads", shapes: [{ kind: "chat", title: "x" }] },
  { method: "PATCH", path: (c) => `/threads/${t(c)}`, shapes: [{ title: "renamed" }, { pinned: true }] },
  { method: "DELETE", path: (c) => `/threads/${t(c)}`, skip: (c) => c.session === "owner" && c.thread === "THREAD" && c.origin === "own" },
  { method: "GET", path: (c) => `/threads/${t(c)}/messages` },
  { method: "GET", path: (c) => `/threads/${t(c)}/events` },
  { method: "GET", path: (c) => `/threads/${t(c)}/summary` },
  { method: "GET", path: (c) => `/threads/${t(c)}/approvals` },
  { method: "GET", path: (c) => `/threads/${t(c)}/jobs` },
  { method: "POST", path: (c) => `/threads/${t(c)}/jobs/${c.extra}/cancel` },
  { method: "GET", path: (c) => `/threads/${t(c)}/schedules` },
  { method: "DELETE", path: (c) => `/threads/${t(c)}/schedules/${c.extra}` },
  { method: "GET", path: (c) => `/chat/${t(c)}/stream` },
  { method: "POST", path: (c) => `/chat/${t(c)}/stop` },
  { method: "GET", path: () => "/approvals" },
  {
    method: "POST",
    path: () => "/approvals/respond",
    shapes: [{ threadId: "THREAD", approvalId: "APPROVAL", decision: "rejected" }],
    skip: (c) => c.session === "owner" && c.origin === "own" && c.body.includes('"APPROVAL"') && !c.body.includes('"extra"'),
  },
  { method: "GET", path: () => "/events" },
  { method: "GET", path: () => "/openclaw" },
  { method: "POST", path: () => "/openclaw/status" },
  {
    method: "POST",
    path: () => "/chat",
    shapes: [
      { id: "t_fuzz_new", messages: [{ id: "m1", role: "user", parts: [{ type: "text", text: "hi" }] }], trigger: "submit-message" },
    ],
  },
  { method: "POST", path: () => "/auth/dev-login", shapes: [{ name: "someone" }] },
];

/** The website the case goes to: the dev-login-off one for its minted dev session. */
const siteFor = (c: Case) => (c.session === "devOff" ? devOff.url : base);

function sessionFor(c: Case): WebClient {
  if (c.session === "owner") return owner;
  if (/^\d+$/.test(c.session)) return sessions[Number(c.session)]!;
  const anon = webClient(siteFor(c));
  if (c.session === "forged") anon.cookie = owner.cookie.replace(/\.[^.]+$/, ".AAAA");
  if (c.session === "garbage") anon.cookie = "oa_session=v1.e30.x";
  if (c.session === "revoked") anon.cookie = revokedCookie;
  if (c.session === "duplicated") anon.cookie = `${owner.cookie}; ${owner.cookie}`;
  if (c.session === "devOff") anon.cookie = devOffCookie;
  return anon;
}

describe("abuse suite: fuzzing every browser endpoint", () => {
  for (const endpoint of ENDPOINTS) {
    const name = `${endpoint.method} ${endpoint.path({ thread: ":threadId", extra: ":id" } as Case)}`;
    it(`${name}: never a 5xx; 4xx answers change nothing`, async () => {
      const answers: Record<string, number> = {};
      let before = await snapshot();
      await fc.assert(
        fc.asyncProperty(caseArb(endpoint.shapes ?? [{}]), async (c) => {
          fc.pre(!endpoint.skip?.(c));
          const session = sessionFor(c);
          const query = new URLSearchParams(c.query).toString();
          const body =
            endpoint.method === "GET" || endpoint.method === "DELETE"
              ? undefined
              : c.body.replaceAll('"THREAD"', JSON.stringify(THREAD)).replaceAll('"APPROVAL"', JSON.stringify(APPROVAL));
          const headers: Record<string, string> = {};
          if (c.lastEventId !== undefined) headers["last-event-id"] = c.lastEventId;
          if (c.fetchSite !== undefined) headers["sec-fetch-site"] = c.fetchSite;
          const response = await session.request(endpoint.method, `${endpoint.path(c)}${query ? `?${query}` : ""}`, body, {
            origin: c.origin === "own" ? siteFor(c) : c.origin,
            headers,
          });
          const label = `${name} ${JSON.stringify(c).slice(0, 300)}`;
          expect(response.status, label).toBeLessThan(500);
          // Another site's request, or a dead session (dev-login aside, which makes a new one), gets
          // no API answer: a refusal, or the app's page for a path that normalised out of the API.
          const crossSite = c.fetchSite === "cross-site" || c.fetchSite === "same-site";
          if (crossSite || (DEAD_SESSIONS.has(c.session) && endpoint.path(c) !== "/auth/dev-login")) {
            if (response.ok) expect(response.headers.get("content-type"), label).toContain("text/html");
          }
          if (response.status >= 400) {
            const payload = (await response.json()) as { ok: boolean; error: { code: string; message: string } };
            expect(payload.ok, label).toBe(false);
            expect(typeof payload.error.message, label).toBe("string");
            // This refusal on its own: its status is the one its code stands for.
            const refusal = { status: response.status, code: payload.error.code };
            expect(refusal, label).toEqual(expectedRefusal(refusal.code, WEB_REFUSALS));
            if (crossSite) expect(CROSS_SITE_REFUSALS, label).toContainEqual(refusal);
            answers[`${refusal.status} ${refusal.code}`] = (answers[`${refusal.status} ${refusal.code}`] ?? 0) + 1;
            // This refusal on its own changed nothing.
            expect(await snapshot(), `state changed by a ${refusal.status} ${refusal.code}: ${label}`).toBe(before);
          } else {
            answers[response.status] = (answers[response.status] ?? 0) + 1;
            if (endpoint.path(c) === "/chat") await response.text();
            else await response.body?.cancel();
            // An accepted request may go on working (a run, the index): the next refusal is compared
            // with the state once it has settled (two snapshots in a row agree).
            before = await settledSnapshot();
          }
        }),
        { numRuns: RUNS },
      );
      tally.push(
        `| ${name} | ${RUNS} | ${Object.entries(answers)
          .map(([answer, n]) => `${answer} ×${n}`)
          .join(", ")} |`,
      );
      expect(Object.values(answers).reduce((a, b) => a + b, 0)).toBe(RUNS);
    }, 600_000);
  }
});
