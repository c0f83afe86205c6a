import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "../../scripts/lib/dev-key.mjs";
import { freePort, tempState } from "./harness.ts";

describe("npm run chat (scripts/chat.mjs)", () => {
  const dev = tempState();
  afterAll(() => dev.cleanup());

  it("says in one sentence that the agent worker cannot be reached, without a stack trace", async () => {
    // A port nothing listens on: freePort closes the listener it found it with.
    const url = `http://127.0.0.1:${await freePort()}`;
    for (const args of [["hello"], ["--history"], ["--approve", "aitxt-1"]]) {
      const result = spawnSync(process.execPath, [join(root, "scripts/chat.mjs"), "--url", url, ...args], {
        cwd: root,
        env: { ...process.env, OA_DEV_DIR: dev.dir },
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`cannot reach the agent worker at ${url}; is npm start running?\n`);
      expect(result.stdout).toBe("");
    }
  });
});
