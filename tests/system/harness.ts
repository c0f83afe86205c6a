import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readUIMessageStream, type UIMessage, type UIMessageChunk } from "ai";
// @ts-expect-error -- plain ESM helper shared with the start script
import { startWrangler } from "../../scripts/lib/wrangler.mjs";
// @ts-expect-error -- plain ESM helper shared with the start script
import { root, writeEnvFile } from "../../scripts/lib/dev-key.mjs";

export type Runtime = {
  url: string;
  key: string;
  kill(signal?: NodeJS.Signals): void;
  stop(signal?: NodeJS.Signals): Promise<void>;
  output(): string;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** A private state folder for one test file; `cleanup()` removes it. */
export function tempState(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "oa-state-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts the agent worker under `wrangler dev` with its own key, port and state folder. */
export async function startAgentWorker(options: { stateDir: string; vars?: Record<string, string>; port?: number; key?: string }): Promise<Runtime> {
  const key = options.key ?? randomBytes(16).toString("hex");
  const port = options.port ?? (await freePort());
  const envFile = writeEnvFile(`system-${port}`, { OA_INTERNAL_KEY: key, OFFLINE_MODEL_DELAY_MS: "5", ...options.vars });
  const runtime = await startWrangler({
    configs: [join(root, "apps/agent-worker/wrangler.jsonc")],
    port,
    persistTo: options.stateDir,
    envFile,
    quiet: true,
  });
  return { ...runtime, key };
}

export function client(runtime: Pick<Runtime, "url" | "key">, userId: string) {
  const headers = { "x-oa-internal-key": runtime.key, "x-oa-user-id": userId, "content-type": "application/json" };
  return {
    chat: (body: unknown, init: RequestInit = {}) =>
      fetch(`${runtime.url}/internal/chat`, { method: "POST", headers, body: JSON.stringify(body), ...init }),
    get: (path: string) => fetch(`${runtime.url}${path}`, { headers }),
    post: (path: string, body?: unknown) =>
      fetch(`${runtime.url}${path}`, { method: "POST", headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
  };
}

export async function sseChunks(response: Response): Promise<UIMessageChunk[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .map((frame) => frame.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join(""))
    .filter((data) => data !== "" && data !== "[DONE]")
    .map((data) => JSON.parse(data) as UIMessageChunk);
}

export async function readAnswer(response: Response): Promise<UIMessage> {
  const chunks = await sseChunks(response);
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  let last: UIMessage | undefined;
  for await (const message of readUIMessageStream({ stream })) last = message;
  if (!last) throw new Error("no message in stream");
  return last;
}

export function textOf(message: { parts: Array<{ type: string; text?: string }> }): string {
  return message.parts.filter((part) => part.type === "text").map((part) => part.text).join("");
}
