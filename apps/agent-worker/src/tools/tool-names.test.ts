import { env, runInDurableObject } from "cloudflare:test";
import { TOOL_NAMES } from "@oa/protocol";
import { getAgentByName } from "agents";
import type { ToolSet } from "ai";
import { describe, expect, it } from "vitest";
import { callJson } from "../../test/helpers.ts";
import type { ThreadAgent } from "../agents/thread-agent.ts";
import type { AgentWorkerEnv } from "../config.ts";

describe("the protocol's tool names", () => {
  it("are exactly the tools a thread's run registers", async () => {
    const created = await callJson("/internal/threads", "tool-names-user", { method: "POST", body: JSON.stringify({ kind: "chat" }) });
    expect(created.status).toBe(201);
    const threadId = created.body.threadId as string;
    const stub = await getAgentByName<AgentWorkerEnv, ThreadAgent>(env.THREAD_AGENT, threadId);
    const registered = await runInDurableObject(stub, (agent: ThreadAgent) => {
      // The run's own tool set, as a run builds it (private: nothing else should call it).
      const tools = (agent as unknown as { toolsFor(runId: string): ToolSet }).toolsFor("run_tool_names");
      return Object.keys(tools);
    });
    expect([...registered].sort()).toEqual([...TOOL_NAMES].sort());
  });
});
