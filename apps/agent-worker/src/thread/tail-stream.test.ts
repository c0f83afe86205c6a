import { describe, expect, it } from "vitest";
import { MAX_QUEUED_BYTES, slowReaderStats } from "../http/slow-reader.ts";
import { RunHub } from "./run-hub.ts";
import { tailRunResponse } from "./tail-stream.ts";

const delta = (i: number) => ({ type: "text-delta" as const, id: "t", delta: `${i} ${"x".repeat(1000)}` });

describe("tailRunResponse", () => {
  it("drops a tail that stops reading once it is more than MAX_QUEUED_BYTES behind, and unsubscribes it", async () => {
    const hub = new RunHub();
    hub.open("run_1", "msg_1");
    const dropped = slowReaderStats.dropped;
    const response = tailRunResponse(hub, "run_1");
    for (let i = 0; i * 1000 < 2 * MAX_QUEUED_BYTES; i++) hub.push("run_1", delta(i));
    expect(slowReaderStats.dropped).toBe(dropped + 1);
    await expect(response.text()).rejects.toThrow(/fell too far behind/);
    await Promise.resolve();
    // The hub no longer delivers to it (a resume replays the whole in-flight message instead).
    expect((hub as unknown as { runs: Map<string, { tails: Set<unknown> }> }).runs.get("run_1")!.tails.size).toBe(0);
  });

  it("a tail that reads gets every chunk and the end", async () => {
    const hub = new RunHub();
    hub.open("run_2", "msg_2");
    const response = tailRunResponse(hub, "run_2");
    const reading = response.text();
    for (let i = 0; i < 50; i++) hub.push("run_2", delta(i));
    hub.end("run_2");
    const text = await reading;
    expect(text.match(/"type":"text-delta"/g)).toHaveLength(50);
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
  });
});
