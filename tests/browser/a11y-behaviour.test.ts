import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type System, startSystem } from "../system/harness.ts";
import { launchChromium } from "./browser.ts";
import { axeScan, openSignedIn, settled, signIn } from "./fixture.ts";

// The accessibility behaviour behind the scans (a11y.test.ts): the theme follows the system and the
// toggle, live answers are announced, the phone drawer is a dialog, and the scan itself catches
// unnamed controls.

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const LONG_PROMPT = "Give me a long answer please";

let system: System;
let browser: Browser;
let base: string;
/** The user's session (its cookie), for every further context: signed in without the login form. */
let signedInState: Awaited<ReturnType<BrowserContext["storageState"]>>;

beforeAll(async () => {
  [system, browser] = await Promise.all([startSystem({ web: {}, agentVars: { OFFLINE_MODEL_DELAY_MS: "12" } }), launchChromium()]);
  base = system.web!.url;
  const context = await browser.newContext({ baseURL: base, viewport: DESKTOP });
  await signIn(await context.newPage(), "Axe");
  signedInState = await context.storageState();
  await context.close();
});

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

/** A new context with the user's session, its page open at home. */
const signedIn = (options: BrowserContextOptions) => openSignedIn(browser, base, signedInState, options);

const messages = (page: Page) => page.getByTestId("messages");

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
    // A user of its own, signed in through the login form: its own per-minute request budget.
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
          chain.push(
            `${node.tagName.toLowerCase()}${role ? `[role=${role}]` : ""}${ariaLive ? `[aria-live=${ariaLive}]` : ""}${node.getAttribute("data-testid") ? `[data-testid=${node.getAttribute("data-testid")}]` : ""}`,
          );
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

      const focusables =
        'a[href], button:not([disabled]), input:not([disabled]), textarea:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';
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
      const caught = (rule: string, id: string) =>
        results.violations.some((violation) => violation.id === rule && violation.nodes.some((node) => node.target.join(" ").includes(id)));
      expect(caught("button-name", "#probe-button"), "an unnamed button is reported").toBe(true);
      expect(caught("link-name", "#probe-link"), "an unnamed link is reported").toBe(true);
      expect(caught("label", "#probe-input"), "an unlabelled input is reported").toBe(true);
    } finally {
      await context.close();
    }
  });
});
