import type { UIMessage } from "ai";
import { api } from "./api.ts";
import type { MessageMeta } from "./message-versions.tsx";

/** How many messages of the active path one read of a thread's transcript asks for. */
export const MESSAGE_PAGE_SIZE = 200;

/** `running`: a run is active on the server, whether or not its answer is stored yet. */
export type LoadedThread = { messages: UIMessage[]; meta: Map<string, MessageMeta>; lastSeq: number; running: boolean };

/** The answer a run is still writing (its checkpoint): the stream carries the rest. */
export function inFlight(messages: UIMessage[]): UIMessage | null {
  const last = messages[messages.length - 1];
  if (last?.role !== "assistant") return null;
  const status = (last.metadata as { status?: string } | undefined)?.status;
  return status === undefined || status === "running" ? last : null;
}

/** Whether a run is active in the thread; false when that cannot be read (the stream still tells). */
export async function activeRun(threadId: string): Promise<boolean> {
  const summary = await api.summary(threadId).catch(() => null);
  const status = summary?.activeRun?.status;
  return status === "running" || status === "queued";
}
