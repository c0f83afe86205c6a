import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openclawControl, startSystem, type System } from "../system/harness.ts";
import { launchChromium, screenshot } from "./browser.ts";
import { axeScan, blocking, describeViolations, patchThread, settled, signIn, threadThroughApi, whenSignedIn } from "./fixture.ts";

// Every screen in both themes: an axe scan (WCAG 2.1 A/AA) with no serious or critical
// violation, and a screenshot of it (artifacts/screenshots/a11y-<screen>-<theme>.png) for a
// person to judge. Then the behaviour behind the scans: theme, live answers, the phone drawer.

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
  await openclawControl(system.openclaw, USER_ID).seed({ instance: { status: "ready" }, devices: { pending: [{ requestId: "req-phone" }] } });
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
async function signedIn(options: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: base, storageState: signedInState, ...options });
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
  await page.goto("/");
  await whenSignedIn(page);
  return { context, page };
}

const messages = (page: Page) => page.getByTestId("messages");
/** A job's progress while it is queued, running or waiting (not yet succeeded, failed or cancelled). */
const unfinishedJob = (page: Page) => page.locator('[data-testid="job-progress"]:is([data-status="queued"], [data-status="running"], [data-status="waiting"])');
const appears = (locator: Locator, timeout: number) => locator.waitFor({ timeout }).then(
  () => true,
  () => false,
);

/** Screenshot first (a running job must be caught while it runs), then the scan; fails on serious or critical violations. */
async function expectAccessible(page: Page, screen: string, theme: Theme): Promise<void> {
  await settled(page);
  expect(await page.evaluate(() => document.documentElement.classList.contains("dark")), `the ${theme} theme is applied`).toBe(theme === "dark");
  await screenshot(page, `a11y-${screen}-${theme}`);
  const results = await axeScan(page, `${screen}-${theme}`);
  const serious = blocking(results.violations);
  expect(serious, `axe on ${screen} (${theme}): ${serious.length} serious or critical violation(s)\n${describeViolations(serious)}`).toEqual([]);
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
    expect.soft(await appears(page.getByRole("button", { name: "Copy code" }).first(), 2000), "a code block with a Copy code button").toBe(true);
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

/** The page's background, drawn to a canvas so any CSS colour syntax (oklch, color(srgb …)) reads as sRGB; its relative luminance 0..1. */
async function backgroundLuminance(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const context = canvas.getContext("2d", { willReadFrequently: true })!;
    const paint = (colour: string) => {
      context.clearRect(0, 0, 1, 1);
      context.fillStyle = "#fff";
      context.fillRect(0, 0, 1, 1);
      context.fillStyle = colour;
      context.fillRect(0, 0, 1, 1);
      return context.getImageData(0, 0, 1, 1).data;
    };
    const transparent = (colour: string) => /^rgba\(.*,\s*0\)$|^transparent$/.test(colour);
    const body = getComputedStyle(document.body).backgroundColor;
    const colour = transparent(body) ? getComputedStyle(document.documentElement).backgroundColor : body;
    const [r, g, b] = Array.from(paint(colour)).map((channel) => {
      const c = channel / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  });
}

const isDark = (page: Page) => page.evaluate(() => document.documentElement.classList.contains("dark"));

describe("accessibility behaviour", () => {
  it("the theme follows the system setting, when the page loads and when the setting changes", async () => {
    const { context, page } = await signedIn({ viewport: DESKTOP, colorScheme: "light" });
    try {
      expect(await isDark(page), "a light system: no dark class").toBe(false);
      expect(await backgroundLuminance(page), "a light system: a light background").toBeGreaterThan(0.7);
      await page.emulateMedia({ colorScheme: "dark" });
      await page.reload();
      await page.getByLabel("Message").waitFor();
      await settled(page);
      expect(await isDark(page), "a dark system at load: the dark class").toBe(true);
      expect(await backgroundLuminance(page), "a dark system at load: a dark background").toBeLessThan(0.1);
      // The system switches back to light (evening mode ends) while the page is open.
      await page.emulateMedia({ colorScheme: "light" });
      await expect.poll(() => isDark(page), { message: "the page follows a system change without a reload", timeout: 2000 }).toBe(false);
      await settled(page);
      expect(await backgroundLuminance(page)).toBeGreaterThan(0.7);
    } finally {
      await context.close();
    }
  });

  it("the theme toggle's choice overrides the system setting and is remembered across a reload", async () => {
    const { context, page } = await signedIn({ viewport: DESKTOP, colorScheme: "light" });
    try {
      const choose = async (option: "System" | "Light" | "Dark") => {
        await page.getByRole("button", { name: /^Theme/ }).click({ timeout: 5000 });
        await page.getByRole("menuitemradio", { name: option }).click({ timeout: 5000 });
      };
      await choose("Dark");
      await expect.poll(() => isDark(page)).toBe(true);
      await page.reload();
      await page.getByLabel("Message").waitFor();
      expect(await isDark(page), "Dark, chosen under a light system, after a reload").toBe(true);
      expect(await page.evaluate(() => localStorage.getItem("oa-theme"))).toBe("dark");

      await page.emulateMedia({ colorScheme: "dark" });
      await choose("Light");
      await expect.poll(() => isDark(page)).toBe(false);
      await page.reload();
      await page.getByLabel("Message").waitFor();
      expect(await isDark(page), "Light, chosen under a dark system, after a reload").toBe(false);

      await choose("System");
      await expect.poll(() => isDark(page)).toBe(true);
      // The menu says which choice holds.
      await page.getByRole("button", { name: /^Theme/ }).click();
      expect(await page.getByRole("menuitemradio", { name: "System" }).isChecked()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it("a streamed answer is announced: while it streams, its text is inside a live region", async () => {
    // A user of its own: the scans above spend much of the first user's per-minute request budget.
    const context = await browser.newContext({ baseURL: base, viewport: DESKTOP });
    const page = await context.newPage();
    await signIn(page, "Announce");
    try {
      await page.getByLabel("Message").fill(LONG_PROMPT);
      await page.keyboard.press("Enter");
      await page.waitForURL(/\/t\/t_/);
      await expect.poll(() => messages(page).innerText(), { timeout: 15_000 }).toContain("Sentence 3 of");
      const found = await page.evaluate(() => {
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        let element: Element | null = null;
        while (walker.nextNode()) {
          if (walker.currentNode.textContent?.includes("Sentence 3 of")) {
            element = walker.currentNode.parentElement;
            break;
          }
        }
        const streaming = !document.body.innerText.includes("Sentence 40 of");
        const chain: string[] = [];
        let live: string | null = null;
        for (let node = element; node; node = node.parentElement) {
          const role = node.getAttribute("role");
          const ariaLive = node.getAttribute("aria-live");
          chain.push(`${node.tagName.toLowerCase()}${role ? `[role=${role}]` : ""}${ariaLive ? `[aria-live=${ariaLive}]` : ""}${node.getAttribute("data-testid") ? `[data-testid=${node.getAttribute("data-testid")}]` : ""}`);
          if (live !== null) continue;
          // The nearest aria-live decides (an explicit "off" silences); else a live role: log, status, alert.
          if (ariaLive) live = ariaLive === "off" ? "" : `aria-live=${ariaLive}`;
          else if (role === "log" || role === "status" || role === "alert") live = `role=${role}`;
        }
        return { streaming, live: live || null, chain: chain.join(" < ") };
      });
      expect(found.streaming, "the check ran while the answer still streamed").toBe(true);
      expect(found.live, `the answer's text has no live region around it: ${found.chain}`).not.toBeNull();
    } finally {
      await context.close();
    }
  });

  it("the phone drawer is a dialog: it traps focus, closes on Escape (focus back on its button) and on the backdrop", async () => {
    const { context, page } = await signedIn({ viewport: PHONE, isMobile: true, hasTouch: true });
    try {
      const opener = page.getByRole("button", { name: "Open the thread list" });
      const dialog = page.getByRole("dialog");
      await opener.click();
      await dialog.waitFor({ timeout: 5000 });

      const focusables = 'a[href], button:not([disabled]), input:not([disabled]), textarea:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';
      const focusEdge = (edge: "first" | "last") =>
        dialog.evaluate(
          (root, [selector, which]) => {
            const all = Array.from(root.querySelectorAll<HTMLElement>(selector)).filter((element) => element.getClientRects().length > 0);
            const target = which === "first" ? all[0] : all[all.length - 1];
            target?.focus();
            return target === document.activeElement;
          },
          [focusables, edge] as const,
        );
      const focusInside = () => dialog.evaluate((root) => root.contains(document.activeElement));
      expect(await focusInside(), "focus moves into the drawer when it opens").toBe(true);
      expect(await focusEdge("last")).toBe(true);
      await page.keyboard.press("Tab");
      expect(await focusInside(), "Tab from the last control stays in the drawer").toBe(true);
      expect(await focusEdge("first")).toBe(true);
      await page.keyboard.press("Shift+Tab");
      expect(await focusInside(), "Shift+Tab from the first control stays in the drawer").toBe(true);

      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "hidden", timeout: 5000 });
      await expect.poll(() => opener.evaluate((element) => element === document.activeElement), { timeout: 2000 }).toBe(true);

      await opener.click();
      await dialog.waitFor({ timeout: 5000 });
      await settled(page);
      const backdrop = page.getByTestId("drawer-backdrop");
      const box = (await backdrop.boundingBox())!;
      // The backdrop's far edge, away from the drawer that covers its other side.
      await backdrop.click({ position: { x: box.width - 8, y: box.height / 2 } });
      await dialog.waitFor({ state: "hidden", timeout: 5000 });
    } finally {
      await context.close();
    }
  });

  it("the scan checks controls' names and labels (button-name, link-name, label)", async () => {
    const { context, page } = await signedIn({ viewport: DESKTOP });
    try {
      await page.evaluate(() => {
        const probe = document.createElement("div");
        probe.id = "axe-probe";
        probe.innerHTML = '<button id="probe-button"></button><a id="probe-link" href="/x"></a><input id="probe-input" type="text">';
        document.body.append(probe);
      });
      const results = await axeScan(page, "probe");
      const caught = (rule: string, id: string) => results.violations.some((violation) => violation.id === rule && violation.nodes.some((node) => node.target.join(" ").includes(id)));
      expect(caught("button-name", "#probe-button"), "an unnamed button is reported").toBe(true);
      expect(caught("link-name", "#probe-link"), "an unnamed link is reported").toBe(true);
      expect(caught("label", "#probe-input"), "an unlabelled input is reported").toBe(true);
    } finally {
      await context.close();
    }
  });
});
