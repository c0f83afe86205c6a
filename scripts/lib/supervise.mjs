/**
 * Keeps `npm start`'s workers running and makes sure none outlives it. Each worker runs under
 * `wrangler dev` in its own process group (see wrangler.mjs), so nothing reaches it when this
 * process is interrupted, killed or hung up: here every group it started is ended on SIGINT,
 * SIGTERM, SIGHUP and on exit (SIGKILL of this process itself cannot be caught). A worker that dies is announced and started again after a short backoff;
 * one that keeps dying soon after each start is given up on, and then everything stops.
 */

/** A start that dies within this long counts as a fast failure. */
const FAST_FAILURE_MS = 30_000;
/** This many fast failures in a row and the worker is given up on. */
const MAX_FAST_FAILURES = 5;
const MAX_BACKOFF_MS = 8_000;

import { killProcessGroups } from "./wrangler.mjs";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const firstLine = (error) => String(error?.message ?? error).split("\n")[0];

export function superviseWorkers({ log = (line) => console.error(line) } = {}) {
  /** name → the running worker (what `startWrangler` returned). */
  const running = new Map();
  let stopping = false;

  /** Ends every worker: SIGTERM to each group, SIGKILL to whatever is left after 5 s. */
  async function stopAll() {
    stopping = true;
    const workers = [...running.values()];
    killProcessGroups("SIGTERM");
    await Promise.race([Promise.all(workers.map((worker) => worker.exited)), sleep(5000)]);
    killProcessGroups("SIGKILL");
  }

  /** Starts a worker with `start` (which may be called again to restart it) and watches it. */
  async function start(name, startOnce) {
    const tracked = async () => {
      const worker = await startOnce();
      if (stopping) worker.kill("SIGKILL");
      return worker;
    };
    const worker = await tracked();
    running.set(name, worker);
    watch(name, tracked, worker, 0);
    return worker;
  }

  function watch(name, tracked, worker, fastFailures) {
    const startedAt = Date.now();
    worker.exited.then(async ({ code, signal }) => {
      if (stopping) return;
      let failures = Date.now() - startedAt < FAST_FAILURE_MS ? fastFailures + 1 : 1;
      log(`\n  npm start: the ${name} died (${signal ? `signal ${signal}` : `exit code ${code}`}).`);
      for (;;) {
        if (failures >= MAX_FAST_FAILURES) {
          log(
            `  npm start: the ${name} died ${failures} times in a row within ${FAST_FAILURE_MS / 1000} s of starting; giving up. Its output is above.`,
          );
          await stopAll();
          process.exit(1);
        }
        const backoff = Math.min(1000 * 2 ** (failures - 1), MAX_BACKOFF_MS);
        log(`  npm start: restarting the ${name} in ${backoff / 1000} s…`);
        await sleep(backoff);
        if (stopping) return;
        try {
          const next = await tracked();
          if (stopping) return;
          running.set(name, next);
          log(`  npm start: the ${name} is back on ${next.url}.`);
          watch(name, tracked, next, failures);
          return;
        } catch (error) {
          if (stopping) return;
          failures += 1;
          log(`  npm start: the ${name} did not start again: ${firstLine(error)}`);
        }
      }
    });
  }

  // A closed terminal must not crash the shutdown with EIO/EPIPE on the way out.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});

  let signalled = false;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, async () => {
      if (signalled) {
        // A second Ctrl-C: no more waiting.
        killProcessGroups("SIGKILL");
        process.exit(1);
      }
      signalled = true;
      await stopAll();
      process.exit(0);
    });
  }
  // Last resort (an exception, process.exit anywhere): nothing survives this process.
  process.on("exit", () => killProcessGroups("SIGKILL"));

  return {
    start,
    stopAll,
    /** True once a signal asked everything to stop (its handler exits when done). */
    get shuttingDown() {
      return signalled;
    },
  };
}
