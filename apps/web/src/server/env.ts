/** The web worker's bindings, vars and secrets (generated types plus the secrets). */
export type WebEnv = Omit<Env, "AGENT" | "SESSIONS" | "DEV_LOGIN"> & {
  /** The agent worker, privately (production). Absent when the config declares no binding. */
  AGENT?: Fetcher;
  /** Server-side sessions; absent only in a broken config, which then refuses to serve. */
  SESSIONS?: D1Database;
  /** `true` turns the dev login on; absent or anything else leaves it off. */
  DEV_LOGIN?: string;
  OA_INTERNAL_KEY?: string;
  SESSION_SECRET?: string;
  WORKOS_API_KEY?: string;
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
};
