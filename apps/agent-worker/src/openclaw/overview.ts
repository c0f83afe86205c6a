import {
  type BillingSummary,
  type DeviceList,
  type InstanceSummary,
  type OpenClawOverview,
  type OpenClawRuntimeStatusAnswer,
  type OverviewPart,
  type PairingList,
  pairingChannels,
  type RuntimeStatus,
} from "@oa/protocol";
import type { OpenClawClient, OpenClawResult } from "./client.ts";

type Part<T> = OverviewPart<T>;

function part<T>(result: OpenClawResult<T>): Part<T> {
  return result.ok ? { ok: true, data: result.data } : { ok: false, error: result.error };
}

/**
 * What the OpenClaw panel shows, read in one go for the signed-in user: the instance, and when it
 * is ready its devices, DM pairing requests per channel, and the balance. Reads without effects
 * only: not the runtime status, since reading it starts a stopped gateway (readRuntimeStatus, on
 * the user's explicit request). Every action goes through the agent (and its approvals). Each
 * part fails on its own.
 */
export async function readOverview(client: OpenClawClient | null): Promise<OpenClawOverview> {
  if (!client) return { ok: true, configured: false, instance: null, devices: null, pairing: [], billing: null };
  const [instance, billing] = await Promise.all([
    client.request<InstanceSummary | null>("GET", "/instance"),
    client.request<BillingSummary>("GET", "/billing/summary"),
  ]);
  const ready = instance.ok && instance.data?.status === "ready";
  if (!ready) return { ok: true, configured: true, instance: part(instance), devices: null, pairing: [], billing: part(billing) };
  const [devices, ...pairing] = await Promise.all([
    client.request<DeviceList>("GET", "/runtime/devices"),
    ...pairingChannels.map((channel) => client.request<PairingList>("GET", `/runtime/pairing/${channel}`)),
  ]);
  return {
    ok: true,
    configured: true,
    instance: part(instance),
    devices: part(devices as OpenClawResult<DeviceList>),
    pairing: pairingChannels.map((channel, index) => ({ channel, result: part(pairing[index] as OpenClawResult<PairingList>) })),
    billing: part(billing),
  };
}

/**
 * The gateway's status, read only when the user asks for it: under the OpenClaw contract reading
 * it starts a stopped gateway, so it is an action (a POST), never part of the overview.
 */
export async function readRuntimeStatus(client: OpenClawClient | null): Promise<OpenClawRuntimeStatusAnswer> {
  if (!client) return { ok: true, configured: false, status: null };
  return { ok: true, configured: true, status: part(await client.request<RuntimeStatus>("GET", "/runtime/status")) };
}
