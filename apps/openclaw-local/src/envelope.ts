/**
 * The OpenClaw API envelope: `{ok: true, data, error: null}` or `{ok: false, data: null, error}`
 * with a plain string error. Domain modules return `Outcome` values; this is the one place
 * that turns them into HTTP answers.
 */

/** A finished HTTP answer in a form that crosses the Durable Object RPC boundary. */
export type Answer = { status: number; body: string; contentType: string };

/** What a handler produced: data plus the side effects it performed (for the request log), or a failure. */
export type Outcome<T = unknown> = Success<T> | Failure;
export type Success<T> = { ok: true; data: T; effects: string[] };
export type Failure = { ok: false; status: number; error: string };

export function success<T>(data: T, ...effects: string[]): Success<T> {
  return { ok: true, data, effects };
}

export function failure(status: number, error: string): Failure {
  return { ok: false, status, error };
}

const JSON_TYPE = "application/json; charset=utf-8";

export function okAnswer(data: unknown, status = 200): Answer {
  return { status, body: JSON.stringify({ ok: true, data: data ?? null, error: null }), contentType: JSON_TYPE };
}

export function errorAnswer(status: number, error: string): Answer {
  return { status, body: JSON.stringify({ ok: false, data: null, error }), contentType: JSON_TYPE };
}

export function textAnswer(status: number, text: string): Answer {
  return { status, body: text, contentType: "text/plain; charset=utf-8" };
}

export function outcomeAnswer(outcome: Outcome): Answer {
  return outcome.ok ? okAnswer(outcome.data) : errorAnswer(outcome.status, outcome.error);
}

export function toResponse(answer: Answer, headers: Record<string, string> = {}): Response {
  return new Response(answer.body, {
    status: answer.status,
    headers: { "content-type": answer.contentType, "cache-control": "no-store", ...headers },
  });
}

/** The contract's fixed error messages (docs/openclaw-api.md, "Errors"). */
export const errors = {
  instanceNotFound: () => failure(404, "instance not found"),
  runtimeUrlNotSet: () => failure(409, "runtime url not set"),
  missingRequestId: () => failure(400, "missing request id"),
  missingChannel: () => failure(400, "missing channel"),
  missingCode: () => failure(400, "missing code"),
  missingSessionKey: () => failure(400, "missing session key"),
  messageRequired: () => failure(400, "message is required"),
  invalidJsonBody: () => failure(400, "invalid json body"),
} as const;
