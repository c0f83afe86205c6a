import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type System, startSystem } from "../system/harness.ts";
import { launchChromium, screenshot } from "./browser.ts";
import { threadThroughApi } from "./fixture.ts";

// What people expect of a conversation in the website: edit, regenerate, versions, copy, delete, export.

let system: System;
let browser: Browser;
let base: string;

beforeAll(async () => {
  [system, browser] = await Promise.all([startSystem({ web: {} }), launchChromium()]);
  base = system.web!.url;
});
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

type Viewport = { width: number; height: number };
const DESKTOP: Viewport = { width: 1280, height: 800 };
const PHONE: Viewport = { width: 390, height: 844 };

type Stored = {
  id: string;
  role: string;
  parentId: string | null;
  parts: Array<{ type: string; text?: string }>;
  branch: { index: number; count: number };
};

const contexts: BrowserContext[] = [];
afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close()));
});

/** A signed-in page; every page of the same name is the same user (the dev login). */
async function open(name: string, options: { viewport?: Viewport; theme?: "light" | "dark"; phone?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({
    baseURL: base,
    viewport: options.viewport ?? DESKTOP,
    colorScheme: options.theme ?? "light",
    ...(options.phone ? { isMobile: true, hasTouch: true } : {}),
    acceptDownloads: true,
  });
  contexts.push(context);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`[${name}] page error:`, error.message));
  await page.goto("/");
  await page.getByLabel("Your name").fill(name);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page
    .getByRole("button", { name: /New chat|Open the thread list/ })
    .filter({ visible: true })
    .first()
    .waitFor();
  return page;
}

async function openThread(page: Page, threadId: string): Promise<void> {
  await page.goto(`/t/${threadId}`);
  await page.locator('[data-role="assistant"]').first().waitFor();
}

async function stored(page: Page, threadId: string): Promise<Stored[]> {
  return page.evaluate(
    async (id) => ((await (await fetch(`/threads/${id}/messages?limit=200`)).json()) as { messages: Stored[] }).messages,
    threadId,
  );
}

const textOf = (message: Stored) => message.parts.flatMap((part) => (part.type === "text" ? [part.text ?? ""] : [])).join("");
const users = (page: Page) => page.locator('[data-role="user"]');
const answers = (page: Page) => page.locator('[data-role="assistant"]');
const transcript = (page: Page) => page.getByTestId("messages").innerText();
/** What the offline model answers to a plain question: it says the question back. */
const saidBack = (question: string) => `You said: "${question}"`;

/** Waits until nothing is running in the page (no Stop button, the answer whole). */
async function idle(page: Page): Promise<void> {
  await expect.poll(() => page.getByRole("button", { name: "Stop" }).count(), { timeout: 30_000 }).toBe(0);
  await expect.poll(() => page.locator('[data-role="assistant"][data-status="running"]').count(), { timeout: 30_000 }).toBe(0);
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel("Message", { exact: true }).fill(text);
  await page.keyboard.press("Enter");
  await expect.poll(() => transcript(page), { timeout: 30_000 }).toContain(saidBack(text));
  await idle(page);
}

describe("message actions in the website", () => {
  it("copies an answer's text to the clipboard, with a check for a moment", async () => {
    const page = await open("Cora");
    const threadId = await threadThroughApi(page, "copy this please");
    await openThread(page, threadId);
    const answer = answers(page).last();
    await answer.hover();
    await answer.getByRole("button", { name: "Copy" }).click();
    await answer.getByRole("button", { name: "Copied" }).waitFor();
    const expected = textOf((await stored(page, threadId)).at(-1)!);
    expect(expected).toContain(saidBack("copy this please"));
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected);
    // The check goes again after a moment.
    await answer.getByRole("button", { name: "Copy" }).waitFor({ timeout: 5_000 });
  });

  it("edits a sent question: a new answer, ‹ 2 / 2 › on the question, and the first version one click away", async () => {
    const page = await open("Edda");
    const threadId = await threadThroughApi(page, "first question");
    await openThread(page, threadId);
    await send(page, "second question");
    const before = await stored(page, threadId);
    expect(before.map((message) => message.role)).toEqual(["user", "assistant", "user", "assistant"]);

    const question = users(page).last();
    await question.hover();
    await question.getByRole("button", { name: "Edit" }).click();
    const editor = page.getByLabel("Edit question");
    await expect.poll(() => editor.inputValue()).toBe("second question");
    await screenshot(page, "conversation-01-editing");
    await editor.fill("second question, edited");
    const request = page.waitForRequest((candidate) => candidate.url().endsWith("/chat") && candidate.method() === "POST");
    await page.locator('[data-role="edit"]').getByRole("button", { name: "Send" }).click();
    // The edit says where the new question goes: after the first answer, not at the end.
    expect((await request).postDataJSON()).toMatchObject({ parentId: before[1]!.id });

    await expect.poll(() => transcript(page), { timeout: 30_000 }).toContain(saidBack("second question, edited"));
    await idle(page);
    await expect.poll(() => users(page).last().getByTestId("branch-picker").innerText(), { timeout: 10_000 }).toMatch(/2\s*\/\s*2/);
    const edited = await transcript(page);
    expect(edited).not.toContain(saidBack("second question"));
    expect(edited).toContain(saidBack("first question"));
    await screenshot(page, "conversation-02-edited");

    await users(page).last().getByRole("button", { name: "Previous version" }).click();
    await expect.poll(() => transcript(page), { timeout: 10_000 }).toContain(saidBack("second question"));
    expect(await transcript(page)).not.toContain("second question, edited");
    await expect.poll(() => users(page).last().getByTestId("branch-picker").innerText()).toMatch(/1\s*\/\s*2/);
    // The server is on that version too (a reload shows it).
    const path = await stored(page, threadId);
    expect(path.map(textOf)).toContain("second question");
    expect(path).toHaveLength(4);

    // An ordinary message after an edit says nothing of where it goes: the server puts it at the end.
    const ordinary = page.waitForRequest((candidate) => candidate.url().endsWith("/chat") && candidate.method() === "POST");
    const sent = send(page, "third question");
    expect((await ordinary).postDataJSON()).not.toHaveProperty("parentId");
    await sent;
    expect((await stored(page, threadId)).map(textOf)).toContain("third question");
  });

  it("regenerates an answer: ‹ 2 / 2 › on it and only ever one answer after the question", async () => {
    const page = await open("Rhea");
    const threadId = await threadThroughApi(page, "tell me again");
    await openThread(page, threadId);
    const first = await stored(page, threadId);
    const answer = answers(page).last();
    await answer.hover();
    await answer.getByRole("button", { name: "Regenerate" }).click();
    await expect.poll(async () => (await stored(page, threadId)).at(-1)?.id, { timeout: 30_000 }).not.toBe(first[1]!.id);
    await idle(page);
    await expect.poll(() => answers(page).last().getByTestId("branch-picker").innerText(), { timeout: 10_000 }).toMatch(/2\s*\/\s*2/);
    // One question, one answer on the active path: the DOM and the server agree.
    expect(await users(page).count()).toBe(1);
    expect(await answers(page).count()).toBe(1);
    const path = await stored(page, threadId);
    expect(path.map((message) => message.role)).toEqual(["user", "assistant"]);
    expect(path[1]!.parentId).toBe(path[0]!.id);
    expect(path[1]!.branch).toMatchObject({ index: 2, count: 2 });
    await screenshot(page, "conversation-03-regenerated");

    await answers(page).last().getByRole("button", { name: "Previous version" }).click();
    await expect.poll(() => answers(page).last().getByTestId("branch-picker").innerText(), { timeout: 10_000 }).toMatch(/1\s*\/\s*2/);
    expect(await answers(page).count()).toBe(1);
    expect((await stored(page, threadId))[1]!.id).toBe(first[1]!.id);
  });

  it("switching versions in one tab switches every other tab of the user, without a reload", async () => {
    const a = await open("Tess");
    const b = await open("Tess");
    const threadId = await threadThroughApi(a, "version one");
    await openThread(a, threadId);
    const question = users(a).last();
    await question.hover();
    await question.getByRole("button", { name: "Edit" }).click();
    await a.getByLabel("Edit question").fill("version two");
    await a.locator('[data-role="edit"]').getByRole("button", { name: "Send" }).click();
    await expect.poll(() => transcript(a), { timeout: 30_000 }).toContain(saidBack("version two"));
    await idle(a);

    await openThread(b, threadId);
    await expect.poll(() => transcript(b), { timeout: 10_000 }).toContain(saidBack("version two"));
    await b.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

    await users(a).last().getByRole("button", { name: "Previous version" }).click();
    await expect.poll(() => transcript(a), { timeout: 10_000 }).toContain(saidBack("version one"));
    // Tab B follows the `branch.switched` event: same page (no reload), the other version.
    await expect.poll(() => transcript(b), { timeout: 10_000 }).toContain(saidBack("version one"));
    expect(await transcript(b)).not.toContain("version two");
    await expect.poll(() => users(b).last().getByTestId("branch-picker").innerText()).toMatch(/1\s*\/\s*2/);
    expect(await b.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  });
});

describe("a thread's menus", () => {
  it("exports the open thread as Markdown and as JSON, with its messages", async () => {
    const page = await open("Xena");
    const threadId = await threadThroughApi(page, "export me");
    await openThread(page, threadId);
    for (const [item, check] of [
      ["Export as Markdown", (text: string) => expect(text).toContain(saidBack("export me"))],
      ["Export as JSON", (text: string) => expect(JSON.stringify(JSON.parse(text))).toContain("export me")],
    ] as const) {
      await page.getByRole("button", { name: "Export", exact: true }).click();
      const download = page.waitForEvent("download");
      await page.getByRole("menuitem", { name: item }).click();
      const file = await download;
      const path = await file.path();
      check(readFileSync(path, "utf8"));
    }
  });

  it("deletes a thread from the row menu after asking; the row goes in every tab and a tab that had it open says so", async () => {
    const a = await open("Dora");
    const b = await open("Dora");
    const threadId = await threadThroughApi(a, "delete me later");
    await openThread(a, threadId);
    await openThread(b, threadId);
    const row = (page: Page) => page.locator(`[data-thread-id="${threadId}"]`);
    await row(b).waitFor();
    const title = (await row(a).innerText()).split("\n")[0]!.trim();

    await row(a).hover();
    await row(a)
      .getByRole("button", { name: /^Actions for / })
      .click();
    await a.getByRole("menuitem", { name: "Delete…" }).click();
    const dialog = a.getByRole("alertdialog");
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain("cannot be undone");
    expect(await dialog.getByRole("heading").innerText()).toBe(`Delete “${title}”?`);
    await screenshot(a, "conversation-04-delete-dialog");
    // Cancel keeps it.
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(await row(a).count()).toBe(1);
    // Focus is back on the row's menu button, not lost to the page.
    await expect.poll(() => a.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? "")).toMatch(/^Actions for /);

    await row(a).hover();
    await row(a)
      .getByRole("button", { name: /^Actions for / })
      .click();
    await a.getByRole("menuitem", { name: "Delete…" }).click();
    await a.getByRole("alertdialog").getByRole("button", { name: "Delete", exact: true }).click();
    await a.waitForURL((url) => url.pathname === "/");
    for (const page of [a, b]) await expect.poll(() => row(page).count(), { timeout: 10_000 }).toBe(0);
    await b.getByText("This thread was deleted.").waitFor();
    await screenshot(b, "conversation-05-deleted-elsewhere");
    expect(await a.evaluate(async (id) => (await fetch(`/threads/${id}/messages`)).status, threadId)).toBe(404);
  });
});

describe("how it looks", () => {
  for (const theme of ["light", "dark"] as const) {
    for (const [device, viewport] of [
      ["desktop", DESKTOP],
      ["phone", PHONE],
    ] as const) {
      it(`${device}, ${theme}: message actions, versions and the export menu`, async () => {
        const page = await open(`Vera ${theme} ${device}`, { viewport, theme, phone: device === "phone" });
        const threadId = await threadThroughApi(page, "how does this look");
        await openThread(page, threadId);
        await answers(page).last().getByRole("button", { name: "Regenerate" }).click();
        await expect.poll(() => answers(page).last().getByTestId("branch-picker").count(), { timeout: 30_000 }).toBe(1);
        await idle(page);
        await users(page).last().hover();
        await screenshot(page, `conversation-${device}-${theme}-actions`);
        await page.getByRole("button", { name: "Export", exact: true }).filter({ visible: true }).click();
        await page.getByRole("menuitem", { name: "Export as Markdown" }).waitFor();
        await screenshot(page, `conversation-${device}-${theme}-export-menu`);
      });
    }
  }
});
