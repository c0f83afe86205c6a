/** The live feed's state: a quiet dot while live, words while it is not (a grey dot alone says nothing). */
export function Connection({ state }: { state: "connecting" | "live" | "reconnecting" }) {
  return (
    <span role="status" className="ml-auto flex shrink-0 items-center gap-1.5 text-xs">
      {state === "live" ? (
        <span title="Live — changes show as they happen" className="flex items-center">
          <span aria-hidden className="size-2 rounded-full bg-success" />
          <span className="sr-only">Live</span>
        </span>
      ) : (
        <span className={state === "reconnecting" ? "text-warning-text" : "text-muted-foreground"}>
          {state === "reconnecting" ? "Reconnecting…" : "Connecting…"}
        </span>
      )}
    </span>
  );
}
