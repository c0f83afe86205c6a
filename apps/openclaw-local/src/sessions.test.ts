import { describe, expect, it } from "vitest";
import { parseHistoryQuery, parseSessionListQuery } from "./sessions.ts";

describe("session query parsing (as the runtime parses it)", () => {
  it("reads kinds repeated, comma-separated or both", () => {
    expect(parseSessionListQuery(new URLSearchParams("kinds=main&kinds=cron,hook&kinds=%20,"))).toEqual({
      kinds: ["main", "cron", "hook"],
    });
    expect(parseSessionListQuery({ kinds: ["group", "node,other"] })).toEqual({ kinds: ["group", "node", "other"] });
    expect(parseSessionListQuery({ kinds: "cron" })).toEqual({ kinds: ["cron"] });
  });

  it("keeps positive limit/activeMinutes and non-negative messageLimit; ignores the rest", () => {
    expect(parseSessionListQuery(new URLSearchParams("limit=5&activeMinutes=30&messageLimit=0"))).toEqual({
      limit: 5,
      activeMinutes: 30,
      messageLimit: 0,
    });
    expect(parseSessionListQuery(new URLSearchParams("limit=0&activeMinutes=-5&messageLimit=-1&kinds="))).toEqual({});
    expect(parseSessionListQuery({ limit: 2.9, messageLimit: "3" })).toEqual({ limit: 2, messageLimit: 3 });
  });

  it("reads includeTools as the usual boolean words", () => {
    for (const word of ["1", "true", "YES", "on"])
      expect(parseHistoryQuery(new URLSearchParams(`includeTools=${word}`)).includeTools).toBe(true);
    for (const word of ["0", "false", "no", "off"])
      expect(parseHistoryQuery(new URLSearchParams(`includeTools=${word}`)).includeTools).toBe(false);
    expect(parseHistoryQuery(new URLSearchParams("includeTools=maybe&limit=x"))).toEqual({});
  });
});
