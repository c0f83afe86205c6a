import { spawn } from "node:child_process";
import { join } from "node:path";
import { PlainChat } from "@oa/test-kit";
import { DefaultChatTransport, type UIMessage } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root } from "../../scripts/lib/dev-key.mjs";
import { client, type Runtime, readAnswer, startAgentWorker, tempState, textOf } from "./harness.ts";

/** Runs the terminal client to its end; resolves with its exit code and output. */
function runChatScript(runtime: Runtime, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, "scripts/chat.mjs"), "--url", runtime.url, ...args], {
      cwd: root,
      env: { ...process.env, OA_INTERNAL_KEY: runtime.key },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** The AI SDK's own chat client with its real DefaultChatTransport, against the agent worker over HTTP. */
class SdkChat extends PlainChat {
  constructor(runtime: Runtime, id: string, userId: string) {
    super({
      id,
      transport: new DefaultChatTransport({
        api: `${runtime.url}/internal/chat`,
        headers: { "x-oa-internal-key": runtime.key, "x-oa-user-id": userId },
      }),
    });
  }
}

type PageMessage = UIMessage & {
  parentId: string | null;
  branch: { index: number; count: number; previousId: string | null; nextId: string | null };
};

describe("edit and regenerate through the AI SDK's DefaultChatTransport", () => {
  const state = tempState();
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await startAgentWorker({ stateDir: state.dir });
  });
  afterAll(async () => {
    await runtime?.stop("SIGKILL");
    state.cleanup();
  });

  async function activePath(threadId: string): Promise<PageMessage[]> {
    const response = await client(runtime, "ada").get(`/internal/thread/${threadId}/messages`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { messages: PageMessage[] }).messages;
  }

  it("regenerate leaves one active answer with two versions", async () => {
    const chat = new SdkChat(runtime, "sys-branch-regen", "ada");
    await chat.sendMessage({ text: "hello" });
    expect(chat.error).toBeUndefined();
    const firstAnswer = chat.messages.at(-1)!;
    await chat.regenerate();
    expect(chat.error).toBeUndefined();
    const secondAnswer = chat.messages.at(-1)!;
    expect(chat.messages).toHaveLength(2);
    expect(secondAnswer.id).not.toBe(firstAnswer.id);
    expect(textOf(secondAnswer)).not.toBe(textOf(firstAnswer));

    const path = await activePath("sys-branch-regen");
    expect(path.map((message) => message.role)).toEqual(["user", "assistant"]);
    expect(path[1]).toMatchObject({ id: secondAnswer.id, parentId: path[0]!.id });
    expect(path[1]!.branch).toEqual({ index: 2, count: 2, previousId: firstAnswer.id, nextId: null });
    expect(textOf(path[1]!)).toBe(textOf(secondAnswer));
  });

  it("an edit leaves two versions of the question and one answer on the active path", async () => {
    const chat = new SdkChat(runtime, "sys-branch-edit", "ada");
    await chat.sendMessage({ text: "my favourite colour is teal" });
    const question = chat.messages[0]!;
    await chat.sendMessage({ text: "my favourite colour is red", messageId: question.id });
    expect(chat.error).toBeUndefined();
    expect(chat.messages).toHaveLength(2);

    const path = await activePath("sys-branch-edit");
    expect(path.map((message) => [message.role, textOf(message).slice(0, 27)])).toEqual([
      ["user", "my favourite colour is red"],
      ["assistant", textOf(chat.messages[1]!).slice(0, 27)],
    ]);
    expect(path[0]!.branch).toEqual({ index: 2, count: 2, previousId: question.id, nextId: null });
    expect(path[1]!.branch.count).toBe(1);

    // Regenerating the edited question's answer: the client still holds the edit under the first
    // version's id, and the server answers the version holding that text.
    await chat.regenerate();
    expect(chat.error).toBeUndefined();
    const again = await activePath("sys-branch-edit");
    expect(textOf(again[0]!)).toBe("my favourite colour is red");
    expect(again[1]!.branch).toMatchObject({ index: 2, count: 2 });
    expect(textOf(again[1]!)).toContain("my favourite colour is red");
  });

  it("the terminal client's --regenerate streams a new version of the last answer", async () => {
    const first = await readAnswer(await client(runtime, "ada").chat({ threadId: "sys-branch-cli", input: "hello" }));
    const result = await runChatScript(runtime, ["--thread", "sys-branch-cli", "--user", "ada", "--regenerate"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const path = await activePath("sys-branch-cli");
    expect(path).toHaveLength(2);
    expect(path[1]!.branch).toEqual({ index: 2, count: 2, previousId: first.id, nextId: null });
    expect(result.stdout.trim()).toBe(textOf(path[1]!));
  });
});
