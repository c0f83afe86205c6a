import { describe, expect, it, vi } from "vitest";
import { RunHub } from "../runs/run-hub.ts";
import { MAX_QUEUED_BYTES, slowReaderStats } from "./slow-reader.ts";
import { tailRunResponse } from "./tail-stream.ts";

const delta = (i: number) => ({ type: "text-delta" as const, id: "t", delta: `${i} ${"x".repeat(1000)}` });

describe("tailRunResponse", () => {
  it("drops a tail that stops reading once it is more than MAX_QUEUED_BYTES behind, and unsubscribes it", async () => {
    const hub = new RunHub();
    hub.open("run_1", "msg_1");
    const dropped = slowReaderStats.dropped;
    const response = tailRunResponse(hub, "run_1");
    // The stream's first pull (which finds the tail caught up and turns it live) runs after start.
    await new Promise((resolve) => setTimeout(resolve, 0));
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

describe("tailRunResponse on a long run", () => {
  it("a new reader of a run past MAX_QUEUED_BYTES is not dropped: it catches up as it reads and gets the whole answer once", async () => {
    const hub = new RunHub();
    hub.open("run_long", "msg_long");
    const total = Math.ceil((2 * MAX_QUEUED_BYTES) / 1000);
    for (let i = 0; i < total; i++) hub.push("run_long", delta(i));
    const dropped = slowReaderStats.dropped;
    const response = tailRunResponse(hub, "run_long");
    // Nothing is copied up front: the late tail queues about one high-water mark, not the run.
    await Promise.resolve();
    expect(slowReaderStats.maxQueuedNow()).toBeLessThan(MAX_QUEUED_BYTES / 4);
    const reading = response.text();
    hub.push("run_long", delta(total));
    hub.end("run_long");
    const text = await reading;
    expect(slowReaderStats.dropped).toBe(dropped);
    const indexes = [...text.matchAll(/"delta":"(\d+) /g)].map((match) => Number(match[1]));
    expect(indexes).toEqual(Array.from({ length: total + 1 }, (_, i) => i));
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("drops every tail that never reads (stalled), each giving back its slot once", async () => {
    const hub = new RunHub();
    hub.open("run_idle", "msg_idle");
    for (let i = 0; i < 1500; i++) hub.push("run_idle", delta(i));
    const dropped = slowReaderStats.dropped;
    const closed: number[] = [];
    const responses = Array.from({ length: 10 }, (_, n) =>
      tailRunResponse(hub, "run_idle", { stallMs: 100, onClose: () => closed.push(n) }),
    );
    await vi.waitFor(() => expect(slowReaderStats.dropped).toBe(dropped + 10), { timeout: 5_000 });
    expect(closed.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, n) => n));
    for (const response of responses) await expect(response.text()).rejects.toThrow(/fell too far behind/);
    expect((hub as unknown as { runs: Map<string, { tails: Set<unknown> }> }).runs.get("run_idle")!.tails.size).toBe(0);
  });
});
