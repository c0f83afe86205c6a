/** The web worker's bindings, vars and secrets (generated types plus the secrets). */
export type WebEnv = Omit<Env, "AGENT"> & {
  /** The agent worker, privately (production). Absent when the config declares no binding. */
  AGENT?: Fetcher;
  OA_INTERNAL_KEY?: string;
  SESSION_SECRET?: string;
  WORKOS_API_KEY?: string;
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
};
