import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.jsonc" },
      miniflare: {
        bindings: {
          OA_INTERNAL_KEY: "test-internal-key",
          OFFLINE_MODEL_DELAY_MS: "2",
          MODEL_PROVIDER: "offline",
        },
      },
    }),
  ],
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // workerd's timers are coarse: paced offline answers take seconds, not milliseconds.
    testTimeout: 30_000,
  },
});
