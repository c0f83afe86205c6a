import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openclawControl, type System, startSystem } from "../system/harness.ts";
import { launchChromium, screenshot } from "./browser.ts";
import { axeScan, blocking, describeViolations, openSignedIn, patchThread, settled, signIn, threadThroughApi } from "./fixture.ts";

// Every screen in both themes: an axe scan (WCAG 2.1 A/AA) with no serious or critical
// violation, and a screenshot of it (artifacts/screenshots/a11y-<screen>-<theme>.png) for a
// person to judge. The behaviour behind the scans (theme, live answers, the phone drawer) is in
// a11y-behaviour.test.ts.

const NAME = "Axe";
const USER_ID = "dev:axe"; // session.ts: a readable dev name, lowercased
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const LONG_PROMPT = "Give me a long answer please";
const LAST_SENTENCE = "Sentence 40 of a deliberately long answer that streams word by word.";
const CODE_PROMPT = "show me a code example";
const ARCHIVED_TITLE = "Archived notes";

type Theme = "light" | "dark";
const THEMES: Theme[] = ["light", "dark"];

let system: System;
let browser: Browser;
let base: string;
/** The user's session (its cookie), for every further context: signed in without the login form. */
let signedInState: Awaited<ReturnType<BrowserContext["storageState"]>>;
/** Threads made once, through the web API: a long answer, a code example, an approval nobody decides, one restart per theme to approve, an archived thread. */
let longThread: Promise<string>;
const threads = { code: "", pending: "", restart: { light: "", dark: "" } as Record<Theme, string>, archived: "" };

beforeAll(async () => {
  [system, browser] = await Promise.all([
    startSystem({
      web: {},
      agentVars: { OFFLINE_MODEL_DELAY_MS: "12", JOB_POLL_MS: "300" },
      // Long enough that the running job is still on screen through a screenshot and a scan.
      openclawVars: { RESTART_DELAY_MS: "4000" },
    }),
    launchChromium(),
  ]);
  base = system.web!.url;
  await openclawControl(system.openclaw, USER_ID).seed({
    instance: { status: "ready" },
    devices: { pending: [{ requestId: "req-phone" }] },
  });
  const context = await browser.newContext({ baseURL: base, viewport: DESKTOP });
  const page = await context.newPage();
  await signIn(page, NAME);
  // The long answer streams for seconds: only the phone's thread screen waits for it. Five runs
  // at once stay within the per-user concurrent-run quota (5 by default).
  longThread = threadThroughApi(page, LONG_PROMPT);
  longThread.catch(() => undefined); // its failure is reported where it is awaited
  [threads.code, threads.pending, threads.restart.light, threads.restart.dark] = await Promise.all([
    threadThroughApi(page, CODE_PROMPT),
    threadThroughApi(page, "restart my OpenClaw"),
    threadThroughApi(page, "restart my OpenClaw"),
    threadThroughApi(page, "restart my OpenClaw"),
  ]);
  threads.archived = await threadThroughApi(page, "count to 3");
  await Promise.all([
    patchThread(page, threads.archived, { title: ARCHIVED_TITLE, archived: true }),
    patchThread(page, threads.pending, { title: "Restart, left pending" }),
  ]);
  signedInState = await context.storageState();
});

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

/** A new context with the user's session, its page open at home. */
const signedIn = (options: BrowserContextOptions) => openSignedIn(browser, base, signedInState, options);

const messages = (page: Page) => page.getByTestId("messages");
/** A job's progress while it is queued, running or waiting (not yet succeeded, failed or cancelled). */
const unfinishedJob = (page: Page) =>
  page.locator('[data-testid="job-progress"]:is([data-status="queued"], [data-status="running"], [data-status="waiting"])');
const appears = (locator: Locator, timeout: number) =>
  locator.waitFor({ timeout }).then(
    () => true,
    () => false,
  );

/** Screenshot first (a running job must be caught while it runs), then the scan; fails on serious or critical violations. */
async function expectAccessible(page: Page, screen: string, theme: Theme): Promise<void> {
  await settled(page);
  expect(await page.evaluate(() => document.documentElement.classList.contains("dark")), `the ${theme} theme is applied`).toBe(
    theme === "dark",
  );
  await screenshot(page, `a11y-${screen}-${theme}`);
  const results = await axeScan(page, `${screen}-${theme}`);
  const serious = blocking(results.violations);
  expect(
    serious,
    `axe on ${screen} (${theme}): ${serious.length} serious or critical violation(s)\n${describeViolations(serious)}`,
  ).toEqual([]);
}

describe.each(THEMES)("every screen in the %s theme passes axe (WCAG 2.1 AA, no serious or critical violation)", (theme) => {
  let desktop: BrowserContext;
  let phone: BrowserContext;
  let page: Page;
  let phonePage: Page;

  beforeAll(async () => {
    [{ context: desktop, page }, { context: phone, page: phonePage }] = await Promise.all([
      signedIn({ viewport: DESKTOP, colorScheme: theme }),
      signedIn({ viewport: PHONE, colorScheme: theme, isMobile: true, hasTouch: true }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([desktop?.close(), phone?.close()]);
  });

  it("login", async () => {
    const context = await browser.newContext({ baseURL: base, viewport: DESKTOP, colorScheme: theme });
    try {
      const login = await context.newPage();
      await login.goto("/");
      await login.getByLabel("Your name").waitFor();
      await login.getByRole("button", { name: "Sign in" }).waitFor();
      await expectAccessible(login, "login", theme);
    } finally {
      await context.close();
    }
  });

  it("empty home", async () => {
    await page.goto("/");
    await page.getByRole("region", { name: "Start a chat" }).getByLabel("Message").waitFor();
    await expectAccessible(page, "home", theme);
  });

  it("thread with a streamed answer and a code block", async () => {
    await page.goto(`/t/${threads.code}`);
    await expect.poll(() => messages(page).innerText(), { timeout: 15_000 }).toContain(CODE_PROMPT);
    // The answer is stored (the stream was read to its end): wait until history shows it.
    await expect.poll(async () => (await messages(page).innerText()).length, { timeout: 15_000 }).toBeGreaterThan(CODE_PROMPT.length + 40);
    // The answer the offline model gives for a code example: a fenced block with a copy button, and a table.
    expect
      .soft(await appears(page.getByRole("button", { name: "Copy code" }).first(), 2000), "a code block with a Copy code button")
      .toBe(true);
    expect.soft(await appears(messages(page).getByRole("table").first(), 1000), "a markdown table").toBe(true);
    await expectAccessible(page, "thread-code", theme);
  });

  it("thread: a question being edited, then the delete dialog", async () => {
    expect(page.url()).toContain(threads.code);
    const question = messages(page).locator('[data-role="user"]').first();
    await question.hover();
    await question.getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("Edit question").waitFor();
    await expectAccessible(page, "thread-editing", theme);
    await page.locator('[data-role="edit"]').getByRole("button", { name: "Cancel" }).click();
    const row = page.locator(`[data-thread-id="${threads.code}"]`);
    await row.hover();
    await row.getByRole("button", { name: /^Actions for / }).click();
    await page.getByRole("menuitem", { name: "Delete…" }).click();
    const dialog = page.getByRole("alertdialog");
    await dialog.waitFor();
    await settled(page);
    await expectAccessible(page, "delete-dialog", theme);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
  });

  it("approval card, pending", async () => {
    await page.goto(`/t/${threads.pending}`);
    const card = page.getByTestId("approval-card");
    await card.waitFor({ timeout: 15_000 });
    await expect.poll(() => card.getAttribute("data-status")).toBe("pending");
    // The approval's record has loaded: its risk, not the placeholder.
    await expect.poll(() => card.innerText(), { timeout: 15_000 }).toMatch(/medium risk/i);
    await card.getByRole("button", { name: "Approve" }).waitFor();
    await expectAccessible(page, "approval-pending", theme);
  });

  it("approval decided, the job's progress while it runs", async () => {
    await page.goto(`/t/${threads.restart[theme]}`);
    const card = page.getByTestId("approval-card");
    await card.waitFor({ timeout: 15_000 });
    await card.getByRole("button", { name: "Approve" }).click();
    await unfinishedJob(page).first().waitFor({ timeout: 15_000 });
    await expectAccessible(page, "job-progress", theme);
  });

  it("approval decided and its job finished", async () => {
    expect(page.url()).toContain(threads.restart[theme]);
    await expect.poll(() => messages(page).innerText(), { timeout: 30_000 }).toContain("The restart is done.");
    await expect.poll(() => page.getByTestId("approval-card").getAttribute("data-status")).toBe("approved");
    await expect.poll(() => unfinishedJob(page).count()).toBe(0);
    await expectAccessible(page, "approval-finished", theme);
  });

  it("inbox with a pending approval", async () => {
    await page.getByRole("link", { name: /Approvals/ }).click();
    await page.getByRole("region", { name: "Approvals" }).waitFor();
    await page.getByTestId("inbox-item").first().waitFor({ timeout: 15_000 });
    await expectAccessible(page, "inbox", theme);
  });

  it("OpenClaw panel", async () => {
    await page.getByRole("link", { name: /^OpenClaw/ }).click();
    await page.getByRole("article", { name: "Instance" }).waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByRole("article", { name: "Devices" }).innerText(), { timeout: 15_000 }).toContain("pending");
    await expectAccessible(page, "openclaw", theme);
  });

  it("sidebar, archived view", async () => {
    await page.goto("/");
    const sidebar = page.getByRole("navigation", { name: "Threads" });
    await page.getByRole("button", { name: "Archived", exact: true }).click();
    await page.getByRole("heading", { name: "Archived", exact: true }).waitFor();
    await expect.poll(() => sidebar.innerText(), { timeout: 15_000 }).toContain(ARCHIVED_TITLE);
    await expectAccessible(page, "archived", theme);
  });

  it("phone: home with the drawer open", async () => {
    await phonePage.goto("/");
    await phonePage.getByRole("button", { name: "Open the thread list" }).click();
    await phonePage.getByTestId("drawer-backdrop").waitFor();
    await expectAccessible(phonePage, "phone-drawer", theme);
  });

  it("phone: a thread", async () => {
    await phonePage.goto(`/t/${await longThread}`);
    await expect.poll(() => messages(phonePage).innerText(), { timeout: 15_000 }).toContain(LAST_SENTENCE);
    await expectAccessible(phonePage, "phone-thread", theme);
  });
});
