import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeEnvFile } from "../../scripts/lib/dev-key.mjs";
import { applyWebMigrations, writeWebConfig } from "../../scripts/lib/web.mjs";
import { startWrangler, type WranglerProcess } from "../../scripts/lib/wrangler.mjs";
import { type FakeWorkOS, startFakeWorkOS } from "./fake-workos.ts";
import { freePort, openclawControl, type Runtime, type System, sseData, startSystem, startWeb, tempState, waitFor } from "./harness.ts";
import { webClient } from "./web-client.ts";

let system: System;
let web: Runtime;

beforeAll(async () => {
  system = await startSystem({ web: {} });
  web = system.web!;
});
afterAll(async () => {
  await system?.stop();
});

function chunkTypes(sse: string): string[] {
  return sseData(sse).map((data) => (JSON.parse(data) as { type: string }).type);
}

describe("the web worker: sign-in, the browser API and its guards", () => {
  it("serves the app to anyone, with a strict CSP, and the API only to a signed-in user", async () => {
    const anon = webClient(web.url);
    const page = await anon.request("GET", "/t/some-thread");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await page.text()).toContain('<div id="root">');
    for (const path of ["/threads", "/approvals", "/events", "/openclaw", "/threads/t1/messages", "/chat/t1/stream"]) {
      const response = await anon.json("GET", path);
      expect(response.status, path).toBe(401);
      expect(response.body.error.code).toBe("not_authenticated");
    }
    expect((await anon.json("POST", "/chat", { id: "t1", messages: [] })).status).toBe(401);
    expect((await anon.json("GET", "/auth/me")).body).toMatchObject({ ok: true, mode: "dev", user: null });
  });

  it("signs in by name with an HttpOnly, SameSite cookie that cannot be forged", async () => {
    const ada = webClient(web.url);
    const login = await ada.request("POST", "/auth/dev-login", { name: "Ada Lovelace" });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/oa_session=v1\./);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    ada.cookie = setCookie.split(";")[0]!;
    expect((await ada.json("GET", "/auth/me")).body.user).toMatchObject({ id: "dev:ada-lovelace", name: "Ada Lovelace", via: "dev" });

    // A payload rewritten to another user, or any signature change, is no session at all.
    const [version, payload, signature] = ada.cookie.slice("oa_session=".length).split(".");
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, "base64url").toString()), sub: "dev:mallory" }),
    ).toString("base64url");
    const forger = webClient(web.url);
    for (const value of [
      `${version}.${forgedPayload}.${signature}`,
      `${version}.${payload}.${signature!.slice(0, -2)}AA`,
      "v1.e30.",
      "garbage",
    ]) {
      forger.cookie = `oa_session=${value}`;
      expect((await forger.json("GET", "/threads")).status, value).toBe(401);
    }
    for (const bad of [{}, { name: "" }, { name: "x".repeat(65) }, { name: "a", extra: 1 }]) {
      expect((await webClient(web.url).json("POST", "/auth/dev-login", bad)).status).toBe(400);
    }
    expect((await webClient(web.url).request("POST", "/auth/dev-login", "{nope")).status).toBe(400);

    const out = await ada.request("POST", "/auth/logout", {});
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect((await ada.json("GET", "/threads")).status).toBe(401);
  });

  it("refuses state changes from another origin (CSRF) and changes nothing", async () => {
    const ada = webClient(web.url);
    await ada.login("csrf-ada");
    for (const origin of ["https://evil.example", "null", `${web.url}.evil.example`]) {
      const response = await ada.json("POST", "/threads", { title: "from evil" }, { origin });
      expect(response.status, origin).toBe(403);
      expect(response.body.error.code).toBe("forbidden_origin");
    }
    expect((await ada.json("POST", "/threads", { title: "no origin" }, { origin: null })).status).toBe(403);
    expect((await ada.json("POST", "/auth/logout", {}, { origin: "https://evil.example" })).status).toBe(403);
    expect((await ada.json("GET", "/threads")).body.threads).toEqual([]);
  });

  it("forwards chat and the thread API as the signed-in user, streaming, without leaking the internal key", async () => {
    const ada = webClient(web.url);
    const user = await ada.login("forward-ada");
    const created = await ada.json("POST", "/threads", { title: "Web thread" });
    expect(created.status).toBe(201);
    const threadId = created.body.threadId as string;

    const answer = await ada.chat(threadId, "hello from the browser");
    expect(answer.status).toBe(200);
    expect(chunkTypes(answer.body)).toEqual(expect.arrayContaining(["start", "text-delta", "finish"]));
    ada.seen.push({ headers: "", body: answer.body });

    const messages = await ada.json("GET", `/threads/${threadId}/messages`);
    expect(messages.body.messages.map((m: { role: string }) => m.role)).toEqual(["user", "assistant"]);
    expect(messages.body.lastSeq).toBeGreaterThan(0);
    // The agent worker saw exactly this user (its own API, with the key).
    const internal = await fetch(`${system.agent.url}/internal/thread/${threadId}/summary`, {
      headers: { "x-oa-internal-key": system.key, "x-oa-user-id": user.id },
    });
    expect(internal.status).toBe(200);

    expect((await ada.json("PATCH", `/threads/${threadId}`, { pinned: true })).body).toMatchObject({ ok: true, pinned: true });
    const list = await ada.json("GET", "/threads?pinned=true");
    expect(list.body.threads.map((t: { id: string }) => t.id)).toEqual([threadId]);
    expect((await ada.json("GET", "/approvals")).body).toEqual({ ok: true, approvals: [] });

    // SSE proxied as it streams, resumable by Last-Event-ID.
    expect((await webClient(web.url).json("GET", `/threads/${threadId}/events`)).status).toBe(401);
    const feed = await ada.request("GET", `/threads/${threadId}/events`, undefined, { headers: { "last-event-id": "1" } });
    expect(feed.headers.get("content-type")).toContain("text/event-stream");
    const reader = feed.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(first).toMatch(/^id: 2\n/);

    // The key appears in nothing the browser received.
    for (const path of ["/threads", `/threads/${threadId}/summary`, "/openclaw", "/auth/me"])
      await ada.text(await ada.request("GET", path));
    const everything = JSON.stringify(ada.seen);
    expect(everything).not.toContain(system.key);
    expect(everything.toLowerCase()).not.toContain("x-oa-internal-key");
  });

  it("rejects bad input with a 4xx and a code, before anything is forwarded", async () => {
    const ada = webClient(web.url);
    await ada.login("bad-input-ada");
    const cases: Array<[string, string, unknown, number, string]> = [
      ["POST", "/chat", { messages: [] }, 400, "invalid_request"],
      ["POST", "/chat", { id: "../../etc", messages: [] }, 400, "invalid_request"],
      ["POST", "/chat", "not json", 400, "invalid_json"],
      ["GET", "/threads/..%2Finternal/messages", undefined, 400, "invalid_request"],
      ["POST", "/threads/t1/jobs/..%2Fx/cancel", undefined, 400, "invalid_request"],
      ["PUT", "/threads", {}, 405, "method_not_allowed"],
      ["POST", "/chat", { id: "t1", pad: "x".repeat(1024 * 1024 + 10) }, 413, "body_too_large"],
      ["POST", "/nowhere", {}, 404, "not_found"],
    ];
    for (const [method, path, body, status, code] of cases) {
      const response = await ada.json(method, path, body);
      expect([method, path, response.status, response.body.error?.code]).toEqual([method, path, status, code]);
    }
    // Errors from the agent worker come through with their own code.
    expect((await ada.json("GET", "/threads?limit=0")).body.error.code).toBe("invalid_request");
    expect((await ada.json("GET", "/threads")).body.threads).toEqual([]);
  });

  it("isolates users: another user sees, changes and deletes nothing through the browser API", async () => {
    const ada = webClient(web.url);
    const bob = webClient(web.url);
    const adaUser = await ada.login("iso-ada");
    await bob.login("iso-bob");
    // A restart is asked for only when there is a ready instance to restart.
    await openclawControl(system.openclaw, adaUser.id).seed({ instance: { status: "ready" } });
    const threadId = (await ada.json("POST", "/threads", { title: "Ada's secret" })).body.threadId as string;
    await ada.chat(threadId, "restart my OpenClaw");
    await waitFor(async () => (await ada.json("GET", "/approvals")).body.approvals.length === 1 || null);
    const approval = (await ada.json("GET", "/approvals")).body.approvals[0];

    expect((await bob.json("GET", "/threads")).body.threads).toEqual([]);
    expect((await bob.json("GET", "/approvals")).body.approvals).toEqual([]);
    for (const [method, path, body] of [
      ["GET", `/threads/${threadId}/messages`],
      ["GET", `/threads/${threadId}/events`],
      ["GET", `/chat/${threadId}/stream`],
      ["POST", `/chat/${threadId}/stop`],
      ["PATCH", `/threads/${threadId}`, { title: "pwned" }],
      ["DELETE", `/threads/${threadId}`],
      ["POST", "/approvals/respond", { threadId, approvalId: approval.id, decision: "approved" }],
    ] as const) {
      const response = await bob.json(method, path, body);
      expect([method, path, response.status]).toEqual([method, path, 404]);
    }
    expect((await bob.chat(threadId, "let me in")).status).toBe(404);
    const still = await ada.json("GET", "/approvals");
    expect(still.body.approvals).toMatchObject([{ id: approval.id, status: "pending", threadTitle: "Ada's secret" }]);
    expect((await ada.json("GET", `/threads/${threadId}/messages`)).body.messages).toHaveLength(2);
  });

  it("limits each user's request rate with 429 rate_limited, without touching other users", async () => {
    const eager = webClient(web.url);
    await eager.login("eager");
    let limited: { status: number; body: any; headers: Headers } | null = null;
    for (let i = 0; i < 400 && !limited; i++) {
      const response = await eager.json("GET", "/approvals");
      if (response.status === 429) limited = response;
    }
    expect(limited?.body.error.code).toBe("rate_limited");
    expect(limited?.headers.get("retry-after")).toBe("60");
    const calm = webClient(web.url);
    await calm.login("calm");
    expect((await calm.json("GET", "/approvals")).status).toBe(200);
  });

  it("the OpenClaw panel reads the user's runtime through the agent worker, and the gateway's status only on a POST", async () => {
    const ada = webClient(web.url);
    const user = await ada.login("panel-ada");
    const control = openclawControl(system.openclaw, user.id);
    await control.seed({ instance: { status: "ready" }, devices: { pending: [{ requestId: "req-1" }] } });
    const overview = await ada.json("GET", "/openclaw");
    expect(overview.body).toMatchObject({ ok: true, configured: true, instance: { ok: true, data: { status: "ready" } } });
    // Reading the status starts a stopped gateway: the overview never reads it.
    expect(overview.body.status).toBeUndefined();
    expect((await control.requests()).filter((request) => request.path.endsWith("/runtime/status"))).toEqual([]);
    const status = await ada.json("POST", "/openclaw/status", {});
    expect(status.body).toMatchObject({
      ok: true,
      configured: true,
      status: { ok: true, data: { gateway: { status: expect.any(String) } } },
    });
    expect((await control.requests()).filter((request) => request.path.endsWith("/runtime/status"))).toHaveLength(1);
    expect((await ada.json("GET", "/openclaw/status")).status).toBe(405);
    expect(overview.body.devices.data.pending).toMatchObject([{ requestId: "req-1" }]);
    expect(overview.body.pairing).toHaveLength(6);
    const nobody = webClient(web.url);
    await nobody.login("panel-nobody");
    expect((await nobody.json("GET", "/openclaw")).body.instance).toMatchObject({ ok: true, data: null });
  });
});

describe("WorkOS AuthKit sign-in", () => {
  let workos: FakeWorkOS;
  let authWeb: Runtime;
  const state = tempState();
  beforeAll(async () => {
    workos = await startFakeWorkOS();
    const port = await freePort();
    authWeb = await startWeb({
      stateDir: state.dir,
      key: system.key,
      agentUrl: system.agent.url,
      port,
      vars: {
        WORKOS_CLIENT_ID: workos.clientId,
        WORKOS_API_KEY: workos.apiKey,
        WORKOS_API_BASE: workos.url,
        WORKOS_REDIRECT_URI: `http://127.0.0.1:${port}/auth/callback`,
      },
    });
  });
  afterAll(async () => {
    await authWeb?.stop("SIGKILL");
    await workos?.close();
    state.cleanup();
  });

  async function signIn(client: ReturnType<typeof webClient>): Promise<string> {
    const start = await client.request("GET", "/auth/login");
    expect(start.status).toBe(302);
    const stateCookie = start.headers
      .getSetCookie()
      .find((line) => line.startsWith("oa_auth_state="))!
      .split(";")[0]!;
    const authorize = new URL(start.headers.get("location")!);
    expect(authorize.origin + authorize.pathname).toBe(`${workos.url}/user_management/authorize`);
    expect(authorize.searchParams.get("redirect_uri")).toBe(`${authWeb.url}/auth/callback`);
    const hosted = await fetch(authorize, { redirect: "manual" });
    const callback = new URL(hosted.headers.get("location")!);
    const done = await client.request("GET", `${callback.pathname}${callback.search}`, undefined, { headers: { cookie: stateCookie } });
    return done.headers.get("location") ?? "";
  }

  it("redirects to AuthKit, exchanges the code, verifies the token against the JWKS and signs the user in", async () => {
    const client = webClient(authWeb.url);
    expect((await client.json("GET", "/auth/me")).body).toMatchObject({ mode: "workos", user: null });
    expect((await client.json("POST", "/auth/dev-login", { name: "sneaky" })).status).toBe(404);
    expect(await signIn(client)).toBe("/");
    expect((await client.json("GET", "/auth/me")).body.user).toMatchObject({
      id: workos.user.id,
      name: "Ada Lovelace",
      email: "ada@example.com",
      via: "workos",
    });
    const created = await client.json("POST", "/threads", {});
    expect(created.status).toBe(201);
  });

  it("refuses a forged token, a replayed code and a missing or wrong state", async () => {
    const forged = webClient(authWeb.url);
    workos.forgeNext = true;
    expect(await signIn(forged)).toBe("/login?error=workos");
    expect((await forged.json("GET", "/auth/me")).body.user).toBeNull();

    const noState = webClient(authWeb.url);
    const callback = await noState.request("GET", "/auth/callback?code=code_x&state=abc");
    expect(callback.headers.get("location")).toBe("/login?error=state");
    const wrongState = await noState.request("GET", "/auth/callback?code=code_x&state=abc", undefined, {
      headers: { cookie: "oa_auth_state=xyz" },
    });
    expect(wrongState.headers.get("location")).toBe("/login?error=state");
    expect((await noState.json("GET", "/auth/me")).body.user).toBeNull();
  });
});

describe("without an agent worker", () => {
  let stateless: WranglerProcess;
  const state = tempState();
  const configDir = mkdtempSync(join(tmpdir(), "oa-web-config-"));
  beforeAll(async () => {
    // The web worker's own code, with no service binding and no AGENT_WORKER_URL: the flag off.
    const configPath = writeWebConfig(join(configDir, "wrangler.json"), {
      name: "openagents-web-stateless",
      vars: { OFFLINE_MODEL_DELAY_MS: "1" },
    });
    const port = await freePort();
    const envFile = writeEnvFile(`system-web-stateless-${port}`, { SESSION_SECRET: randomBytes(16).toString("hex") });
    applyWebMigrations(state.dir);
    stateless = await startWrangler({ configs: [configPath], port, persistTo: state.dir, envFile, quiet: true });
  });
  afterAll(async () => {
    await stateless?.stop("SIGKILL");
    state.cleanup();
    rmSync(configDir, { recursive: true, force: true });
  });

  it("falls back to in-process stateless chat; durable endpoints say so", async () => {
    const client = webClient(stateless.url);
    await client.login("stateless");
    const response = await client.request("POST", "/chat", {
      id: "anything",
      messages: [{ id: "u1", role: "user", parts: [{ type: "text", text: "hello" }] }],
      trigger: "submit-message",
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(chunkTypes(text)).toEqual(expect.arrayContaining(["start", "text-delta", "finish"]));
    expect(text).toContain("offline");
    const threads = await client.json("GET", "/threads");
    expect(threads).toMatchObject({ status: 502, body: { error: { code: "agent_unavailable" } } });
    expect((await client.json("POST", "/chat", { messages: "nope" })).status).toBe(400);
  });

  it("never fetches a file URL from the history the browser sends", async () => {
    let fetched = 0;
    const server = createServer((_request, response) => {
      fetched += 1;
      response.end("secret");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const client = webClient(stateless.url);
      await client.login("stateless-files");
      for (const url of [`http://127.0.0.1:${port}/x.png`, "ftp://example/x.png", "javascript:alert(1)"]) {
        const answer = await client.json("POST", "/chat", {
          id: "anything",
          messages: [
            {
              id: "u1",
              role: "user",
              parts: [
                { type: "file", mediaType: "image/png", url },
                { type: "text", text: "look" },
              ],
            },
          ],
          trigger: "submit-message",
        });
        expect(answer).toMatchObject({ status: 400, body: { error: { code: "unsupported_file_part" } } });
      }
      const inline = await client.request("POST", "/chat", {
        id: "anything",
        messages: [
          {
            id: "u1",
            role: "user",
            parts: [
              { type: "file", mediaType: "text/plain", url: "data:text/plain;base64,aGVsbG8=" },
              { type: "text", text: "look" },
            ],
          },
        ],
        trigger: "submit-message",
      });
      expect(inline.status).toBe(200);
      await inline.text();
      expect(fetched).toBe(0);
    } finally {
      server.close();
    }
  });
});
