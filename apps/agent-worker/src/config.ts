import { busyPolicySchema, type BusyPolicy } from "@oa/protocol";
import { openClawTools, parseApprovalPolicy } from "./tools/openclaw/catalog.ts";
import type { QuotaLimits } from "./user/quota.ts";

/** Every setting the agent worker reads, with its default. Documented in the README's table. */
export type AgentWorkerEnv = Env & {
  OA_INTERNAL_KEY?: string;
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  MAX_STEPS?: string;
  RETENTION_GRACE_SECONDS?: string;
  ALLOW_DEV_SEED?: string;
  OPENCLAW_API_BASE?: string;
  /** The key the agent worker presents to the OpenClaw API: never OA_INTERNAL_KEY (one secret per hop). */
  OPENCLAW_API_KEY?: string;
  OPENCLAW_TIMEOUT_MS?: string;
  APPROVAL_POLICY?: string;
  APPROVAL_TTL_SECONDS?: string;
  JOB_POLL_MS?: string;
  QUOTA_THREADS?: string;
  QUOTA_SCHEDULES_PER_THREAD?: string;
  QUOTA_SCHEDULES_PER_USER?: string;
  QUOTA_ACTIVE_JOBS?: string;
  QUOTA_CONCURRENT_RUNS?: string;
  QUOTA_EVENT_FEEDS?: string;
  FEED_STALL_MS?: string;
};

export type ProviderKind = "offline" | "openai" | "openai-compatible";

export type AgentConfig = {
  provider: ProviderKind;
  model: string;
  openaiApiKey: string | undefined;
  openaiBaseUrl: string | undefined;
  offlineDelayMs: number;
  contextWindow: number;
  /** Messages folded into the summary at once: the summary is updated every `summaryBatch` turns, not every turn. */
  summaryBatch: number;
  busyPolicy: BusyPolicy;
  maxSteps: number;
  /** How long a finished run's chunk events stay before compaction. */
  retentionGraceSeconds: number;
  openclawApiBase: string | undefined;
  openclawApiKey: string | undefined;
  openclawTimeoutMs: number;
  /** Tools that wait for the person's approval (every tool while the policy is invalid). */
  gatedTools: ReadonlySet<string>;
  /** A setting that is present but wrong: the router refuses every request while there is one. */
  problem: ConfigProblem | null;
  approvalTtlSeconds: number;
  /** How often a background job polls the OpenClaw API while it waits. */
  jobPollMs: number;
  /** Per-user limits; over one, a request answers 429 `quota_exceeded` and a tool says so. */
  quotas: QuotaLimits;
  /** An event feed whose reader takes nothing for this long (while bytes wait) is dropped. */
  feedStallMs: number;
};

export type ConfigProblem = { setting: string; message: string; details: Record<string, unknown> };

function intSetting(value: string | undefined, fallback: number, min: number, max: number): number {
  const parsed = Number.parseInt(value ?? "", 10);
  if (!Number.isFinite(parsed)) return fallback;
  return Math.min(max, Math.max(min, parsed));
}

export function readConfig(env: AgentWorkerEnv): AgentConfig {
  const explicit = (env.MODEL_PROVIDER ?? "").trim();
  const provider: ProviderKind =
    explicit === "offline" || explicit === "openai" || explicit === "openai-compatible"
      ? explicit
      : env.OPENAI_BASE_URL
        ? "openai-compatible"
        : env.OPENAI_API_KEY
          ? "openai"
          : "offline";
  const contextWindow = intSetting(env.CONTEXT_WINDOW_MESSAGES, 40, 2, 1000);
  const busy = busyPolicySchema.safeParse(env.BUSY_POLICY);
  const policy = parseApprovalPolicy(env.APPROVAL_POLICY);
  return {
    provider,
    model: env.MODEL?.trim() || "gpt-4o-mini",
    openaiApiKey: env.OPENAI_API_KEY || undefined,
    openaiBaseUrl: env.OPENAI_BASE_URL || undefined,
    offlineDelayMs: intSetting(env.OFFLINE_MODEL_DELAY_MS, 25, 0, 5000),
    contextWindow,
    summaryBatch: Math.max(2, Math.ceil(contextWindow / 2)),
    busyPolicy: busy.success ? busy.data : "queue",
    maxSteps: intSetting(env.MAX_STEPS, 8, 1, 50),
    retentionGraceSeconds: intSetting(env.RETENTION_GRACE_SECONDS, 600, 0, 30 * 24 * 3600),
    openclawApiBase: env.OPENCLAW_API_BASE?.trim() || undefined,
    openclawApiKey: env.OPENCLAW_API_KEY?.trim() || undefined,
    openclawTimeoutMs: intSetting(env.OPENCLAW_TIMEOUT_MS, 15_000, 100, 120_000),
    // Fail closed: code that runs without the router (alarms, jobs) gates every tool instead.
    gatedTools: policy.ok ? policy.gated : new Set(openClawTools.map((spec) => spec.name)),
    problem: policy.ok
      ? null
      : {
          setting: "APPROVAL_POLICY",
          message: `APPROVAL_POLICY names no tool: ${policy.unknown.map((name) => JSON.stringify(name)).join(", ")}. The agent worker refuses to serve until it is fixed.`,
          details: { setting: "APPROVAL_POLICY", unknown: policy.unknown, tools: openClawTools.map((spec) => spec.name) },
        },
    approvalTtlSeconds: intSetting(env.APPROVAL_TTL_SECONDS, 24 * 3600, 1, 30 * 24 * 3600),
    jobPollMs: intSetting(env.JOB_POLL_MS, 3000, 100, 600_000),
    quotas: {
      threads: intSetting(env.QUOTA_THREADS, 1000, 1, 1_000_000),
      schedules_per_thread: intSetting(env.QUOTA_SCHEDULES_PER_THREAD, 20, 1, 10_000),
      schedules_per_user: intSetting(env.QUOTA_SCHEDULES_PER_USER, 100, 1, 100_000),
      active_jobs: intSetting(env.QUOTA_ACTIVE_JOBS, 10, 1, 10_000),
      concurrent_runs: intSetting(env.QUOTA_CONCURRENT_RUNS, 5, 1, 10_000),
      event_feeds: intSetting(env.QUOTA_EVENT_FEEDS, 20, 1, 10_000),
    },
    feedStallMs: intSetting(env.FEED_STALL_MS, 30_000, 100, 600_000),
  };
}
