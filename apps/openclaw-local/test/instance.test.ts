import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { instanceSummarySchema, runtimeStatusSchema } from "@oa/protocol";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { api, control, expectData, expectError, PROVISION_MS, readyUser, sleep, uniqueUser } from "./helpers.ts";

const summary = instanceSummarySchema;
const deleted = z.strictObject({ deleted: z.boolean() });

/** Every runtime endpoint, with a body that passes the field checks. */
const runtimeCalls: Array<[string, string, unknown?]> = [
  ["GET", "/runtime/status"],
  ["GET", "/runtime/devices"],
  ["POST", "/runtime/devices/r1/approve"],
  ["GET", "/runtime/pairing/telegram"],
  ["POST", "/runtime/pairing/telegram/approve", { code: "ABCDEFGH" }],
  ["POST", "/runtime/backup"],
  ["POST", "/runtime/restart"],
  ["GET", "/sessions"],
  ["GET", "/sessions/main/history"],
  ["POST", "/sessions/main/send", { message: "hi" }],
  ["POST", "/tools/invoke", { tool: "sessions_list" }],
];

function runtimeCall(user: string, [method, path, body]: [string, string, unknown?]): Promise<Response> {
  const client = api(user);
  return method === "GET" ? client.get(path) : client.post(path, body);
}

describe("instance lifecycle", () => {
  it("has no instance at first: GET answers 200 with data null", async () => {
    expect(await expectData(await api(uniqueUser()).get("/instance"), summary.nullable())).toBeNull();
  });

  it("provisions: provisioning, then ready after PROVISION_DELAY_MS with runtime_name and last_ready_at", async () => {
    const user = uniqueUser("provision");
    const before = Date.now();
    const created = await expectData(await api(user).post("/instance"), summary);
    expect(created).toMatchObject({ status: "provisioning", runtime_name: null, last_ready_at: null });
    expect(created.created_at).toBeGreaterThanOrEqual(before);
    expect(created.updated_at).toBe(created.created_at);

    const early = await expectData(await api(user).get("/instance"), summary);
    expect(early.status).toBe("provisioning");

    await sleep(PROVISION_MS + 50);
    const ready = await expectData(await api(user).get("/instance"), summary);
    expect(ready.status).toBe("ready");
    expect(ready.runtime_name).toMatch(/^openclaw-[0-9a-f]{8}$/);
    expect(ready.created_at).toBe(created.created_at);
    expect(ready.last_ready_at).toBe(created.created_at + PROVISION_MS);
    expect(ready.updated_at).toBe(ready.last_ready_at);
  });

  it("becomes ready on time even when the object was evicted while provisioning", async () => {
    const user = uniqueUser("evicted");
    await expectData(await api(user).post("/instance"), summary);
    await evictDurableObject(env.OPENCLAW_USER.get(env.OPENCLAW_USER.idFromName(user)));
    await sleep(PROVISION_MS + 50);
    expect((await expectData(await api(user).get("/instance"), summary)).status).toBe("ready");
  });

  it("is idempotent: POST on an existing provisioning or ready instance returns it unchanged", async () => {
    const user = uniqueUser("again");
    const first = await expectData(await api(user).post("/instance"), summary);
    const second = await expectData(await api(user).post("/instance"), summary);
    expect(second).toEqual(first);
    await sleep(PROVISION_MS + 50);
    const ready = await expectData(await api(user).get("/instance"), summary);
    expect(await expectData(await api(user).post("/instance"), summary)).toEqual(ready);
    const effects = (await control(user).requests()).flatMap((entry) => entry.effects);
    expect(effects).toEqual(["instance.provisioning"]);
  });

  it("re-provisions an instance in status error or deleted", async () => {
    for (const status of ["error", "deleted"] as const) {
      const user = uniqueUser(status);
      await control(user).seed({ instance: { status } });
      expect((await expectData(await api(user).get("/instance"), summary)).status).toBe(status);
      expect((await expectData(await api(user).post("/instance"), summary)).status).toBe("provisioning");
    }
  });

  it("deletes: stops the runtime first, answers {deleted: true}, then {deleted: false}", async () => {
    const user = await readyUser("delete");
    expect(await expectData(await api(user).delete("/instance"), deleted)).toEqual({ deleted: true });
    expect(await expectData(await api(user).get("/instance"), summary.nullable())).toBeNull();
    await expectError(await api(user).get("/runtime/status"), 404, "instance not found");
    expect(await expectData(await api(user).delete("/instance"), deleted)).toEqual({ deleted: false });
    const log = await control(user).requests();
    expect(log.filter((entry) => entry.method === "DELETE").map((entry) => entry.effects)).toEqual([
      ["gateway.stopped", "instance.deleted"],
      [],
    ]);
  });

  it("deleting a provisioning instance cancels it", async () => {
    const user = uniqueUser("cancel");
    await api(user).post("/instance");
    expect(await expectData(await api(user).delete("/instance"), deleted)).toEqual({ deleted: true });
    await sleep(PROVISION_MS + 50);
    expect(await expectData(await api(user).get("/instance"), summary.nullable())).toBeNull();
  });
});

describe("runtime gate", () => {
  it('answers 404 "instance not found" on every runtime endpoint without an instance', async () => {
    const user = uniqueUser("no-instance");
    for (const entry of runtimeCalls) await expectError(await runtimeCall(user, entry), 404, "instance not found");
  });

  it("answers 404 for a deleted instance", async () => {
    const user = uniqueUser("gone");
    await control(user).seed({ instance: { status: "deleted" } });
    for (const entry of runtimeCalls) await expectError(await runtimeCall(user, entry), 404, "instance not found");
  });

  it('answers 409 "runtime url not set" while provisioning and for an instance that failed before it had a runtime', async () => {
    const provisioning = uniqueUser("provisioning");
    await api(provisioning).post("/instance");
    const failed = uniqueUser("failed");
    await control(failed).seed({ instance: { status: "error" } });
    for (const user of [provisioning, failed]) {
      for (const entry of runtimeCalls) await expectError(await runtimeCall(user, entry), 409, "runtime url not set");
    }
  });

  it("opens the runtime once provisioning is done, and billing never needs an instance", async () => {
    const user = uniqueUser("opens");
    await api(user)
      .get("/billing/summary")
      .then((response) => expect(response.status).toBe(200));
    await api(user).post("/instance");
    await sleep(PROVISION_MS + 50);
    const status = await expectData(await api(user).get("/runtime/status"), runtimeStatusSchema);
    expect(status.gateway.status).toBe("running");
  });
});
