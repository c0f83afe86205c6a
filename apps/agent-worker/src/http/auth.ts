import { secretsEqual, userIdSchema } from "@oa/protocol";
import { ApiError } from "../failure.ts";

export type Principal = { userId: string };

/**
 * The worker never serves without a configured key; a caller must present it and name the
 * user it acts for.
 */
export async function requirePrincipal(request: Request, configuredKey: string | undefined): Promise<Principal> {
  if (!configuredKey) {
    throw new ApiError(
      "config_missing_internal_key",
      "OA_INTERNAL_KEY is not configured on the agent worker; it refuses to serve without it.",
    );
  }
  const presented = request.headers.get("x-oa-internal-key") ?? "";
  if (!(await secretsEqual(presented, configuredKey))) {
    throw new ApiError("unauthorized", "Missing or wrong X-OA-Internal-Key.");
  }
  const rawUserId = request.headers.get("x-oa-user-id");
  if (rawUserId === null || rawUserId.trim() === "") {
    throw new ApiError("missing_user_id", "X-OA-User-Id is required.");
  }
  const parsed = userIdSchema.safeParse(rawUserId);
  if (!parsed.success) {
    throw new ApiError("invalid_user_id", "X-OA-User-Id is not a valid user id.", {
      issues: parsed.error.issues.map((issue) => issue.message),
    });
  }
  return { userId: parsed.data };
}
