import { describe, expect, it } from "vitest";
import { normalizeBaseUrl, OpenClawClient } from "./client.ts";
import { openclawRequests } from "./requests.ts";

type Seen = { method: string; url: string; headers: Headers; body: string | null };

/** Answers like the OpenClaw API worker would, per call, and records what it was sent. */
function fakeApi(answers: Array<(request: Request) => Response | Promise<Response>>) {
  const seen: Seen[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    seen.push({ method: request.method, url: request.url, headers: request.headers, body: init?.body ? String(init.body) : null });
    const answer = answers[Math.min(seen.length - 1, answers.length - 1)]!;
    return answer(request);
  };
  return { seen, fetch: fetchImpl as typeof fetch };
}

const ok = (data: unknown) => () => Response.json({ ok: true, data, error: null });
const err = (status: number, error: string) => () => Response.json({ ok: false, data: null, error }, { status });

function client(api: ReturnType<typeof fakeApi>, timeoutMs = 1000) {
  return new OpenClawClient({ baseUrl: "http://openclaw.test/api/", apiKey: "k", userId: "alice", fetch: api.fetch, timeoutMs });
}

describe("OpenClaw client", () => {
  it("normalises the base URL as the contract says", () => {
    expect(normalizeBaseUrl("https://openagents.com/api/")).toBe("https://openagents.com/api");
    expect(normalizeBaseUrl("openagents.com")).toBe("https://openagents.com/api");
    expect(normalizeBaseUrl("http://127.0.0.1:8789/api")).toBe("http://127.0.0.1:8789/api");
  });

  it("sends the internal key, the user, accept and the Idempotency-Key, and unwraps the envelope", async () => {
    const api = fakeApi([ok({ message: "restarting" })]);
    const result = await client(api).restart("call_123");
    expect(result).toEqual({ ok: true, data: { message: "restarting" } });
    const [request] = api.seen;
    expect(request!.method).toBe("POST");
    expect(request!.url).toBe("http://openclaw.test/api/openclaw/runtime/restart");
    expect(request!.headers.get("x-oa-internal-key")).toBe("k");
    expect(request!.headers.get("x-oa-user-id")).toBe("alice");
    expect(request!.headers.get("accept")).toBe("application/json");
    expect(request!.headers.get("idempotency-key")).toBe("call_123");
  });

  it("percent-encodes path parameters and sends JSON bodies", async () => {
    const api = fakeApi([ok({ approved: true, channel: "telegram", code: "ABCD2345" })]);
    await client(api).send(() => openclawRequests.approvePairing("telegram", "ABCD2345"), "k1");
    expect(api.seen[0]!.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(api.seen[0]!.body!)).toEqual({ code: "ABCD2345" });
    const encoded = fakeApi([ok({})]);
    await client(encoded).send(() => openclawRequests.approveDevice("a/b c"), "k2");
    expect(encoded.seen[0]!.url).toBe("http://openclaw.test/api/openclaw/runtime/devices/a%2Fb%20c/approve");
  });

  it("turns the string-error envelope into a typed error", async () => {
    const result = await client(fakeApi([err(404, "instance not found")])).getStatus();
    expect(result).toEqual({ ok: false, error: { kind: "http", status: 404, message: "instance not found" } });
  });

  it("survives a non-JSON 500 and retries reads, but never writes", async () => {
    const plain = () => new Response("upstream fetch failed", { status: 500, headers: { "content-type": "text/plain" } });
    const read = fakeApi([plain, plain, ok({ gateway: { status: "running" } })]);
    const status = await client(read).getStatus();
    expect(status.ok).toBe(true);
    expect(read.seen).toHaveLength(3);

    const write = fakeApi([plain, ok({ message: "restarting" })]);
    const restart = await client(write).restart("call_9");
    expect(restart).toMatchObject({ ok: false, error: { kind: "http", status: 500 } });
    expect(restart.ok ? "" : restart.error.message).toContain("upstream fetch failed");
    expect(write.seen).toHaveLength(1);
  });

  it("times out, abortably, without throwing", async () => {
    const hang = (request: Request) =>
      new Promise<Response>((_resolve, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason)));
    const slow = fakeApi([hang]);
    const result = await new OpenClawClient({
      baseUrl: "http://openclaw.test/api",
      apiKey: "k",
      userId: "u",
      fetch: slow.fetch,
      timeoutMs: 50,
      readRetries: 0,
    }).getStatus();
    expect(result).toMatchObject({ ok: false, error: { kind: "timeout" } });

    const controller = new AbortController();
    const pending = client(fakeApi([hang]), 10_000).restart("c", controller.signal);
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, error: { kind: "aborted" } });
  });

  it("maps a network failure to a typed error", async () => {
    const down = fakeApi([() => Promise.reject(new TypeError("connection refused"))]);
    const result = await new OpenClawClient({
      baseUrl: "http://openclaw.test/api",
      apiKey: "k",
      userId: "u",
      fetch: down.fetch,
      readRetries: 0,
    }).send(() => openclawRequests.billingSummary());
    expect(result).toMatchObject({ ok: false, error: { kind: "network" } });
  });

  it("never sends an id that is no path segment (., .., empty) nor a path with a dot segment", async () => {
    const api = fakeApi([ok({})]);
    for (const id of [".", "..", ""]) {
      expect(await client(api).send(() => openclawRequests.approveDevice(id), "k")).toMatchObject({
        ok: false,
        error: { kind: "invalid_request" },
      });
      expect(await client(api).send(() => openclawRequests.sessionHistory(id, {}))).toMatchObject({
        ok: false,
        error: { kind: "invalid_request" },
      });
    }
    for (const path of ["/sessions/../history", "/runtime/devices/./approve", "/sessions/%2e%2E/send", "/sessions//history"]) {
      expect(await client(api).request("POST", path)).toMatchObject({ ok: false, error: { kind: "invalid_request" } });
    }
    expect(api.seen).toEqual([]);
    await client(api).send(() => openclawRequests.sessionHistory("a/b%2F..", { limit: 2 }));
    expect(api.seen[0]!.url).toBe("http://openclaw.test/api/openclaw/sessions/a%2Fb%252F../history?limit=2");
  });
});
