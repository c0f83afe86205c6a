import { getAgentByName } from "agents";
import { generateId } from "ai";
import { ThreadAttachments } from "../attachments/thread-attachments.ts";
import { type AgentConfig, type AgentWorkerEnv, readConfig } from "../config.ts";
import { type Failure, failure } from "../failure.ts";
import { ThreadJobs } from "../jobs/thread-jobs.ts";
import { selectModel } from "../model/provider.ts";
import type { OpenClawClient } from "../openclaw/client.ts";
import { configuredOpenClawClient } from "../openclaw/configured-client.ts";
import { RUN_LEASE_MS, ThreadQuota } from "../quotas/thread-quota.ts";
import { isUserTurn, RunEngine } from "../runs/run-engine.ts";
import { RunHub } from "../runs/run-hub.ts";
import { SearchSync } from "../search/search-sync.ts";
import { ApprovalStore } from "../storage/approval-store.ts";
import { type Commit, commitThenPublish } from "../storage/commit-then-publish.ts";
import { EventLog } from "../storage/event-log.ts";
import { meteredSql, type WriteMeter } from "../storage/metered-sql.ts";
import { ReceiptStore } from "../storage/receipt-store.ts";
import { RunStore } from "../storage/run-store.ts";
import { migrateThreadSchema } from "../storage/thread-schema.ts";
import { type ThreadMeta, ThreadStore } from "../storage/thread-store.ts";
import { compactRun } from "../thread/thread-metadata.ts";
import { IndexSync } from "../threads-index/index-sync.ts";
import { buildThreadTools } from "../tools/thread-tools.ts";
import type { UserAgent } from "./user-agent.ts";

/** The ThreadAgent's scheduled callbacks: the Agents SDK calls them back by these names. */
export type ThreadCallback = "syncIndex" | "syncSearch" | "wake" | "expireApprovals" | "compactRun";

/** What the services need from the Durable Object that hosts them (its state and the SDK's capabilities). */
export type ThreadHost = {
  ctx: DurableObjectState;
  env: AgentWorkerEnv;
  schedule(when: Date | number, callback: ThreadCallback, payload: object, options?: { idempotent?: boolean }): Promise<unknown>;
  /** When (epoch seconds) each pending `wake` schedule fires. */
  wakeTimes(): number[];
  keepAliveDuring<T>(fn: () => Promise<T>): Promise<T>;
};

/** One thread's stores, logs and engines, built once per Durable Object instance. */
export type ThreadServices = {
  readonly host: ThreadHost;
  readonly config: AgentConfig;
  readonly store: ThreadStore;
  readonly runStore: RunStore;
  readonly log: EventLog;
  /** Every write of this thread: one transaction, its events published once it committed. */
  readonly commit: Commit;
  readonly approvalStore: ApprovalStore;
  readonly receipts: ReceiptStore;
  readonly hub: RunHub;
  readonly index: IndexSync;
  /** Feeds the owner's message search from this thread's log. */
  readonly search: SearchSync;
  /** Set once the thread's storage is wiped, until the runtime discards this instance. */
  deleted: boolean;
  /** The run engine (built on first use: it is addressed by the thread's id). */
  runs(threadId: string): RunEngine;
  /** The thread's files (rows here, bytes in R2). */
  attachments(threadId: string): ThreadAttachments;
  /** Jobs, schedules and follow-ups. */
  work(threadId: string): ThreadJobs;
  /** The owner's quota slots, as seen from this thread. */
  quota(threadId: string, ownerId: string): ThreadQuota;
  /** The tools for one run, acting for the thread's owner. */
  toolsFor(runId: string): ReturnType<typeof buildThreadTools>;
  userAgent(userId: string): Promise<DurableObjectStub<UserAgent>>;
  /** The thread's meta when `userId` owns it; another user's thread does not exist for them. */
  ownedMeta(userId: string): ThreadMeta | Failure;
};

const newId = (prefix: string) => `${prefix}_${generateId()}`;

export function buildThreadServices(host: ThreadHost): ThreadServices {
  const { ctx, env } = host;
  migrateThreadSchema(ctx.storage);
  const config = readConfig(env);
  const meter: WriteMeter = { rowsWritten: 0 };
  // This thread's storage, metered (the SDK's own `sql` tag is a different thing).
  const sql = meteredSql(ctx.storage.sql, meter);
  const store = new ThreadStore(sql);
  const runStore = new RunStore(sql);
  const log = new EventLog(sql);
  const approvalStore = new ApprovalStore(sql);
  const receipts = new ReceiptStore(sql);
  const commit = commitThenPublish(ctx.storage, log);
  const hub = new RunHub();
  const waitUntil = (promise: Promise<unknown>) => ctx.waitUntil(promise);
  const retryLater = (callback: "syncIndex" | "syncSearch") => () => {
    ctx.waitUntil(
      host.schedule(30, callback, {}, { idempotent: true }).then(
        () => undefined,
        () => undefined,
      ),
    );
  };
  let engine: RunEngine | null = null;
  let attachmentsOf: ThreadAttachments | null = null;
  let background: ThreadJobs | null = null;

  const userAgent = (userId: string) => getAgentByName<AgentWorkerEnv, UserAgent>(env.USER_AGENT, userId);
  const quota = (threadId: string, ownerId: string) =>
    new ThreadQuota({ threadId, limits: config.quotas, userAgent: () => userAgent(ownerId), waitUntil });
  const ownerQuota = () => {
    const meta = store.meta()!;
    return quota(meta.threadId, meta.ownerId);
  };
  const openclawClient = (): OpenClawClient | null => {
    const meta = store.meta();
    return meta ? configuredOpenClawClient(config, meta.ownerId) : null;
  };

  /** A user turn's run slot (`${threadId}/${runId}`) goes back once the run holds nothing; system turns hold none. */
  const releaseRunSlot = (runId: string) => {
    const meta = store.meta();
    const run = runStore.get(runId);
    if (meta && run && isUserTurn(run, store)) quota(meta.threadId, meta.ownerId).release("run", [runId]);
  };

  const scheduleCompaction = (runId: string) => {
    const grace = config.retentionGraceSeconds;
    if (grace === 0) {
      compactRun(services, runId);
      return;
    }
    ctx.waitUntil(host.schedule(grace, "compactRun", { runId }).then(() => undefined));
  };

  /** Arms one alarm-backed wake-up at `at` unless an earlier future one is already set. */
  const wakeAt = (at: number) => {
    // The scheduler counts whole seconds: round up so a wake-up never comes before the work is due.
    const when = Math.max(Math.ceil(at / 1000) * 1000, Date.now());
    const now = Date.now();
    // A wake-up whose time has come is firing (or just fired) and will not come again.
    const pending = host.wakeTimes().filter((time) => time * 1000 > now);
    if (pending.some((time) => time * 1000 <= when)) return;
    ctx.waitUntil(
      host.schedule(new Date(when), "wake", {}).then(
        () => undefined,
        (error) => console.error("could not arm the wake-up alarm", error),
      ),
    );
  };

  /** The tools for one run, acting for the thread's owner. */
  const toolsFor = (runId: string) => {
    const threadId = store.meta()!.threadId;
    return buildThreadTools({
      runId,
      config,
      client: openclawClient(),
      store,
      runs: runStore,
      approvals: approvalStore,
      receipts,
      log,
      background: services.work(threadId),
      commit,
      newId,
    });
  };

  const services: ThreadServices = {
    host,
    config,
    store,
    runStore,
    log,
    commit,
    approvalStore,
    receipts,
    hub,
    deleted: false,
    index: new IndexSync({
      db: env.DB,
      store,
      runs: runStore,
      approvals: approvalStore,
      log,
      provider: config.provider,
      model: () => selectModel(config),
      waitUntil,
      commit,
      publishToUser: async (update) => (await userAgent(update.row.userId)).publish(update),
      retryLater: retryLater("syncIndex"),
    }),
    search: new SearchSync({
      sql: ctx.storage.sql,
      store,
      waitUntil,
      push: async (ownerId, threadId, docs) => (await userAgent(ownerId)).indexMessages(threadId, docs),
      retryLater: retryLater("syncSearch"),
    }),
    runs(threadId) {
      engine ??= new RunEngine({
        threadId,
        commit,
        store,
        runs: runStore,
        log,
        hub,
        config,
        model: () => selectModel(config),
        keepAliveWhile: (fn) => host.keepAliveDuring(fn),
        newId,
        afterRun: scheduleCompaction,
        onRunSettled: releaseRunSlot,
        acquireRunSlot: (runId) => ownerQuota().acquire("run", runId, Date.now() + RUN_LEASE_MS),
        refreshRunSlot: (runId) => ownerQuota().refresh("run", runId, Date.now() + RUN_LEASE_MS),
        meter,
        approvals: approvalStore,
        receipts,
        tools: toolsFor,
        approvalTtlSeconds: config.approvalTtlSeconds,
        onApprovalRequested: (approval) => {
          ctx.waitUntil(host.schedule(new Date(approval.expiresAt + 1000), "expireApprovals", {}).then(() => undefined));
        },
        attachments: {
          facts: (id) => services.attachments(threadId).store.get(id),
          bytes: async (id) => {
            const record = services.attachments(threadId).store.get(id);
            const object = record ? await env.ATTACHMENTS.get(record.r2Key) : null;
            return object ? new Uint8Array(await object.arrayBuffer()) : null;
          },
        },
      });
      return engine;
    },
    attachments(threadId) {
      attachmentsOf ??= new ThreadAttachments({
        threadId,
        sql,
        log,
        bucket: env.ATTACHMENTS,
        commit,
        newId: () => newId("att"),
      });
      return attachmentsOf;
    },
    work(threadId) {
      background ??= new ThreadJobs({
        sql,
        log,
        hub,
        commit,
        client: openclawClient,
        wakeAt,
        postToThread: (text, origin) => services.runs(threadId).submitSystemTurn(text, origin),
        newId,
        pollMs: config.jobPollMs,
        maxAttempts: 6,
        quota: quota(threadId, store.meta()!.ownerId),
      });
      return background;
    },
    quota,
    toolsFor,
    userAgent,
    ownedMeta(userId) {
      const meta = services.deleted ? null : store.meta();
      if (!meta || meta.ownerId !== userId) return failure("thread_not_found", "No such thread.");
      return meta;
    },
  };
  log.subscribe((event) => services.search.onEvent(event));
  return services;
}
