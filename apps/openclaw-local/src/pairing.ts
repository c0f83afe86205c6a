import { PAIRING_CODE_ALPHABET, type PairingChannel, type PairingRequest, pairingChannels } from "@oa/protocol";
import { iso, type UserContext } from "./context.ts";
import { type Failure, failure, type Outcome, success } from "./envelope.ts";

/** DM pairing as the OpenClaw runtime does it: per channel, 8-character codes, 1 h, 3 pending. */
export const PAIRING_CODE_LENGTH = 8;
export const PAIRING_TTL_MS = 60 * 60 * 1000;
export const MAX_PENDING_PER_CHANNEL = 3;

type PairingRow = { channel: string; sender_id: string; code: string; meta: string | null; created_at: number; last_seen_at: number };

/** Channel names are case-insensitive; anything but the six DM channels is the runtime's 404. */
export function resolveChannel(raw: string): PairingChannel | Failure {
  const channel = raw.trim().toLowerCase();
  return (pairingChannels as readonly string[]).includes(channel)
    ? (channel as PairingChannel)
    : failure(404, `channel does not support pairing: ${raw.trim()}`);
}

export function generatePairingCode(): string {
  // 256 is a multiple of the 32-character alphabet, so `byte % 32` is uniform.
  const bytes = crypto.getRandomValues(new Uint8Array(PAIRING_CODE_LENGTH));
  return Array.from(bytes, (byte) => PAIRING_CODE_ALPHABET[byte % PAIRING_CODE_ALPHABET.length]).join("");
}

function requestOf(row: PairingRow): PairingRequest {
  return {
    id: row.sender_id,
    code: row.code,
    createdAt: iso(row.created_at),
    lastSeenAt: iso(row.last_seen_at),
    ...(row.meta === null ? {} : { meta: JSON.parse(row.meta) as Record<string, string> }),
  };
}

/** Expired requests are gone: they can neither be listed nor approved. */
function pruneExpired(ctx: UserContext): void {
  ctx.sql.exec("DELETE FROM pairing_requests WHERE created_at <= ?", ctx.now() - PAIRING_TTL_MS);
}

function pendingRows(ctx: UserContext, channel: PairingChannel): PairingRow[] {
  pruneExpired(ctx);
  return ctx.sql.exec<PairingRow>("SELECT * FROM pairing_requests WHERE channel = ? ORDER BY created_at, sender_id", channel).toArray();
}

export function listPairingRequests(ctx: UserContext, channel: PairingChannel): Outcome<{ channel: string; requests: PairingRequest[] }> {
  return success({ channel, requests: pendingRows(ctx, channel).map(requestOf) });
}

/** Approves the sender behind a pending code: it leaves the pending list and may now DM the agent. */
export function approvePairing(
  ctx: UserContext,
  channel: PairingChannel,
  rawCode: string,
  notify: boolean,
): Outcome<{ approved: true; channel: string; code: string; stdout: string; stderr: string }> {
  const code = rawCode.trim().toUpperCase();
  const row = pendingRows(ctx, channel).find((candidate) => candidate.code === code);
  if (!row) return failure(404, `no pending pairing request for code ${code} on ${channel}`);
  ctx.storage.transactionSync(() => {
    ctx.sql.exec("DELETE FROM pairing_requests WHERE channel = ? AND sender_id = ?", channel, row.sender_id);
    ctx.sql.exec(
      "INSERT OR REPLACE INTO pairing_allowed (channel, sender_id, approved_at) VALUES (?, ?, ?)",
      channel,
      row.sender_id,
      ctx.now(),
    );
  });
  const lines = [`Approved ${channel} sender ${row.sender_id}.`];
  if (notify) lines.push(`Notified ${row.sender_id} on ${channel}.`);
  return success({ approved: true, channel, code, stdout: `${lines.join("\n")}\n`, stderr: "" }, "pairing.approved");
}

export type PairingSeed = {
  id?: string | undefined;
  code?: string | undefined;
  meta?: Record<string, string> | undefined;
  ageMs?: number | undefined;
};
export type PairingSeedResult = { created: PairingRequest[]; refreshed: PairingRequest[]; rejected: Array<{ id: string; reason: string }> };

/**
 * A sender DMs the agent and asks to pair (control surface). Like the runtime: a sender that
 * already has a pending request keeps its code, and a channel with 3 pending requests takes no more.
 */
export function addPairingRequests(ctx: UserContext, channel: PairingChannel, seeds: PairingSeed[]): PairingSeedResult {
  const result: PairingSeedResult = { created: [], refreshed: [], rejected: [] };
  for (const seed of seeds) {
    const now = ctx.now();
    const senderId = seed.id ?? String(100_000_000 + Math.floor(Math.random() * 900_000_000));
    const pending = pendingRows(ctx, channel);
    const existing = pending.find((row) => row.sender_id === senderId);
    if (existing) {
      ctx.sql.exec("UPDATE pairing_requests SET last_seen_at = ? WHERE channel = ? AND sender_id = ?", now, channel, senderId);
      result.refreshed.push(requestOf({ ...existing, last_seen_at: now }));
      continue;
    }
    if (pending.length >= MAX_PENDING_PER_CHANNEL) {
      result.rejected.push({ id: senderId, reason: `at most ${MAX_PENDING_PER_CHANNEL} pending requests per channel` });
      continue;
    }
    const taken = new Set(
      ctx.sql
        .exec<{ code: string }>("SELECT code FROM pairing_requests")
        .toArray()
        .map((row) => row.code),
    );
    let code = seed.code ?? generatePairingCode();
    while (seed.code === undefined && taken.has(code)) code = generatePairingCode();
    if (taken.has(code)) {
      result.rejected.push({ id: senderId, reason: `code ${code} is already pending` });
      continue;
    }
    const createdAt = now - (seed.ageMs ?? 0);
    const row: PairingRow = {
      channel,
      sender_id: senderId,
      code,
      meta: seed.meta ? JSON.stringify(seed.meta) : null,
      created_at: createdAt,
      last_seen_at: createdAt,
    };
    ctx.sql.exec(
      "INSERT INTO pairing_requests (channel, sender_id, code, meta, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
      row.channel,
      row.sender_id,
      row.code,
      row.meta,
      row.created_at,
      row.last_seen_at,
    );
    result.created.push(requestOf(row));
  }
  return result;
}
