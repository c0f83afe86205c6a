import { Tooltip as Tip } from "radix-ui";
import type { ReactElement, ReactNode } from "react";

/**
 * A short hint on hover and keyboard focus for an icon-only control (shadcn/ui's tooltip, which
 * also brings its own provider). The control keeps its own aria-label; the hint is for the eyes.
 */
export function Tooltip({
  content,
  side = "bottom",
  children,
}: {
  content: ReactNode;
  side?: "top" | "right" | "bottom" | "left";
  children: ReactElement;
}) {
  return (
    <Tip.Provider delayDuration={400}>
      <Tip.Root>
        <Tip.Trigger asChild>{children}</Tip.Trigger>
        <Tip.Portal>
          <Tip.Content side={side} sideOffset={6} className="z-50 rounded-md bg-foreground px-2 py-1 text-xs text-background shadow-md">
            {content}
          </Tip.Content>
        </Tip.Portal>
      </Tip.Root>
    </Tip.Provider>
  );
}
