import { AbstractChat, type ChatInit, type ChatState, type ChatStatus, type UIMessage } from "ai";

/** The smallest ChatState: what useChat keeps in React state, kept in plain fields. */
export class PlainChatState implements ChatState<UIMessage> {
  status: ChatStatus = "ready";
  error: Error | undefined = undefined;
  messages: UIMessage[] = [];
  pushMessage = (message: UIMessage) => void this.messages.push(message);
  popMessage = () => void this.messages.pop();
  replaceMessage = (index: number, message: UIMessage) => void (this.messages[index] = message);
  snapshot = <T>(thing: T): T => structuredClone(thing);
}

/** The AI SDK's own chat client, as useChat drives it, with its state in plain fields (`chatState`). */
export class PlainChat extends AbstractChat<UIMessage> {
  readonly chatState: PlainChatState;
  constructor(init: Omit<ChatInit<UIMessage>, "messages">) {
    const state = new PlainChatState();
    super({ ...init, state });
    this.chatState = state;
  }
}
