import { describe, expect, it } from "vitest";
import { DEFAULT_GATED_TOOLS, parseApprovalPolicy } from "./catalog.ts";

describe("APPROVAL_POLICY", () => {
  it("matches tool names case-insensitively and trimmed", () => {
    expect(parseApprovalPolicy(" Restart , APPROVE_DEVICE")).toEqual({ ok: true, gated: new Set(["restart", "approve_device"]) });
    expect(parseApprovalPolicy("ALL")).toMatchObject({ ok: true });
    expect(parseApprovalPolicy("None")).toEqual({ ok: true, gated: new Set() });
    expect(parseApprovalPolicy(undefined)).toEqual({ ok: true, gated: new Set(DEFAULT_GATED_TOOLS) });
  });

  it("refuses a name that is no tool instead of silently dropping its gate", () => {
    expect(parseApprovalPolicy("Restart,typo")).toEqual({ ok: false, unknown: ["typo"] });
    expect(parseApprovalPolicy("restrat")).toEqual({ ok: false, unknown: ["restrat"] });
  });
});
