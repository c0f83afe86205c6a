import { defineConfig } from "vitest/config";

// Browser tests: Debian Chromium driven by playwright-core against the whole product under `wrangler dev`.
export default defineConfig({
  test: {
    include: ["tests/browser/**/*.test.ts"],
    environment: "node",
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
