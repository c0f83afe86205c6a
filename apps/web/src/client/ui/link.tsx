import type { ComponentProps } from "react";
import { navigate } from "../router.ts";

/** An in-app link: a real <a href> (open in a new tab works), navigated client-side on a plain click. */
export function Link({ to, onClick, ...props }: Omit<ComponentProps<"a">, "href"> & { to: string }) {
  return (
    <a
      href={to}
      onClick={(event) => {
        onClick?.(event);
        if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0) return;
        event.preventDefault();
        navigate(to);
      }}
      {...props}
    />
  );
}
