import type { ComponentProps } from "react";
import { cn } from "../lib/cn.ts";
import { ErrorLine } from "./alert.tsx";

/** The error line for a narrow place (the sidebar, a card): the sentence takes the whole line, Try again goes under it. */
export function StackedErrorLine({ className, ...props }: ComponentProps<typeof ErrorLine>) {
  return <ErrorLine className={cn("flex-wrap [&>button]:my-0 [&>button]:ml-6 [&>p]:basis-[calc(100%-1.5rem)]", className)} {...props} />;
}
