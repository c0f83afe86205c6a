import type { DeviceList, InstanceSummary, OpenClawClient, OpenClawError, OpenClawResult, PairingRequests, RuntimeStatus } from "./client.ts";

export const PAIRING_CHANNELS = ["telegram", "whatsapp", "signal", "imessage", "discord", "slack"] as const;

type Part<T> = { ok: true; data: T } | { ok: false; error: OpenClawError } | null;

export type OpenClawOverview = {
  ok: true;
  configured: boolean;
  instance: Part<InstanceSummary | null>;
  status: Part<RuntimeStatus>;
  devices: Part<DeviceList>;
  pairing: Array<{ channel: string; result: Part<PairingRequests> }>;
  billing: Part<{ user_id: string; balance_usd: number }>;
};

function part<T>(result: OpenClawResult<T>): Part<T> {
  return result.ok ? { ok: true, data: result.data } : { ok: false, error: result.error };
}

/**
 * What the OpenClaw panel shows, read in one go for the signed-in user: the instance, and when it
 * is ready its runtime status, devices, DM pairing requests per channel, and the balance. Reads
 * only; every action goes through the agent (and its approvals). Each part fails on its own.
 */
export async function readOverview(client: OpenClawClient | null): Promise<OpenClawOverview> {
  if (!client) return { ok: true, configured: false, instance: null, status: null, devices: null, pairing: [], billing: null };
  const [instance, billing] = await Promise.all([
    client.request<InstanceSummary | null>("GET", "/instance"),
    client.request<{ user_id: string; balance_usd: number }>("GET", "/billing/summary"),
  ]);
  const ready = instance.ok && instance.data?.status === "ready";
  if (!ready) return { ok: true, configured: true, instance: part(instance), status: null, devices: null, pairing: [], billing: part(billing) };
  const [status, devices, ...pairing] = await Promise.all([
    client.request<RuntimeStatus>("GET", "/runtime/status"),
    client.request<DeviceList>("GET", "/runtime/devices"),
    ...PAIRING_CHANNELS.map((channel) => client.request<PairingRequests>("GET", `/runtime/pairing/${channel}`)),
  ]);
  return {
    ok: true,
    configured: true,
    instance: part(instance),
    status: part(status as OpenClawResult<RuntimeStatus>),
    devices: part(devices as OpenClawResult<DeviceList>),
    pairing: PAIRING_CHANNELS.map((channel, index) => ({ channel, result: part(pairing[index] as OpenClawResult<PairingRequests>) })),
    billing: part(billing),
  };
}
