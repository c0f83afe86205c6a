import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type System, startSystem } from "../system/harness.ts";
import { launchChromium, screenshot } from "./browser.ts";
import { axeScan, blocking, describeViolations, settled, signIn, threadThroughApi } from "./fixture.ts";
import { makePng } from "./png.ts";

// The website's search (message hits in the sidebar, opening the thread at the hit) and
// attachments (composer button, drop, paste; thumbnails and chips; owner-only downloads).

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const LONG_PROMPT = "Give me a long answer please";
/** The offline title of LONG_PROMPT's thread: the searched word is not in it. */
const LONG_TITLE = "Long answer";
const LAST_SENTENCE = "Sentence 40 of a deliberately long answer that streams word by word.";
/** A word only the body of one message holds. */
const WORD = "zephyrquill";
const NEEDLE = `The vault code is ${WORD} until Friday`;
const IMAGE = { name: "diagram.png", width: 48, height: 32 };
const LOG_LINES = ["GET /health 200 3ms", "GET /api/items 500 41ms", "POST /login 302 12ms"];
const LOG = { name: "server.log", text: `${LOG_LINES.join("\n")}\n` };
const NOTES = { name: "notes.md", text: "# Deploy notes\n\nRoll back with `make undo`.\n" };

let system: System;
let browser: Browser;
let base: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [system, browser] = await Promise.all([startSystem({ web: {}, agentVars: { OFFLINE_MODEL_DELAY_MS: "5" } }), launchChromium()]);
  base = system.web!.url;
});
afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  await browser?.close();
  await system?.stop();
});

async function user(name: string, options: Parameters<Browser["newContext"]>[0] = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL: base, viewport: DESKTOP, ...options });
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`[${name}] page error:`, error.message));
  await signIn(page, name);
  return page;
}

/** Sends `input` in an existing thread through the web API, reading the answer to its end. */
async function sayInThread(page: Page, threadId: string, input: string): Promise<void> {
  const status = await page.evaluate(
    async ([id, text]) => {
      const answer = await fetch("/chat", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ threadId: id, input: text }),
      });
      await answer.text();
      return answer.status;
    },
    [threadId, input] as const,
  );
  if (status !== 200) throw new Error(`POST /chat answered ${status}`);
}

/** A screenshot for a person to judge, then an axe scan (WCAG 2.1 A/AA) with no serious or critical violation. */
async function shotAndScan(page: Page, name: string): Promise<void> {
  await settled(page);
  await screenshot(page, name);
  const serious = blocking((await axeScan(page, name)).violations);
  expect(serious, `axe on ${name}: ${serious.length} serious or critical violation(s)\n${describeViolations(serious)}`).toEqual([]);
}

/** An answer's text on one line (the transcript wraps it). */
const said = (text: string) => text.replace(/\s+/g, " ");
const messages = (page: Page) => page.getByTestId("messages");
const hits = (page: Page) => page.getByTestId("message-hits");
const search = (page: Page) => page.getByRole("searchbox", { name: "Search threads" }).filter({ visible: true });

describe("search in the sidebar", () => {
  let ada: Page;
  let needleThread = "";
  let needleId = "";

  beforeAll(async () => {
    ada = await user("Ada");
    // The word sits in the second question of a thread titled by its first; long answers around it
    // put it far above the end, where the thread opens by default.
    needleThread = await threadThroughApi(ada, LONG_PROMPT);
    await sayInThread(ada, needleThread, NEEDLE);
    await sayInThread(ada, needleThread, LONG_PROMPT);
    const page = (await ada.evaluate(async (id) => (await fetch(`/threads/${id}/messages?limit=50`)).json(), needleThread)) as {
      messages: Array<{ id: string; role: string; parts: Array<{ type: string; text?: string }> }>;
    };
    needleId = page.messages.find((message) => message.role === "user" && message.parts.some((part) => part.text?.includes(WORD)))!.id;
    await threadThroughApi(ada, "count to 3");
  });

  it("finds a message by a word of its body (not its title) and marks the match in the snippet", async () => {
    await ada.goto("/");
    await search(ada).fill(WORD);
    const hit = hits(ada).locator(`[data-message-hit="${needleId}"]`);
    await hit.waitFor({ timeout: 15_000 });
    expect(await hit.locator("mark").allInnerTexts()).toEqual([WORD]);
    const text = await hit.innerText();
    expect(text).toContain(LONG_TITLE);
    expect(text).toContain("You:");
    expect(text).toContain("vault code is");
    // The title search above has nothing: the hit comes from the message's words.
    await expect.poll(() => ada.getByTestId("thread-list").innerText()).toContain("No thread matches.");
    await shotAndScan(ada, "search-hits-light");
  });

  it("opens the thread scrolled to that message and marks it for a moment", async () => {
    await hits(ada).locator(`[data-message-hit="${needleId}"] a`).click();
    await ada.waitForURL(new RegExp(`/t/${needleThread}`));
    const target = messages(ada).locator(`[data-message-id="${needleId}"]`);
    await expect.poll(() => target.getAttribute("data-highlighted"), { timeout: 15_000 }).toBe("true");
    // In view, though the thread ends two long answers further down.
    await expect
      .poll(() =>
        target.evaluate((element) => {
          const box = element.getBoundingClientRect();
          const log = element.closest('[data-testid="messages"]')!.getBoundingClientRect();
          return box.top >= log.top - 1 && box.bottom <= log.bottom + 1;
        }),
      )
      .toBe(true);
    expect(await messages(ada).innerText()).toContain(LAST_SENTENCE);
    // The hit's address is spent: the view went there; a reload opens the thread as usual.
    await expect.poll(() => new URL(ada.url()).search).toBe("");
    await screenshot(ada, "search-opened-at-hit-light");
  });

  it("says so when the message of a link no longer exists", async () => {
    await ada.goto(`/t/${needleThread}?m=m_doesnotexist000`);
    await expect.poll(() => ada.getByTestId("open-at-message").innerText(), { timeout: 15_000 }).toMatch(/no longer in this thread/);
  });

  it("a second user never sees the first user's hits", async () => {
    const bob = await user("Bob");
    await search(bob).fill(WORD);
    await expect.poll(() => hits(bob).innerText(), { timeout: 15_000 }).toContain("No message matches.");
    const answer = await bob.evaluate(async (q) => (await fetch(`/search?q=${q}`)).json(), WORD);
    expect(answer).toMatchObject({ ok: true, hits: [] });
  });

  it("dark theme and phone width: the hits in the drawer; a hit closes the drawer", async () => {
    const dark = await user("Ada", { colorScheme: "dark" });
    await search(dark).fill(WORD);
    await hits(dark).locator(`[data-message-hit="${needleId}"]`).waitFor({ timeout: 15_000 });
    await shotAndScan(dark, "search-hits-dark");

    for (const colorScheme of ["light", "dark"] as const) {
      const phone = await user("Ada", { viewport: PHONE, isMobile: true, hasTouch: true, colorScheme });
      await phone.getByRole("button", { name: "Open the thread list" }).click();
      await phone.getByTestId("drawer-backdrop").waitFor();
      await search(phone).fill(WORD);
      const hit = hits(phone).locator(`[data-message-hit="${needleId}"]`).filter({ visible: true });
      await hit.waitFor({ timeout: 15_000 });
      await shotAndScan(phone, `search-hits-phone-${colorScheme}`);
      await hit.locator("a").click();
      await phone.waitForURL(new RegExp(`/t/${needleThread}`));
      await phone.getByTestId("drawer-backdrop").waitFor({ state: "detached" });
      await expect
        .poll(() => messages(phone).locator(`[data-message-id="${needleId}"]`).getAttribute("data-highlighted"), { timeout: 15_000 })
        .toBe("true");
    }
  });
});

describe("attachments", () => {
  let ada: Page;
  let threadId = "";
  const png = makePng(IMAGE.width, IMAGE.height);

  beforeAll(async () => {
    ada = await user("Ada Files");
    threadId = await threadThroughApi(ada, "count to 3");
    await ada.goto(`/t/${threadId}`);
    await messages(ada).getByText("count to 3").first().waitFor({ timeout: 15_000 });
  });

  const tiles = (page: Page) => page.getByTestId("composer-attachment");

  it("an image and a text file from the file chooser: tiles, then thumbnails and chips in the message (in the other tab too), and the answer uses both", async () => {
    const chooser = ada.waitForEvent("filechooser");
    await ada.getByRole("button", { name: "Attach files" }).click();
    await (await chooser).setFiles([
      { name: IMAGE.name, mimeType: "image/png", buffer: png },
      { name: LOG.name, mimeType: "text/plain", buffer: Buffer.from(LOG.text) },
    ]);
    await expect
      .poll(() => tiles(ada).evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-state"))))
      .toEqual(["ready", "ready"]);
    await shotAndScan(ada, "attach-composer-light");

    // Another tab of the same person, on the same thread: it follows what this one sends.
    const otherTab = await ada.context().newPage();
    await otherTab.goto(`/t/${threadId}`);
    await messages(otherTab).getByText("count to 3").first().waitFor({ timeout: 15_000 });

    await ada.getByLabel("Message").fill("What is in these files?");
    await ada.keyboard.press("Enter");
    await expect.poll(() => tiles(ada).count()).toBe(0);

    const sent = messages(ada).locator('[data-role="user"]').last();
    const thumbnail = sent.getByRole("img", { name: IMAGE.name });
    await thumbnail.waitFor({ timeout: 15_000 });
    // The thumbnail's bytes arrived (the page's CSP and the owner's cookie let it load).
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(IMAGE.width);
    const chip = sent.getByRole("link", { name: `Download ${LOG.name}` });
    await chip.waitFor();

    const answer = messages(ada).locator('[data-role="assistant"]').last();
    // The offline model read the bytes from R2: the image's pixel size, the log's lines and first line.
    // The whole answer, as it streams in: every fact the model read from the files.
    const facts = [
      `${IMAGE.name} is a ${IMAGE.width}×${IMAGE.height} PNG image.`,
      `${LOG.name} has ${LOG_LINES.length} lines`,
      LOG_LINES[0]!,
    ];
    await expect
      .poll(
        async () => {
          const text = said(await answer.innerText());
          return facts.filter((fact) => !text.includes(fact));
        },
        { timeout: 30_000 },
      )
      .toEqual([]);
    await shotAndScan(ada, "attach-transcript-light");
    await messages(otherTab).getByRole("img", { name: IMAGE.name }).waitFor({ timeout: 15_000 });
    await messages(otherTab)
      .getByRole("link", { name: `Download ${LOG.name}` })
      .waitFor();
    await otherTab.close();
  });

  it("the image downloads with its bytes for its owner; another user gets 404", async () => {
    const href = await messages(ada).getByRole("img", { name: IMAGE.name }).last().getAttribute("src");
    expect(href).toMatch(new RegExp(`^/threads/${threadId}/attachments/`));
    const owner = await ada.evaluate(async (url) => {
      const response = await fetch(url!);
      return {
        status: response.status,
        type: response.headers.get("content-type"),
        bytes: Array.from(new Uint8Array(await response.arrayBuffer())),
      };
    }, href);
    expect(owner.status).toBe(200);
    expect(owner.type).toContain("image/png");
    expect(Buffer.from(owner.bytes).equals(png)).toBe(true);

    const bob = await user("Bob Files");
    const stranger = await bob.evaluate(async (url) => (await fetch(url!)).status, href);
    expect(stranger).toBe(404);
  });

  it("a file dropped on the thread and an image pasted into the message attach too", async () => {
    const drop = ada.getByTestId("drop-area");
    const dataTransfer = await ada.evaluateHandle(
      ([name, text]) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([text], name, { type: "text/markdown" }));
        return transfer;
      },
      [NOTES.name, NOTES.text] as const,
    );
    await drop.dispatchEvent("dragenter", { dataTransfer });
    await expect.poll(() => drop.getAttribute("data-dragging")).toBe("true");
    await screenshot(ada, "attach-drop-light");
    await drop.dispatchEvent("drop", { dataTransfer });
    await expect.poll(() => drop.getAttribute("data-dragging")).toBe(null);

    await ada.getByLabel("Message").evaluate(
      (input, bytes) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(bytes)], "pasted.png", { type: "image/png" }));
        input.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }));
      },
      Array.from(makePng(20, 10)),
    );
    await expect
      .poll(() => tiles(ada).evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-state"))))
      .toEqual(["ready", "ready"]);

    await ada.getByLabel("Message").fill("And these?");
    await ada.keyboard.press("Enter");
    const sent = messages(ada).locator('[data-role="user"]').last();
    await sent.getByRole("img", { name: "pasted.png" }).waitFor({ timeout: 15_000 });
    await sent.getByRole("link", { name: `Download ${NOTES.name}` }).waitFor();
    const answer = messages(ada).locator('[data-role="assistant"]').last();
    const facts = ["pasted.png is a 20×10 PNG image.", `${NOTES.name} has 3 lines`];
    await expect
      .poll(
        async () => {
          const text = said(await answer.innerText());
          return facts.filter((fact) => !text.includes(fact));
        },
        { timeout: 30_000 },
      )
      .toEqual([]);
  });

  it("refuses a file of another type with a sentence, and Remove takes an uploaded file out (and off the server)", async () => {
    const chooser = ada.waitForEvent("filechooser");
    await ada.getByRole("button", { name: "Attach files" }).click();
    await (await chooser).setFiles([{ name: "slides.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n") }]);
    await expect.poll(() => ada.getByTestId("attachment-refusal").innerText()).toMatch(/cannot be attached/);
    expect(await tiles(ada).count()).toBe(0);

    const again = ada.waitForEvent("filechooser");
    await ada.getByRole("button", { name: "Attach files" }).click();
    await (await again).setFiles([{ name: "extra.txt", mimeType: "text/plain", buffer: Buffer.from("one line\n") }]);
    await expect.poll(() => tiles(ada).getAttribute("data-state")).toBe("ready");
    const before = (await ada.evaluate(async (id) => (await fetch(`/threads/${id}/attachments`)).json(), threadId)) as {
      attachments: Array<{ filename: string }>;
    };
    expect(before.attachments.map((attachment) => attachment.filename)).toContain("extra.txt");
    await ada.getByRole("button", { name: "Remove extra.txt" }).click();
    await expect.poll(() => tiles(ada).count()).toBe(0);
    await expect
      .poll(async () =>
        (
          (await ada.evaluate(async (id) => (await fetch(`/threads/${id}/attachments`)).json(), threadId)) as {
            attachments: Array<{ filename: string }>;
          }
        ).attachments.map((attachment) => attachment.filename),
      )
      .not.toContain("extra.txt");
  });

  it("a new chat takes files too: attaching on the first screen makes the thread and puts the files and the typed text in its composer", async () => {
    await ada.goto("/");
    await ada.getByLabel("Message").fill("Summarise this log");
    const chooser = ada.waitForEvent("filechooser");
    await ada.getByRole("button", { name: "Attach files" }).click();
    await (await chooser).setFiles([{ name: LOG.name, mimeType: "text/plain", buffer: Buffer.from(LOG.text) }]);
    await ada.waitForURL(/\/t\/t_/);
    await expect.poll(() => tiles(ada).evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-state")))).toEqual(["ready"]);
    expect(await ada.getByLabel("Message").inputValue()).toBe("Summarise this log");
    await ada.keyboard.press("Enter");
    const answer = messages(ada).locator('[data-role="assistant"]').last();
    await expect
      .poll(async () => said(await answer.innerText()), { timeout: 30_000 })
      .toContain(`${LOG.name} has ${LOG_LINES.length} lines`);
    await messages(ada)
      .locator('[data-role="user"]')
      .last()
      .getByRole("link", { name: `Download ${LOG.name}` })
      .waitFor();
  });

  it("screenshots: dark theme and phone width with attachments", async () => {
    for (const [label, options] of [
      ["dark", { colorScheme: "dark" as const }],
      ["phone-light", { viewport: PHONE, isMobile: true, hasTouch: true, colorScheme: "light" as const }],
      ["phone-dark", { viewport: PHONE, isMobile: true, hasTouch: true, colorScheme: "dark" as const }],
    ] as const) {
      const page = await user("Ada Files", options);
      await page.goto(`/t/${threadId}`);
      await messages(page).getByRole("img", { name: IMAGE.name }).waitFor({ timeout: 15_000 });
      const chooser = page.waitForEvent("filechooser");
      await page.getByRole("button", { name: "Attach files" }).click();
      await (await chooser).setFiles([
        { name: "photo.png", mimeType: "image/png", buffer: makePng(64, 64, [220, 38, 38]) },
        { name: "config.yaml", mimeType: "application/x-yaml", buffer: Buffer.from("port: 8080\n") },
      ]);
      await expect
        .poll(() => tiles(page).evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-state"))))
        .toEqual(["ready", "ready"]);
      await shotAndScan(page, `attach-${label}`);
      // Leave nothing behind on the server.
      await page.getByRole("button", { name: "Remove photo.png" }).click();
      await page.getByRole("button", { name: "Remove config.yaml" }).click();
      await expect.poll(() => tiles(page).count()).toBe(0);
    }
  });
});
