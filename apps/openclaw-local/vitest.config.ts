import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.jsonc" },
      miniflare: {
        bindings: {
          OA_INTERNAL_KEY: "test-internal-key",
          PROVISION_DELAY_MS: "200",
          RESTART_DELAY_MS: "200",
          BACKUP_DELAY_MS: "50",
          OPENCLAW_CONTROL_ENABLED: "true",
          // Off here, as in every contract test: arrivals are tested with their own clock (arrivals.test.ts).
          SIMULATE_ARRIVALS: "off",
        },
      },
    }),
  ],
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
  },
});
