import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openclawControl, type System, startSystem } from "../system/harness.ts";
import { launchChromium, screenshot, signedIn } from "./browser.ts";

let system: System;
let browser: Browser;
let base: string;

/** The offline model's pace: the long answer (some 480 words) takes some seconds, long enough to watch it grow. */
const WORD_DELAY_MS = 10;

beforeAll(async () => {
  [system, browser] = await Promise.all([
    startSystem({ web: {}, agentVars: { OFFLINE_MODEL_DELAY_MS: String(WORD_DELAY_MS) } }),
    launchChromium(),
  ]);
  base = system.web!.url;
});
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

const PROMPT = "Give me a long answer please";
const LAST_SENTENCE = "Sentence 40 of a deliberately long answer that streams word by word.";

type Stored = { id: string; role: string; parts: Array<{ type: string; text?: string }>; metadata?: { status?: string } };

// The answers' words only: each answer also carries its actions and the time it was written.
const assistantText = async (page: Page) =>
  (await page.locator('[data-role="assistant"] [data-testid="answer-content"]').allInnerTexts()).join("\n");
const textOf = (message: Stored) =>
  message.parts
    .filter((part) => part.type === "text")
    .map((part) => part.text)
    .join("");

/** A thread made through the browser API (same origin, as the signed-in user), opened in each page. */
async function openNewThread(pages: Page[], title?: string): Promise<string> {
  const threadId = await pages[0]!.evaluate(async (title) => {
    const response = await fetch("/threads", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(title ? { kind: "chat", title } : { kind: "chat" }),
    });
    return ((await response.json()) as { threadId: string }).threadId;
  }, title);
  for (const page of pages) {
    await page.goto(`/t/${threadId}`);
    await page.getByText("Ask anything").waitFor();
  }
  return threadId;
}

async function stored(page: Page, threadId: string): Promise<Stored[]> {
  return page.evaluate(async (id) => {
    const response = await fetch(`/threads/${id}/messages?limit=200`);
    return ((await response.json()) as { messages: Stored[] }).messages;
  }, threadId);
}

/** The status of the thread's run as the server has it (null: nothing running). */
async function activeRun(page: Page, threadId: string): Promise<string | null> {
  return page.evaluate(async (id) => {
    const response = await fetch(`/threads/${id}/summary`);
    return ((await response.json()) as { activeRun: { status: string } | null }).activeRun?.status ?? null;
  }, threadId);
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel("Message").fill(text);
  await page.keyboard.press("Enter");
}

describe("live in every tab", () => {
  it("a second window of the same user streams the answer another window asked for, with Stop, and both end with it once", async () => {
    const { page: a, context: first } = await signedIn(browser, base, "Dana");
    const { page: b, context: second } = await signedIn(browser, base, "Dana");
    const threadId = await openNewThread([a, b]);

    await send(a, PROMPT);
    // B was idle: it sees the answer grow while A's run is still live on the server, sampled twice at different
    // lengths before the end.
    await expect.poll(() => assistantText(b), { timeout: 15_000 }).toContain("Sentence 2 of");
    const early = await assistantText(b);
    expect(early).not.toContain(LAST_SENTENCE);
    expect(await activeRun(b, threadId), "the run is still live when B shows its first words").toBe("running");
    expect(await a.getByRole("button", { name: "Stop" }).isVisible()).toBe(true);
    expect(await b.getByRole("button", { name: "Stop" }).isVisible()).toBe(true);
    await expect.poll(async () => (await assistantText(b)).length, { timeout: 15_000 }).toBeGreaterThan(early.length + 40);
    const later = await assistantText(b);
    expect(later).not.toContain(LAST_SENTENCE);
    expect(await activeRun(b, threadId), "the run is still live while B's answer grows").toBe("running");
    await screenshot(b, "live-01-second-window-streaming");

    for (const page of [a, b]) await expect.poll(() => assistantText(page), { timeout: 30_000 }).toContain(LAST_SENTENCE);
    const messages = await stored(a, threadId);
    const answer = textOf(messages.at(-1)!);
    for (const page of [a, b]) {
      await expect.poll(() => assistantText(page)).toBe(answer);
      const text = await page.getByTestId("messages").innerText();
      expect(text.match(/Sentence 1 of/g)).toHaveLength(1);
      expect(text.match(new RegExp(PROMPT, "g"))).toHaveLength(1);
      await expect.poll(() => page.getByRole("button", { name: "Stop" }).count()).toBe(0);
    }
    await Promise.all([first.close(), second.close()]);
  });

  it("shows Stop at once after a refresh mid-answer, and Escape in the composer stops the run on the server", async () => {
    const { page, context } = await signedIn(browser, base, "Eve");
    const threadId = await openNewThread([page]);
    await send(page, PROMPT);
    await expect.poll(() => assistantText(page), { timeout: 15_000 }).toContain("Sentence 2 of");

    // Refreshed while the answer is written, before any stream could resume: Stop is there already.
    await page.route("**/chat/*/stream", (route) => route.fulfill({ status: 204 }));
    await page.reload();
    await page.getByLabel("Message").waitFor();
    await page.getByRole("button", { name: "Stop" }).waitFor({ timeout: 5_000 });
    await page.unroute("**/chat/*/stream");
    // The next chunk the event feed reports brings the live answer back into this tab.
    await expect
      .poll(async () => (await assistantText(page)).match(/Sentence \d+ of/g)?.length ?? 0, { timeout: 15_000 })
      .toBeGreaterThan(3);
    await page.getByLabel("Message").press("Escape");
    await expect.poll(async () => (await stored(page, threadId)).at(-1)?.metadata?.status, { timeout: 10_000 }).toBe("stopped");
    const cancelled = textOf((await stored(page, threadId)).at(-1)!);
    expect(cancelled).not.toContain(LAST_SENTENCE);
    // Nothing goes on writing: the stored answer stays as it was when the run was cancelled, for as long as
    // 150 more words would have taken.
    await page.waitForTimeout(150 * WORD_DELAY_MS);
    expect(textOf((await stored(page, threadId)).at(-1)!)).toBe(cancelled);
    await context.close();
  });

  it("a failed send is marked as not sent with a sentence; Retry sends it once, thinking until the first word", async () => {
    const { page, context } = await signedIn(browser, base, "Finn");
    const threadId = await openNewThread([page]);
    let refused = 0;
    // The retry reaches the agent only once the test has seen the tab thinking.
    let letRetryThrough = () => {};
    const retryHeld = new Promise<void>((resolve) => (letRetryThrough = resolve));
    await page.route("**/chat", async (route) => {
      if (route.request().method() === "POST" && refused++ === 0) {
        await route.fulfill({
          status: 502,
          contentType: "application/json",
          body: JSON.stringify({
            ok: false,
            error: { code: "agent_unavailable", message: "The agent is unreachable right now; try again." },
          }),
        });
      } else {
        await retryHeld;
        await route.continue();
      }
    });
    await send(page, "hello after a hiccup");
    const unsent = page.getByTestId("not-sent");
    await unsent.waitFor({ timeout: 10_000 });
    expect(await unsent.innerText()).toContain("Not sent");
    const alert = page.getByRole("alert");
    await expect.poll(() => alert.innerText()).toContain("The agent is unreachable right now; try again.");
    expect(await alert.innerText()).not.toContain("{");
    await screenshot(page, "live-02-not-sent");

    await unsent.getByRole("button", { name: "Retry" }).click();
    const thinking = page.getByRole("status").filter({ hasText: "Thinking…" });
    await thinking.waitFor({ timeout: 5_000 });
    letRetryThrough();
    await expect.poll(() => page.locator('[data-role="assistant"]').count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => page.getByTestId("not-sent").count()).toBe(0);
    await expect.poll(() => thinking.count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(async () => (await stored(page, threadId)).at(-1)?.metadata?.status, { timeout: 15_000 }).toBe("completed");
    const users = (await stored(page, threadId)).filter((message) => message.role === "user");
    expect(users.map(textOf)).toEqual(["hello after a hiccup"]);
    expect((await page.getByTestId("messages").innerText()).match(/hello after a hiccup/g)?.length).toBeGreaterThanOrEqual(1);
    expect(await page.locator('[data-role="user"]').count()).toBe(1);
    await context.close();
  });

  it("a background job ends at 100 % in the job strip before it goes", async () => {
    await openclawControl(system.openclaw, "dev:hal").seed({ instance: { status: "ready" } });
    const { page, context } = await signedIn(browser, base, "Hal");
    await openNewThread([page]);
    await send(page, "restart my OpenClaw");
    const card = page.getByTestId("approval-card");
    await card.waitFor({ timeout: 15_000 });
    await card.getByRole("button", { name: "Approve" }).click();
    const strip = page.getByLabel("Background jobs");
    const done = strip.locator('[data-testid="job-progress"][data-status="succeeded"]');
    await done.waitFor({ timeout: 20_000 });
    expect(await done.innerText()).toContain("100%");
    await screenshot(page, "live-05-job-done");
    await expect.poll(() => strip.count(), { timeout: 15_000 }).toBe(0);
    await context.close();
  });

  it("tabs heal by themselves after the agent worker is killed and restarted mid-answer", async () => {
    const { page: a, context: first } = await signedIn(browser, base, "Gus");
    const { page: b, context: second } = await signedIn(browser, base, "Gus");
    const threadId = await openNewThread([a, b]);
    await send(a, PROMPT);
    // Killed with the answer well under way (the rest takes a few seconds once it resumes).
    await expect.poll(() => assistantText(b), { timeout: 15_000 }).toContain("Sentence 25 of");

    await system.killAgent();
    for (const page of [a, b]) await page.getByRole("status").filter({ hasText: "Reconnecting…" }).first().waitFor({ timeout: 15_000 });
    await screenshot(b, "live-03-reconnecting");
    // A tab that opens the thread during the outage says so, and loads it by itself later.
    const late = await first.newPage();
    await late.goto(`/t/${threadId}`);
    await late.getByRole("status").filter({ hasText: "Reconnecting…" }).first().waitFor({ timeout: 15_000 });
    // (The sidebar may say "Reconnecting…" before the thread's own load has failed: wait for the thread's offer.)
    await expect.poll(() => late.getByRole("button", { name: "Retry" }).count(), { timeout: 15_000 }).toBe(1);
    await system.restartAgent();
    const restarted = Date.now();

    for (const page of [a, b])
      await expect.poll(() => assistantText(page), { timeout: 15_000 - (Date.now() - restarted) }).toContain(LAST_SENTENCE);
    await screenshot(b, "live-04-after-restart");
    await expect.poll(async () => (await stored(a, threadId)).at(-1)?.metadata?.status, { timeout: 10_000 }).toBe("completed");
    const answer = textOf((await stored(a, threadId)).at(-1)!);
    for (const page of [a, b]) {
      await expect.poll(() => assistantText(page), { timeout: 10_000 }).toBe(answer);
      await expect.poll(() => page.getByRole("status").filter({ hasText: "Reconnecting…" }).count()).toBe(0);
    }

    await expect.poll(() => assistantText(late), { timeout: 30_000 }).toBe(answer);
    // The sidebar is live again too: a thread made after the outage appears in the other tab.
    await openNewThread([a], "Made after the outage");
    await expect.poll(() => b.getByTestId("thread-list").innerText(), { timeout: 15_000 }).toContain("Made after the outage");
    await Promise.all([first.close(), second.close()]);
  });
});
