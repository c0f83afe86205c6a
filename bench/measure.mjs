/** Milliseconds from sending the request to the first text-delta frame; optionally drains the rest. */
export async function firstTextMs(send, { drain = false } = {}) {
  const started = performance.now();
  const response = await send();
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let elapsed = NaN;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    if (buffer.includes('"text-delta"')) {
      elapsed = performance.now() - started;
      break;
    }
  }
  if (drain) while (!(await reader.read()).done);
  else await reader.cancel();
  return elapsed;
}

/** Reads an SSE body to its end (or until it is idle for `idleMs`); returns the parsed data frames. */
export async function readToEnd(response, { idleMs } = {}) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const next = idleMs
      ? await Promise.race([reader.read(), new Promise((resolve) => setTimeout(() => resolve(null), idleMs))])
      : await reader.read();
    if (next === null || next.done) break;
    text += decoder.decode(next.value, { stream: true });
  }
  await reader.cancel().catch(() => {});
  return text
    .split("\n\n")
    .map((frame) =>
      frame
        .split("\n")
        .find((line) => line.startsWith("data: "))
        ?.slice(6),
    )
    .filter((data) => data && data !== "[DONE]")
    .map((data) => JSON.parse(data));
}

export function percentile(values, p) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}
