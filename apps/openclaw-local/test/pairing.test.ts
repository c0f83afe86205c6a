import { pairingApprovalSchema, pairingChannels, pairingListSchema } from "@oa/protocol";
import { describe, expect, it } from "vitest";
import { PAIRING_TTL_MS } from "../src/pairing.ts";
import { api, control, expectData, expectError, readyUser, sleep, uniqueUser } from "./helpers.ts";

const list = (user: string, channel: string) =>
  api(user)
    .get(`/runtime/pairing/${channel}`)
    .then((response) => expectData(response, pairingListSchema));

describe("DM pairing", () => {
  it("lists pending requests per channel, each with id, code, createdAt, lastSeenAt and meta", async () => {
    const user = await readyUser("list");
    const seeded = await control(user).seed({
      pairing: { telegram: [{ id: "111", meta: { username: "ada" } }, { id: "222" }], slack: [{ id: "U1" }] },
    });
    expect(seeded.pairing.telegram.created).toHaveLength(2);
    const telegram = await list(user, "telegram");
    expect(telegram.channel).toBe("telegram");
    expect(telegram.requests.map((request) => request.id)).toEqual(["111", "222"]);
    expect(telegram.requests[0]).toMatchObject({ meta: { username: "ada" } });
    expect(telegram.requests[0]?.code).not.toBe(telegram.requests[1]?.code);
    expect((await list(user, "slack")).requests.map((request) => request.id)).toEqual(["U1"]);
    for (const channel of pairingChannels) await list(user, channel);
  });

  it("keeps at most 3 pending requests per channel; a sender already pending keeps its code", async () => {
    const user = await readyUser("limit");
    const seeded = await control(user).seed({ pairing: { whatsapp: [{ id: "a" }, { id: "b" }, { id: "c" }, { id: "d" }, { id: "a" }] } });
    expect(seeded.pairing.whatsapp.created.map((request: { id: string }) => request.id)).toEqual(["a", "b", "c"]);
    expect(seeded.pairing.whatsapp.rejected).toEqual([{ id: "d", reason: "at most 3 pending requests per channel" }]);
    expect(seeded.pairing.whatsapp.refreshed[0].code).toBe(seeded.pairing.whatsapp.created[0].code);
    expect((await list(user, "whatsapp")).requests).toHaveLength(3);
    // Other channels have their own limit.
    expect((await control(user).seed({ pairing: { signal: [{ id: "x" }] } })).pairing.signal.created).toHaveLength(1);
  });

  it("expire after one hour: gone from the list, cannot be approved, and free a slot", async () => {
    const user = await readyUser("expiry");
    const expiresInMs = 100;
    const { pairing } = await control(user).seed({
      pairing: { discord: [{ id: "old", ageMs: PAIRING_TTL_MS - expiresInMs }, { id: "b" }, { id: "c" }] },
    });
    const oldCode = pairing.discord.created[0].code;
    expect((await list(user, "discord")).requests).toHaveLength(3);
    await sleep(expiresInMs + 50);
    expect((await list(user, "discord")).requests.map((request) => request.id)).toEqual(["b", "c"]);
    await expectError(
      await api(user).post("/runtime/pairing/discord/approve", { code: oldCode }),
      404,
      `no pending pairing request for code ${oldCode} on discord`,
    );
    expect((await control(user).seed({ pairing: { discord: [{ id: "d" }] } })).pairing.discord.created).toHaveLength(1);
  });

  it("approve by code: {approved, channel, code, stdout, stderr}; the request leaves the list", async () => {
    const user = await readyUser("approve");
    const { pairing } = await control(user).seed({ pairing: { imessage: [{ id: "+15550001", code: "ABCDEFGH" }] } });
    expect(pairing.imessage.created[0].code).toBe("ABCDEFGH");
    const approved = await expectData(
      await api(user).post("/runtime/pairing/imessage/approve", { code: " abcdefgh ", notify: true }),
      pairingApprovalSchema,
    );
    expect(approved).toEqual({
      approved: true,
      channel: "imessage",
      code: "ABCDEFGH",
      stdout: "Approved imessage sender +15550001.\nNotified +15550001 on imessage.\n",
      stderr: "",
    });
    expect((await list(user, "imessage")).requests).toEqual([]);
    await expectError(await api(user).post("/runtime/pairing/imessage/approve", { code: "ABCDEFGH" }), 404, /no pending pairing request/);
  });

  it('answers 400 "missing channel" and "missing code" before the instance check', async () => {
    const user = uniqueUser("no-instance");
    await expectError(await api(user).get("/runtime/pairing/%20"), 400, "missing channel");
    await expectError(await api(user).post("/runtime/pairing//approve", { code: "ABCDEFGH" }), 400, "missing channel");
    await expectError(await api(user).post("/runtime/pairing/telegram/approve", {}), 400, "missing code");
    await expectError(await api(user).post("/runtime/pairing/telegram/approve", { code: "  " }), 400, "missing code");
    await expectError(await api(user).post("/runtime/pairing/telegram/approve", "not json"), 400, "missing code");
    await expectError(await api(user).post("/runtime/pairing/telegram/approve"), 400, "missing code");
    await expectError(await api(user).post("/runtime/pairing/telegram/approve", { code: "ABCDEFGH" }), 404, "instance not found");
  });

  it("answers the runtime's 404 to a channel without DM pairing; channel names are case-insensitive", async () => {
    const user = await readyUser("channels");
    await expectError(await api(user).get("/runtime/pairing/irc"), 404, "channel does not support pairing: irc");
    await expectError(
      await api(user).post("/runtime/pairing/irc/approve", { code: "ABCDEFGH" }),
      404,
      "channel does not support pairing: irc",
    );
    expect((await list(user, "Telegram")).channel).toBe("telegram");
  });
});
