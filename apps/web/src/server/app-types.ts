import type { WebEnv } from "./env.ts";
import type { Session } from "./session.ts";
import type { WebConfig } from "./web-config.ts";

/** The Hono app's bindings and per-request variables, shared by the route modules. */
export type App = { Bindings: WebEnv; Variables: { config: WebConfig; session: Session } };
