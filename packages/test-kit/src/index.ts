// Helpers both test suites use: the agent worker's (in workerd) and the system suite's (in Node).
// Nothing here may import node:* — workerd runs it too.
export { PlainChat, PlainChatState } from "./chat-state.ts";
export { type LiveFeed, liveFeed } from "./live-feed.ts";
export { expectedRefusal, REFUSAL_STATUS } from "./refusals.ts";
export { readFramesUntil, type SseFrame, sseDataPayloads } from "./sse.ts";
export { messageFromChunks, type ToolPart, textOf, toolParts } from "./ui-message.ts";
export { type WaitOptions, waitUntil } from "./wait.ts";
