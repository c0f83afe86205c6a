import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeWorkOS, startFakeWorkOS } from "./fake-workos.ts";
import { openclawControl, type Runtime, type System, startSystem, startWeb, tempState } from "./harness.ts";
import { webClient } from "./web-client.ts";
import { browserRoutes } from "./web-routes.ts";

// Issue 12 on the web worker: nothing another site starts has an effect, and every answer carries the security
// headers (sign-in and sessions: web-sign-in.test.ts).

let system: System;
let web: Runtime;

beforeAll(async () => {
  system = await startSystem({ web: {} });
  web = system.web!;
});
afterAll(async () => {
  await system?.stop();
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
        const response = await ada.json(method, path, body, {
          origin: method === "GET" ? null : "https://evil.example",
          headers: { "sec-fetch-site": site, "sec-fetch-mode": "navigate" },
        });
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
        expect([method, path, response.status, response.headers.get("content-type")]).toEqual([
          method,
          path,
          404,
          expect.stringContaining("application/json"),
        ]);
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
      expect(setCookie).toMatch(/^__Host-oa_session=v1\.[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
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
        expect([what, response.headers.get("strict-transport-security"), response.headers.get("x-content-type-options")]).toEqual([
          what,
          hsts,
          "nosniff",
        ]);
        await response.body?.cancel();
      }
      const out = await ada.request("POST", "/auth/logout", {});
      expect(out.headers.get("set-cookie")).toMatch(/^__Host-oa_session=; Max-Age=0; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
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
          vars: {
            WORKOS_CLIENT_ID: workos.clientId,
            WORKOS_API_KEY: workos.apiKey,
            WORKOS_API_BASE: workos.url,
            WORKOS_REDIRECT_URI: `${origin}/auth/callback`,
          },
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
        expect(victim.setCookie).toMatch(/^__Host-oa_auth_state=[^;]+; Max-Age=600; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
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
        expect(await finish(attacker.callback, `__Host-oa_auth_state=${state}.${Number(issued) + 3600}.${signature}`)).toBe(
          "/login?error=state",
        );

        // The browser that started the sign-in finishes it.
        expect(await finish(victim.callback, victim.stateCookie)).toBe("/");
      });
    });
  });
});
