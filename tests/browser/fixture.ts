import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import type { AxeResults, Result } from "axe-core";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { root } from "../../scripts/lib/dev-key.mjs";

/**
 * Signs in with the dev login on a page of a fresh context. Signed in: a visible button to
 * start a new chat, or on a phone the button that opens the thread list.
 */
export async function signIn(page: Page, name: string): Promise<void> {
  await page.goto("/");
  await page.getByLabel("Your name").fill(name);
  await page.getByRole("button", { name: "Sign in" }).click();
  await whenSignedIn(page);
}

/** Resolves once the signed-in app is up on the page. */
export async function whenSignedIn(page: Page): Promise<void> {
  await page
    .getByRole("button", { name: /New chat|Open the thread list/ })
    .filter({ visible: true })
    .first()
    .waitFor();
}

/**
 * Creates a thread and sends `input` through the web API from inside the page (same origin, the
 * page's session), reading the answer stream to its end: the answer is stored when this returns.
 */
export async function threadThroughApi(page: Page, input: string): Promise<string> {
  return page.evaluate(async (text) => {
    const json = { "content-type": "application/json" };
    const created = await fetch("/threads", { method: "POST", headers: json, body: JSON.stringify({ kind: "chat" }) });
    const { threadId } = (await created.json()) as { threadId?: string };
    if (!created.ok || !threadId) throw new Error(`POST /threads answered ${created.status}`);
    const answer = await fetch("/chat", { method: "POST", headers: json, body: JSON.stringify({ threadId, input: text }) });
    const stream = await answer.text();
    if (!answer.ok) throw new Error(`POST /chat answered ${answer.status}: ${stream.slice(0, 300)}`);
    return threadId;
  }, input);
}

/** PATCH /threads/:id from inside the page (title, archived, pinned). */
export async function patchThread(
  page: Page,
  threadId: string,
  patch: { title?: string; archived?: boolean; pinned?: boolean },
): Promise<void> {
  const status = await page.evaluate(
    async ([id, body]) =>
      (await fetch(`/threads/${id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }))
        .status,
    [threadId, patch] as const,
  );
  if (status !== 200) throw new Error(`PATCH /threads/${threadId} answered ${status}`);
}

/** Waits until every CSS transition and animation on the page has finished (drawers, fades). */
export async function settled(page: Page): Promise<void> {
  await page.evaluate(() => Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => undefined))));
}

export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** An axe scan of the whole page against WCAG 2.1 A and AA; every result is kept under artifacts/a11y/<name>.json. */
export async function axeScan(page: Page, name: string): Promise<AxeResults> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const dir = join(root, "artifacts", "a11y");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(results.violations, null, 2));
  return results;
}

export const blocking = (violations: Result[]): Result[] =>
  violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");

/** A violation list a developer can act on: rule, impact, what it wants, and the first nodes it found. */
export function describeViolations(violations: Result[]): string {
  return violations
    .map((violation) => {
      const nodes = violation.nodes
        .slice(0, 3)
        .map(
          (node) =>
            `    ${node.target.join(" ")}\n      ${node.html.replace(/\s+/g, " ").slice(0, 200)}${node.failureSummary ? `\n      ${node.failureSummary.replace(/\s+/g, " ").slice(0, 300)}` : ""}`,
        )
        .join("\n");
      const more = violation.nodes.length > 3 ? `\n    … and ${violation.nodes.length - 3} more` : "";
      return `${violation.id} (${violation.impact}): ${violation.help} — ${violation.helpUrl}\n${nodes}${more}`;
    })
    .join("\n");
}

/** A new context carrying a signed-in session (`storageState`), its page open at home. */
export async function openSignedIn(
  browser: Browser,
  baseURL: string,
  storageState: Awaited<ReturnType<BrowserContext["storageState"]>>,
  options: BrowserContextOptions,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, storageState, ...options });
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
  await page.goto("/");
  await whenSignedIn(page);
  return { context, page };
}
