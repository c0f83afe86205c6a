import { describe, expect, it, vi } from "vitest";
import { eventFeedResponse, type FeedSource } from "./event-feed.ts";

type Event = { seq: number };

describe("eventFeedResponse", () => {
  it("a replay read that throws ends the feed: its slot is given back and no heartbeat refreshes it again", async () => {
    const source: FeedSource<Event> = {
      after: () => {
        throw new Error("storage is gone");
      },
      lastSeq: () => 0,
      compactedThrough: () => 0,
      subscribe: () => () => {},
    };
    const onClose = vi.fn();
    const onHeartbeat = vi.fn();
    const response = eventFeedResponse({ source, after: 0, snapshot: (seq) => ({ seq }), heartbeatMs: 20, onClose, onHeartbeat });
    await expect(response.text()).rejects.toThrow(/storage is gone/);
    expect(onClose).toHaveBeenCalledTimes(1);
    const beats = onHeartbeat.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(onHeartbeat.mock.calls.length).toBe(beats);
  });
});
