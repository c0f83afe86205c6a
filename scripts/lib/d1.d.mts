// Types for d1.mjs (plain ESM shared by the scripts and the test suites).
export type D1Database = { config: string; binding: string };
export declare const AGENT_D1: D1Database;
export declare const WEB_D1: D1Database;
export declare function applyD1Migrations(persistTo: string, database?: D1Database): void;
export declare function executeD1(persistTo: string, command: string, database?: D1Database): string;
