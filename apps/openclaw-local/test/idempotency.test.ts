import { instanceSummarySchema, runtimeStatusSchema, sendResultSchema, sessionHistorySchema } from "@oa/protocol";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { api, control, expectData, expectError, PROVISION_MS, RESTART_MS, readyUser, sleep, uniqueUser } from "./helpers.ts";

describe("Idempotency-Key", () => {
  it("replays the first answer (status and body) and performs the effect once", async () => {
    const user = await readyUser("replay");
    const first = await api(user).post("/sessions/main/send", { message: "once" }, { idempotencyKey: "k-send" });
    const firstBody = await first.text();
    const again = await api(user).post("/sessions/main/send", { message: "once" }, { idempotencyKey: "k-send" });
    expect(again.status).toBe(first.status);
    expect(await again.text()).toBe(firstBody);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(first.headers.get("idempotent-replayed")).toBeNull();

    const history = await expectData(await api(user).get("/sessions/main/history"), sessionHistorySchema);
    expect(history.messages).toHaveLength(2);
    const sends = (await control(user).requests()).filter((entry) => entry.path === "/api/openclaw/sessions/main/send");
    expect(sends.map(({ idempotencyKey, status, replayed, effects }) => ({ idempotencyKey, status, replayed, effects }))).toEqual([
      { idempotencyKey: "k-send", status: 200, replayed: false, effects: ["session.message"] },
      { idempotencyKey: "k-send", status: 200, replayed: true, effects: [] },
    ]);
  });

  it("without a key, every POST runs", async () => {
    const user = await readyUser("no-key");
    await api(user).post("/sessions/main/send", { message: "a" });
    await api(user).post("/sessions/main/send", { message: "a" });
    expect((await expectData(await api(user).get("/sessions/main/history"), sessionHistorySchema)).messages).toHaveLength(4);
  });

  it("covers every POST and DELETE: provision, restart, backup, delete", async () => {
    const user = uniqueUser("all-writes");
    const provisioned = await expectData(await api(user).post("/instance", undefined, { idempotencyKey: "p" }), instanceSummarySchema);
    await sleep(PROVISION_MS + 50);
    // The replay is the first answer, not the instance as it is now.
    expect(await expectData(await api(user).post("/instance", undefined, { idempotencyKey: "p" }), instanceSummarySchema)).toEqual(
      provisioned,
    );

    await api(user).post("/runtime/restart", undefined, { idempotencyKey: "r" });
    await sleep(RESTART_MS + 50);
    await api(user).post("/runtime/restart", undefined, { idempotencyKey: "r" });
    const status = await expectData(await api(user).get("/runtime/status"), runtimeStatusSchema);
    expect(status.gateway.status).toBe("running");

    const backup = await (await api(user).post("/runtime/backup", undefined, { idempotencyKey: "b" })).text();
    expect(await (await api(user).post("/runtime/backup", undefined, { idempotencyKey: "b" })).text()).toBe(backup);

    const deleted = z.strictObject({ deleted: z.boolean() });
    expect(await expectData(await api(user).delete("/instance", { idempotencyKey: "d" }), deleted)).toEqual({ deleted: true });
    expect(await expectData(await api(user).delete("/instance", { idempotencyKey: "d" }), deleted)).toEqual({ deleted: true });

    const effects = (await control(user).requests()).filter((entry) => entry.method !== "GET").map((entry) => entry.effects);
    expect(effects).toEqual([
      ["instance.provisioning"],
      [],
      ["gateway.restarted"],
      [],
      ["backup.completed"],
      [],
      ["gateway.stopped", "instance.deleted"],
      [],
    ]);
  });

  it("concurrent repeats wait for the first and get its answer; the work runs once", async () => {
    const user = await readyUser("concurrent");
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        api(user)
          .post("/runtime/backup", undefined, { idempotencyKey: "same" })
          .then((r) => r.text()),
      ),
    );
    expect(new Set(answers).size).toBe(1);
    const backups = (await control(user).requests()).filter((entry) => entry.path.endsWith("/backup"));
    expect(backups.filter((entry) => entry.effects.length > 0)).toHaveLength(1);
    expect(backups.filter((entry) => entry.replayed)).toHaveLength(4);
  });

  it("keys are per user", async () => {
    const alice = await readyUser("alice");
    const bob = await readyUser("bob");
    await api(alice).post("/sessions/main/send", { message: "from alice" }, { idempotencyKey: "shared" });
    const result = await expectData(
      await api(bob).post("/sessions/main/send", { message: "from bob" }, { idempotencyKey: "shared" }),
      sendResultSchema,
    );
    expect(result.reply).toContain("from bob");
  });

  it("a key reused for another endpoint is refused with 422; a failure is not stored, so a retry runs", async () => {
    const user = uniqueUser("reuse");
    await expectError(await api(user).post("/runtime/restart", undefined, { idempotencyKey: "k" }), 404, "instance not found");
    await control(user).seed({ instance: { status: "ready" } });
    const retried = await api(user).post("/runtime/restart", undefined, { idempotencyKey: "k" });
    expect(retried.status).toBe(200);
    await expectError(
      await api(user).post("/runtime/backup", undefined, { idempotencyKey: "k" }),
      422,
      "idempotency key already used for POST /api/openclaw/runtime/restart",
    );
    await expectError(await api(user).post("/runtime/backup", undefined, { idempotencyKey: "x".repeat(256) }), 400, /longer than 255/);
  });

  it("is ignored on GET", async () => {
    const user = await readyUser("get");
    await api(user).get("/runtime/status", { idempotencyKey: "g" });
    await api(user).post("/runtime/restart");
    const status = await expectData(await api(user).get("/runtime/status", { idempotencyKey: "g" }), runtimeStatusSchema);
    expect(status.gateway.status).toBe("starting");
  });
});
