import { cn } from "../lib/cn.ts";

/** The OpenAgents mark (the favicon's drawing), in the theme's primary colour. */
export function Logo({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" aria-hidden className={cn("size-6 shrink-0", className)}>
      <rect width="32" height="32" rx="8" className="fill-primary" />
      <path d="M9 21.5c0-3.6 3.1-6.5 7-6.5s7 2.9 7 6.5" fill="none" stroke="white" strokeWidth="2.5" strokeLinecap="round" />
      <circle cx="16" cy="10" r="3" fill="white" />
    </svg>
  );
}
