import { secretsEqual } from "@oa/protocol";
import { type Failure, failure } from "./envelope.ts";

/** The server refuses to serve without a configured key; the caller must present it. */
export async function checkInternalKey(request: Request, configuredKey: string | undefined): Promise<Failure | null> {
  const expected = configuredKey?.trim() ?? "";
  if (expected === "") return failure(500, "OA_INTERNAL_KEY not configured");
  const presented = (request.headers.get("x-oa-internal-key") ?? "").trim();
  if (!(await secretsEqual(presented, expected))) return failure(401, "unauthorized");
  return null;
}

/** `X-OA-User-Id` names the user the caller acts for; blank is refused. */
export function userIdFrom(request: Request): string | Failure {
  const userId = (request.headers.get("x-oa-user-id") ?? "").trim();
  if (userId === "") return failure(400, "missing user id");
  return userId;
}
