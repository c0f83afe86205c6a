// Runs before the first paint (a same-origin script: the CSP allows no inline one), so a page in
// the light theme never flashes dark or the other way round. The same rule as theme.ts.
(() => {
  var choice = null;
  try {
    choice = localStorage.getItem("oa-theme");
  } catch {}
  var dark = choice === "dark" || (choice !== "light" && window.matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.classList.toggle("dark", dark);
  document.documentElement.style.colorScheme = dark ? "dark" : "light";
})();
