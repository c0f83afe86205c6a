import { randomBytes } from "node:crypto";
import { userIdSchema } from "@oa/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeD1, WEB_D1 } from "../../scripts/lib/d1.mjs";
import { freePort, type Runtime, type System, startSystem, startWeb, tempState } from "./harness.ts";
import { type WebClient, webClient } from "./web-client.ts";
import { expectSignedOut } from "./web-routes.ts";

// Issue 12 on the web worker: sign-in fails closed and sessions can be revoked (cross-site requests and the security
// headers: web-fail-closed.test.ts).

let system: System;
let web: Runtime;

beforeAll(async () => {
  system = await startSystem({ web: {} });
  web = system.web!;
});
afterAll(async () => {
  await system?.stop();
});

describe("sign-in fails closed", () => {
  it("gives distinct dev names distinct users; the same name in any case (after NFKC) is the same user", async () => {
    const names = [
      "Alice Smith",
      "alice-smith",
      "alice smith",
      "ALICE SMITH",
      "Юлия",
      "Юля",
      "李雷",
      "李",
      "Ａｌｉｃｅ",
      "alice",
      "dev:alice",
      "alice_smith",
    ];
    const ids = new Map<string, string>();
    for (const name of names) ids.set(name, (await webClient(web.url).login(name)).id);
    for (const id of ids.values()) expect(userIdSchema.safeParse(id).success, id).toBe(true);
    expect(ids.get("Alice Smith")).toBe("dev:alice-smith");
    expect(ids.get("alice smith")).toBe(ids.get("Alice Smith"));
    expect(ids.get("ALICE SMITH")).toBe(ids.get("Alice Smith"));
    expect(ids.get("Ａｌｉｃｅ")).toBe(ids.get("alice"));
    const distinct = ["Alice Smith", "alice-smith", "Юлия", "Юля", "李雷", "李", "alice", "dev:alice", "alice_smith"].map((name) =>
      ids.get(name),
    );
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
    const start = (vars: Record<string, string>, port?: number) =>
      startWeb({ stateDir: state.dir, key: system.key, agentUrl: system.agent.url, sessionSecret, vars, ...(port ? { port } : {}) });
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
      current = await start(
        {
          DEV_LOGIN: "true",
          WORKOS_CLIENT_ID: "client_x",
          WORKOS_API_KEY: "sk_x",
          WORKOS_API_BASE: "http://127.0.0.1:9",
          WORKOS_REDIRECT_URI: `http://127.0.0.1:${port}/auth/callback`,
        },
        port,
      );
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
      [
        { DEV_LOGIN: "false", WORKOS_CLIENT_ID: "client_x", WORKOS_API_KEY: "sk_x", WORKOS_REDIRECT_URI: "javascript:alert(1)" },
        "config_invalid",
      ],
      [
        {
          DEV_LOGIN: "false",
          WORKOS_CLIENT_ID: "client_x",
          WORKOS_API_KEY: "sk_x",
          WORKOS_REDIRECT_URI: "http://web.example/auth/callback",
        },
        "config_invalid",
      ],
    ];
    for (const [vars, code] of cases) {
      const state = tempState();
      const broken = await startWeb({ stateDir: state.dir, key: system.key, agentUrl: system.agent.url, vars });
      try {
        const client = webClient(broken.url);
        for (const [method, path, body] of [
          ["GET", "/auth/login"],
          ["POST", "/auth/dev-login", { name: "x" }],
          ["GET", "/auth/me"],
          ["GET", "/threads"],
        ] as const) {
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
    const count = (where: string) =>
      Number(/"n":\s*(\d+)/.exec(executeD1(state.dir, `SELECT COUNT(*) AS n FROM sessions WHERE ${where}`, WEB_D1))![1]);
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
    for (const cookie of [
      `${ada.cookie}; ${ada.cookie}`,
      `${ada.cookie}; ${bob.cookie}`,
      `oa_session=v1.e30.x; ${ada.cookie}`,
      `${ada.cookie}; oa_session=`,
    ]) {
      const doubled = webClient(web.url);
      doubled.cookie = cookie;
      for (const path of ["/threads", "/auth/me"]) {
        const response = await doubled.json("GET", path);
        expect([cookie.slice(0, 40), path, response.status, response.body.error?.code]).toEqual([
          cookie.slice(0, 40),
          path,
          401,
          "not_authenticated",
        ]);
      }
    }
    expect((await ada.json("GET", "/threads")).status).toBe(200);
  });
});
