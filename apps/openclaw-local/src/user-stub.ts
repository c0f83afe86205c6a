import type { OpenClawEnv } from "./config.ts";
import type { OpenClawUser } from "./user-state.ts";

/** One Durable Object per user id. */
export function userStub(env: OpenClawEnv, userId: string): DurableObjectStub<OpenClawUser> {
  return env.OPENCLAW_USER.get(env.OPENCLAW_USER.idFromName(userId));
}
