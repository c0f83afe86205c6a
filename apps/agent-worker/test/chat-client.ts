import { exports } from "cloudflare:workers";
import { AbstractChat, DefaultChatTransport, type ChatInit, type ChatState, type ChatStatus, type UIMessage } from "ai";
import { KEY } from "./helpers.ts";

/** The smallest ChatState: what useChat keeps in React state, kept in plain fields. */
export class TestChatState implements ChatState<UIMessage> {
  status: ChatStatus = "ready";
  error: Error | undefined = undefined;
  messages: UIMessage[] = [];
  pushMessage = (message: UIMessage) => void this.messages.push(message);
  popMessage = () => void this.messages.pop();
  replaceMessage = (index: number, message: UIMessage) => void (this.messages[index] = message);
  snapshot = <T,>(thing: T): T => structuredClone(thing);
}

/** The AI SDK's own chat client, as useChat drives it, pointed at the worker in-process. */
export class TestChat extends AbstractChat<UIMessage> {
  readonly chatState: TestChatState;
  constructor(id: string, userId: string, options: Pick<ChatInit<UIMessage>, "sendAutomaticallyWhen" | "onFinish"> = {}) {
    const state = new TestChatState();
    super({
      id,
      state,
      transport: new DefaultChatTransport({
        api: "http://agent.test/internal/chat",
        headers: { "x-oa-internal-key": KEY, "x-oa-user-id": userId },
        fetch: (input, init) => exports.default.fetch(new Request(input as RequestInfo, init)),
      }),
      ...options,
    });
    this.chatState = state;
  }
}
