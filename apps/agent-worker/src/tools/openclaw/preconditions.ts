import type { DeviceList, InstanceSummary, OpenClawError, PairingList } from "@oa/protocol";
import type { OpenClawClient } from "../../openclaw/client.ts";
import { openclawRequests } from "../../openclaw/requests.ts";

/**
 * What must be true before an OpenClaw tool call is worth asking for or sending, checked with
 * read-only calls (one GET of the instance, plus one list for the approve_* tools). A call whose
 * precondition fails is not asked for and sends nothing: its answer says what is true instead.
 */

export type SkipReason = "instance_exists" | "no_instance" | "instance_not_ready" | "not_pending";

/** An ordinary tool answer: the call was not made because it could not do what was asked. */
export type SkippedCall = { skipped: true; reason: SkipReason; message: string } & Record<string, unknown>;

export type PreconditionOutcome =
  | { kind: "ok" }
  | { kind: "skipped"; result: SkippedCall }
  /** The check itself failed: nothing is asked for or sent, and the answer is this sentence. */
  | { kind: "unverifiable"; message: string };

type Requirement = "no_live_instance" | "some_instance" | "ready_instance";

const requirements: Record<string, Requirement> = {
  provision: "no_live_instance",
  delete_instance: "some_instance",
  restart: "ready_instance",
  backup_now: "ready_instance",
  approve_device: "ready_instance",
  approve_pairing: "ready_instance",
};

export function hasPreconditions(tool: string): boolean {
  return tool in requirements;
}

const OK: PreconditionOutcome = { kind: "ok" };

function skipped(reason: SkipReason, message: string, facts: Record<string, unknown>): PreconditionOutcome {
  return { kind: "skipped", result: { skipped: true, reason, message, ...facts } };
}

function unverifiable(what: string, error: OpenClawError): PreconditionOutcome {
  const cause = error.message.replace(/[.\s]+$/, "");
  return { kind: "unverifiable", message: `I could not check your ${what} (${cause}); nothing was changed. Try again in a moment.` };
}

/** `2026-11-27 09:20 UTC`: a moment a person reads. */
function readableTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function describeExisting(instance: InstanceSummary): string {
  if (instance.status === "ready") {
    return `You already have an OpenClaw instance (ready since ${readableTime(instance.last_ready_at ?? instance.updated_at)}), so I did not provision another one.`;
  }
  return `You already have an OpenClaw instance; it is still provisioning (requested ${readableTime(instance.updated_at)}), so I did not provision another one.`;
}

function notReady(tool: string, instance: InstanceSummary): PreconditionOutcome {
  const action = tool === "backup_now" ? "back it up" : tool === "restart" ? "restart it" : "approve anything on it";
  const message =
    instance.status === "provisioning"
      ? `Your OpenClaw instance is still provisioning, so I cannot ${action} yet; try again once it is ready.`
      : `Your OpenClaw instance is in an error state, so I cannot ${action}; check its status or provision it again.`;
  return skipped("instance_not_ready", message, { instance });
}

/**
 * Checks the preconditions of one call; `ok` for tools that have none. Never sends a write.
 */
export async function checkPreconditions(
  client: OpenClawClient,
  tool: string,
  input: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<PreconditionOutcome> {
  const requirement = requirements[tool];
  if (!requirement) return OK;
  const read = await client.send<InstanceSummary | null>(() => openclawRequests.getInstance(), undefined, signal);
  if (!read.ok) return unverifiable("OpenClaw instance", read.error);
  const instance = read.data && read.data.status !== "deleted" ? read.data : null;

  if (requirement === "no_live_instance") {
    // An instance in `error` is provisioned again by the same request: that is worth asking for.
    return instance && instance.status !== "error" ? skipped("instance_exists", describeExisting(instance), { instance }) : OK;
  }
  if (!instance) {
    const message =
      tool === "delete_instance"
        ? "You have no OpenClaw instance, so there is nothing to delete."
        : "You have no OpenClaw instance yet — shall I provision one?";
    return skipped("no_instance", message, { instance: null });
  }
  if (requirement === "some_instance") return OK;
  if (instance.status !== "ready") return notReady(tool, instance);

  if (tool === "approve_device") {
    const requestId = String(input.requestId);
    const devices = await client.send<DeviceList>(() => openclawRequests.listDevices(), undefined, signal);
    if (!devices.ok) return unverifiable("OpenClaw devices", devices.error);
    const pending = devices.data.pending.map((device) => device.requestId);
    if (pending.includes(requestId)) return OK;
    return skipped("not_pending", `No device is waiting to pair with request id ${requestId}.`, { requestId, pending });
  }
  if (tool === "approve_pairing") {
    const channel = String(input.channel);
    const code = String(input.code);
    const listed = await client.send<PairingList>(() => openclawRequests.listPairingRequests(channel), undefined, signal);
    if (!listed.ok) return unverifiable(`${channel} pairing requests`, listed.error);
    if (listed.data.requests.some((request) => request.code === code)) return OK;
    return skipped("not_pending", `No ${channel} pairing request is waiting with code ${code}.`, {
      channel,
      code,
      pending: listed.data.requests.length,
    });
  }
  return OK;
}
