import { type BusyPolicy, busyPolicySchema } from "@oa/protocol";
import type { QuotaLimits } from "./quotas/quota.ts";
import { openClawTools, parseApprovalPolicy } from "./tools/openclaw/catalog.ts";

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

/**
 * A whole-number setting: empty means the default, a number is clamped into range, anything else
 * (a typo such as `10O` or `ten`) is a problem that stops the worker rather than a silent default.
 */
function intSetting(
  problems: ConfigProblem[],
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = (value ?? "").trim();
  if (text === "") return fallback;
  if (!/^-?\d+$/.test(text)) {
    problems.push({
      setting: name,
      message: `${name} must be a whole number, not ${JSON.stringify(text.slice(0, 40))}.`,
      details: { setting: name },
    });
    return fallback;
  }
  return Math.min(max, Math.max(min, Number.parseInt(text, 10)));
}

/** An enumerated setting: empty means the default; a value outside the list is a problem. */
function oneOf<T extends string>(problems: ConfigProblem[], name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  const text = (value ?? "").trim();
  if (text === "") return undefined;
  if ((allowed as readonly string[]).includes(text)) return text as T;
  problems.push({
    setting: name,
    message: `${name} must be one of ${allowed.join(", ")}; it is ${JSON.stringify(text.slice(0, 40))}.`,
    details: { setting: name, allowed },
  });
  return undefined;
}

export function readConfig(env: AgentWorkerEnv): AgentConfig {
  const problems: ConfigProblem[] = [];
  const int = (name: keyof AgentWorkerEnv & string, fallback: number, min: number, max: number) =>
    intSetting(problems, name, env[name] as string | undefined, fallback, min, max);
  const explicit = oneOf(problems, "MODEL_PROVIDER", env.MODEL_PROVIDER, ["offline", "openai", "openai-compatible"] as const);
  const provider: ProviderKind = explicit
    ? explicit
    : env.OPENAI_BASE_URL
      ? "openai-compatible"
      : env.OPENAI_API_KEY
        ? "openai"
        : "offline";
  const contextWindow = int("CONTEXT_WINDOW_MESSAGES", 40, 2, 1000);
  const busy = oneOf(problems, "BUSY_POLICY", env.BUSY_POLICY, busyPolicySchema.options);
  const policy = parseApprovalPolicy(env.APPROVAL_POLICY);
  if (!policy.ok) {
    problems.unshift({
      setting: "APPROVAL_POLICY",
      message: `APPROVAL_POLICY names no tool: ${policy.unknown.map((name) => JSON.stringify(name)).join(", ")}. The agent worker refuses to serve until it is fixed.`,
      details: { setting: "APPROVAL_POLICY", unknown: policy.unknown, tools: openClawTools.map((spec) => spec.name) },
    });
  }
  const config: Omit<AgentConfig, "problem"> = {
    provider,
    model: env.MODEL?.trim() || "gpt-4o-mini",
    openaiApiKey: env.OPENAI_API_KEY || undefined,
    openaiBaseUrl: env.OPENAI_BASE_URL || undefined,
    offlineDelayMs: int("OFFLINE_MODEL_DELAY_MS", 25, 0, 5000),
    contextWindow,
    summaryBatch: Math.max(2, Math.ceil(contextWindow / 2)),
    busyPolicy: busy ?? "queue",
    maxSteps: int("MAX_STEPS", 8, 1, 50),
    retentionGraceSeconds: int("RETENTION_GRACE_SECONDS", 600, 0, 30 * 24 * 3600),
    openclawApiBase: env.OPENCLAW_API_BASE?.trim() || undefined,
    openclawApiKey: env.OPENCLAW_API_KEY?.trim() || undefined,
    openclawTimeoutMs: int("OPENCLAW_TIMEOUT_MS", 15_000, 100, 120_000),
    // Fail closed: code that runs without the router (alarms, jobs) gates every tool instead.
    gatedTools: policy.ok ? policy.gated : new Set(openClawTools.map((spec) => spec.name)),
    approvalTtlSeconds: int("APPROVAL_TTL_SECONDS", 24 * 3600, 1, 30 * 24 * 3600),
    jobPollMs: int("JOB_POLL_MS", 3000, 100, 600_000),
    quotas: {
      threads: int("QUOTA_THREADS", 1000, 1, 1_000_000),
      schedules_per_thread: int("QUOTA_SCHEDULES_PER_THREAD", 20, 1, 10_000),
      schedules_per_user: int("QUOTA_SCHEDULES_PER_USER", 100, 1, 100_000),
      active_jobs: int("QUOTA_ACTIVE_JOBS", 10, 1, 10_000),
      concurrent_runs: int("QUOTA_CONCURRENT_RUNS", 5, 1, 10_000),
      event_feeds: int("QUOTA_EVENT_FEEDS", 20, 1, 10_000),
    },
    feedStallMs: int("FEED_STALL_MS", 30_000, 100, 600_000),
  };
  return { ...config, problem: problems[0] ?? null };
}
