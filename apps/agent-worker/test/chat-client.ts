import { exports } from "cloudflare:workers";
import { PlainChat } from "@oa/test-kit";
import { type ChatInit, DefaultChatTransport, type UIMessage } from "ai";
import { KEY } from "./helpers.ts";

/** The AI SDK's own chat client, as useChat drives it, pointed at the worker in-process. */
export class TestChat extends PlainChat {
  constructor(id: string, userId: string, options: Pick<ChatInit<UIMessage>, "sendAutomaticallyWhen" | "onFinish"> = {}) {
    super({
      id,
      transport: new DefaultChatTransport({
        api: "http://agent.test/internal/chat",
        headers: { "x-oa-internal-key": KEY, "x-oa-user-id": userId },
        fetch: (input, init) => exports.default.fetch(new Request(input as RequestInfo, init)),
      }),
      ...options,
    });
  }
}
