#!/usr/bin/env node
// A tiny terminal client: npm run chat -- --thread t1 [--user me] [--url http://127.0.0.1:8788] "hello"
import { parseArgs } from "node:util";
import { printSearch, writeExport } from "./lib/chat-search-export.mjs";
import { resolveInternalKey } from "./lib/dev-key.mjs";

const defaults = {
  user: process.env.OA_USER_ID ?? "local-user",
  url: process.env.AGENT_URL ?? `http://127.0.0.1:${process.env.AGENT_PORT ?? 8788}`,
};
const USAGE =
  'usage: npm run chat -- [--thread t1] [--user me] [--url http://127.0.0.1:8788] "your message"\n       npm run chat -- --history | --regenerate | --approve <approvalId> | --reject <approvalId> [--reason "…"]\n       npm run chat -- --search "words" | --export markdown|json [--thread t1] [--out FILE]';
let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    tokens: true,
    options: {
      thread: { type: "string", default: "t1" },
      user: { type: "string", default: defaults.user },
      url: { type: "string", default: defaults.url },
      history: { type: "boolean", default: false },
      regenerate: { type: "boolean", default: false },
      approve: { type: "string" },
      reject: { type: "string" },
      reason: { type: "string" },
      search: { type: "string" },
      export: { type: "string" },
      out: { type: "string" },
    },
  });
} catch (error) {
  console.error(`${error.message}\n${USAGE}`);
  process.exit(2);
}
const { values, positionals, tokens } = parsed;
const { key } = resolveInternalKey();
const headers = { "x-oa-internal-key": key, "x-oa-user-id": values.user, "content-type": "application/json" };

/** fetch, but an agent worker that cannot be reached is one sentence, not a stack trace. */
async function request(url, init) {
  try {
    return await fetch(url, init);
  } catch {
    console.error(`cannot reach the agent worker at ${values.url}; is npm start running?`);
    process.exit(1);
  }
}

/** The JSON body of an `{ ok: true, … }` answer; an error answer is printed and ends the script. */
async function okBody(response) {
  const body = await response.json();
  if (!body.ok) {
    console.error(`error ${response.status}: ${body.error.code}: ${body.error.message}`);
    process.exit(1);
  }
  return body;
}

/** The flags that pick this agent worker, user and thread, to repeat in a hint (those given or not defaulted). */
function sameTarget() {
  const given = new Set(tokens.filter((token) => token.kind === "option").map((token) => token.name));
  const flags = [`--thread ${shellWord(values.thread)}`];
  if (given.has("user") || values.user !== defaults.user) flags.push(`--user ${shellWord(values.user)}`);
  if (given.has("url") || values.url !== defaults.url) flags.push(`--url ${shellWord(values.url)}`);
  return flags.join(" ");
}

function shellWord(text) {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

if (values.search !== undefined) {
  await printSearch(request, { url: values.url, headers, query: values.search });
  process.exit(0);
}
if (values.export !== undefined) {
  await writeExport(request, { url: values.url, headers, threadId: values.thread, format: values.export, out: values.out });
  process.exit(0);
}

if (values.history) {
  const response = await request(`${values.url}/internal/thread/${encodeURIComponent(values.thread)}/messages?limit=200`, { headers });
  const body = await okBody(response);
  for (const message of body.messages) {
    const text = message.parts
      .filter((part) => part.type === "text")
      .map((part) => part.text)
      .join("");
    console.log(`${message.role.padEnd(9)} ${text}`);
  }
  process.exit(0);
}

/** Prints a UI message stream as it arrives: text, tool calls, approvals, job progress. */
async function printStream(response) {
  try {
    await printChunks(response);
  } catch {
    // The run goes on on the server; only this connection is gone.
    console.error(
      `\nlost the connection to the agent worker at ${values.url}; the answer goes on there: npm run chat -- ${sameTarget()} --history`,
    );
    process.exit(1);
  }
  process.stdout.write("\n");
}

async function printChunks(response) {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const bytes of response.body) {
    buffer += decoder.decode(bytes, { stream: true });
    let boundary;
    while ((boundary = buffer.indexOf("\n\n")) >= 0) {
      const frame = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const data = frame
        .split("\n")
        .filter((line) => line.startsWith("data: "))
        .map((line) => line.slice(6))
        .join("");
      if (!data || data === "[DONE]") continue;
      const chunk = JSON.parse(data);
      if (chunk.type === "text-delta") process.stdout.write(chunk.delta);
      else if (chunk.type === "error") process.stderr.write(`\n[error] ${chunk.errorText}\n`);
      else if (chunk.type === "tool-input-available") process.stdout.write(`\n[tool ${chunk.toolName}] ${JSON.stringify(chunk.input)}\n`);
      else if (chunk.type === "tool-approval-request")
        process.stdout.write(`\n[approval needed] npm run chat -- ${sameTarget()} --approve ${chunk.approvalId}   (or --reject)\n`);
      else if (chunk.type === "data-job")
        process.stdout.write(`\n[job ${chunk.data.kind}] ${Math.round(chunk.data.progress * 100)}% ${chunk.data.message ?? ""}\n`);
    }
  }
}

const decisionId = values.approve ?? values.reject;
if (decisionId) {
  const response = await request(`${values.url}/internal/approval/respond`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      threadId: values.thread,
      approvalId: decisionId,
      decision: values.approve ? "approved" : "rejected",
      ...(values.reason ? { reason: values.reason } : {}),
    }),
  });
  const body = await okBody(response);
  console.log(`[${body.approval.status}] ${body.approval.summary}`);
  // The run continues by itself; follow it.
  const stream = await request(`${values.url}/internal/chat/${encodeURIComponent(values.thread)}/stream`, { headers });
  if (stream.status === 200) await printStream(stream);
  process.exit(0);
}

if (values.regenerate) {
  // The last answer of the active path gets a new version (the old one stays, switchable).
  const response = await request(`${values.url}/internal/thread/${encodeURIComponent(values.thread)}/messages?limit=2`, { headers });
  const body = await okBody(response);
  const leaf = body.messages.at(-1);
  const answer = leaf?.role === "assistant" ? leaf : null;
  const question = answer ? body.messages.find((message) => message.id === answer.parentId) : leaf;
  if (question?.role !== "user") {
    console.error("nothing to regenerate: the thread's last answer does not follow a message of yours");
    process.exit(1);
  }
  const regenerated = await request(`${values.url}/internal/chat`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      id: values.thread,
      messages: [{ id: question.id, role: "user", parts: question.parts }],
      trigger: "regenerate-message",
      ...(answer ? { messageId: answer.id } : {}),
    }),
  });
  if (!regenerated.ok || !regenerated.body) {
    console.error(`error ${regenerated.status}: ${await regenerated.text()}`);
    process.exit(1);
  }
  await printStream(regenerated);
  process.exit(0);
}

const input = positionals.join(" ").trim();
if (!input) {
  console.error(USAGE);
  process.exit(2);
}
const response = await request(`${values.url}/internal/chat`, {
  method: "POST",
  headers,
  body: JSON.stringify({ threadId: values.thread, input }),
});
if (!response.ok || !response.body) {
  const body = await response.text();
  console.error(`error ${response.status}: ${body}`);
  process.exit(1);
}
await printStream(response);
