import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../../../scripts/lib/dev-key.mjs";
import { client, innerWorkerdUrl, readAnswer, waitFor, workerdRssBytes } from "../harness.ts";
import { FEED_STALL_MS, faultSystem, lostEvents, record, user } from "./suite.ts";

/** Subscribers that replay a long log and never read: dropped after the stall bound, memory bounded. */
export function describeIdleReaders(): void {
  describe("readers that never read", () => {
    it("never-reading subscriber flood", async () => {
      const a = user("flood-a");
      const b = user("flood-b");
      const threadA = `thread-${a.id}`;
      const http = client(faultSystem().agent, a.id);
      // A long log on A's thread: 8,000 events of ~1 KB (about 8 MB to replay from 0).
      const seeded = await http.post(`/internal/thread/${threadA}/dev/seed`, { count: 1, events: 8000, eventBytes: 1000 });
      expect(seeded.status).toBe(200);
      const rssBefore = workerdRssBytes(faultSystem().agent);

      // 40 subscribers replay from 0 and never read a byte. They are a separate process with tiny
      // socket buffers, so neither they nor the kernel soak up what the server sends, and they talk
      // to the worker's workerd directly (wrangler dev's proxy in front would read for them).
      const url = new URL(await innerWorkerdUrl(faultSystem().agent));
      const idleWave = async () => {
        const readers = spawn("python3", [
          join(root, "tests/system/idle-readers.py"),
          url.hostname,
          url.port,
          `/internal/thread/${threadA}/events?after=0`,
          "40",
          "8",
          JSON.stringify({ "x-oa-internal-key": faultSystem().key, "x-oa-user-id": a.id }),
        ]);
        let out = "";
        readers.stdout.on("data", (data) => (out += data));
        const exited = new Promise((resolve) => readers.on("exit", resolve));
        await waitFor(() => out.includes("opened"));
        return {
          /** Once the readers drained what they were sent: bytes each got, and whether the server closed it. */
          received: async () => {
            await exited;
            return JSON.parse(out.trim().split("\n").at(-1)!) as Array<{ bytes: number; closed: boolean }>;
          },
        };
      };
      const first = await idleWave();

      // Meanwhile B's turn completes, and B's feed has every event once.
      const answer = await readAnswer(await b.thread().send("hello"));
      expect(answer.role).toBe("assistant");
      const eventsB = await b.thread().events({ until: (seen) => seen.some((event) => event.type === "run.finished"), quietMs: 200 });
      // Measured while the first wave is still held, before the stall bound drops it.
      await new Promise((resolve) => setTimeout(resolve, FEED_STALL_MS - 1_000));
      const rssFirst = workerdRssBytes(faultSystem().agent);

      // The stalled replays are dropped (3 s stall bound): drained later, each ends long before the 8,000 events.
      const receivedFirst = await first.received();
      // A second wave of the same: memory stays where the first left it.
      const second = await idleWave();
      // Past the stall bound: the second wave is dropped too.
      await new Promise((resolve) => setTimeout(resolve, FEED_STALL_MS + 1_000));
      const rssSecond = workerdRssBytes(faultSystem().agent);
      const received = [...receivedFirst, ...(await second.received())];
      const dropped = received.filter((r) => r.closed && r.bytes < 8_000_000).length;

      // A reader from 0 still gets every event of A's thread exactly once, in order.
      const eventsA = await a.thread().events({ until: (seen) => seen.length >= 8000, timeoutMs: 60_000, quietMs: 300 });
      const seqs = eventsA.map((event) => event.seq);
      const duplicated = seqs.length - new Set(seqs).size;
      const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
      const growthMb = mb(rssFirst - rssBefore);
      const secondWaveMb = mb(rssSecond - rssFirst);
      console.log(
        `subscriber flood: workerd RSS ${mb(rssBefore)} MB before, ${mb(rssFirst)} MB with 40 idle readers (+${growthMb} MB), ${mb(rssSecond)} MB with a second wave of 40 (+${secondWaveMb} MB); ${dropped}/80 dropped; most sent to one idle reader ${Math.max(...received.map((r) => r.bytes))} bytes`,
      );
      expect(dropped).toBe(80);
      // Holding the replays would take 40 × 8.9 MB = 355 MB per wave. What grows instead is the heap
      // the sending took (each reader was sent ~3.4 MB, what its socket buffers held before the
      // stream stalled), and a second wave adds less than the first: nothing is held per reader.
      expect(growthMb).toBeLessThan(180);
      expect(secondWaveMb).toBeLessThan(growthMb);
      expect(mb(rssSecond - rssBefore)).toBeLessThan(250);
      expect(eventsA.filter((event) => event.type === "job.log")).toHaveLength(8000);
      record({
        phase: "event replay",
        fault: "2 waves of 40 subscribers replay 8 MB from 0 and never read",
        outcome: `RSS +${growthMb} MB, then +${secondWaveMb} MB for a second wave; ${dropped}/80 dropped after the stall bound; B's turn completed`,
        lost: lostEvents(eventsA, eventsA) + lostEvents(eventsB, eventsB),
        duplicated: duplicated + eventsB.length - new Set(eventsB.map((event) => event.seq)).size,
      });
    });
  });
}
