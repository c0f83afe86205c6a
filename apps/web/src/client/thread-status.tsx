import { Trash2, WifiOff } from "lucide-react";
import { navigate } from "./router.ts";
import { Button } from "./ui/button.tsx";

export function Reconnecting({ reason }: { reason?: string | null }) {
  return (
    <p role="status" className="flex items-center gap-2 text-sm text-warning-text">
      <WifiOff aria-hidden className="size-4 shrink-0" />
      <span>Reconnecting…{reason ? ` ${reason}` : ""}</span>
    </p>
  );
}

/** The open thread was deleted (in this tab or another), or there is none for this person: said plainly, with a way on. */
export function DeletedThread({ sentence = "This thread was deleted." }: { sentence?: string }) {
  return (
    <section
      className="mx-auto flex w-full max-w-3xl flex-1 flex-col items-center justify-center gap-4 p-6 text-center"
      aria-label="Thread"
    >
      <Trash2 aria-hidden className="size-6 text-muted-foreground" />
      <p role="status" className="text-base font-medium">
        {sentence}
      </p>
      <Button onClick={() => navigate("/")}>Start a new chat</Button>
    </section>
  );
}
