import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeD1 } from "../../../scripts/lib/d1.mjs";
import { client, readAnswer, textOf, waitFor } from "../harness.ts";
import { count, faultSystem, lostEvents, record, user } from "./suite.ts";

/** D1 away during a turn, and a chat message that points at a huge file. */
export function describeStorageAndInputFaults(): void {
  describe("D1 is unavailable", () => {
    it("chat goes on; the index catches up by itself", async () => {
      executeD1(faultSystem().agentStateDir, "ALTER TABLE threads RENAME TO threads_away");
      const u = user("d1");
      let answer: Awaited<ReturnType<typeof readAnswer>>;
      try {
        answer = await readAnswer(await u.thread().send("hello while the index is away"));
      } finally {
        executeD1(faultSystem().agentStateDir, "ALTER TABLE threads_away RENAME TO threads");
      }
      expect(answer.role).toBe("assistant");
      const listed = await waitFor(
        async () => {
          const body = (await (await client(faultSystem().agent, u.id).get("/internal/threads")).json()) as {
            threads: Array<{ id: string; status: string; title: string | null }>;
          };
          return body.threads.find((t) => t.id === `thread-${u.id}` && t.status === "idle" && t.title) ?? null;
        },
        { timeoutMs: 60_000, intervalMs: 500, what: "the index to catch up" },
      );
      const events = await u.thread().events({ quietMs: 300 });
      record({
        phase: "thread index",
        fault: "D1 table gone during a turn",
        outcome: `turn answered; row caught up (${listed.status}) via the alarm retry`,
        lost: lostEvents(events, events),
        duplicated: count(events, "run.finished") - 1,
      });
    });
  });

  describe("a chat message points at a huge file", () => {
    let server: Server;
    let served = 0;
    let hits = 0;
    beforeAll(async () => {
      // Would serve 90 MiB to whoever asks, counting every byte that leaves.
      server = createServer((_request, response) => {
        hits++;
        response.writeHead(200, { "content-type": "application/pdf", "content-length": String(90 * 1024 * 1024) });
        const chunk = Buffer.alloc(1024 * 1024, 0x41);
        let sent = 0;
        const pump = () => {
          while (sent < 90) {
            sent++;
            served += chunk.length;
            if (!response.write(chunk)) return void response.once("drain", pump);
          }
          response.end();
        };
        pump();
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it("90 MiB file URL: refused, nothing fetched; another user's turn completes", async () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/huge.pdf`;
      const a = user("huge-file");
      const b = user("bystander");
      const [refused, answer] = await Promise.all([
        client(faultSystem().agent, a.id).chat({
          id: `thread-${a.id}`,
          trigger: "submit-message",
          messages: [
            {
              id: "m-huge",
              role: "user",
              parts: [
                { type: "text", text: "read this" },
                { type: "file", url, mediaType: "application/pdf", filename: "huge.pdf" },
              ],
            },
          ],
        }),
        readAnswer(await b.thread().send("hello while someone sends a huge file")),
      ]);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ ok: false, error: { code: "unsupported_file_part" } });
      expect(textOf(answer)).not.toBe("");
      expect((await client(faultSystem().agent, a.id).get(`/internal/thread/thread-${a.id}/summary`)).status).toBe(404);
      // A later turn of A's (a fresh thread) still works, and nothing was ever fetched.
      const later = await readAnswer(await a.thread().send("hello"));
      expect(textOf(later)).not.toBe("");
      expect({ hits, served }).toEqual({ hits: 0, served: 0 });
      const events = await b.thread().events({ quietMs: 300 });
      record({
        phase: "chat request",
        fault: "90 MiB file URL in a message",
        outcome: `400 unsupported_file_part, ${served} bytes fetched; the other user's turn answered`,
        lost: lostEvents(events, events),
        duplicated: count(events, "run.finished") - 1,
      });
    });
  });
}
