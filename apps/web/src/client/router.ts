import { OPAQUE_ID_PATTERN } from "@oa/protocol";
import { useSyncExternalStore } from "react";

export type Route = { name: "home" } | { name: "thread"; threadId: string } | { name: "inbox" } | { name: "openclaw" } | { name: "login" };

export function parseRoute(pathname: string): Route {
  const thread = /^\/t\/([^/]+)\/?$/.exec(pathname);
  // The protocol's one id shape: `/t/.` and `/t/..` are no thread.
  if (thread && OPAQUE_ID_PATTERN.test(thread[1]!)) return { name: "thread", threadId: thread[1]! };
  if (pathname === "/inbox") return { name: "inbox" };
  if (pathname === "/openclaw") return { name: "openclaw" };
  if (pathname === "/login") return { name: "login" };
  return { name: "home" };
}

const listeners = new Set<() => void>();
window.addEventListener("popstate", () =>
  listeners.forEach((listener) => {
    listener();
  }),
);

/** Client-side navigation; `state.send` carries a message for the thread view to send. */
export function navigate(path: string, state: { send?: string } = {}): void {
  window.history.pushState(state, "", path);
  listeners.forEach((listener) => {
    listener();
  });
}

export function useLocation(): string {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => window.location.pathname,
  );
}

/** The message a link asked the thread view to open at (`?m=<messageId>`, from a search hit), or null. */
export function useTargetMessage(): string | null {
  const search = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => window.location.search,
  );
  return new URLSearchParams(search).get("m");
}

/** Drops `?m=` from the address once the view has gone there (a reload then opens the thread at its end). */
export function clearTargetMessage(): void {
  const url = new URL(window.location.href);
  if (!url.searchParams.has("m")) return;
  url.searchParams.delete("m");
  window.history.replaceState(window.history.state, "", `${url.pathname}${url.search}${url.hash}`);
  listeners.forEach((listener) => {
    listener();
  });
}

/** What a new chat's first screen held when the person attached files: the new thread's composer takes it. */
export type Draft = { text: string; files: File[] };
let pendingDraft: { threadId: string; draft: Draft } | null = null;

/** Hands `draft` to the view of `threadId` (files cannot travel in history state). */
export function setPendingDraft(threadId: string, draft: Draft): void {
  pendingDraft = { threadId, draft };
}

/** The draft handed to this thread's view, taken once. */
export function takePendingDraft(threadId: string): Draft | null {
  if (pendingDraft?.threadId !== threadId) return null;
  const { draft } = pendingDraft;
  pendingDraft = null;
  return draft;
}

/** A message waiting to be sent by the next thread view (from the OpenClaw panel), taken once. */
export function takePendingSend(): string | null {
  const state = window.history.state as { send?: string } | null;
  if (!state?.send) return null;
  window.history.replaceState({}, "", window.location.pathname);
  return state.send;
}
