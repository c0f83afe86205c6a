import { type AgentConfig, type AgentWorkerEnv, readConfig } from "../config.ts";
import { ApiError } from "../failure.ts";

/**
 * A setting that is present but wrong makes the worker refuse every request, as a missing key
 * does: serving with a half-understood configuration (a gate silently dropped) is worse than not
 * serving. Checked before anything else, including authentication.
 */
export function requireValidConfig(env: AgentWorkerEnv): AgentConfig {
  const config = readConfig(env);
  if (config.problem) throw new ApiError("config_invalid", config.problem.message, config.problem.details);
  return config;
}
