/** A browser-like client of apps/web: one cookie jar, same-origin requests (Origin set). */
export type WebClient = ReturnType<typeof webClient>;

/** `origin`: the site's origin as the worker sees it, when that is not `baseUrl` (the https tests). */
export function webClient(baseUrl: string, options: { origin?: string } = {}) {
  let cookie = "";
  const seen: Array<{ headers: string; body: string }> = [];
  const request = async (
    method: string,
    path: string,
    body?: unknown,
    init: { origin?: string | null; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { ...init.headers };
    if (cookie) headers.cookie = cookie;
    if (init.origin !== null) headers.origin = init.origin ?? options.origin ?? baseUrl;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      redirect: "manual",
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const setCookie = response.headers.getSetCookie();
    for (const line of setCookie) {
      const [pair] = line.split(";");
      // The session cookie: `oa_session` over http, `__Host-oa_session` over https.
      const session = /^((?:__Host-)?oa_session)=(.*)$/.exec(pair ?? "");
      if (session) cookie = session[2] === "" ? "" : pair!;
    }
    return response;
  };
  /** Reads the body as text and remembers it, so a test can scan everything the browser got. */
  const text = async (response: Response) => {
    const body = await response.text();
    seen.push({ headers: JSON.stringify([...response.headers]), body });
    return body;
  };
  return {
    request,
    text,
    seen,
    get cookie() {
      return cookie;
    },
    set cookie(value: string) {
      cookie = value;
    },
    async json(method: string, path: string, body?: unknown, init: { origin?: string | null; headers?: Record<string, string> } = {}) {
      const response = await request(method, path, body, init);
      return { status: response.status, headers: response.headers, body: JSON.parse(await text(response)) };
    },
    async login(name: string) {
      const response = await request("POST", "/auth/dev-login", { name });
      if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { user: { id: string } }).user;
    },
    /** `POST /chat` the way the AI SDK transport sends it; resolves with the whole SSE text. */
    async chat(threadId: string, text: string, messageId = `m_${Math.random().toString(36).slice(2)}`) {
      const response = await request("POST", "/chat", {
        id: threadId,
        messages: [{ id: messageId, role: "user", parts: [{ type: "text", text }] }],
        trigger: "submit-message",
      });
      return { status: response.status, body: await response.text() };
    },
  };
}
