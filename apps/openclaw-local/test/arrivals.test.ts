import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { deviceApprovalSchema, deviceListSchema, instanceSummarySchema, pairingApprovalSchema, pairingListSchema } from "@oa/protocol";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { deliverDueArrivals, SIMULATED_PAIRING_META, simulatedIds } from "../src/arrivals.ts";
import type { Timing } from "../src/config.ts";
import type { UserContext } from "../src/context.ts";
import worker from "../src/index.ts";
import { api, authHeaders, control, expectData, expectError, readyUser } from "./helpers.ts";

const DELAY_MS = 1000;
const timing = (enabled: boolean): Timing => ({
  provisionDelayMs: 200,
  restartDelayMs: 200,
  backupDelayMs: 50,
  arrivals: { enabled, delayMs: DELAY_MS },
});

/** Runs the arrivals of `user` inside its Durable Object as if the clock read `at`. */
function deliverAt(user: string, at: number, enabled = true): Promise<void> {
  const stub = env.OPENCLAW_USER.get(env.OPENCLAW_USER.idFromName(user));
  return runInDurableObject(stub, (_instance, state) => {
    const ctx: UserContext = { sql: state.storage.sql, storage: state.storage, timing: timing(enabled), now: () => at };
    deliverDueArrivals(ctx, user);
  });
}

const devices = (user: string) =>
  api(user)
    .get("/runtime/devices")
    .then((response) => expectData(response, deviceListSchema));
const telegram = (user: string) =>
  api(user)
    .get("/runtime/pairing/telegram")
    .then((response) => expectData(response, pairingListSchema));
const readyAt = async (user: string) => (await expectData(await api(user).get("/instance"), instanceSummarySchema)).last_ready_at!;

describe("simulated arrivals (SIMULATE_ARRIVALS=on)", () => {
  it("a device asks to pair the delay after ready, a telegram sender twice the delay after, each once", async () => {
    const user = await readyUser("arrivals");
    const ready = await readyAt(user);
    const { requestId, senderId } = simulatedIds(user, ready);

    await deliverAt(user, ready + DELAY_MS - 1);
    expect(await devices(user)).toEqual({ pending: [], paired: [] });

    await deliverAt(user, ready + DELAY_MS);
    expect((await devices(user)).pending).toEqual([
      { requestId, client: { platform: "ios", mode: "node" }, requestedAt: new Date(ready + DELAY_MS).toISOString() },
    ]);
    expect((await telegram(user)).requests).toEqual([]);

    await deliverAt(user, ready + 2 * DELAY_MS);
    await deliverAt(user, ready + 3 * DELAY_MS);
    const [request, ...others] = (await telegram(user)).requests;
    expect(others).toEqual([]);
    expect(request).toMatchObject({ id: senderId, createdAt: new Date(ready + 2 * DELAY_MS).toISOString(), meta: SIMULATED_PAIRING_META });
    expect((await devices(user)).pending).toHaveLength(1);

    // Both are approved through the ordinary endpoints, and do not come back.
    expect(await expectData(await api(user).post(`/runtime/devices/${requestId}/approve`), deviceApprovalSchema)).toEqual({
      approved: true,
      requestId,
    });
    const approved = await expectData(
      await api(user).post("/runtime/pairing/telegram/approve", { code: request!.code }),
      pairingApprovalSchema,
    );
    expect(approved.stdout).toBe(`Approved telegram sender ${senderId}.\n`);
    await deliverAt(user, ready + 10 * DELAY_MS);
    const after = await devices(user);
    expect(after.pending).toEqual([]);
    expect(after.paired.map((device) => device.client)).toEqual([{ platform: "ios", mode: "node" }]);
    expect((await telegram(user)).requests).toEqual([]);
  });

  it("a new instance (deleted, then ready again) gets its own arrivals", async () => {
    const user = await readyUser("again");
    const first = await readyAt(user);
    await deliverAt(user, first + DELAY_MS);
    expect((await devices(user)).pending.map((device) => device.requestId)).toEqual([simulatedIds(user, first).requestId]);
    expect(await expectData(await api(user).delete("/instance"), z.strictObject({ deleted: z.boolean() }))).toEqual({ deleted: true });
    await control(user).seed({ instance: { status: "ready" } });
    const second = await readyAt(user);
    expect(await devices(user)).toEqual({ pending: [], paired: [] });
    await deliverAt(user, second + DELAY_MS);
    expect((await devices(user)).pending.map((device) => device.requestId)).toEqual([simulatedIds(user, second).requestId]);
  });

  it("off: nothing arrives, however long the instance has been ready", async () => {
    const user = await readyUser("off");
    await deliverAt(user, (await readyAt(user)) + 86_400_000, false);
    expect(await devices(user)).toEqual({ pending: [], paired: [] });
    expect((await telegram(user)).requests).toEqual([]);
  });

  it("a setting that does not parse refuses every request, naming itself", async () => {
    const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
    const cases: Array<[Record<string, string>, string]> = [
      [{ SIMULATE_ARRIVALS: "yes" }, 'config invalid: SIMULATE_ARRIVALS must be on or off, got "yes"'],
      [{ SIMULATE_ARRIVAL_DELAY_MS: "20s" }, 'config invalid: SIMULATE_ARRIVAL_DELAY_MS must be a whole number of milliseconds, got "20s"'],
      [{ PROVISION_DELAY_MS: "-5" }, 'config invalid: PROVISION_DELAY_MS must be a whole number of milliseconds, got "-5"'],
    ];
    for (const [vars, error] of cases) {
      for (const path of ["/api/openclaw", "/api/openclaw/instance", "/__control/users/u1/requests"]) {
        const response = await worker.fetch(
          new Request(`http://openclaw.test${path}`, { headers: authHeaders("u1") }),
          { ...env, ...vars },
          ctx,
        );
        await expectError(response, 500, error);
      }
    }
    for (const value of ["on", " OFF ", ""]) {
      const response = await worker.fetch(
        new Request("http://openclaw.test/api/openclaw/instance", { headers: authHeaders("u1") }),
        { ...env, SIMULATE_ARRIVALS: value },
        ctx,
      );
      expect(response.status).toBe(200);
    }
  });
});
