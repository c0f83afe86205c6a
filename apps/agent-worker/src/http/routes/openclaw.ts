import { type Context, Hono } from "hono";
import { configuredOpenClawClient } from "../../openclaw/configured-client.ts";
import { readOverview, readRuntimeStatus } from "../../openclaw/overview.ts";
import type { App } from "../route-context.ts";

/** The OpenClaw panel's reads of the caller's runtime. */
export const openclawRoutes = new Hono<App>();

/** The OpenClaw API as the caller, or null when none is configured. */
function openclawClient(c: Context<App>) {
  return configuredOpenClawClient(c.get("config"), c.get("principal").userId);
}

/** The OpenClaw panel's read of the caller's runtime (reads without effects; actions go through a thread). */
openclawRoutes.get("/internal/openclaw/overview", async (c) =>
  c.json(await readOverview(openclawClient(c)), 200, { "cache-control": "no-store" }),
);

/** The gateway's status on the user's request: a POST, because reading it starts a stopped gateway. */
openclawRoutes.post("/internal/openclaw/runtime-status", async (c) =>
  c.json(await readRuntimeStatus(openclawClient(c)), 200, { "cache-control": "no-store" }),
);
