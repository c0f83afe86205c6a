import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for api.openai.com that speaks the real wire protocol: the Responses API
 * (`POST /v1/responses`) and Chat Completions (`POST /v1/chat/completions`), streamed as SSE or
 * answered as JSON. It records every request so tests can check what the agent sent.
 */

export type RecordedRequest = {
  method: string;
  path: string;
  /** Lower-cased header names, as Node reports them. */
  headers: Record<string, string | undefined>;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: any;
  streamed: boolean;
  /** When the request arrived (epoch ms). */
  receivedAt: number;
};

/** What the fake does with a request (a non-streamed request always gets the whole reply). */
export type FakeBehaviour =
  /** Answers `text`, streamed a word at a time. */
  | { type: "reply"; text: string }
  /** Answers an HTTP error with OpenAI's JSON error body. */
  | { type: "fail"; status: number; message: string; code?: string; headers?: Record<string, string> }
  /** Starts streaming `text`, then cuts the connection after `afterDeltas` deltas (streamed requests only). */
  | { type: "drop"; text: string; afterDeltas: number };

export type FakeOpenAI = {
  /** The base URL to configure as OPENAI_BASE_URL, ending in `/v1`. */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Sets the behaviour for every following request; a function decides per request. */
  behave(behaviour: FakeBehaviour | ((request: RecordedRequest) => FakeBehaviour)): void;
  /** Forgets recorded requests. */
  reset(): void;
  close(): Promise<void>;
};

const DELTA_DELAY_MS = 5;
// A real provider takes a moment to answer; it also makes "answered after it arrived" observable.
const JSON_LATENCY_MS = 20;

/** Splits text into word-sized deltas that join back to exactly `text`. */
export function toDeltas(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [text];
}

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;
const now = () => Math.floor(Date.now() / 1000);
const pause = () => new Promise((resolve) => setTimeout(resolve, DELTA_DELAY_MS));
// Close enough for usage accounting; the SDK only needs plausible integers.
const tokenCount = (value: unknown) => Math.max(1, Math.ceil(JSON.stringify(value ?? "").length / 4));

async function readBody(request: IncomingMessage): Promise<any> {
  let raw = "";
  for await (const chunk of request) raw += chunk;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

function openSse(response: ServerResponse): void {
  response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" });
  // Send the headers now, as OpenAI does, so the client starts reading before the first event.
  response.flushHeaders();
}

/** What a stream writes: each call is one SSE event. `cut` ends the stream as the behaviour asks. */
type SseWriter = { event(data: unknown, name?: string): Promise<void>; cut(deltasSent: number): boolean; end(): void };

function sseWriter(response: ServerResponse, behaviour: FakeBehaviour): SseWriter {
  let dropped = false;
  return {
    async event(data, name) {
      response.write(`${name ? `event: ${name}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
      await pause();
    },
    cut(deltasSent) {
      if (behaviour.type !== "drop" || deltasSent < behaviour.afterDeltas) return false;
      // A hard reset mid-body, like a proxy or provider dying: no terminating chunk, no [DONE].
      response.socket?.destroy();
      dropped = true;
      return true;
    },
    end() {
      if (!dropped) response.end();
    },
  };
}

/** The Responses API event sequence for one assistant message, as api.openai.com sends it. */
async function streamResponses(write: SseWriter, model: string, text: string, inputTokens: number): Promise<void> {
  const responseId = newId("resp");
  const itemId = newId("msg");
  let sequence = 0;
  const event = (type: string, fields: Record<string, unknown>) => write.event({ type, sequence_number: sequence++, ...fields }, type);
  const response = (status: string, extra: Record<string, unknown> = {}) => ({
    id: responseId,
    object: "response",
    created_at: now(),
    status,
    model,
    output: [],
    usage: null,
    ...extra,
  });

  await event("response.created", { response: response("in_progress") });
  await event("response.in_progress", { response: response("in_progress") });
  await event("response.output_item.added", {
    output_index: 0,
    item: { id: itemId, type: "message", status: "in_progress", role: "assistant", content: [] },
  });
  await event("response.content_part.added", {
    item_id: itemId,
    output_index: 0,
    content_index: 0,
    part: { type: "output_text", text: "", annotations: [] },
  });
  const deltas = toDeltas(text);
  for (const [index, delta] of deltas.entries()) {
    if (write.cut(index)) return;
    await event("response.output_text.delta", { item_id: itemId, output_index: 0, content_index: 0, delta, logprobs: [] });
  }
  const part = { type: "output_text", text, annotations: [] };
  const item = { id: itemId, type: "message", status: "completed", role: "assistant", content: [part] };
  await event("response.output_text.done", { item_id: itemId, output_index: 0, content_index: 0, text, logprobs: [] });
  await event("response.content_part.done", { item_id: itemId, output_index: 0, content_index: 0, part });
  await event("response.output_item.done", { output_index: 0, item });
  await event("response.completed", {
    response: response("completed", { output: [item], usage: responsesUsage(inputTokens, deltas.length) }),
  });
}

function responsesUsage(inputTokens: number, outputTokens: number) {
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + outputTokens,
  };
}

function responsesJson(model: string, text: string, inputTokens: number) {
  return {
    id: newId("resp"),
    object: "response",
    created_at: now(),
    status: "completed",
    model,
    output: [
      {
        id: newId("msg"),
        type: "message",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text, annotations: [] }],
      },
    ],
    usage: responsesUsage(inputTokens, toDeltas(text).length),
  };
}

/** Chat Completions chunks: a role chunk, content deltas, a finish chunk, a usage chunk, [DONE]. */
async function streamChatCompletions(write: SseWriter, model: string, text: string, inputTokens: number): Promise<void> {
  const base = { id: newId("chatcmpl"), object: "chat.completion.chunk", created: now(), model, system_fingerprint: "fp_fake" };
  const choice = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });

  await write.event(choice({ role: "assistant", content: "", refusal: null }));
  const deltas = toDeltas(text);
  for (const [index, content] of deltas.entries()) {
    if (write.cut(index)) return;
    await write.event(choice({ content }));
  }
  await write.event(choice({}, "stop"));
  // OpenAI sends usage only when asked (stream_options.include_usage); many compatible servers
  // always do. Sending it unasked proves the client tolerates a chunk with no choices.
  await write.event({ ...base, choices: [], usage: chatUsage(inputTokens, deltas.length) });
  await write.event("[DONE]");
}

function chatUsage(inputTokens: number, outputTokens: number) {
  return { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens };
}

function chatCompletionJson(model: string, text: string, inputTokens: number) {
  return {
    id: newId("chatcmpl"),
    object: "chat.completion",
    created: now(),
    model,
    system_fingerprint: "fp_fake",
    choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, logprobs: null, finish_reason: "stop" }],
    usage: chatUsage(inputTokens, toDeltas(text).length),
  };
}

function errorBody(behaviour: Extract<FakeBehaviour, { type: "fail" }>) {
  const type = behaviour.status === 429 ? "requests" : behaviour.status >= 500 ? "server_error" : "invalid_request_error";
  return { error: { message: behaviour.message, type, param: null, code: behaviour.code ?? null } };
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  let decide: (request: RecordedRequest) => FakeBehaviour = () => ({ type: "reply", text: "Hello from the fake model." });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const recorded: RecordedRequest = {
      method: req.method ?? "",
      path: new URL(req.url ?? "/", "http://fake").pathname,
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : value]),
      ),
      body,
      streamed: body?.stream === true,
      receivedAt: Date.now(),
    };
    requests.push(recorded);

    const endpoint = recorded.method === "POST" ? recorded.path : "";
    if (endpoint !== "/v1/responses" && endpoint !== "/v1/chat/completions") {
      return sendJson(res, 404, {
        error: {
          message: `Unknown request URL: ${recorded.method} ${recorded.path}`,
          type: "invalid_request_error",
          param: null,
          code: "unknown_url",
        },
      });
    }
    const behaviour = decide(recorded);
    if (behaviour.type === "fail") return sendJson(res, behaviour.status, errorBody(behaviour), behaviour.headers);

    const model = typeof body?.model === "string" ? body.model : "unknown";
    const inputTokens = tokenCount(body?.input ?? body?.messages);
    if (!recorded.streamed) {
      await new Promise((resolve) => setTimeout(resolve, JSON_LATENCY_MS));
      const json =
        endpoint === "/v1/responses"
          ? responsesJson(model, behaviour.text, inputTokens)
          : chatCompletionJson(model, behaviour.text, inputTokens);
      return sendJson(res, 200, json);
    }
    openSse(res);
    const write = sseWriter(res, behaviour);
    if (endpoint === "/v1/responses") await streamResponses(write, model, behaviour.text, inputTokens);
    else await streamChatCompletions(write, model, behaviour.text, inputTokens);
    write.end();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    behave(behaviour) {
      decide = typeof behaviour === "function" ? behaviour : () => behaviour;
    },
    reset() {
      requests.length = 0;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
