import type { BoundRequest } from "@oa/protocol";
import type { OpenClawToolSpec } from "../tools/openclaw/catalog.ts";
import { bindRequest, type OpenClawRequest, UnsafePathSegmentError } from "./requests.ts";

/**
 * The exact request a tool call with this input makes and what an approval records of it
 * (method, path, body hash), or null when its input cannot form one (an id that is no path
 * segment). The tool input schemas refuse such ids first; this is the second line.
 */
export async function resolvedRequest(
  spec: OpenClawToolSpec,
  input: Record<string, unknown>,
): Promise<{ request: OpenClawRequest; bound: BoundRequest } | null> {
  let request: OpenClawRequest;
  try {
    request = spec.request(input);
  } catch (error) {
    if (error instanceof UnsafePathSegmentError) return null;
    throw error;
  }
  return { request, bound: await bindRequest(request) };
}
