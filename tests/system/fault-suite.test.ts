import { afterAll, beforeAll } from "vitest";
import { describeIdleReaders } from "./fault-suite/idle-readers.ts";
import { describeModelProviderFailures } from "./fault-suite/model-provider.ts";
import { describeOpenClawApiFailures } from "./fault-suite/openclaw-api.ts";
import { describeRuntimeCrashes } from "./fault-suite/runtime-crashes.ts";
import { describeStorageAndInputFaults } from "./fault-suite/storage-and-input.ts";
import { startFaultSystem, stopFaultSystem } from "./fault-suite/suite.ts";

// The fault suite: the runtime SIGKILLed in each phase of work and restarted on the same state,
// the model provider failing, the OpenClaw API failing, D1 away. Every scenario records a row —
// phase, fault, outcome, events lost, duplicated side effects — and the last two must be 0.
// The table is printed and saved to .dev/test-reports/fault-table.md. One system serves every
// scenario; each concern's scenarios live in fault-suite/.

beforeAll(startFaultSystem);
afterAll(stopFaultSystem);

describeRuntimeCrashes();
describeModelProviderFailures();
describeOpenClawApiFailures();
describeStorageAndInputFaults();
describeIdleReaders();
