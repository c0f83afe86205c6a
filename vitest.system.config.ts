import { defineConfig } from "vitest/config";

// Whole-system tests: real `wrangler dev` processes driven over HTTP from Node.
export default defineConfig({
  test: {
    include: ["tests/system/**/*.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
