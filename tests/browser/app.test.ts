import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openclawControl, type System, startSystem } from "../system/harness.ts";
import { launchChromium, screenshot, signedIn } from "./browser.ts";
import { settled } from "./fixture.ts";

let system: System;
let browser: Browser;
let base: string;

beforeAll(async () => {
  [system, browser] = await Promise.all([
    startSystem({
      web: {},
      agentVars: { OFFLINE_MODEL_DELAY_MS: "12", JOB_POLL_MS: "300" },
      openclawVars: { RESTART_DELAY_MS: "3000" },
    }),
    launchChromium(),
  ]);
  base = system.web!.url;
  await openclawControl(system.openclaw, "dev:ada").seed({
    instance: { status: "ready" },
    devices: { pending: [{ requestId: "req-phone" }] },
  });
});
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

const PROMPT = "Give me a long answer please";
/** The thread's offline title: a short summary of its first message. */
const TITLE = "Long answer";
const LAST_SENTENCE = "Sentence 40 of a deliberately long answer that streams word by word.";
const messages = (page: Page) => page.getByTestId("messages");
const sidebar = (page: Page) => page.getByTestId("thread-list");

describe("the chat app in Chromium", () => {
  let threadId = "";
  let ada: Page;

  it("signs in, starts a thread, streams an answer and resumes it after a refresh mid-answer", async () => {
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
    ada = await context.newPage();
    await ada.goto("/");
    await screenshot(ada, "01-login");
    ({ page: ada } = await signedIn(browser, base, "Ada"));
    await context.close();

    // A new chat is a composer: the first message makes the thread.
    await ada.getByRole("button", { name: "New chat", exact: true }).click();
    await ada.getByLabel("Message").fill(PROMPT);
    await ada.keyboard.press("Enter");
    await ada.waitForURL(/\/t\/t_/);
    threadId = new URL(ada.url()).pathname.split("/")[2]!;
    await expect.poll(() => messages(ada).innerText(), { timeout: 10_000 }).toContain("Sentence 3 of");
    await screenshot(ada, "02-streaming");
    expect(await messages(ada).innerText()).not.toContain("Sentence 40 of");

    // A refresh mid-answer: history loads, and the same answer carries on live.
    await ada.reload();
    await expect.poll(() => messages(ada).innerText(), { timeout: 30_000 }).toContain(LAST_SENTENCE);
    const text = await messages(ada).innerText();
    expect(text.match(/Sentence 1 of/g)).toHaveLength(1);
    expect(text.match(/Sentence 40 of/g)).toHaveLength(1);
    expect(text.match(new RegExp(PROMPT, "g"))).toHaveLength(1);
    await expect.poll(() => sidebar(ada).innerText()).toContain(TITLE);
  });

  it("restart my OpenClaw: approval card, approve, job progress, result — live in a second tab of the same user", async () => {
    const { page: second } = await signedIn(browser, base, "Ada");
    await expect.poll(() => sidebar(second).innerText()).toContain(TITLE);
    await second.getByRole("link", { name: new RegExp(TITLE) }).click();
    await expect.poll(() => messages(second).innerText()).toContain(LAST_SENTENCE);

    await ada.getByLabel("Message").fill("restart my OpenClaw");
    await ada.keyboard.press("Enter");
    const card = ada.getByTestId("approval-card");
    await card.waitFor({ timeout: 15_000 });
    await expect.poll(() => card.innerText()).toContain("medium risk");
    expect(await card.innerText()).toMatch(/few seconds of downtime/);
    // The exact request approving allows, as the agent bound it.
    expect(await card.getByTestId("bound-request").innerText()).toBe("OpenClaw API request: POST /runtime/restart");
    await screenshot(ada, "03-approval-card");

    // The other tab sees the request and the badge live, and the inbox lists it.
    await second.getByTestId("approval-card").waitFor({ timeout: 15_000 });
    await expect.poll(() => sidebar(second).innerText()).toContain("Needs approval");
    await second.getByRole("link", { name: /Approvals/ }).click();
    await second.getByTestId("inbox-item").waitFor();
    expect(await second.getByTestId("inbox-item").innerText()).toContain(TITLE);
    await screenshot(second, "04-inbox");

    await card.getByRole("button", { name: "Approve" }).click();
    // A keyboard user is not dropped to <body>: once decided (Approve is gone), focus is on what the card now says.
    await expect.poll(() => card.getAttribute("data-status")).toBe("approved");
    await expect.poll(() => card.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    await ada.getByTestId("job-progress").first().waitFor({ timeout: 15_000 });
    await screenshot(ada, "05-job-progress");
    // The thread's note says the restart finished, in words: no internal job id.
    const notes = ada.locator('[data-role="system"]');
    await expect.poll(async () => (await notes.allInnerTexts()).join("\n"), { timeout: 30_000 }).toMatch(/^The restart is done\./m);
    expect(await messages(ada).innerText()).not.toMatch(/\bjob_/);
    expect(await card.innerText()).toMatch(/Approved/);
    // The inbox emptied in the other tab, and its thread shows the result too.
    await expect.poll(() => second.getByTestId("inbox-item").count()).toBe(0);
    await second.getByRole("link", { name: new RegExp(TITLE) }).click();
    await expect.poll(() => messages(second).innerText(), { timeout: 15_000 }).toContain("The restart is done.");
    // Exactly one restart reached the OpenClaw API.
    const log = await openclawControl(system.openclaw, "dev:ada").requests();
    expect(log.filter((request) => request.method === "POST" && request.path.endsWith("/runtime/restart"))).toHaveLength(1);
    await second.context().close();
  });

  it("another user sees neither the thread in the UI nor through the browser API", async () => {
    const { page: bob, context } = await signedIn(browser, base, "Bob");
    await expect.poll(() => sidebar(bob).innerText()).toContain("No threads yet.");
    await bob.goto(`/t/${threadId}`);
    // Someone else's thread is no thread for Bob: said so, with no composer to type into it.
    await bob.getByText("This thread does not exist").waitFor();
    expect(await bob.locator("main").innerText()).not.toContain(PROMPT);
    expect(await bob.getByLabel("Message").count()).toBe(0);
    for (const path of [`/threads/${threadId}/messages`, `/threads/${threadId}/approvals`, `/chat/${threadId}/stream`]) {
      expect((await bob.request.get(path)).status(), path).toBe(404);
    }
    expect(await (await bob.request.get("/threads")).json()).toMatchObject({ threads: [] });
    await context.close();
  });

  it("the thread list and history survive a runtime restart", async () => {
    await system.killAgent();
    await system.restartAgent();
    await ada.reload();
    await expect.poll(() => sidebar(ada).innerText(), { timeout: 15_000 }).toContain(TITLE);
    await expect.poll(() => messages(ada).innerText(), { timeout: 15_000 }).toContain(LAST_SENTENCE);
    await screenshot(ada, "06-after-restart");
  });

  it("the OpenClaw panel shows the runtime and sends actions through the agent", async () => {
    const statusReads = async () =>
      (await openclawControl(system.openclaw, "dev:ada").requests()).filter((request) => request.path.endsWith("/runtime/status")).length;
    const readsBefore = await statusReads();
    await ada.getByRole("link", { name: "OpenClaw" }).click();
    await ada.getByRole("article", { name: "Instance" }).waitFor();
    // The gateway's status is read (which starts a stopped gateway) only when the user asks.
    const runtime = ada.getByRole("article", { name: "Runtime status" });
    expect(await runtime.innerText()).toContain("Gateway status not checked");
    expect(await statusReads()).toBe(readsBefore);
    await runtime.getByRole("button", { name: "Check gateway status" }).click();
    await expect.poll(() => runtime.innerText()).toMatch(/Gateway\s+running/);
    expect(await statusReads()).toBe(readsBefore + 1);
    expect(await ada.getByRole("article", { name: "Devices" }).innerText()).toContain("pending");
    await screenshot(ada, "07-openclaw-panel");
    await ada.getByRole("article", { name: "Devices" }).getByRole("button", { name: "Approve…" }).click();
    await ada.waitForURL(/\/t\/t_/);
    await ada.getByTestId("approval-card").last().waitFor({ timeout: 15_000 });
    expect(await ada.getByTestId("approval-card").last().innerText()).toContain("req-phone");
  });

  it("renders markdown, never the HTML a message carries", async () => {
    await ada.getByRole("button", { name: "New chat", exact: true }).click();
    let alerted = false;
    ada.on("dialog", async (dialog) => {
      alerted = true;
      await dialog.dismiss();
    });
    await ada.getByLabel("Message").fill('Please **bold** this <img src=x onerror="alert(1)"> and <script>alert(2)</script>');
    await ada.keyboard.press("Enter");
    await ada.waitForURL(/\/t\/t_/);
    await expect.poll(() => messages(ada).innerText(), { timeout: 15_000 }).toContain("You said");
    expect(await messages(ada).locator("strong", { hasText: "bold" }).count()).toBeGreaterThan(0);
    expect(await messages(ada).locator("img").count()).toBe(0);
    expect(await messages(ada).locator("script").count()).toBe(0);
    expect(await messages(ada).innerText()).toContain('<img src=x onerror="alert(1)">');
    expect(alerted).toBe(false);
  });

  it("never loads an image from another origin: markdown images from the model and from tool output render as links", async () => {
    const pixels: string[] = [];
    const server = createServer((request, response) => {
      pixels.push(request.url ?? "");
      response.writeHead(200, { "content-type": "image/png" }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const elsewhere = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const outside: string[] = [];
    const watch = (request: Request) => {
      const url = new URL(request.url());
      if (url.protocol.startsWith("http") && url.origin !== base) outside.push(request.url());
    };
    ada.on("request", watch);
    try {
      await openclawControl(system.openclaw, "dev:ada").seed({
        sessions: [{ key: "main", kind: "main", messages: [{ role: "assistant", text: `![tool pixel](${elsewhere}/tool.png?secret=1)` }] }],
      });
      await ada.getByRole("button", { name: "New chat", exact: true }).click();
      // The offline model echoes the message: its answer carries the image markdown.
      await ada.getByLabel("Message").fill(`Look ![model pixel](${elsewhere}/pixel.png?secret=2)`);
      await ada.keyboard.press("Enter");
      await ada.waitForURL(/\/t\/t_/);
      await expect.poll(() => messages(ada).innerText(), { timeout: 15_000 }).toContain("for a real model.");
      await expect.poll(() => ada.locator('[data-role="assistant"][data-status="running"]').count()).toBe(0);
      await ada.getByLabel("Message").fill("show the history of main");
      await ada.keyboard.press("Enter");
      await expect.poll(() => messages(ada).innerText(), { timeout: 15_000 }).toContain("Session main has 1 message.");
      const links = ada.getByTestId("image-link");
      await expect.poll(() => links.count()).toBeGreaterThanOrEqual(3);
      const hrefs = await links.evaluateAll((nodes) => nodes.map((node) => (node as HTMLAnchorElement).href));
      expect(hrefs).toEqual(expect.arrayContaining([`${elsewhere}/pixel.png?secret=2`, `${elsewhere}/tool.png?secret=1`]));
      expect(await links.allInnerTexts()).toEqual(expect.arrayContaining(["model pixel", "tool pixel"]));
      expect(await messages(ada).locator("img").count()).toBe(0);
      await screenshot(ada, "10-image-as-link");
      expect(outside).toEqual([]);
      expect(pixels).toEqual([]);
    } finally {
      ada.off("request", watch);
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("signs out everywhere from the sidebar: the other devices' sessions end too", async () => {
    const { page: laptop, context: first } = await signedIn(browser, base, "Carol");
    const { page: phone, context: second } = await signedIn(browser, base, "Carol");
    await laptop.getByRole("button", { name: "Account: Carol" }).click();
    await laptop.getByRole("menuitem", { name: "Sign out everywhere" }).click();
    await laptop.getByLabel("Your name").waitFor();
    expect((await phone.request.get("/threads")).status()).toBe(401);
    await phone.reload();
    await phone.getByLabel("Your name").waitFor();
    await Promise.all([first.close(), second.close()]);
  });

  it("says sign-in is unavailable when /auth/me fails, never guesses the dev login, and retries", async () => {
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const failures: Array<[string, (route: import("playwright-core").Route) => Promise<void>]> = [
      [
        "The settings are invalid.",
        (route) =>
          route.fulfill({
            status: 500,
            contentType: "application/json",
            body: JSON.stringify({ ok: false, error: { code: "config_invalid", message: "The settings are invalid." } }),
          }),
      ],
      [
        "The session cookie was sent more than once; sign in again.",
        (route) =>
          route.fulfill({
            status: 401,
            contentType: "application/json",
            body: JSON.stringify({
              ok: false,
              error: { code: "not_authenticated", message: "The session cookie was sent more than once; sign in again." },
            }),
          }),
      ],
      ["", (route) => route.abort("connectionrefused")],
    ];
    for (const [message, fail] of failures) {
      await page.route("**/auth/me", fail);
      await page.goto("/");
      const alert = page.getByRole("alert");
      await alert.waitFor();
      expect(await alert.innerText()).toMatch(new RegExp(`^Sign-in is unavailable: .*${message.replace(/[.;]/g, "\\$&")}`));
      expect(await page.getByLabel("Your name").count()).toBe(0);
      await page.unroute("**/auth/me");
    }
    await page.getByRole("button", { name: "Retry" }).click();
    await page.getByLabel("Your name").waitFor();
    await context.close();
  });

  it("works on a phone-sized screen and by keyboard", async () => {
    const { page: phone, context } = await signedIn(browser, base, "Ada", { width: 390, height: 844 });
    await phone.getByRole("button", { name: "Open the thread list" }).click();
    await expect.poll(() => sidebar(phone).innerText()).toContain(TITLE);
    await settled(phone); // the drawer's slide-in
    await screenshot(phone, "08-phone-menu");
    await phone.getByRole("link", { name: new RegExp(TITLE) }).click();
    await phone.getByLabel("Message").focus();
    await phone.keyboard.type("hello from my phone");
    await phone.keyboard.press("Enter");
    await expect.poll(() => messages(phone).innerText(), { timeout: 15_000 }).toContain("hello from my phone");
    await screenshot(phone, "09-phone-thread");
    await context.close();
  });
});
