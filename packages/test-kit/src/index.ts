// Helpers both test suites use: the agent worker's (in workerd) and the system suite's (in Node).
// Nothing here may import node:* — workerd runs it too.
export { PlainChat, PlainChatState } from "./chat-state.ts";
export { liveFeed, type LiveFeed } from "./live-feed.ts";
export { readFramesUntil, sseDataPayloads, type SseFrame } from "./sse.ts";
export { messageFromChunks, textOf, toolParts, type ToolPart } from "./ui-message.ts";
export { waitUntil, type WaitOptions } from "./wait.ts";
