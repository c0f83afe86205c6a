import type { DeviceList, InstanceSummary, OpenClawClient, OpenClawError, OpenClawResult, PairingRequests, RuntimeStatus } from "./client.ts";

export const PAIRING_CHANNELS = ["telegram", "whatsapp", "signal", "imessage", "discord", "slack"] as const;

type Part<T> = { ok: true; data: T } | { ok: false; error: OpenClawError } | null;

export type OpenClawOverview = {
  ok: true;
  configured: boolean;
  instance: Part<InstanceSummary | null>;
  devices: Part<DeviceList>;
  pairing: Array<{ channel: string; result: Part<PairingRequests> }>;
  billing: Part<{ user_id: string; balance_usd: number }>;
};

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
    client.request<{ user_id: string; balance_usd: number }>("GET", "/billing/summary"),
  ]);
  const ready = instance.ok && instance.data?.status === "ready";
  if (!ready) return { ok: true, configured: true, instance: part(instance), devices: null, pairing: [], billing: part(billing) };
  const [devices, ...pairing] = await Promise.all([
    client.request<DeviceList>("GET", "/runtime/devices"),
    ...PAIRING_CHANNELS.map((channel) => client.request<PairingRequests>("GET", `/runtime/pairing/${channel}`)),
  ]);
  return {
    ok: true,
    configured: true,
    instance: part(instance),
    devices: part(devices as OpenClawResult<DeviceList>),
    pairing: PAIRING_CHANNELS.map((channel, index) => ({ channel, result: part(pairing[index] as OpenClawResult<PairingRequests>) })),
    billing: part(billing),
  };
}

/**
 * The gateway's status, read only when the user asks for it: under the OpenClaw contract reading
 * it starts a stopped gateway, so it is an action (a POST), never part of the overview.
 */
export async function readRuntimeStatus(client: OpenClawClient | null): Promise<{ ok: true; configured: boolean; status: Part<RuntimeStatus> }> {
  if (!client) return { ok: true, configured: false, status: null };
  return { ok: true, configured: true, status: part(await client.request<RuntimeStatus>("GET", "/runtime/status")) };
}
