import { deviceApprovalSchema, deviceListSchema, runtimeStatusSchema } from "@oa/protocol";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { api, BACKUP_MS, control, expectData, expectError, RESTART_MS, readyUser, sleep } from "./helpers.ts";

const status = (user: string) =>
  api(user)
    .get("/runtime/status")
    .then((response) => expectData(response, runtimeStatusSchema));

describe("runtime status", () => {
  it("reports gateway, last backup, instance type and version", async () => {
    const user = await readyUser("status");
    expect(await status(user)).toEqual({
      gateway: { status: "running" },
      lastBackup: null,
      container: { instanceType: "standard-4" },
      version: { clawdbot: expect.stringMatching(/^\d+\.\d+\.\d+/) },
    });
  });

  it('restart: {message: "restarting"}, gateway starting for RESTART_DELAY_MS, then running', async () => {
    const user = await readyUser("restart");
    const started = Date.now();
    expect(await expectData(await api(user).post("/runtime/restart"), z.strictObject({ message: z.literal("restarting") }))).toEqual({
      message: "restarting",
    });
    expect((await status(user)).gateway.status).toBe("starting");
    await sleep(RESTART_MS / 2);
    if (Date.now() - started < RESTART_MS) expect((await status(user)).gateway.status).toBe("starting");
    await sleep(RESTART_MS / 2 + 50);
    expect((await status(user)).gateway.status).toBe("running");
  });

  it("backup takes BACKUP_DELAY_MS and sets lastBackup", async () => {
    const user = await readyUser("backup");
    const started = Date.now();
    const { lastBackup } = await expectData(await api(user).post("/runtime/backup"), z.strictObject({ lastBackup: z.iso.datetime() }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(BACKUP_MS);
    expect(Date.parse(lastBackup)).toBeGreaterThanOrEqual(started + BACKUP_MS);
    expect((await status(user)).lastBackup).toBe(lastBackup);
  });

  it("reading the status starts a stopped gateway", async () => {
    const user = await readyUser("stopped", { gateway: { status: "stopped" } });
    expect((await status(user)).gateway.status).toBe("running");
    const log = await control(user).requests();
    expect(log.at(-1)?.effects).toEqual(["gateway.started"]);
    expect((await status(user)).gateway.status).toBe("running");
  });

  it("reports a gateway in error until it is restarted", async () => {
    const user = await readyUser("error", { gateway: { status: "error" } });
    expect((await status(user)).gateway.status).toBe("error");
    await api(user).post("/runtime/restart");
    await sleep(RESTART_MS + 50);
    expect((await status(user)).gateway.status).toBe("running");
  });
});

describe("devices", () => {
  it("lists pending and paired devices; approving moves a request to paired", async () => {
    const user = await readyUser("devices", {
      devices: {
        pending: [{ requestId: "req-1", client: { platform: "ios", mode: "node" } }, { requestId: "req-2" }],
        paired: [{ deviceId: "dev-old", client: { platform: "macos" }, pairedAt: "2026-01-01T00:00:00.000Z" }],
      },
    });
    const before = await expectData(await api(user).get("/runtime/devices"), deviceListSchema);
    expect(before.pending.map((device) => device.requestId)).toEqual(["req-1", "req-2"]);
    expect(before.pending[0]).toMatchObject({ client: { platform: "ios", mode: "node" }, requestedAt: expect.any(String) });
    expect(before.paired).toEqual([{ deviceId: "dev-old", client: { platform: "macos" }, pairedAt: "2026-01-01T00:00:00.000Z" }]);

    expect(await expectData(await api(user).post("/runtime/devices/req-1/approve"), deviceApprovalSchema)).toEqual({
      approved: true,
      requestId: "req-1",
    });
    const after = await expectData(await api(user).get("/runtime/devices"), deviceListSchema);
    expect(after.pending.map((device) => device.requestId)).toEqual(["req-2"]);
    expect(after.paired).toHaveLength(2);
    expect(after.paired[1]).toMatchObject({ deviceId: expect.stringMatching(/^dev-/), client: { platform: "ios", mode: "node" } });
  });

  it("approving an already paired request changes nothing; an unknown one is the runtime's 404", async () => {
    const user = await readyUser("approve", { devices: { pending: [{ requestId: "req-1" }] } });
    await api(user).post("/runtime/devices/req-1/approve");
    const paired = await expectData(await api(user).get("/runtime/devices"), deviceListSchema);
    expect(await expectData(await api(user).post("/runtime/devices/req-1/approve"), deviceApprovalSchema)).toEqual({
      approved: true,
      requestId: "req-1",
    });
    expect(await expectData(await api(user).get("/runtime/devices"), deviceListSchema)).toEqual(paired);
    await expectError(await api(user).post("/runtime/devices/req-404/approve"), 404, "device request not found: req-404");
    const effects = (await control(user).requests()).flatMap((entry) => entry.effects);
    expect(effects).toEqual(["device.approved"]);
  });

  it('answers 400 "missing request id" to a blank request id, before the instance check', async () => {
    const user = await readyUser("blank-request");
    await expectError(await api(user).post("/runtime/devices/%20/approve"), 400, "missing request id");
    await expectError(await api(user).post("/runtime/devices//approve"), 400, "missing request id");
    const noInstance = `${user}-none`;
    await expectError(await api(noInstance).post("/runtime/devices/%20/approve"), 400, "missing request id");
  });
});
