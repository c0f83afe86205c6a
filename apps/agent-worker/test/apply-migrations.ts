import { applyD1Migrations, env } from "cloudflare:test";

// The thread index's D1 tables, as `npm start` and deploys have them.
await applyD1Migrations(env.DB, (env as unknown as { TEST_MIGRATIONS: Parameters<typeof applyD1Migrations>[1] }).TEST_MIGRATIONS);
