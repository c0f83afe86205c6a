import { createOfflineModel } from "@oa/offline-model";
import { convertToModelMessages, streamText, type UIMessage } from "ai";
import { SYSTEM_PROMPT } from "../../../apps/agent-worker/src/runs/context.ts";

type Env = { OFFLINE_MODEL_DELAY_MS?: string };

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (request.method !== "POST") return new Response("POST a chat body", { status: 405 });
    const body = (await request.json()) as { messages: UIMessage[] };
    const result = streamText({
      model: createOfflineModel({ delayMs: Number(env.OFFLINE_MODEL_DELAY_MS ?? 10) }),
      system: SYSTEM_PROMPT,
      messages: await convertToModelMessages(body.messages),
    });
    return result.toUIMessageStreamResponse();
  },
};
