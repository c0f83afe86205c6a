import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Runtime, type System, startSystem, waitFor } from "./harness.ts";
import { webClient } from "./web-client.ts";

let system: System;
let web: Runtime;

beforeAll(async () => {
  system = await startSystem({ web: {} });
  web = system.web!;
});
afterAll(async () => {
  await system?.stop();
});

describe("search and export through the web worker", () => {
  it("finds the signed-in user's messages and downloads their thread; nobody else gets either", async () => {
    const anon = webClient(web.url);
    for (const path of ["/search?q=walrus", "/threads/t1/export?format=json"])
      expect((await anon.json("GET", path)).status, path).toBe(401);

    const ada = webClient(web.url);
    await ada.login("search-ada");
    const created = await ada.json("POST", "/threads", { title: "Walrus notes" });
    const threadId = created.body.threadId as string;
    expect((await ada.chat(threadId, "the walrus colony at dawn")).status).toBe(200);

    const hits = await waitFor(
      async () => {
        const found = await ada.json("GET", "/search?q=walrus%20col");
        return found.body.hits?.some((hit: { role: string }) => hit.role === "user") ? found : null;
      },
      { what: "the message in the search index" },
    );
    expect(hits.status).toBe(200);
    expect(hits.body.hits[0]).toMatchObject({ threadId, threadTitle: "Walrus notes" });
    expect((await ada.json("GET", "/search?q=")).body.error.code).toBe("invalid_request");
    expect((await ada.json("POST", "/search?q=walrus", {})).status).toBe(405);

    const download = await ada.request("GET", `/threads/${threadId}/export?format=markdown`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toBe('attachment; filename="walrus-notes.md"');
    expect(download.headers.get("cache-control")).toBe("no-store");
    const markdown = await download.text();
    expect(markdown).toMatch(/^# Walrus notes\n/);
    expect(markdown).toContain("the walrus colony at dawn");
    const json = await ada.json("GET", `/threads/${threadId}/export?format=json`);
    expect(json.body.messages.map((message: { role: string }) => message.role)).toEqual(["user", "assistant"]);

    const bob = webClient(web.url);
    await bob.login("search-bob");
    expect((await bob.json("GET", "/search?q=walrus")).body.hits).toEqual([]);
    const stolen = await bob.request("GET", `/threads/${threadId}/export?format=markdown`);
    expect(stolen.status).toBe(404);
    expect(await stolen.text()).not.toContain("walrus colony");
  });
});
