import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AgentWorkerEnv } from "../src/config.ts";
import { readConfig } from "../src/config.ts";
import worker from "../src/index.ts";
import { headers } from "./helpers.ts";

// A wrong setting refuses every request (fail closed), like a missing internal key.

async function fetchWith(overrides: Partial<AgentWorkerEnv>, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request(`http://agent.test${path}`, init) as Request<unknown, IncomingRequestCfProperties>;
  const response = await worker.fetch(request, { ...(env as AgentWorkerEnv), ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("an APPROVAL_POLICY naming no tool", () => {
  it("answers every request with 500 config_invalid naming the bad entry, before authentication", async () => {
    const bad = { APPROVAL_POLICY: "Restart,typo" };
    const requests: Array<[string, RequestInit]> = [
      [
        "/internal/chat",
        { method: "POST", headers: headers("alice"), body: JSON.stringify({ threadId: "cfg-1", input: "restart my OpenClaw" }) },
      ],
      ["/internal/threads", { headers: headers("alice") }],
      ["/internal/thread/cfg-1/summary", { headers: headers("alice") }],
      ["/internal/approval/respond", { method: "POST", headers: headers("alice"), body: "{}" }],
      ["/internal/openclaw/overview", { headers: headers("alice") }],
      ["/internal/nope", {}],
    ];
    for (const [path, init] of requests) {
      const response = await fetchWith(bad, path, init);
      expect(response.status, path).toBe(500);
      const body = await response.json<any>();
      expect(body.error.code, path).toBe("config_invalid");
      expect(body.error.message, path).toContain('"typo"');
      expect(body.error.details, path).toMatchObject({ setting: "APPROVAL_POLICY", unknown: ["typo"] });
    }
    // Nothing was created by the refused chat.
    const summary = await fetchWith({}, "/internal/thread/cfg-1/summary", { headers: headers("alice") });
    expect(summary.status).toBe(404);
  });

  it("leaves the Durable Objects gating every tool (they never run with the bad policy's gaps)", () => {
    const config = readConfig({ ...(env as AgentWorkerEnv), APPROVAL_POLICY: "Restart,typo" });
    expect(config.problem).toMatchObject({ setting: "APPROVAL_POLICY" });
    for (const tool of ["restart", "approve_device", "get_status", "send_session_message"]) expect(config.gatedTools.has(tool)).toBe(true);
  });

  it("a capitalised name is the tool it names: Restart gates restart and serves", async () => {
    const config = readConfig({ ...(env as AgentWorkerEnv), APPROVAL_POLICY: "Restart" });
    expect(config.problem).toBeNull();
    expect([...config.gatedTools]).toEqual(["restart"]);
    const response = await fetchWith({ APPROVAL_POLICY: "Restart" }, "/internal/threads", { headers: headers("alice") });
    expect(response.status).toBe(200);
  });
});

describe("a misspelt number or choice", () => {
  it("refuses to serve with 500 config_invalid naming the setting, instead of a silent default", async () => {
    for (const bad of [
      { QUOTA_THREADS: "10O" },
      { QUOTA_EVENT_FEEDS: "twenty" },
      { MAX_STEPS: "8 steps" },
      { MODEL_PROVIDER: "opneai" },
      { BUSY_POLICY: "Queue!" },
    ]) {
      const [setting] = Object.keys(bad);
      const response = await fetchWith(bad, "/internal/threads", { headers: headers("alice") });
      expect(response.status, setting).toBe(500);
      const body = await response.json<any>();
      expect(body.error, setting).toMatchObject({ code: "config_invalid", details: { setting } });
      expect(body.error.message, setting).toContain(setting!);
    }
  });

  it("empty means the default and a number out of range is clamped", () => {
    const config = readConfig({ ...(env as AgentWorkerEnv), QUOTA_THREADS: "", QUOTA_EVENT_FEEDS: "0", BUSY_POLICY: "" });
    expect(config.problem).toBeNull();
    expect(config.quotas.threads).toBe(1000);
    expect(config.quotas.event_feeds).toBe(1);
    expect(config.busyPolicy).toBe("queue");
  });
});
