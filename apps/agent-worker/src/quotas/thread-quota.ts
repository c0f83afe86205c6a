import type { UserAgent } from "../agents/user-agent.ts";
import type { LeaseKind, QuotaLimits, QuotaVerdict } from "./quota.ts";

/** A run's slot lasts this long past its start or its last step, if its release is never heard (a crash). */
export const RUN_LEASE_MS = 15 * 60_000;
/** A job's slot outlives its deadline by this much, in case its finish is never heard. */
export const JOB_LEASE_GRACE_MS = 60_000;
const RELEASE_ATTEMPTS = 3;
/** A failed release is tried again after this long times 2^tries. */
const RELEASE_BACKOFF_BASE_MS = 200;

export type ThreadQuotaDeps = {
  threadId: string;
  limits: QuotaLimits;
  userAgent: () => Promise<DurableObjectStub<UserAgent>>;
  waitUntil: (promise: Promise<unknown>) => void;
};

/**
 * One thread's side of its owner's quotas: slots are taken from and given back to the owner's
 * UserAgent, which counts across all their threads. Slot ids are qualified by the thread, so
 * keys only need to be unique within it.
 */
export class ThreadQuota {
  constructor(private readonly deps: ThreadQuotaDeps) {}

  get limits(): QuotaLimits {
    return this.deps.limits;
  }

  leaseId(kind: LeaseKind, key: string): string {
    return kind === "thread" ? key : `${this.deps.threadId}/${key}`;
  }

  async acquire(kind: LeaseKind, key: string, expiresAt: number | null): Promise<QuotaVerdict> {
    const user = await this.deps.userAgent();
    return user.acquireLease({ kind, id: this.leaseId(kind, key), threadId: this.deps.threadId, expiresAt });
  }

  /**
   * In the background (the promise says when it is done), retried a few times: a release that still fails leaves a slot that
   * expires (runs, jobs, feeds, one-off follow-ups) or goes with the thread (threads, cron follow-ups).
   */
  release(kind: LeaseKind, keys: string[]): Promise<void> {
    if (keys.length === 0) return Promise.resolve();
    const ids = keys.map((key) => this.leaseId(kind, key));
    const attempt = async () => {
      for (let tries = 1; ; tries++) {
        try {
          await (await this.deps.userAgent()).releaseLeases(kind, ids);
          return;
        } catch (error) {
          if (tries >= RELEASE_ATTEMPTS) throw error;
          await scheduler.wait(RELEASE_BACKOFF_BASE_MS * 2 ** tries);
        }
      }
    };
    const released = attempt().catch((error) => console.warn(`could not release ${kind} slots`, error));
    this.deps.waitUntil(released);
    return released;
  }

  refresh(kind: LeaseKind, key: string, expiresAt: number): void {
    this.deps.waitUntil(
      this.deps
        .userAgent()
        .then((user) => user.refreshLease(kind, this.leaseId(kind, key), expiresAt))
        .catch((error) => console.warn(`could not refresh a ${kind} slot`, error)),
    );
  }
}
