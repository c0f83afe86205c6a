import type { DeviceClient, DeviceList, PairedDevice, PendingDevice } from "@oa/protocol";
import { iso, randomHex, type UserContext } from "./context.ts";
import { failure, type Outcome, success } from "./envelope.ts";

type DeviceRow = {
  request_id: string;
  device_id: string | null;
  platform: string | null;
  mode: string | null;
  requested_at: number | null;
  paired_at: number | null;
};

function clientOf(row: DeviceRow): DeviceClient | undefined {
  if (row.platform === null && row.mode === null) return undefined;
  return { ...(row.platform === null ? {} : { platform: row.platform }), ...(row.mode === null ? {} : { mode: row.mode }) };
}

function pendingOf(row: DeviceRow): PendingDevice {
  const client = clientOf(row);
  return {
    requestId: row.request_id,
    ...(client ? { client } : {}),
    ...(row.requested_at === null ? {} : { requestedAt: iso(row.requested_at) }),
  };
}

function pairedOf(row: DeviceRow): PairedDevice {
  const client = clientOf(row);
  return {
    deviceId: row.device_id ?? row.request_id,
    ...(client ? { client } : {}),
    ...(row.paired_at === null ? {} : { pairedAt: iso(row.paired_at) }),
  };
}

export function listDevices(ctx: UserContext): Outcome<DeviceList> {
  const rows = ctx.sql.exec<DeviceRow>("SELECT * FROM devices ORDER BY requested_at, request_id").toArray();
  return success({
    pending: rows.filter((row) => row.paired_at === null).map(pendingOf),
    paired: rows
      .filter((row) => row.paired_at !== null)
      .sort((a, b) => (a.paired_at ?? 0) - (b.paired_at ?? 0))
      .map(pairedOf),
  });
}

/**
 * Moves a pending request to paired. Approving it again answers `approved: true` and changes
 * nothing; an unknown request id is the runtime's 404.
 */
export function approveDevice(ctx: UserContext, requestId: string): Outcome<{ approved: boolean; requestId: string }> {
  const row = ctx.sql.exec<DeviceRow>("SELECT * FROM devices WHERE request_id = ?", requestId).toArray()[0];
  if (!row) return failure(404, `device request not found: ${requestId}`);
  if (row.paired_at !== null) return success({ approved: true, requestId });
  ctx.sql.exec(
    "UPDATE devices SET paired_at = ?, device_id = COALESCE(device_id, ?) WHERE request_id = ?",
    ctx.now(),
    `dev-${randomHex(8)}`,
    requestId,
  );
  return success({ approved: true, requestId }, "device.approved");
}

export type DeviceSeed = {
  pending?: Array<{ requestId: string; client?: DeviceClient | undefined; requestedAt?: string | undefined }> | undefined;
  paired?: Array<{ deviceId: string; client?: DeviceClient | undefined; pairedAt?: string | undefined }> | undefined;
};

/** Control surface: add pending requests (a device asking to pair) and already paired devices. */
export function seedDevices(ctx: UserContext, seed: DeviceSeed): void {
  const now = ctx.now();
  for (const device of seed.pending ?? []) {
    ctx.sql.exec(
      "INSERT OR REPLACE INTO devices (request_id, device_id, platform, mode, requested_at, paired_at) VALUES (?, NULL, ?, ?, ?, NULL)",
      device.requestId,
      device.client?.platform ?? null,
      device.client?.mode ?? null,
      device.requestedAt ? Date.parse(device.requestedAt) : now,
    );
  }
  for (const device of seed.paired ?? []) {
    const pairedAt = device.pairedAt ? Date.parse(device.pairedAt) : now;
    ctx.sql.exec(
      "INSERT OR REPLACE INTO devices (request_id, device_id, platform, mode, requested_at, paired_at) VALUES (?, ?, ?, ?, ?, ?)",
      `seeded:${device.deviceId}`,
      device.deviceId,
      device.client?.platform ?? null,
      device.client?.mode ?? null,
      pairedAt,
      pairedAt,
    );
  }
}
