import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.jsonc" },
      miniflare: {
        bindings: {
          OA_INTERNAL_KEY: "test-internal-key",
          OFFLINE_MODEL_DELAY_MS: "2",
          // Cases per endpoint in the abuse suite (test/abuse.test.ts); more with ABUSE_RUNS=5000.
          ABUSE_RUNS: process.env.ABUSE_RUNS ?? "400",
          MODEL_PROVIDER: "offline",
          // The D1 migrations, applied by test/apply-migrations.ts before the tests run.
          TEST_MIGRATIONS: await readD1Migrations("./migrations"),
        },
      },
    }),
  ],
  test: {
    setupFiles: ["./test/apply-migrations.ts"],
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // workerd's timers are coarse: paced offline answers take seconds, not milliseconds.
    testTimeout: 30_000,
  },
}));
