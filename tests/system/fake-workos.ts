import { createServer, type Server } from "node:http";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

/**
 * A local stand-in for WorkOS AuthKit, speaking its endpoints: the hosted authorize page (here it
 * signs the configured user in at once and redirects back with a code), the code exchange
 * (`POST /user_management/authenticate`, client secret checked) and the client's JWKS.
 */
export type FakeWorkOS = {
  url: string;
  clientId: string;
  apiKey: string;
  /** The next sign-in's user. */
  user: { id: string; email: string; first_name: string; last_name: string };
  /** Sign the next access token with a key the JWKS does not publish (a forged token). */
  forgeNext: boolean;
  authenticateCalls: number;
  close(): Promise<void>;
};

export async function startFakeWorkOS(): Promise<FakeWorkOS> {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const rogue = await generateKeyPair("RS256");
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: "key_1", alg: "RS256", use: "sig" };
  const codes = new Map<string, FakeWorkOS["user"]>();
  const fake: FakeWorkOS = {
    url: "",
    clientId: "client_test_123",
    apiKey: "sk_test_secret",
    user: { id: "user_01HTEST", email: "ada@example.com", first_name: "Ada", last_name: "Lovelace" },
    forgeNext: false,
    authenticateCalls: 0,
    close: async () => {},
  };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", fake.url);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "GET" && url.pathname === "/user_management/authorize") {
      if (url.searchParams.get("client_id") !== fake.clientId || url.searchParams.get("response_type") !== "code")
        return send(400, { error: "invalid_request" });
      const code = `code_${Math.random().toString(36).slice(2)}`;
      codes.set(code, { ...fake.user });
      const back = new URL(url.searchParams.get("redirect_uri")!);
      back.searchParams.set("code", code);
      back.searchParams.set("state", url.searchParams.get("state") ?? "");
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (req.method === "POST" && url.pathname === "/user_management/authenticate") {
      fake.authenticateCalls++;
      let raw = "";
      for await (const chunk of req) raw += chunk;
      const body = JSON.parse(raw) as Record<string, string>;
      if (body.client_id !== fake.clientId || body.client_secret !== fake.apiKey) return send(401, { error: "invalid_client" });
      const user = codes.get(body.code ?? "");
      if (body.grant_type !== "authorization_code" || !user)
        return send(400, { error: "invalid_grant", error_description: "The code is invalid." });
      codes.delete(body.code!);
      const key = fake.forgeNext ? rogue.privateKey : privateKey;
      fake.forgeNext = false;
      const now = Math.floor(Date.now() / 1000);
      const accessToken = await new SignJWT({ sid: "session_01HTEST" })
        .setProtectedHeader({ alg: "RS256", kid: "key_1" })
        .setIssuer(fake.url.replace(/\/$/, ""))
        .setSubject(user.id)
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(key);
      return send(200, {
        user: { object: "user", ...user, email_verified: true },
        organization_id: null,
        access_token: accessToken,
        refresh_token: "rt_test",
        authentication_method: "Password",
      });
    }
    if (req.method === "GET" && url.pathname === `/sso/jwks/${fake.clientId}`) return send(200, { keys: [jwk] });
    send(404, { error: "not_found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  fake.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}
