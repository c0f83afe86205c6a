import { AIChatAgent } from "@cloudflare/ai-chat";
import { createOfflineModel } from "@oa/offline-model";
import { getAgentByName, routeAgentRequest } from "agents";
import { convertToModelMessages, streamText, type UIMessage } from "ai";

/** AIChatAgent as its docs use it: the model gets the thread's messages, the SDK persists them. */
export class BenchChat extends AIChatAgent<Env> {
  override async onChatMessage(_onFinish: unknown, options?: { abortSignal?: AbortSignal }) {
    const result = streamText({
      model: createOfflineModel({ delayMs: Number(this.env.OFFLINE_MODEL_DELAY_MS ?? 10) }),
      messages: await convertToModelMessages(this.messages),
      ...(options?.abortSignal ? { abortSignal: options.abortSignal } : {}),
    });
    return result.toUIMessageStreamResponse();
  }

  /** Rows this object's SQLite connection has changed so far (the bench diffs it per turn). */
  rowsChanged(): number {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT total_changes() AS n").one().n;
  }

  /** Benchmark aid: a history of `count` plain messages, written the SDK's own way. */
  async seed(count: number): Promise<number> {
    const messages: UIMessage[] = Array.from({ length: count }, (_, i) => ({
      id: `h${i}`,
      role: i % 2 ? "assistant" : "user",
      parts: [
        { type: "text", text: i % 2 ? `Seeded answer ${i}: it is running fine.` : `Seeded question ${i}: how is my OpenClaw doing?` },
      ],
    }));
    await this.persistMessages(messages);
    return this.messages.length;
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const name = url.searchParams.get("name") ?? "";
    if (url.pathname === "/bench/seed") {
      const stub = await getAgentByName(env.BenchChat, name);
      return Response.json({ count: await stub.seed(Number(url.searchParams.get("count") ?? 0)) });
    }
    if (url.pathname === "/bench/rows") {
      const stub = await getAgentByName(env.BenchChat, name);
      return Response.json({ rows: await stub.rowsChanged() });
    }
    return (await routeAgentRequest(request, env)) ?? new Response("not found", { status: 404 });
  },
} satisfies ExportedHandler<Env>;
