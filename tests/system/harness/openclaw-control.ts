import type { Fault, FaultSpec } from "../../../apps/openclaw-local/src/faults.ts";
import type { LoggedRequest } from "../../../apps/openclaw-local/src/request-log.ts";
import type { Seed, SeedResult } from "../../../apps/openclaw-local/src/seed.ts";
import type { Runtime } from "./processes.ts";

export type FaultInput = Omit<FaultSpec, "method" | "phase"> & Partial<Pick<FaultSpec, "method" | "phase">>;
export type { Fault, LoggedRequest, Seed, SeedResult };

export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A typed client for one user's world in openclaw-local; failures throw `ControlError`. */
export function openclawControl(openclaw: Pick<Runtime, "url" | "key">, userId: string) {
  const base = `${openclaw.url}/__control/users/${encodeURIComponent(userId)}`;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { "x-oa-internal-key": openclaw.key, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const envelope = (await response.json()) as { ok: boolean; data: T; error: string | null };
    if (!response.ok || !envelope.ok) throw new ControlError(response.status, `control ${method} ${path}: ${envelope.error}`);
    return envelope.data;
  };
  return {
    seed: (seed: Seed) => call<SeedResult>("POST", "/seed", seed),
    setBalance: (balanceUsd: number) => call<{ balance_usd: number }>("PUT", "/balance", { balance_usd: balanceUsd }),
    addFault: (fault: FaultInput) => call<Fault>("POST", "/faults", fault),
    faults: () => call<Fault[]>("GET", "/faults"),
    clearFaults: () => call<{ cleared: number }>("DELETE", "/faults"),
    /** The user's API requests after `after` (a seq), in order. */
    requests: (after = 0) => call<LoggedRequest[]>("GET", `/requests?after=${after}`),
    reset: () => call<{ reset: true }>("POST", "/reset"),
  };
}

export type OpenClawControl = ReturnType<typeof openclawControl>;
