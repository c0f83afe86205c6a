import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  client,
  openclawControl,
  type Runtime,
  readAnswer,
  type System,
  startAgentWorker,
  startSystem,
  tempState,
  threadApi,
  toolParts,
} from "./harness.ts";
import { askForApproval } from "./openclaw-tools-kit.ts";

// Fail closed on configuration, over real `wrangler dev`: one secret per hop (the key the agent
// worker accepts is never the one it presents to the OpenClaw API), an OpenClaw API without its
// key is "not configured", and an APPROVAL_POLICY naming no tool refuses every request.

const READY = { instance: { status: "ready" as const } };
let system: System;
const extra: Array<{ runtime: Runtime; cleanup: () => void }> = [];

async function extraAgent(vars: Record<string, string>): Promise<Runtime> {
  const state = tempState();
  const runtime = await startAgentWorker({ stateDir: state.dir, vars });
  extra.push({ runtime, cleanup: state.cleanup });
  return runtime;
}

beforeAll(async () => {
  // The agent worker's own key differs from openclaw-local's, which it gets as OPENCLAW_API_KEY.
  system = await startSystem({ agentKey: randomBytes(16).toString("hex"), agentVars: { APPROVAL_POLICY: "Restart" } });
}, 120_000);

afterAll(async () => {
  await Promise.all(extra.map(({ runtime }) => runtime.stop("SIGKILL")));
  for (const { cleanup } of extra) cleanup();
  await system?.stop();
});

describe("one secret per hop", () => {
  it("the agent worker presents OPENCLAW_API_KEY to the OpenClaw API, not its own OA_INTERNAL_KEY", async () => {
    expect(system.key).not.toBe(system.openclaw.key);
    const user = `keys-${randomBytes(4).toString("hex")}`;
    const control = openclawControl(system.openclaw, user);
    await control.seed({ ...READY, balance_usd: 7 });
    const thread = threadApi(system.agent, user, `thread-${user}`);
    const answer = await readAnswer(await thread.send("what's my balance"));
    expect(toolParts(answer)).toMatchObject([{ type: "tool-get_billing_summary", state: "output-available", output: { balance_usd: 7 } }]);
    // openclaw-local accepted the key it was shown: only its own key (OPENCLAW_API_KEY) passes there.
    expect(await control.requests()).toMatchObject([{ method: "GET", path: "/api/openclaw/billing/summary", status: 200 }]);
    const overview = await (await client(system.agent, user).get("/internal/openclaw/overview")).json();
    expect(overview).toMatchObject({ configured: true, billing: { ok: true, data: { balance_usd: 7 } } });
  });

  it("an OpenClaw API base without OPENCLAW_API_KEY is not configured: nothing is sent there", async () => {
    const agent = await extraAgent({ OPENCLAW_API_BASE: system.openclaw.apiBase });
    const user = `nokey-${randomBytes(4).toString("hex")}`;
    const control = openclawControl(system.openclaw, user);
    const answer = await readAnswer(await threadApi(agent, user, `thread-${user}`).send("what's my balance"));
    const [part] = toolParts(answer);
    expect(part).toMatchObject({ type: "tool-get_billing_summary", state: "output-error" });
    expect(part!.errorText).toMatch(/not configured/);
    expect(await (await client(agent, user).get("/internal/openclaw/overview")).json()).toMatchObject({ configured: false });
    expect(await control.requests()).toEqual([]);
  });
});

describe("APPROVAL_POLICY", () => {
  it("Restart (capitalised) still gates restart; the approval shows the exact request", async () => {
    const user = `policy-${randomBytes(4).toString("hex")}`;
    const control = openclawControl(system.openclaw, user);
    await control.seed(READY);
    const thread = threadApi(system.agent, user, `thread-${user}`);
    await askForApproval(thread, "restart my OpenClaw", "restart");
    expect((await thread.approvals("pending"))[0]).toMatchObject({
      tool: "restart",
      request: { method: "POST", path: "/runtime/restart", bodyHash: null },
    });
    // Only the read-only check of the instance before asking.
    expect(await control.requests()).toMatchObject([{ method: "GET", path: "/api/openclaw/instance", status: 200 }]);
    expect(await control.requests()).toHaveLength(1);
  });

  it("naming no tool (Restart,typo) answers every endpoint 500 config_invalid, naming the entry", async () => {
    const agent = await extraAgent({ APPROVAL_POLICY: "Restart,typo" });
    const http = client(agent, "alice");
    const answers = await Promise.all([
      http.chat({ threadId: "t1", input: "restart my OpenClaw" }),
      http.post("/internal/approval/respond", { threadId: "t1", approvalId: "a1", decision: "approved" }),
      http.get("/internal/threads"),
      http.get("/internal/thread/t1/summary"),
      http.get("/internal/thread/t1/events"),
      http.get("/internal/approvals"),
      http.get("/internal/openclaw/overview"),
      http.get("/internal/user/events"),
      fetch(`${agent.url}/internal/threads`),
      fetch(`${agent.url}/anything`),
    ]);
    for (const response of answers) {
      expect(response.status, response.url).toBe(500);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code, response.url).toBe("config_invalid");
      expect(body.error.message).toContain('"typo"');
    }
  });
});
