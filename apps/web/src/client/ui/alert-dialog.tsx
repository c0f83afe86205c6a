import { AlertDialog as Alert } from "radix-ui";
import type { ComponentProps } from "react";
import { cn } from "../lib/cn.ts";

/**
 * shadcn/ui's alert dialog over Radix: a question that must be answered (no close on a click
 * outside), focus trapped inside and given back to what opened it, Escape cancels.
 */
export const AlertDialog = Alert.Root;
export const AlertDialogCancel = Alert.Cancel;

export function AlertDialogContent({ className, ...props }: ComponentProps<typeof Alert.Content>) {
  return (
    <Alert.Portal>
      <Alert.Overlay className="fixed inset-0 z-40 bg-black/50 data-[state=open]:animate-fade-in" />
      <Alert.Content
        className={cn(
          "fixed top-1/2 left-1/2 z-50 flex w-[calc(100%-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 flex-col gap-4 rounded-xl border bg-background p-6 shadow-lg outline-none data-[state=open]:animate-pop-in",
          className,
        )}
        {...props}
      />
    </Alert.Portal>
  );
}

export function AlertDialogTitle({ className, ...props }: ComponentProps<typeof Alert.Title>) {
  return <Alert.Title className={cn("text-lg font-semibold", className)} {...props} />;
}

export function AlertDialogDescription({ className, ...props }: ComponentProps<typeof Alert.Description>) {
  return <Alert.Description className={cn("text-sm text-muted-foreground", className)} {...props} />;
}
