import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openclawControl, type System, startSystem } from "../system/harness.ts";
import { launchChromium, screenshot, signedIn } from "./browser.ts";

// The website says only what it knows: unknown is never shown as empty, a card tells what really
// happened, and small things users notice (new chat, follow-ups, unread, the drawer) behave.

let system: System;
let browser: Browser;
let base: string;

beforeAll(async () => {
  [system, browser] = await Promise.all([
    startSystem({
      web: {},
      agentVars: { OFFLINE_MODEL_DELAY_MS: "5", JOB_POLL_MS: "400" },
      openclawVars: { RESTART_DELAY_MS: "2500" },
    }),
    launchChromium(),
  ]);
  base = system.web!.url;
});
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

const messages = (page: Page) => page.getByTestId("messages");
const sidebar = (page: Page) => page.getByTestId("thread-list");
const threadCount = async (page: Page) =>
  ((await (await page.request.get("/threads?limit=100")).json()) as { threads: unknown[] }).threads.length;

/** Starts a chat from the new-chat composer with its first message; resolves with the thread id. */
async function startChat(page: Page, text: string): Promise<string> {
  await page.getByRole("button", { name: "New chat", exact: true }).click();
  const composer = page.getByRole("region", { name: "Start a chat" });
  await composer.getByLabel("Message").fill(text);
  await composer.getByLabel("Message").press("Enter");
  await page.waitForURL(/\/t\/t_/);
  return new URL(page.url()).pathname.split("/")[2]!;
}

describe("the website never says what it does not know", () => {
  it("with the OpenClaw API down, the panel says it could not be reached and offers no Provision; Try again shows the instance", async () => {
    const control = openclawControl(system.openclaw, "dev:olga");
    await control.seed({ instance: { status: "ready" } });
    await control.addFault({ path: "/", kind: "500", status: 503, message: "The OpenClaw API is down for maintenance" });
    const { page, context } = await signedIn(browser, base, "Olga");
    try {
      await page.getByRole("link", { name: "OpenClaw" }).click();
      const instance = page.getByRole("article", { name: "Instance" });
      await instance.waitFor();
      await expect
        .poll(() => instance.innerText())
        .toContain(
          "Your instance could not be checked: the OpenClaw API could not be reached. The OpenClaw API is down for maintenance (HTTP 503).",
        );
      expect(await instance.innerText()).not.toMatch(/no OpenClaw instance/);
      expect(await page.getByRole("button", { name: /Provision/ }).count()).toBe(0);
      await screenshot(page, "honest-01-openclaw-unreachable");

      await control.clearFaults();
      await instance.getByRole("button", { name: "Try again" }).click();
      await expect.poll(() => page.getByRole("article", { name: "Instance" }).innerText(), { timeout: 15_000 }).toMatch(/ready/);
      expect(await page.getByRole("button", { name: /Provision/ }).count()).toBe(0);
    } finally {
      await control.clearFaults();
      await context.close();
    }
  });

  it("when the approvals cannot be loaded, the inbox and the sidebar say so instead of showing them empty", async () => {
    const { page, context } = await signedIn(browser, base, "Ines");
    try {
      // A proxy's 502 page, not the API's JSON: the user reads a sentence, never the body.
      const approvals = (url: URL) => url.pathname === "/approvals";
      const badGateway = { status: 502, contentType: "text/html", body: "<html><body><h1>502 Bad Gateway</h1></body></html>" };
      await page.route(approvals, (route) => route.fulfill(badGateway));
      await page.route(
        (url) => url.pathname === "/events",
        (route) => route.fulfill(badGateway),
      );
      await page.goto("/inbox");
      // The live feed is down too: the sidebar says so in words, not only with a grey dot.
      await page.getByRole("navigation", { name: "Threads" }).getByText("Reconnecting…").waitFor();
      const alert = page.getByRole("region", { name: "Approvals" }).getByRole("alert");
      await alert.waitFor();
      expect(await alert.innerText()).toContain(
        "Your approvals could not be loaded — The server is unreachable right now (502). Try again in a moment.",
      );
      expect(await page.getByRole("region", { name: "Approvals" }).innerText()).not.toContain("Nothing is waiting for you.");
      expect(await page.locator("body").innerText()).not.toContain("Bad Gateway");
      await expect.poll(() => sidebar(page).innerText()).toContain("could not be loaded");
      expect(await sidebar(page).innerText()).not.toContain("No threads yet.");
      await screenshot(page, "honest-02-inbox-unreachable");

      // A search that fails says so; it is not "No thread matches."
      const search = (url: URL) => url.pathname === "/threads" && url.searchParams.has("q");
      await page.route(search, (route) => route.fulfill(badGateway));
      await page.getByLabel("Search threads").fill("anything");
      await expect
        .poll(() => sidebar(page).innerText())
        .toContain("The search could not be loaded — The server is unreachable right now (502).");
      expect(await sidebar(page).innerText()).not.toContain("No thread matches.");
      await page.unroute(search);
      await page.getByLabel("Search threads").fill("");

      await page.unroute(approvals);
      await alert.getByRole("button", { name: "Try again" }).click();
      await expect.poll(() => page.getByRole("region", { name: "Approvals" }).innerText()).toContain("Nothing is waiting for you.");
      await expect.poll(() => sidebar(page).innerText()).toContain("No threads yet.");
    } finally {
      await context.close();
    }
  });
});

describe("approval cards tell the truth", () => {
  it("approved reads running with the job's progress, then done; rejected reads 'Rejected: reason', never failed", async () => {
    await openclawControl(system.openclaw, "dev:pia").seed({ instance: { status: "ready" } });
    const { page, context } = await signedIn(browser, base, "Pia");
    try {
      await startChat(page, "restart my OpenClaw");
      const card = page.getByTestId("approval-card").first();
      await card.getByRole("button", { name: "Approve" }).waitFor({ timeout: 15_000 });
      expect(await card.getAttribute("class")).toMatch(/risk-medium/);

      // Every text the card shows from Approve until the job is done, in order.
      const seen: string[] = [];
      await card.getByRole("button", { name: "Approve" }).click();
      await expect
        .poll(
          async () => {
            const text = await card
              .getByRole("status")
              .innerText()
              .catch(() => "");
            if (text && seen[seen.length - 1] !== text) seen.push(text);
            return text;
          },
          { timeout: 30_000, interval: 50 },
        )
        .toMatch(/^Approved · done/);
      await screenshot(page, "honest-03-approved-done");
      const running = seen.findIndex((text) => /^Approved · running \d+% — /.test(text));
      expect(running, seen.join(" | ")).toBeGreaterThanOrEqual(0);
      expect(
        seen.slice(running + 1).some((text) => text.startsWith("Approved · done")),
        seen.join(" | "),
      ).toBe(true);
      expect(
        seen.some((text) => /failed/.test(text)),
        seen.join(" | "),
      ).toBe(false);
      // A decided card asks for nothing any more; its raw result waits behind Details.
      expect(await card.getAttribute("class")).toMatch(/decided/);
      expect(await card.getAttribute("class")).not.toMatch(/risk-/);
      expect(await card.locator("pre").first().isVisible()).toBe(false);

      await page.getByLabel("Message").fill("restart my OpenClaw");
      await page.getByLabel("Message").press("Enter");
      const second = page.getByTestId("approval-card").nth(1);
      await second.getByRole("button", { name: "Reject" }).waitFor({ timeout: 15_000 });
      await second.getByLabel("Reason (optional)").fill("not during office hours");
      await second.getByRole("button", { name: "Reject" }).click();
      await expect
        .poll(
          () =>
            second
              .getByRole("status")
              .innerText()
              .catch(() => ""),
          { timeout: 15_000 },
        )
        .toBe("Rejected: not during office hours");
      await expect.poll(() => page.locator('[data-role="assistant"][data-status="running"]').count(), { timeout: 15_000 }).toBe(0);
      expect(await second.innerText()).not.toMatch(/failed/i);
      expect(await second.getAttribute("class")).toMatch(/decided status-rejected/);
      expect(await second.locator("pre:visible").count()).toBe(0);
      await screenshot(page, "honest-04-rejected");
    } finally {
      await context.close();
    }
  });
});

describe("details users notice", () => {
  it("New chat makes no thread until the first message is sent", async () => {
    const { page, context } = await signedIn(browser, base, "Nina");
    try {
      const before = await threadCount(page);
      await page.getByRole("button", { name: "New chat", exact: true }).click();
      const composer = page.getByRole("region", { name: "Start a chat" });
      await composer.getByLabel("Message").waitFor();
      expect(new URL(page.url()).pathname).toBe("/");
      expect(await threadCount(page)).toBe(before);

      await composer.getByLabel("Message").fill("hello, first message");
      await composer.getByLabel("Message").press("Enter");
      await page.waitForURL(/\/t\/t_/);
      await expect.poll(() => messages(page).innerText(), { timeout: 15_000 }).toContain("hello, first message");
      expect(await threadCount(page)).toBe(before + 1);
      // Sent once: the thread view sent the handed-over message, nothing else did.
      expect(await page.locator('[data-role="user"]').count()).toBe(1);
    } finally {
      await context.close();
    }
  });

  it("lists an upcoming follow-up in the thread and cancels it there", async () => {
    const { page, context } = await signedIn(browser, base, "Fred");
    try {
      const threadId = await startChat(page, "check again in 10 minutes");
      const followup = page.getByTestId("followup");
      await followup.waitFor({ timeout: 15_000 });
      expect(await followup.innerText()).toMatch(/in 10 min/);
      await screenshot(page, "honest-05-followup");
      await followup.getByRole("button", { name: "Cancel…" }).click();
      await followup.getByRole("button", { name: "Yes, cancel it" }).click();
      await expect.poll(() => followup.count()).toBe(0);
      const { schedules } = (await (await page.request.get(`/threads/${threadId}/schedules`)).json()) as {
        schedules: Array<{ status: string }>;
      };
      expect(schedules.map((schedule) => schedule.status)).toEqual(["cancelled"]);
      // The web routes take only a schedule id, and answer other methods with 405.
      expect((await page.request.delete(`/threads/${threadId}/schedules/not%20an%20id`, { headers: { origin: base } })).status()).toBe(400);
      expect((await page.request.put(`/threads/${threadId}/schedules`, { data: {}, headers: { origin: base } })).status()).toBe(405);
    } finally {
      await context.close();
    }
  });

  it("marks a thread that moved elsewhere as unread, shows relative time, and updates the archive in place", async () => {
    const { page, context } = await signedIn(browser, base, "Uma");
    const other = await signedIn(browser, base, "Uma");
    try {
      const first = await startChat(page, "first thread please");
      await expect.poll(() => messages(page).innerText(), { timeout: 15_000 }).toContain("for a real model.");
      await startChat(page, "second thread please");
      const row = sidebar(page).locator(`[data-thread-id="${first}"]`);
      await expect.poll(() => row.innerText()).toMatch(/just now|min ago/);
      expect(await row.locator("time").getAttribute("title")).toMatch(/\d/);
      expect(await row.getByRole("img", { name: "unread" }).count()).toBe(0);

      // The first thread moves in another window while this one looks at the second.
      await other.page.goto(`/t/${first}`);
      await other.page.getByLabel("Message").fill("moving the first thread");
      await other.page.getByLabel("Message").press("Enter");
      await expect.poll(() => row.getByRole("img", { name: "unread" }).count(), { timeout: 15_000 }).toBe(1);
      await screenshot(page, "honest-06-unread");
      await row.getByRole("link").click();
      await expect.poll(() => row.getByRole("img", { name: "unread" }).count()).toBe(0);

      // Archive it, open the archive: it says where you are, and unarchiving moves the row out at once.
      await row.hover();
      await row.getByRole("button", { name: /^Actions for / }).click();
      await page.getByRole("menuitem", { name: "Archive", exact: true }).click();
      await expect.poll(() => row.count()).toBe(0);
      await page.getByRole("button", { name: "Archived" }).click();
      await page.getByRole("heading", { name: "Archived" }).waitFor();
      const archivedRow = sidebar(page).locator(`[data-thread-id="${first}"]`);
      await archivedRow.waitFor();
      await archivedRow.hover();
      await archivedRow.getByRole("button", { name: /^Actions for / }).click();
      await page.getByRole("menuitem", { name: "Unarchive", exact: true }).click();
      await expect.poll(() => archivedRow.count()).toBe(0);
      await page.getByRole("button", { name: "Back to threads" }).click();
      await expect.poll(() => sidebar(page).locator(`[data-thread-id="${first}"]`).count()).toBe(1);
    } finally {
      await Promise.all([context.close(), other.context.close()]);
    }
  });

  it("renames, pins and unpins a thread from its row menu, keeping focus on the row", async () => {
    const { page, context } = await signedIn(browser, base, "Rita");
    try {
      const threadId = await startChat(page, "a thread to rename");
      const row = sidebar(page).locator(`[data-thread-id="${threadId}"]`);
      const focused = () =>
        page.evaluate(() => (document.activeElement?.closest("[data-thread-id]") as HTMLElement | null)?.dataset.threadId ?? null);
      await row.hover();
      await row.getByRole("button", { name: /^Actions for / }).click();
      await page.getByRole("menuitem", { name: "Rename", exact: true }).click();
      const field = row.getByLabel("Thread title");
      await expect.poll(() => field.evaluate((node) => node === document.activeElement)).toBe(true);
      await field.fill("Renamed by Rita");
      await field.press("Enter");
      await expect.poll(() => row.getByRole("link").innerText()).toContain("Renamed by Rita");
      await expect.poll(focused).toBe(threadId);
      expect(
        (await (await page.request.get(`/threads?limit=100`)).json()).threads.find((thread: { id: string }) => thread.id === threadId)
          .title,
      ).toBe("Renamed by Rita");

      await row.getByRole("button", { name: "Actions for Renamed by Rita" }).click();
      await page.getByRole("menuitem", { name: "Pin", exact: true }).click();
      await row.getByRole("img", { name: "Pinned" }).waitFor();
      await expect.poll(focused).toBe(threadId);
      await row.getByRole("button", { name: /^Actions for / }).click();
      await page.getByRole("menuitem", { name: "Unpin", exact: true }).click();
      await expect.poll(() => row.getByRole("img", { name: "Pinned" }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it("follows the system theme until the person picks one, and remembers the pick", async () => {
    const { page, context } = await signedIn(browser, base, "Theo");
    try {
      const dark = () => page.evaluate(() => document.documentElement.classList.contains("dark"));
      // The system setting's change event comes with the page's next rendering step: seconds on a busy machine.
      await page.emulateMedia({ colorScheme: "dark" });
      await expect.poll(dark, { timeout: 10_000 }).toBe(true);
      await page.emulateMedia({ colorScheme: "light" });
      await expect.poll(dark, { timeout: 10_000 }).toBe(false);
      await page.getByRole("button", { name: "Theme: System" }).click();
      await page.getByRole("menuitemradio", { name: "Dark" }).click();
      await expect.poll(dark).toBe(true);
      await page.reload();
      await page.getByRole("button", { name: "Theme: Dark" }).waitFor();
      expect(await dark()).toBe(true);
      await page.getByRole("button", { name: "Theme: Dark" }).click();
      await page.getByRole("menuitemradio", { name: "System" }).click();
      await expect.poll(dark).toBe(false);
    } finally {
      await context.close();
    }
  });

  it("the phone drawer closes on a backdrop tap and on Escape, and gives focus back to its button", async () => {
    const { page, context } = await signedIn(browser, base, "Phil", { width: 390, height: 844 });
    try {
      const toggle = page.getByRole("button", { name: "Open the thread list" });
      // While open, the drawer is a modal dialog: the page behind it (its button too) is hidden from assistive tech.
      const drawer = page.getByRole("dialog", { name: "Threads" });
      const toggleHasFocus = () => page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? null);
      await toggle.click();
      await drawer.waitFor();
      expect(await drawer.getByRole("navigation", { name: "Threads" }).count()).toBe(1);
      await page.getByTestId("drawer-backdrop").click({ position: { x: 370, y: 400 } });
      await expect.poll(() => drawer.count()).toBe(0);
      await expect.poll(() => toggle.getAttribute("aria-expanded")).toBe("false");
      await toggle.click();
      await drawer.waitFor();
      await page.keyboard.press("Escape");
      await expect.poll(() => drawer.count()).toBe(0);
      await expect.poll(() => toggle.getAttribute("aria-expanded")).toBe("false");
      await expect.poll(toggleHasFocus).toBe("Open the thread list");
    } finally {
      await context.close();
    }
  });
});
