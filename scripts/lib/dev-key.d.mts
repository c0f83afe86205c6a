// Types for dev-key.mjs (plain ESM shared by the scripts and the test suites).
export declare const root: string;
export declare const devDir: string;
export declare const stateDir: string;
export declare const keyFile: string;
export declare function resolveInternalKey(): string;
export declare const openclawKeyFile: string;
export declare function resolveOpenClawKey(): string;
export declare const passthroughSettings: string[];
export declare function writeEnvFile(name: string, values: Record<string, string | number | undefined>): string;
