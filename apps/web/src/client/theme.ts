import { useEffect, useSyncExternalStore } from "react";

/** The person's choice: follow the system, or always light or dark. Remembered in this browser. */
export type ThemeChoice = "system" | "light" | "dark";
const KEY = "oa-theme";
const listeners = new Set<() => void>();
const media = window.matchMedia("(prefers-color-scheme: dark)");

function read(): ThemeChoice {
  try {
    const stored = localStorage.getItem(KEY);
    return stored === "light" || stored === "dark" ? stored : "system";
  } catch {
    return "system";
  }
}

let choice: ThemeChoice = read();

function apply(): void {
  const dark = choice === "dark" || (choice === "system" && media.matches);
  document.documentElement.classList.toggle("dark", dark);
  document.documentElement.style.colorScheme = dark ? "dark" : "light";
}

export function setTheme(next: ThemeChoice): void {
  choice = next;
  try {
    if (next === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, next);
  } catch {
    // Storage refused (private mode): the choice holds for this page only.
  }
  apply();
  listeners.forEach((listener) => listener());
}

// The system setting changes (evening mode), or another tab chose: follow it.
media.addEventListener("change", () => (apply(), listeners.forEach((listener) => listener())));
window.addEventListener("storage", (event) => {
  if (event.key !== KEY) return;
  choice = read();
  apply();
  listeners.forEach((listener) => listener());
});

const subscribe = (listener: () => void) => (listeners.add(listener), () => listeners.delete(listener));

/** The choice, and the theme it resolves to now. */
export function useTheme(): { choice: ThemeChoice; dark: boolean } {
  const current = useSyncExternalStore(subscribe, () => choice);
  const dark = useSyncExternalStore(subscribe, () => current === "dark" || (current === "system" && media.matches));
  useEffect(apply, [current]);
  return { choice: current, dark };
}
