import { deliverDueArrivals } from "./arrivals.ts";
import { billingSummary } from "./billing.ts";
import type { UserContext } from "./context.ts";
import { approveDevice, listDevices } from "./devices.ts";
import { errors, type Outcome } from "./envelope.ts";
import { deleteInstance, getInstance, provisionInstance, requireRuntime } from "./instance.ts";
import { approvePairing, listPairingRequests, resolveChannel } from "./pairing.ts";
import { backupRuntime, restartGateway, runtimeStatus } from "./runtime.ts";
import { listSessions, parseHistoryQuery, parseSessionListQuery, sendToSession, sessionHistory } from "./sessions.ts";
import { invokeTool } from "./tools.ts";

/** Every endpoint of the contract, by name. The router in index.ts maps paths to these. */
export const apiRoutes = [
  { route: "instance.get", method: "GET", path: "/instance" },
  { route: "instance.provision", method: "POST", path: "/instance" },
  { route: "instance.delete", method: "DELETE", path: "/instance" },
  { route: "runtime.status", method: "GET", path: "/runtime/status" },
  { route: "runtime.devices", method: "GET", path: "/runtime/devices" },
  { route: "runtime.device.approve", method: "POST", path: "/runtime/devices/:requestId/approve" },
  { route: "runtime.pairing.list", method: "GET", path: "/runtime/pairing/:channel" },
  { route: "runtime.pairing.approve", method: "POST", path: "/runtime/pairing/:channel/approve" },
  { route: "runtime.backup", method: "POST", path: "/runtime/backup" },
  { route: "runtime.restart", method: "POST", path: "/runtime/restart" },
  { route: "billing.summary", method: "GET", path: "/billing/summary" },
  { route: "sessions.list", method: "GET", path: "/sessions" },
  { route: "sessions.history", method: "GET", path: "/sessions/:key/history" },
  { route: "sessions.send", method: "POST", path: "/sessions/:key/send" },
  { route: "tools.invoke", method: "POST", path: "/tools/invoke" },
] as const;

export type ApiRoute = (typeof apiRoutes)[number]["route"];

/** One API request, parsed by the worker and handed to the user's Durable Object. */
export type ApiCall = {
  userId: string;
  route: ApiRoute;
  method: string;
  /** The path as received (percent-encoded), for the request log and fault matching. */
  path: string;
  /** The query string without `?`. */
  search: string;
  /** Percent-decoded path parameters. */
  params: Record<string, string>;
  /** The JSON body, or null when there was none or it did not parse (as production reads it). */
  body: unknown;
  idempotencyKey: string | null;
};

function bodyField(body: unknown, name: string): unknown {
  return body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>)[name] : undefined;
}

/**
 * Checks in the order production does: missing path/body fields (400) first, then the
 * instance gate (404/409), then the runtime's own answer.
 */
export async function dispatch(ctx: UserContext, call: ApiCall): Promise<Outcome> {
  const { userId, params } = call;
  switch (call.route) {
    case "instance.get":
      return getInstance(ctx, userId);
    case "instance.provision":
      return provisionInstance(ctx, userId);
    case "instance.delete":
      return deleteInstance(ctx, userId);
    case "billing.summary":
      return billingSummary(ctx, userId);
  }

  const requestId = params.requestId ?? "";
  const channelParam = params.channel ?? "";
  const sessionKey = params.key ?? "";
  const code = bodyField(call.body, "code");
  const trimmedCode = typeof code === "string" ? code.trim() : "";
  if (call.route === "runtime.device.approve" && requestId.trim() === "") return errors.missingRequestId();
  if (call.route.startsWith("runtime.pairing.") && channelParam.trim() === "") return errors.missingChannel();
  if (call.route === "runtime.pairing.approve" && trimmedCode === "") return errors.missingCode();
  if (call.route.startsWith("sessions.") && call.route !== "sessions.list" && sessionKey.trim() === "") return errors.missingSessionKey();

  const gate = requireRuntime(ctx, userId);
  if (gate) return gate;
  deliverDueArrivals(ctx, userId);

  switch (call.route) {
    case "runtime.status":
      return runtimeStatus(ctx);
    case "runtime.devices":
      return listDevices(ctx);
    case "runtime.device.approve":
      return approveDevice(ctx, requestId);
    case "runtime.pairing.list": {
      const channel = resolveChannel(channelParam);
      return typeof channel === "string" ? listPairingRequests(ctx, channel) : channel;
    }
    case "runtime.pairing.approve": {
      const channel = resolveChannel(channelParam);
      if (typeof channel !== "string") return channel;
      return approvePairing(ctx, channel, trimmedCode, bodyField(call.body, "notify") === true);
    }
    case "runtime.backup":
      return backupRuntime(ctx);
    case "runtime.restart":
      return restartGateway(ctx);
    case "sessions.list":
      return listSessions(ctx, parseSessionListQuery(new URLSearchParams(call.search)));
    case "sessions.history":
      return sessionHistory(ctx, sessionKey, parseHistoryQuery(new URLSearchParams(call.search)));
    case "sessions.send":
      return sendToSession(ctx, sessionKey, call.body);
    case "tools.invoke":
      return invokeTool(ctx, call.body);
  }
}
