// The terminal client's --search and --export (see scripts/chat.mjs).
import { writeFileSync } from "node:fs";

/** Prints message hits across the user's threads: thread, role, snippet with matches as **…**. */
export async function printSearch(request, { url, headers, query }) {
  const response = await request(`${url}/internal/search?${new URLSearchParams({ q: query })}`, { headers });
  const body = await response.json();
  if (!body.ok) failWith(response.status, body);
  if (body.hits.length === 0) console.log(`no messages match "${query}"`);
  for (const hit of body.hits) {
    const snippet = hit.snippet.map((piece) => (piece.match ? `**${piece.text}**` : piece.text)).join("");
    console.log(`${hit.threadTitle ?? "(untitled)"} [--thread ${hit.threadId}] ${hit.role}: ${snippet}`);
  }
}

/** Writes the thread's export (markdown or json) to stdout, or to `out`. */
export async function writeExport(request, { url, headers, threadId, format, out }) {
  if (format !== "markdown" && format !== "json") {
    console.error("--export takes markdown or json");
    process.exit(2);
  }
  const response = await request(`${url}/internal/thread/${encodeURIComponent(threadId)}/export?format=${format}`, { headers });
  if (!response.ok) failWith(response.status, await response.json());
  const text = await response.text();
  if (out) {
    writeFileSync(out, text);
    console.error(`wrote ${out}`);
  } else process.stdout.write(text);
}

function failWith(status, body) {
  console.error(`error ${status}: ${body.error.code}: ${body.error.message}`);
  process.exit(1);
}
