import { CircleAlert } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "../lib/cn.ts";
import { Button } from "./button.tsx";

/**
 * Something did not work, said as a sentence (never a JSON body), with a way to try again when
 * there is one. The one error line of the app: every screen uses it.
 */
export function ErrorLine({
  children,
  onRetry,
  retryLabel = "Try again",
  className,
  testId,
}: {
  children: ReactNode;
  onRetry?: () => void;
  retryLabel?: string;
  className?: string;
  testId?: string;
}) {
  return (
    <div
      role="alert"
      data-testid={testId}
      className={cn(
        "error flex items-start gap-2 rounded-md border border-destructive/30 bg-destructive/5 px-3 py-2 text-sm text-destructive-text",
        className,
      )}
    >
      <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
      <p className="m-0 min-w-0 flex-1">{children}</p>
      {onRetry ? (
        <Button variant="outline" size="sm" className="-my-1 text-foreground" onClick={onRetry}>
          {retryLabel}
        </Button>
      ) : null}
    </div>
  );
}
