import { MAX_ATTACHMENT_IMAGE_BYTES } from "@oa/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Runtime, type System, sseData, startSystem } from "./harness.ts";
import { type WebClient, webClient } from "./web-client.ts";

// Attachments through the website, as the browser uses them: the raw file up with the session
// cookie, the bytes down to their owner only, other sites refused.

let system: System;
let web: Runtime;

beforeAll(async () => {
  system = await startSystem({ web: {} });
  web = system.web!;
});
afterAll(async () => {
  await system?.stop();
});

const PNG_1x1 = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

function upload(
  client: WebClient,
  threadId: string,
  body: Uint8Array<ArrayBuffer> | string,
  type: string,
  filename: string,
  origin: string | null = web.url,
) {
  const headers: Record<string, string> = { cookie: client.cookie, "content-type": type, "x-oa-filename": encodeURIComponent(filename) };
  if (origin !== null) headers.origin = origin;
  return fetch(`${web.url}/threads/${threadId}/attachments`, { method: "POST", headers, body });
}

async function signedIn(name: string): Promise<WebClient> {
  const client = webClient(web.url);
  await client.login(name);
  return client;
}

describe("attachments through the website", () => {
  it("uploads with the session cookie, serves the bytes to the owner only, and the model uses the files", async () => {
    const ada = await signedIn("Ada Attach");
    const bob = await signedIn("Bob Attach");
    const threadId = (await ada.json("POST", "/threads", { kind: "chat" })).body.threadId as string;

    const stored = await upload(ada, threadId, PNG_1x1, "image/png", "pixel.png");
    expect(stored.status).toBe(201);
    const image = ((await stored.json()) as { attachment: { id: string; url: string; size: number } }).attachment;
    expect(image.size).toBe(PNG_1x1.byteLength);
    const log = "job started\nERROR: quota exceeded\n";
    const text = ((await (await upload(ada, threadId, log, "text/x-log", "job.log")).json()) as { attachment: { id: string; url: string } })
      .attachment;

    const listed = await ada.json("GET", `/threads/${threadId}/attachments`);
    expect(listed.body.attachments.map((a: { id: string }) => a.id)).toEqual([image.id, text.id]);

    // Same-origin GET, as an <img src> sends it.
    const download = await ada.request("GET", `/threads/${threadId}/attachments/${image.id}`, undefined, {
      origin: null,
      headers: { "sec-fetch-site": "same-origin" },
    });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(PNG_1x1)).toBe(true);
    expect(download.headers.get("content-type")).toBe("image/png");
    expect(download.headers.get("content-length")).toBe(String(PNG_1x1.byteLength));
    expect(download.headers.get("content-disposition")).toBe(`inline; filename="pixel.png"; filename*=UTF-8''pixel.png`);
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
    expect(download.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(download.headers.get("x-oa-internal-key")).toBeNull();

    for (const path of [`/threads/${threadId}/attachments`, `/threads/${threadId}/attachments/${image.id}`]) {
      const foreign = await bob.json("GET", path);
      expect(foreign.status, path).toBe(404);
    }
    expect((await upload(bob, threadId, PNG_1x1, "image/png", "mine.png")).status).toBe(404);
    expect((await bob.json("DELETE", `/threads/${threadId}/attachments/${image.id}`)).status).toBe(404);

    const chat = await ada.request("POST", "/chat", {
      id: threadId,
      trigger: "submit-message",
      messages: [
        {
          id: "m-web-attach",
          role: "user",
          parts: [
            { type: "text", text: "what do you see?" },
            { type: "file", url: image.url, mediaType: "image/png" },
            { type: "file", url: text.url, mediaType: "text/x-log" },
          ],
        },
      ],
    });
    expect(chat.status).toBe(200);
    const answer = sseData(await chat.text())
      .filter((data) => data !== "[DONE]")
      .map((data) => JSON.parse(data) as { type: string; delta?: string })
      .filter((chunk) => chunk.type === "text-delta")
      .map((chunk) => chunk.delta)
      .join("");
    expect(answer).toContain("pixel.png is a 1×1 PNG image.");
    expect(answer).toContain('job.log has 2 lines; the first reads "job started"; 1 mentions an error, first "ERROR: quota exceeded".');

    const inUse = await ada.json("DELETE", `/threads/${threadId}/attachments/${image.id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.code).toBe("attachment_in_use");
  });

  it("refuses uploads from another origin, without a session, over 5 MB, or of a refused type", async () => {
    const ada = await signedIn("Ada Guards");
    const threadId = (await ada.json("POST", "/threads", { kind: "chat" })).body.threadId as string;

    const crossOrigin = await upload(ada, threadId, PNG_1x1, "image/png", "x.png", "https://evil.example");
    expect(crossOrigin.status).toBe(403);
    expect(((await crossOrigin.json()) as any).error.code).toBe("forbidden_origin");
    const noOrigin = await upload(ada, threadId, PNG_1x1, "image/png", "x.png", null);
    expect(noOrigin.status).toBe(403);
    const crossSiteRead = await ada.request("GET", `/threads/${threadId}/attachments`, undefined, {
      origin: null,
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(crossSiteRead.status).toBe(403);

    const anonymous = webClient(web.url);
    expect((await upload(anonymous, threadId, PNG_1x1, "image/png", "x.png")).status).toBe(401);

    const huge = new Uint8Array(MAX_ATTACHMENT_IMAGE_BYTES + 1);
    huge.set(PNG_1x1);
    const tooBig = await upload(ada, threadId, huge, "image/png", "huge.png");
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as any).error.code).toBe("body_too_large");

    const fake = await upload(ada, threadId, "not a png", "image/png", "fake.png");
    expect(fake.status).toBe(415);
    expect(((await fake.json()) as any).error.code).toBe("unsupported_attachment");

    expect((await ada.json("GET", `/threads/${threadId}/attachments`)).body.attachments).toEqual([]);
  });
});
