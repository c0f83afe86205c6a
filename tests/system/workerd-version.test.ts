import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");

/** Where Node's lookup finds package `name` from `dir` (walking up through node_modules). */
function packageDir(name: string, dir: string): string {
  for (let at = dir; ; at = dirname(at)) {
    const candidate = join(at, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(at) === at) throw new Error(`${name} is not installed for ${dir}`);
  }
}

/** The workerd version the last package of `chain` loads, each found from the one before. */
function workerdSeenBy(...chain: string[]): string {
  const dir = chain.reduce((from, name) => packageDir(name, from), root);
  return JSON.parse(readFileSync(join(packageDir("workerd", dir), "package.json"), "utf8")).version as string;
}

describe("toolchain", () => {
  it("runs npm start (wrangler) and the workerd tests (the vitest plugin's miniflare) on the same workerd", () => {
    expect(workerdSeenBy("@cloudflare/vitest-plugin", "miniflare")).toBe(workerdSeenBy("wrangler"));
    expect(workerdSeenBy("wrangler", "miniflare")).toBe(workerdSeenBy("wrangler"));
  });
});
