import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { createOfflineModel } from "@oa/offline-model";
import type { LanguageModel } from "ai";
import type { AgentConfig } from "../config.ts";

/** The language model for this deployment's configuration. */
export function selectModel(config: AgentConfig): LanguageModel {
  switch (config.provider) {
    case "openai": {
      const openai = createOpenAI({
        apiKey: config.openaiApiKey ?? "",
        ...(config.openaiBaseUrl ? { baseURL: config.openaiBaseUrl } : {}),
      });
      return openai.responses(config.model);
    }
    case "openai-compatible": {
      const provider = createOpenAICompatible({
        name: "openai-compatible",
        baseURL: config.openaiBaseUrl ?? "http://127.0.0.1:11434/v1",
        ...(config.openaiApiKey ? { apiKey: config.openaiApiKey } : {}),
      });
      return provider.chatModel(config.model);
    }
    case "offline":
      return createOfflineModel({ delayMs: config.offlineDelayMs });
  }
}
