// Types for web.mjs (plain ESM shared by the scripts and the test suites).
import type { WranglerProcess } from "./wrangler.mjs";

export declare const webPassthroughSettings: string[];
export declare function resolveSessionSecret(): string;
export declare function buildWeb(options?: { quiet?: boolean }): void;
export declare function applyWebMigrations(persistTo: string): void;
export declare function startWeb(options: {
  port: number;
  persistTo: string;
  key: string;
  agentUrl?: string | undefined;
  sessionSecret: string;
  vars?: Record<string, string>;
  quiet?: boolean;
  logRequests?: boolean;
  envName?: string;
  build?: boolean;
  upstream?: string | undefined;
}): Promise<WranglerProcess & { envFile: string }>;
export declare function writeWebConfig(
  path: string,
  options: { name: string; vars?: Record<string, string>; ratelimit?: { api: number; chat: number } },
): string;
