import { randomBytes } from "node:crypto";
import { userIdSchema } from "@oa/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeD1, WEB_D1 } from "../../scripts/lib/d1.mjs";
import { startFakeWorkOS, type FakeWorkOS } from "./fake-workos.ts";
import { freePort, openclawControl, startSystem, startWeb, tempState, type Runtime, type System } from "./harness.ts";
import { webClient, type WebClient } from "./web-client.ts";

// Issue 12 on the web worker: sign-in fails closed, sessions can be revoked, nothing another
// site starts has an effect, and every answer carries the security headers.

let system: System;
let web: Runtime;

beforeAll(async () => {
  system = await startSystem({ web: {} });
  web = system.web!;
});
afterAll(async () => {
  await system?.stop();
});

/** Every browser API route (and the auth routes with effects), with a body where it takes one. */
function browserRoutes(threadId: string): Array<[string, string, unknown?]> {
  return [
    ["GET", "/threads"],
    ["POST", "/threads", { title: "from elsewhere" }],
    ["PATCH", `/threads/${threadId}`, { title: "renamed from elsewhere" }],
    ["DELETE", `/threads/${threadId}`],
    ["GET", `/threads/${threadId}/messages`],
    ["GET", `/threads/${threadId}/events`],
    ["GET", `/threads/${threadId}/summary`],
    ["GET", `/threads/${threadId}/approvals`],
    ["GET", `/threads/${threadId}/jobs`],
    ["POST", `/threads/${threadId}/jobs/job_x/cancel`],
    ["GET", `/chat/${threadId}/stream`],
    ["POST", `/chat/${threadId}/stop`],
    ["POST", "/chat", { id: threadId, messages: [{ id: "m_x", role: "user", parts: [{ type: "text", text: "restart my OpenClaw" }] }], trigger: "submit-message" }],
    ["GET", "/approvals"],
    ["POST", "/approvals/respond", { threadId, approvalId: "a_x", decision: "approved" }],
    ["GET", "/events"],
    ["GET", "/openclaw"],
    ["POST", "/openclaw/status", {}],
    ["GET", "/auth/me"],
    ["POST", "/auth/dev-login", { name: "someone else" }],
    ["POST", "/auth/logout", {}],
    ["POST", "/auth/logout-everywhere", {}],
  ];
}

/** A signed-in route answers 401 for a dead session (auth/me: no user; logout: nothing to end). */
async function expectSignedOut(client: WebClient, threadId: string) {
  for (const [method, path, body] of browserRoutes(threadId)) {
    if (path === "/auth/dev-login" || path === "/auth/logout") continue;
    const response = await client.json(method, path, body);
    if (path === "/auth/me") expect(response.body.user, path).toBeNull();
    else expect([method, path, response.status, response.body.error?.code]).toEqual([method, path, 401, "not_authenticated"]);
  }
}

describe("sign-in fails closed", () => {
  it("gives distinct dev names distinct users; the same name in any case (after NFKC) is the same user", async () => {
    const names = ["Alice Smith", "alice-smith", "alice smith", "ALICE SMITH", "Юлия", "Юля", "李雷", "李", "Ａｌｉｃｅ", "alice", "dev:alice", "alice_smith"];
    const ids = new Map<string, string>();
    for (const name of names) ids.set(name, (await webClient(web.url).login(name)).id);
    for (const id of ids.values()) expect(userIdSchema.safeParse(id).success, id).toBe(true);
    expect(ids.get("Alice Smith")).toBe("dev:alice-smith");
    expect(ids.get("alice smith")).toBe(ids.get("Alice Smith"));
    expect(ids.get("ALICE SMITH")).toBe(ids.get("Alice Smith"));
    expect(ids.get("Ａｌｉｃｅ")).toBe(ids.get("alice"));
    const distinct = ["Alice Smith", "alice-smith", "Юлия", "Юля", "李雷", "李", "alice", "dev:alice", "alice_smith"].map((name) => ids.get(name));
    expect(new Set(distinct).size).toBe(distinct.length);
    // Distinct users see distinct worlds.
    const smith = webClient(web.url);
    await smith.login("Alice Smith");
    await smith.json("POST", "/threads", { title: "Alice Smith's" });
    const dashed = webClient(web.url);
    await dashed.login("alice-smith");
    expect((await dashed.json("GET", "/threads")).body.threads).toEqual([]);
  });

  it("turns the dev login off unless DEV_LOGIN=true, and a dev session minted earlier stops working (also once WorkOS is on)", async () => {
    const state = tempState();
    const sessionSecret = randomBytes(32).toString("base64url");
    const start = (vars: Record<string, string>, port?: number) => startWeb({ stateDir: state.dir, key: system.key, agentUrl: system.agent.url, sessionSecret, vars, ...(port ? { port } : {}) });
    let current: Runtime | undefined;
    try {
      current = await start({ DEV_LOGIN: "true" });
      const ada = webClient(current.url);
      await ada.login("early ada");
      expect((await ada.json("GET", "/threads")).status).toBe(200);
      const cookie = ada.cookie;
      await current.stop("SIGKILL");

      for (const devLogin of ["false", ""]) {
        current = await start({ DEV_LOGIN: devLogin });
        const later = webClient(current.url);
        later.cookie = cookie;
        expect((await later.json("POST", "/auth/dev-login", { name: "early ada" })).status, devLogin).toBe(404);
        expect((await later.json("GET", "/threads")).status, devLogin).toBe(401);
        expect((await later.json("GET", "/auth/me")).body, devLogin).toMatchObject({ mode: "off", user: null });
        await current.stop("SIGKILL");
      }

      const port = await freePort();
      current = await start({ DEV_LOGIN: "true", WORKOS_CLIENT_ID: "client_x", WORKOS_API_KEY: "sk_x", WORKOS_API_BASE: "http://127.0.0.1:9", WORKOS_REDIRECT_URI: `http://127.0.0.1:${port}/auth/callback` }, port);
      const withWorkos = webClient(current.url);
      withWorkos.cookie = cookie;
      expect((await withWorkos.json("POST", "/auth/dev-login", { name: "early ada" })).status).toBe(404);
      expect((await withWorkos.json("GET", "/threads")).status).toBe(401);
      expect((await withWorkos.json("GET", "/auth/me")).body).toMatchObject({ mode: "workos", user: null });
    } finally {
      await current?.stop("SIGKILL");
      state.cleanup();
    }
  });

  it("refuses to serve with a misspelt DEV_LOGIN, half a WorkOS configuration, or WorkOS without an https (or local http) WORKOS_REDIRECT_URI", async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ DEV_LOGIN: "ture" }, "config_invalid"],
      [{ DEV_LOGIN: "TRUE" }, "config_invalid"],
      [{ DEV_LOGIN: "true", WORKOS_CLIENT_ID: "client_x" }, "config_missing"],
      [{ DEV_LOGIN: "false", WORKOS_CLIENT_ID: "client_x", WORKOS_API_KEY: "sk_x", WORKOS_REDIRECT_URI: "" }, "config_missing"],
      [{ DEV_LOGIN: "false", WORKOS_CLIENT_ID: "client_x", WORKOS_API_KEY: "sk_x", WORKOS_REDIRECT_URI: "javascript:alert(1)" }, "config_invalid"],
      [{ DEV_LOGIN: "false", WORKOS_CLIENT_ID: "client_x", WORKOS_API_KEY: "sk_x", WORKOS_REDIRECT_URI: "http://web.example/auth/callback" }, "config_invalid"],
    ];
    for (const [vars, code] of cases) {
      const state = tempState();
      const broken = await startWeb({ stateDir: state.dir, key: system.key, agentUrl: system.agent.url, vars });
      try {
        const client = webClient(broken.url);
        for (const [method, path, body] of [["GET", "/auth/login"], ["POST", "/auth/dev-login", { name: "x" }], ["GET", "/auth/me"], ["GET", "/threads"]] as const) {
          const response = await client.json(method, path, body);
          expect([JSON.stringify(vars), path, response.status, response.body.error?.code]).toEqual([JSON.stringify(vars), path, 500, code]);
          expect(response.headers.get("location")).toBeNull();
        }
        expect((await client.request("GET", "/")).status).toBe(500);
      } finally {
        await broken.stop("SIGKILL");
        state.cleanup();
      }
    }
  });
});

describe("sessions can be revoked", () => {
  it("sign-out revokes the session on the server: a copy of the cookie taken before gets 401 on every endpoint", async () => {
    const ada = webClient(web.url);
    await ada.login("revoked ada");
    const threadId = (await ada.json("POST", "/threads", { title: "kept" })).body.threadId as string;
    const copy = webClient(web.url);
    copy.cookie = ada.cookie;
    expect((await copy.json("GET", "/threads")).status).toBe(200);
    expect((await ada.request("POST", "/auth/logout", {})).status).toBe(200);
    await expectSignedOut(copy, threadId);
    // Signing in again is a new session; the thread is still the user's.
    await ada.login("revoked ada");
    expect((await ada.json("GET", "/threads")).body.threads.map((thread: { id: string }) => thread.id)).toEqual([threadId]);
  });

  it("signs out everywhere: every session of the user ends, another user's do not", async () => {
    const laptop = webClient(web.url);
    const phone = webClient(web.url);
    const bob = webClient(web.url);
    await laptop.login("everywhere ada");
    await phone.login("Everywhere Ada");
    await bob.login("everywhere bob");
    const threadId = (await laptop.json("POST", "/threads", {})).body.threadId as string;
    const out = await phone.json("POST", "/auth/logout-everywhere", {});
    expect(out.body).toMatchObject({ ok: true, revoked: 2 });
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    await expectSignedOut(laptop, threadId);
    expect((await bob.json("GET", "/threads")).status).toBe(200);
    expect((await webClient(web.url).json("POST", "/auth/logout-everywhere", {})).status).toBe(401);
  });

  it("keeps at most 20 active sessions per user: a new sign-in revokes the oldest", async () => {
    const clients: WebClient[] = [];
    for (let i = 0; i < 21; i++) {
      const client = webClient(web.url);
      await client.login("many devices");
      clients.push(client);
    }
    expect((await clients[0]!.json("GET", "/threads")).status).toBe(401);
    for (const client of clients.slice(1)) expect((await client.json("GET", "/threads")).status).toBe(200);
  });

  it("each sign-in sweeps up to 100 dead rows of anyone: expired and revoked sessions of users who never come back", async () => {
    const state = tempState();
    const own = await startWeb({ stateDir: state.dir, key: system.key, agentUrl: system.agent.url });
    const count = (where: string) => Number(/"n":\s*(\d+)/.exec(executeD1(state.dir, `SELECT COUNT(*) AS n FROM sessions WHERE ${where}`, WEB_D1))![1]);
    try {
      const gone = webClient(own.url);
      await gone.login("gone for good");
      expect((await gone.request("POST", "/auth/logout", {})).status).toBe(200);
      const ghosts = Array.from({ length: 150 }, (_, i) => `('ghost_${i}', 'dev:ghost-${i}', 'dev', 1, 2)`).join(", ");
      executeD1(state.dir, `INSERT INTO sessions (id, user_id, via, created_at, expires_at) VALUES ${ghosts}`, WEB_D1);
      expect(count("revoked_at IS NOT NULL OR expires_at <= 2")).toBe(151);

      const alive = webClient(own.url);
      await alive.login("still here");
      expect(count("revoked_at IS NOT NULL OR expires_at <= 2")).toBe(51);
      await webClient(own.url).login("also here");
      expect(count("revoked_at IS NOT NULL OR expires_at <= 2")).toBe(0);
      // Live sessions are untouched.
      expect(count("revoked_at IS NULL AND expires_at > 2")).toBe(2);
      expect((await alive.json("GET", "/auth/me")).body.user).toMatchObject({ name: "still here" });
    } finally {
      await own.stop("SIGKILL");
      state.cleanup();
    }
  });

  it("refuses a request that carries the session cookie twice", async () => {
    const ada = webClient(web.url);
    await ada.login("doubled ada");
    const bob = webClient(web.url);
    await bob.login("doubled bob");
    for (const cookie of [`${ada.cookie}; ${ada.cookie}`, `${ada.cookie}; ${bob.cookie}`, `oa_session=v1.e30.x; ${ada.cookie}`, `${ada.cookie}; oa_session=`]) {
      const doubled = webClient(web.url);
      doubled.cookie = cookie;
      for (const path of ["/threads", "/auth/me"]) {
        const response = await doubled.json("GET", path);
        expect([cookie.slice(0, 40), path, response.status, response.body.error?.code]).toEqual([cookie.slice(0, 40), path, 401, "not_authenticated"]);
      }
    }
    expect((await ada.json("GET", "/threads")).status).toBe(200);
  });
});

describe("cross-site requests have no effect", () => {
  it("refuses Sec-Fetch-Site: cross-site (and same-site) on every browser API route with 403, and changes nothing", async () => {
    const ada = webClient(web.url);
    const user = await ada.login("cross-site ada");
    const control = openclawControl(system.openclaw, user.id);
    await control.seed({ instance: { status: "ready" } });
    const threadId = (await ada.json("POST", "/threads", { title: "untouched" })).body.threadId as string;
    const before = JSON.stringify((await ada.json("GET", "/threads")).body);
    const openclawRequests = (await control.requests()).length;
    for (const site of ["cross-site", "same-site"]) {
      for (const [method, path, body] of browserRoutes(threadId)) {
        // A top-level navigation or an <img> sends no Origin; a form POST sends the other site's.
        const response = await ada.json(method, path, body, { origin: method === "GET" ? null : "https://evil.example", headers: { "sec-fetch-site": site, "sec-fetch-mode": "navigate" } });
        expect([site, method, path, response.status, response.body.error?.code]).toEqual([site, method, path, 403, "forbidden_origin"]);
      }
    }
    // Nothing happened: the same threads, the session alive, and no call reached the OpenClaw API
    // (a GET /openclaw used to read the runtime status, which starts a stopped gateway).
    expect(JSON.stringify((await ada.json("GET", "/threads")).body)).toBe(before);
    expect((await control.requests()).length).toBe(openclawRequests);
    // The same requests from the site itself still work.
    expect((await ada.json("GET", "/openclaw", undefined, { headers: { "sec-fetch-site": "same-origin" } })).status).toBe(200);
  });
});

describe("headers on every answer", () => {
  it("sends x-content-type-options: nosniff on JSON, errors, SSE, redirects and assets (and no HSTS over http)", async () => {
    const ada = webClient(web.url);
    await ada.login("headers ada");
    const threadId = (await ada.json("POST", "/threads", {})).body.threadId as string;
    const page = await ada.request("GET", "/");
    const html = await page.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeTruthy();
    expect(page.headers.get("content-security-policy")).toContain("img-src 'self' data: blob:;");
    const responses: Array<[string, Response]> = [
      ["html", page],
      ["asset", await ada.request("GET", script!)],
      ["json", await ada.request("GET", "/auth/me")],
      ["error", await webClient(web.url).request("GET", "/threads")],
      ["405", await ada.request("PUT", "/threads", {})],
      ["redirect", await ada.request("GET", "/auth/login")],
      ["sse", await ada.request("GET", `/threads/${threadId}/events`)],
      ["api 404", await ada.request("GET", "/api/openclaw/instance")],
    ];
    for (const [what, response] of responses) {
      expect([what, response.headers.get("x-content-type-options")]).toEqual([what, "nosniff"]);
      expect([what, response.headers.get("strict-transport-security")]).toEqual([what, null]);
      if (!response.bodyUsed) await response.body?.cancel();
    }
    expect(responses.find(([what]) => what === "redirect")![1].status).toBe(302);
    expect(responses.find(([what]) => what === "sse")![1].headers.get("content-type")).toContain("text/event-stream");
  });

  it("answers /api/* with a JSON 404 for every method, never the app", async () => {
    const ada = webClient(web.url);
    await ada.login("api ada");
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
      for (const path of ["/api", "/api/", "/api/openclaw/instance", "/api/x/y?z=1"]) {
        const response = await ada.request(method, path, method === "GET" || method === "DELETE" ? undefined : {});
        expect([method, path, response.status, response.headers.get("content-type")]).toEqual([method, path, 404, expect.stringContaining("application/json")]);
        expect(await response.json()).toMatchObject({ ok: false, error: { code: "not_found" } });
      }
    }
  });

  describe("over https", () => {
    let secureWeb: Runtime;
    const state = tempState();
    const origin = "https://web.test";
    beforeAll(async () => {
      secureWeb = await startWeb({ stateDir: state.dir, key: system.key, agentUrl: system.agent.url, upstream: origin });
    });
    afterAll(async () => {
      await secureWeb?.stop("SIGKILL");
      state.cleanup();
    });

    /** A client of the https deployment (the worker sees https://web.test; the socket is local). */
    const secureClient = () => webClient(secureWeb.url, { origin });

    it("names the cookie __Host-oa_session (Secure, Path=/, no Domain), reads only that name, and sends HSTS on every answer", async () => {
      const ada = secureClient();
      const login = await ada.request("POST", "/auth/dev-login", { name: "secure ada" });
      expect(login.status).toBe(200);
      const setCookie = login.headers.get("set-cookie")!;
      expect(setCookie).toMatch(/^__Host-oa_session=v1\.[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
      expect(setCookie).not.toMatch(/Domain=/i);
      expect((await ada.json("GET", "/threads")).status).toBe(200);
      // The same value under the plain name is no session on https.
      const plain = secureClient();
      plain.cookie = ada.cookie.replace(/^__Host-/, "");
      expect((await plain.json("GET", "/threads")).status).toBe(401);
      const doubled = secureClient();
      doubled.cookie = `${ada.cookie}; ${ada.cookie}`;
      expect((await doubled.json("GET", "/threads")).status).toBe(401);

      const hsts = "max-age=63072000; includeSubDomains";
      for (const [what, response] of [
        ["json", await ada.request("GET", "/auth/me")],
        ["error", await secureClient().request("GET", "/threads")],
        ["html", await ada.request("GET", "/")],
        ["redirect", await ada.request("GET", "/auth/login")],
        ["api 404", await ada.request("GET", "/api/x")],
      ] as const) {
        expect([what, response.headers.get("strict-transport-security"), response.headers.get("x-content-type-options")]).toEqual([what, hsts, "nosniff"]);
        await response.body?.cancel();
      }
      const out = await ada.request("POST", "/auth/logout", {});
      expect(out.headers.get("set-cookie")).toMatch(/^__Host-oa_session=; Path=\/;.*Max-Age=0; Secure$/);
    });

    describe("with WorkOS", () => {
      let workos: FakeWorkOS;
      let authWeb: Runtime;
      const authState = tempState();
      beforeAll(async () => {
        workos = await startFakeWorkOS();
        authWeb = await startWeb({
          stateDir: authState.dir,
          key: system.key,
          agentUrl: system.agent.url,
          upstream: origin,
          vars: { WORKOS_CLIENT_ID: workos.clientId, WORKOS_API_KEY: workos.apiKey, WORKOS_API_BASE: workos.url, WORKOS_REDIRECT_URI: `${origin}/auth/callback` },
        });
      });
      afterAll(async () => {
        await authWeb?.stop("SIGKILL");
        await workos?.close();
        authState.cleanup();
      });

      /** Starts a sign-in: the state cookie this browser got and the callback WorkOS sends it to. */
      async function startSignIn(): Promise<{ setCookie: string; stateCookie: string; callback: string }> {
        const start = await webClient(authWeb.url, { origin }).request("GET", "/auth/login");
        expect(start.status).toBe(302);
        const setCookie = start.headers.getSetCookie().find((line) => line.includes("oa_auth_state="))!;
        const hosted = await fetch(start.headers.get("location")!, { redirect: "manual" });
        const back = new URL(hosted.headers.get("location")!);
        return { setCookie, stateCookie: setCookie.split(";")[0]!, callback: `${back.pathname}${back.search}` };
      }

      async function finish(callback: string, cookie: string): Promise<string> {
        const done = await webClient(authWeb.url, { origin }).request("GET", callback, undefined, { headers: { cookie } });
        return done.headers.get("location") ?? "";
      }

      it("keeps the sign-in state in a signed __Host- cookie: a planted, doubled or another browser's state cookie signs no one in", async () => {
        const victim = await startSignIn();
        expect(victim.setCookie).toMatch(/^__Host-oa_auth_state=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600; Secure$/);
        expect(victim.setCookie).not.toMatch(/Domain=/i);

        // Cookie tossing: a sibling subdomain can plant only the plain name, which https ignores.
        const attacker = await startSignIn();
        const planted = attacker.stateCookie.replace(/^__Host-/, "");
        expect(await finish(attacker.callback, planted)).toBe("/login?error=state");
        expect(await finish(attacker.callback, `${victim.stateCookie}; ${planted}`)).toBe("/login?error=state");
        // Two state cookies (one planted by whatever means) count as none.
        expect(await finish(attacker.callback, `${attacker.stateCookie}; ${victim.stateCookie}`)).toBe("/login?error=state");
        // The state is bound to the cookie's signed value: a made-up cookie matching the state fails.
        const state = new URL(attacker.callback, origin).searchParams.get("state")!;
        expect(await finish(attacker.callback, `__Host-oa_auth_state=${state}`)).toBe("/login?error=state");
        const [, issued, signature] = attacker.stateCookie.split("=")[1]!.split(".");
        expect(await finish(attacker.callback, `__Host-oa_auth_state=${state}.${Number(issued) + 3600}.${signature}`)).toBe("/login?error=state");

        // The browser that started the sign-in finishes it.
        expect(await finish(victim.callback, victim.stateCookie)).toBe("/");
      });
    });
  });
});
