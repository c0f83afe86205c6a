import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { root } from "../../../scripts/lib/dev-key.mjs";
import { type LoggedRequest, openclawControl, type System, startSystem, type ThreadEventRecord, threadApi } from "../harness.ts";

// What every scenario of the fault suite shares: one system (openclaw-local and the agent worker), and the table of
// rows — phase, fault, outcome, events lost, duplicated side effects — of which the last two must be 0.

/** Readers that stall are dropped after this long (the subscriber flood relies on it). */
export const FEED_STALL_MS = 3_000;

type Row = { phase: string; fault: string; outcome: string; lost: number; duplicated: number };
const rows: Row[] = [];
let system: System | undefined;

export async function startFaultSystem(): Promise<void> {
  system = await startSystem({
    // Seeding a long log, room for 40 feeds of one user, and readers that stall dropped (the subscriber flood).
    agentVars: {
      OFFLINE_MODEL_DELAY_MS: "20",
      JOB_POLL_MS: "300",
      OPENCLAW_TIMEOUT_MS: "1500",
      ALLOW_DEV_SEED: "true",
      QUOTA_EVENT_FEEDS: "100",
      FEED_STALL_MS: String(FEED_STALL_MS),
    },
    openclawVars: { PROVISION_DELAY_MS: "3000", RESTART_DELAY_MS: "1500" },
  });
}

/** Stops the system; prints the table and saves it to .dev/test-reports/fault-table.md. */
export async function stopFaultSystem(): Promise<void> {
  await system?.stop();
  const table = [
    "| phase | fault | outcome | events lost | duplicated side effects |",
    "|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.phase} | ${r.fault} | ${r.outcome} | ${r.lost} | ${r.duplicated} |`),
  ].join("\n");
  console.log(`\n${table}\n`);
  mkdirSync(join(root, ".dev", "test-reports"), { recursive: true });
  writeFileSync(join(root, ".dev", "test-reports", "fault-table.md"), `${table}\n`);
}

export function faultSystem(): System {
  if (!system) throw new Error("the fault suite's system is not started");
  return system;
}

export function record(row: Row): void {
  rows.push(row);
  expect(row.lost, `${row.phase}: events lost`).toBe(0);
  expect(row.duplicated, `${row.phase}: duplicated side effects`).toBe(0);
}

export function user(name: string) {
  const id = `${name}-${randomBytes(4).toString("hex")}`;
  return { id, control: openclawControl(faultSystem().openclaw, id), thread: () => threadApi(faultSystem().agent, id, `thread-${id}`) };
}

/** Events seen before the fault that are missing afterwards, plus holes in the seq range. */
export function lostEvents(before: ThreadEventRecord[], after: ThreadEventRecord[]): number {
  const kept = new Map(after.map((event) => [event.seq, event.type]));
  const missing = before.filter((event) => kept.get(event.seq) !== event.type).length;
  const seqs = after.map((event) => event.seq);
  const holes = seqs.length === 0 ? 0 : Math.max(...seqs) - seqs.length;
  return missing + holes;
}

export async function crash(): Promise<void> {
  await faultSystem().killAgent();
  await faultSystem().restartAgent();
}

export const effects = (log: LoggedRequest[], effect: string) =>
  log.flatMap((request) => request.effects).filter((name) => name === effect).length;
export const count = (events: ThreadEventRecord[], type: string) => events.filter((event) => event.type === type).length;
