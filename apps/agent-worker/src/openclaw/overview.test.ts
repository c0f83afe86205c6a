import {
  billingSummarySchema,
  deviceListSchema,
  instanceSummarySchema,
  openclawOverviewSchema,
  openclawRuntimeStatusAnswerSchema,
  pairingListSchema,
  runtimeStatusSchema,
} from "@oa/protocol";
import { describe, expect, it } from "vitest";
import { OpenClawClient } from "./client.ts";
import { readOverview, readRuntimeStatus } from "./overview.ts";

const NOW = Date.UTC(2026, 10, 27, 9, 0);

/** The OpenClaw API by path; every answer is checked against the contract before it is served. */
const answers: Record<string, unknown> = {
  "/instance": instanceSummarySchema.parse({
    status: "ready",
    runtime_name: "rt-1",
    created_at: NOW - 60_000,
    updated_at: NOW,
    last_ready_at: NOW,
  }),
  "/billing/summary": billingSummarySchema.parse({ user_id: "alice", balance_usd: 25 }),
  "/runtime/devices": deviceListSchema.parse({ pending: [{ requestId: "req-1", client: { platform: "android" } }], paired: [] }),
  "/runtime/status": runtimeStatusSchema.parse({
    gateway: { status: "running" },
    lastBackup: null,
    container: { instanceType: "standard-4" },
    version: { clawdbot: "2026.11.1" },
  }),
};

function fakeApi(): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const path = new URL(String(input)).pathname.replace(/^\/api\/openclaw/, "");
    // One channel fails on its own: its part says so, the others are read.
    if (path === "/runtime/pairing/slack") return new Response("upstream exploded", { status: 500 });
    const pairing = /^\/runtime\/pairing\/(\w+)$/.exec(path);
    const data = pairing ? pairingListSchema.parse({ channel: pairing[1], requests: [] }) : answers[path];
    return Response.json({ ok: true, data: data ?? null, error: null });
  }) as typeof fetch;
}

const client = () =>
  new OpenClawClient({ baseUrl: "http://openclaw.test/api", apiKey: "k", userId: "alice", fetch: fakeApi(), readRetries: 0 });

describe("the OpenClaw overview", () => {
  it("is the protocol's overview shape, read part by part", async () => {
    const overview = openclawOverviewSchema.parse(await readOverview(client()));
    expect(overview.instance).toMatchObject({ ok: true, data: { status: "ready" } });
    expect(overview.pairing.map((entry) => entry.result?.ok)).toEqual([true, true, true, true, true, false]);
    expect(overview.billing).toEqual({ ok: true, data: { user_id: "alice", balance_usd: 25 } });
  });

  it("unconfigured, and the runtime status on request, are the protocol's shapes too", async () => {
    expect(openclawOverviewSchema.parse(await readOverview(null))).toMatchObject({ configured: false, pairing: [] });
    const status = openclawRuntimeStatusAnswerSchema.parse(await readRuntimeStatus(client()));
    expect(status.status).toMatchObject({ ok: true, data: { gateway: { status: "running" } } });
  });
});
