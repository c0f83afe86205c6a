// The system suite's harness: real `wrangler dev` processes and typed clients for them, one concern per module.

export * from "./harness/agent-api.ts";
export * from "./harness/openclaw-control.ts";
export * from "./harness/processes.ts";
export * from "./harness/runtimes.ts";
