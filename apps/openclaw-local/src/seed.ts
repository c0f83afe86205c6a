import {
  deviceClientSchema,
  gatewayStatusSchema,
  type InstanceSummary,
  instanceStatusSchema,
  type PairingChannel,
  pairingChannelSchema,
  pairingCodeSchema,
  sessionKindSchema,
  transcriptRoleSchema,
} from "@oa/protocol";
import { z } from "zod";
import { setBalance } from "./billing.ts";
import type { UserContext } from "./context.ts";
import { seedDevices } from "./devices.ts";
import { seedInstance } from "./instance.ts";
import { addPairingRequests, type PairingSeedResult } from "./pairing.ts";
import { seedGateway } from "./runtime.ts";
import { seedSessions } from "./sessions.ts";

const id = z.string().trim().min(1).max(200);
const isoTime = z.iso.datetime();

/** Control surface: put one user's world into a known state. Every section is optional. */
export const seedSchema = z.strictObject({
  /** null removes the instance (and its runtime); a `provisioning` one becomes ready after `readyInMs`. */
  instance: z
    .strictObject({ status: instanceStatusSchema, readyInMs: z.number().int().min(0).max(86_400_000).optional() })
    .nullable()
    .optional(),
  gateway: z.strictObject({ status: gatewayStatusSchema.optional(), lastBackup: isoTime.nullable().optional() }).optional(),
  devices: z
    .strictObject({
      pending: z
        .array(z.strictObject({ requestId: id, client: deviceClientSchema.optional(), requestedAt: isoTime.optional() }))
        .max(100)
        .optional(),
      paired: z
        .array(z.strictObject({ deviceId: id, client: deviceClientSchema.optional(), pairedAt: isoTime.optional() }))
        .max(100)
        .optional(),
    })
    .optional(),
  /** Senders asking to pair, per channel; `ageMs` backdates a request (for expiry). */
  pairing: z
    .partialRecord(
      pairingChannelSchema,
      z
        .array(
          z.strictObject({
            id: id.optional(),
            code: pairingCodeSchema.optional(),
            meta: z.record(z.string(), z.string()).optional(),
            ageMs: z
              .number()
              .int()
              .min(0)
              .max(30 * 86_400_000)
              .optional(),
          }),
        )
        .max(20),
    )
    .optional(),
  sessions: z
    .array(
      z.strictObject({
        key: id,
        kind: sessionKindSchema,
        channel: z.string().max(100).optional(),
        displayName: z.string().max(200).optional(),
        model: z.string().max(200).optional(),
        ageMinutes: z.number().min(0).max(525_600).optional(),
        messages: z
          .array(z.strictObject({ role: transcriptRoleSchema, text: z.string().max(100_000), toolName: z.string().max(200).optional() }))
          .max(1000)
          .optional(),
      }),
    )
    .max(100)
    .optional(),
  balance_usd: z.number().finite().optional(),
});
export type Seed = z.infer<typeof seedSchema>;

export type SeedResult = {
  instance?: InstanceSummary | null;
  pairing?: Partial<Record<PairingChannel, PairingSeedResult>>;
};

/** Applies the sections in a fixed order: instance first, so a `ready` seed's gateway and sessions exist. */
export function applySeed(ctx: UserContext, userId: string, seed: Seed): SeedResult {
  return ctx.storage.transactionSync(() => {
    const result: SeedResult = {};
    if (seed.instance !== undefined) result.instance = seedInstance(ctx, userId, seed.instance);
    if (seed.gateway) seedGateway(ctx, seed.gateway);
    if (seed.devices) seedDevices(ctx, seed.devices);
    if (seed.pairing) {
      result.pairing = {};
      for (const [channel, requests] of Object.entries(seed.pairing) as Array<
        [PairingChannel, NonNullable<Seed["pairing"]>[PairingChannel]]
      >) {
        result.pairing[channel] = addPairingRequests(ctx, channel, requests ?? []);
      }
    }
    if (seed.sessions) seedSessions(ctx, seed.sessions);
    if (seed.balance_usd !== undefined) setBalance(ctx, seed.balance_usd);
    return result;
  });
}
