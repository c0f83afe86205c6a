import type { AgentConfig } from "../config.ts";
import { OpenClawClient } from "./client.ts";

/**
 * The OpenClaw API client acting for `userId`, or null when the API is not configured. Both the
 * base and its own key are required: the key the agent worker accepts (OA_INTERNAL_KEY) is never
 * sent onward, so a base without OPENCLAW_API_KEY means "not configured", not "use the other key".
 */
export function configuredOpenClawClient(config: AgentConfig, userId: string): OpenClawClient | null {
  if (!config.openclawApiBase || !config.openclawApiKey) return null;
  return new OpenClawClient({
    baseUrl: config.openclawApiBase,
    apiKey: config.openclawApiKey,
    userId,
    timeoutMs: config.openclawTimeoutMs,
  });
}
