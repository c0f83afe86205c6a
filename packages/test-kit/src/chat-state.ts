import type { ChatState, ChatStatus, UIMessage } from "ai";

/** The smallest ChatState: what useChat keeps in React state, kept in plain fields. */
export class PlainChatState implements ChatState<UIMessage> {
  status: ChatStatus = "ready";
  error: Error | undefined = undefined;
  messages: UIMessage[] = [];
  pushMessage = (message: UIMessage) => void this.messages.push(message);
  popMessage = () => void this.messages.pop();
  replaceMessage = (index: number, message: UIMessage) => void (this.messages[index] = message);
  snapshot = <T,>(thing: T): T => structuredClone(thing);
}
