import { X } from "lucide-react";
import { Dialog } from "radix-ui";
import type { ComponentProps } from "react";
import { cn } from "../lib/cn.ts";
import { Button } from "./button.tsx";

/**
 * shadcn/ui's sheet: a Radix dialog sliding in from the left. Radix traps focus, closes on
 * Escape and on a tap on the overlay, and gives focus back to what opened it.
 */
export const Sheet = Dialog.Root;
export const SheetTrigger = Dialog.Trigger;
export const SheetTitle = Dialog.Title;

export function SheetContent({
  className,
  children,
  overlayTestId,
  closeLabel = "Close",
  ...props
}: ComponentProps<typeof Dialog.Content> & { overlayTestId?: string; closeLabel?: string }) {
  return (
    <Dialog.Portal>
      <Dialog.Overlay data-testid={overlayTestId} className="fixed inset-0 z-40 bg-black/50 data-[state=open]:animate-fade-in" />
      <Dialog.Content
        className={cn(
          "fixed inset-y-0 left-0 z-50 flex w-[85%] max-w-[20rem] flex-col bg-sidebar shadow-xl outline-none data-[state=open]:animate-slide-in-left",
          className,
        )}
        {...props}
      >
        {children}
        <Dialog.Close asChild>
          <Button variant="ghost" size="icon-sm" className="absolute top-2.5 right-2" aria-label={closeLabel} title={closeLabel}>
            <X aria-hidden />
          </Button>
        </Dialog.Close>
      </Dialog.Content>
    </Dialog.Portal>
  );
}
