import { describe, expect, it } from "vitest";
import { generatePairingCode, resolveChannel } from "./pairing.ts";

describe("pairing codes and channels", () => {
  it("codes are 8 characters of A-Z 2-9 without I, O, 0 and 1, and every character occurs", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = generatePairingCode();
      expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
      for (const character of code) seen.add(character);
    }
    expect(seen.size).toBe(32);
  });

  it("channels are the six DM channels, case-insensitive; anything else is the runtime's 404", () => {
    expect(resolveChannel(" WhatsApp ")).toBe("whatsapp");
    expect(resolveChannel("email")).toEqual({ ok: false, status: 404, error: "channel does not support pairing: email" });
  });
});
