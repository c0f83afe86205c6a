// Types for openclaw-local.mjs (plain ESM shared by the scripts and the test suites).
import type { WranglerProcess } from "./wrangler.mjs";

export declare const openclawPassthroughSettings: string[];
export declare function startOpenClawLocal(options: {
  port: number;
  persistTo: string;
  key: string;
  vars?: Record<string, string>;
  quiet?: boolean;
  logRequests?: boolean;
  envName?: string;
}): Promise<WranglerProcess & { apiBase: string }>;
