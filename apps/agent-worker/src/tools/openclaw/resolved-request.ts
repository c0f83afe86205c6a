import type { BoundRequest } from "@oa/protocol";
import type { OpenClawToolSpec } from "./catalog.ts";
import { bindRequest, UnsafePathSegmentError } from "./openclaw-requests.ts";

/**
 * The exact request (method, path, body hash) a tool call with this input makes, or null when
 * its input cannot form one (an id that is no path segment). The tool input schemas refuse such
 * ids first; this is the second line.
 */
export async function resolvedRequest(spec: OpenClawToolSpec, input: Record<string, unknown>): Promise<BoundRequest | null> {
  try {
    return await bindRequest(spec.request(input));
  } catch (error) {
    if (error instanceof UnsafePathSegmentError) return null;
    throw error;
  }
}
