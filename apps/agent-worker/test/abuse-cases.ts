import fc from "fast-check";
import { KEY } from "./helpers.ts";

// The abuse suite's generators: every internal endpoint, and the requests fast-check builds for it.

export const OWNER = "fuzz-owner";
export const OTHER = "fuzz-other";
/** The real ids the placeholders "THREAD", "OTHER_THREAD" and "APPROVAL" stand for, set once the suite has made them. */
export const fixture = { thread: "", otherThread: "", approval: "" };

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

export type Case = {
  user: string | null;
  key: string | null;
  thread: string;
  body: string;
  query: Record<string, string>;
  lastEventId: string | undefined;
  extra: string;
};

export const caseArb = (shapes: Array<Record<string, unknown>>, bodies?: fc.Arbitrary<string>): fc.Arbitrary<Case> =>
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
  return thread === "THREAD" ? fixture.thread : thread === "OTHER_THREAD" ? fixture.otherThread : thread;
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
export const ENDPOINTS: Endpoint[] = [
  { method: "GET", path: () => "/internal/threads" },
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

export function requestFor(endpoint: Endpoint, c: Case): { path: string; init: RequestInit } {
  const h: Record<string, string> = {};
  if (c.key !== null) h["x-oa-internal-key"] = c.key;
  if (c.user !== null) h["x-oa-user-id"] = c.user;
  if (c.lastEventId !== undefined) h["last-event-id"] = c.lastEventId;
  const query = new URLSearchParams(c.query).toString();
  const body = endpoint.body
    ? c.body
        .replaceAll('"THREAD"', JSON.stringify(fixture.thread))
        .replaceAll('"OTHER_THREAD"', JSON.stringify(fixture.otherThread))
        .replaceAll('"APPROVAL"', JSON.stringify(fixture.approval))
    : undefined;
  if (body !== undefined) h["content-type"] = "application/json";
  return {
    path: `${endpoint.path(c).split("#")[0]}${query ? `?${query}` : ""}`,
    init: { method: endpoint.method, headers: h, ...(body !== undefined ? { body } : {}) },
  };
}
