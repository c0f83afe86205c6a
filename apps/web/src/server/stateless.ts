import { createOpenAI } from "@ai-sdk/openai";
import { createOfflineModel } from "@oa/offline-model";
import { checkUserFilePart, refuseDownloads, uiMessageSchema } from "@oa/protocol";
import { convertToModelMessages, type LanguageModel, streamText, type UIMessage } from "ai";
import { z } from "zod";
import type { WebEnv } from "./env.ts";
import { WebError } from "./errors.ts";

const SYSTEM = "You are the OpenAgents assistant. This chat is stateless: nothing is saved and no tools are available.";

const bodySchema = z.object({ messages: z.array(uiMessageSchema).min(1).max(200) }).passthrough();

function model(env: WebEnv): LanguageModel {
  if (env.OPENAI_API_KEY) {
    return createOpenAI({ apiKey: env.OPENAI_API_KEY, ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}) }).responses(
      env.MODEL || "gpt-4o-mini",
    );
  }
  return createOfflineModel({ delayMs: Number(env.OFFLINE_MODEL_DELAY_MS || 25) });
}

/**
 * The feature flag's other side: with no agent worker configured, `POST /chat` answers in
 * process with `streamText` over the history the browser sends (openagents.com's chat today).
 */
export async function statelessChat(env: WebEnv, body: unknown, signal: AbortSignal): Promise<Response> {
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) throw new WebError("invalid_request", "Send {messages: UIMessage[]} (1–200 messages).");
  // The browser sends the whole history here: every file in it must be inline data, never a URL to fetch.
  for (const message of parsed.data.messages) {
    for (const part of message.parts as Array<Record<string, unknown>>) {
      if (part.type !== "file") continue;
      const check = checkUserFilePart(part);
      if (!check.ok) throw new WebError("unsupported_file_part", check.reason);
    }
  }
  const result = streamText({
    model: model(env),
    system: SYSTEM,
    messages: await convertToModelMessages(parsed.data.messages as UIMessage[]),
    abortSignal: signal,
    experimental_download: refuseDownloads,
  });
  return result.toUIMessageStreamResponse({ headers: { "cache-control": "no-store" } });
}
