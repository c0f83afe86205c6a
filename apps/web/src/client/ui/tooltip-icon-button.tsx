import { Tooltip } from "radix-ui";
import type { ComponentProps } from "react";
import { cn } from "../lib/cn.ts";
import { Button } from "./button.tsx";

/**
 * assistant-ui's icon button: a ghost Button holding one icon, named by `aria-label` (the tooltip's
 * text unless given) and explained by a Radix tooltip on hover and keyboard focus.
 */
export function TooltipIconButton({
  tooltip,
  side = "bottom",
  className,
  children,
  ...props
}: ComponentProps<typeof Button> & { tooltip: string; side?: "top" | "bottom" | "left" | "right" }) {
  return (
    <Tooltip.Provider delayDuration={300}>
      <Tooltip.Root>
        <Tooltip.Trigger asChild>
          <Button variant="ghost" size="icon-sm" aria-label={tooltip} className={cn("size-8 p-1", className)} {...props}>
            {children}
          </Button>
        </Tooltip.Trigger>
        <Tooltip.Portal>
          <Tooltip.Content side={side} sideOffset={4} className="z-50 rounded-md bg-foreground px-2 py-1 text-xs text-background shadow-md">
            {tooltip}
          </Tooltip.Content>
        </Tooltip.Portal>
      </Tooltip.Root>
    </Tooltip.Provider>
  );
}
