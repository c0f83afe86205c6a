import { useSyncExternalStore } from "react";

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

const isDark = () => choice === "dark" || (choice === "system" && media.matches);

/** Puts the resolved theme on <html> (as public/theme-init.js did before the first paint) and tells every subscriber. */
function changed(): void {
  document.documentElement.classList.toggle("dark", isDark());
  document.documentElement.style.colorScheme = isDark() ? "dark" : "light";
  listeners.forEach((listener) => {
    listener();
  });
}

export function setTheme(next: ThemeChoice): void {
  choice = next;
  try {
    if (next === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, next);
  } catch {
    // Storage refused (private mode): the choice holds for this page only.
  }
  changed();
}

// The system setting changes (evening mode), or another tab chose: follow it.
media.addEventListener("change", changed);
window.addEventListener("storage", (event) => {
  if (event.key !== KEY) return;
  choice = read();
  changed();
});

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** The person's choice (the theme it resolves to is on <html> as the class `dark`). */
export function useTheme(): ThemeChoice {
  return useSyncExternalStore(subscribe, () => choice);
}
