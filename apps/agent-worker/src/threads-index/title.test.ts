import { offlineIntents } from "@oa/offline-model";
import { describe, expect, it } from "vitest";
import { heuristicTitle, writeTitle } from "./title.ts";

/** A first message for each intent the offline model knows, and the title it gets. */
const byIntent: Record<string, [message: string, title: string]> = {
  "list-schedules": ["show my follow-ups", "List follow-ups"],
  "cancel-schedule": ["please cancel sched_abc123", "Cancel a follow-up"],
  "recurring-followup": ["check my status every monday at 8am", "Follow-up every Monday"],
  "delayed-followup": ["remind me in 10 minutes to check my balance", "Follow-up in 10 minutes"],
  "watch-status": ["keep an eye on it for 30 minutes", "Watch OpenClaw status"],
  "approve-pairing": ["approve whatsapp pairing code ABCD2345", "Approve WhatsApp pairing"],
  "approve-device": ["approve the new device", "Approve device"],
  "list-devices": ["list my devices", "List devices"],
  "list-pairing": ["any pairing requests on telegram?", "Telegram pairing requests"],
  restart: ["Can you restart my OpenClaw please?", "Restart OpenClaw"],
  backup: ["back up now", "Back up OpenClaw"],
  "delete-instance": ["delete my openclaw instance", "Delete OpenClaw instance"],
  provision: ["Provision my OpenClaw", "Provision OpenClaw"],
  billing: ["what's my balance?", "Balance check"],
  "session-history": ["show the history of main", "Session history"],
  "send-session": ["send to my openclaw session: hello there", "Message an OpenClaw session"],
  sessions: ["list sessions", "List sessions"],
  status: ["How is my OpenClaw runtime doing today, in detail please?", "OpenClaw status"],
  instance: ["do I have an openclaw?", "OpenClaw instance"],
  greeting: ["Hello!", "Saying hello"],
  help: ["what can you do", "What the assistant can do"],
  recap: ["recap please", "Conversation recap"],
  count: ["count to 500", "Count to 500"],
  "long-answer": ["Give me a long answer please", "Long answer"],
  "code-example": ["show me a code example", "Code example"],
};

/** Messages no intent knows: their first words, without filler. */
const freeText: Array<[message: string, title: string]> = [
  ["hey can you tell me a joke about cats and dogs please?", "Tell me a joke about cats"],
  ["Could you please explain quantum computing to me in simple terms", "Explain quantum computing to me"],
  ["I'd like to understand durable objects.", "Understand durable objects"],
  ["hi, what is 2 + 2?", "What is 2 + 2"],
  ["  I want to   plan\na trip  ", "Plan a trip"],
  ["", "New chat"],
  ["...", "New chat"],
];

function expectShortTitle(title: string, message: string) {
  expect(title.length, message).toBeLessThanOrEqual(60);
  expect(title.split(" ").length, message).toBeLessThanOrEqual(6);
  expect(title, message).toMatch(/^[A-Z0-9]/);
  expect(title, message).not.toMatch(/[\s\p{P}]$/u);
}

describe("offline titles", () => {
  it("gives every intent the offline model knows a fixed short summary", () => {
    expect(Object.keys(byIntent).sort()).toEqual(offlineIntents.map((intent) => intent.name).sort());
    for (const [name, [message, title]] of Object.entries(byIntent)) {
      expect(offlineIntents.find((intent) => intent.match.test(message))?.name, message).toBe(name);
      expect(heuristicTitle(message), message).toBe(title);
      expect(title.split(" ").length, title).toBeGreaterThanOrEqual(2);
      expectShortTitle(title, message);
    }
  });

  it("titles anything else by its first words, without filler, cut at a word boundary", () => {
    for (const [message, title] of freeText) {
      expect(heuristicTitle(message), message).toBe(title);
      expectShortTitle(heuristicTitle(message), message);
    }
    const long = heuristicTitle(`${"Supercalifragilistic ".repeat(2)}${"x".repeat(80)}`);
    expect(long).toBe("Supercalifragilistic Supercalifragilistic");
    expectShortTitle(long, "long words");
  });

  it("is what an offline thread is titled, without a model call", async () => {
    const model = {} as Parameters<typeof writeTitle>[1];
    expect(await writeTitle("offline", model, "Please restart my OpenClaw", "Restart started.")).toBe("Restart OpenClaw");
  });
});
