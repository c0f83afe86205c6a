// Types for wrangler.mjs (plain ESM shared by the scripts and the test suites).
export declare const nodeBin: string;
export declare const processGroups: Set<number>;
export declare function killProcessGroups(signal: NodeJS.Signals): void;

export type WranglerProcess = {
  url: string;
  pid: number | undefined;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
  stop(signal?: NodeJS.Signals): Promise<void>;
};

export declare function startWrangler(options: {
  configs: string[];
  port: number;
  persistTo: string;
  envFile?: string;
  vars?: Record<string, string>;
  quiet?: boolean;
  logRequests?: boolean;
  readyTimeoutMs?: number;
  args?: string[];
}): Promise<WranglerProcess>;
