export * from "./ids.ts";
export * from "./errors.ts";
export * from "./limits.ts";
export * from "./ui-message.ts";
export * from "./chat.ts";
export * from "./thread.ts";
export * from "./events.ts";
export * from "./approvals.ts";
