// The colour theme, before the first paint (so the page never flashes the other one), and its
// toggle. `data-theme` on <html> is always set: the choice kept in localStorage if the toggle
// was used, else the system's light or dark setting, followed as it changes. The stylesheet
// then needs its dark colours once. Plain JavaScript: it must run before the WebAssembly loads.
(function () {
  var LEGACY = "mcp-status-theme";
  var root = document.documentElement;
  // localStorage is per origin, which GitHub Pages sites of one owner share: the key carries
  // the deployment's base path, read as src/browser/deployment.rs and the core's
  // `Deployment::of_path` read it (the folder of the page's own files; the console's, less
  // its console/), and is the old key itself at the origin's root.
  var script = document.currentScript;
  var path = script && script.src ? new URL(script.src).pathname : location.pathname;
  var base = ("/" + path).replace(/\/+/g, "/");
  base = base.slice(0, base.lastIndexOf("/") + 1);
  if (root.getAttribute("data-page") === "console" && /\/console\/$/.test(base)) {
    base = base.slice(0, -"console/".length);
  }
  var KEY = base === "/" ? LEGACY : LEGACY + "@" + base;
  var system = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var chosen = null;
  try {
    chosen = localStorage.getItem(KEY);
    // A choice made before the key carried the path is carried over once: copied, not moved
    // (other deployments on the origin carry it over too, and a site at the root still uses
    // it). One write, so there is no half-way state.
    if (chosen === null && KEY !== LEGACY) {
      chosen = localStorage.getItem(LEGACY);
      if (chosen !== null) localStorage.setItem(KEY, chosen);
    }
  } catch (e) { /* storage blocked: system theme */ }

  function apply() {
    var dark = chosen === "dark" || (chosen !== "light" && !!(system && system.matches));
    root.setAttribute("data-theme", dark ? "dark" : "light");
    var button = document.querySelector("[data-theme-toggle]");
    if (button) {
      button.textContent = dark ? "Light theme" : "Dark theme";
      button.setAttribute("aria-label", dark ? "Switch to the light theme" : "Switch to the dark theme");
    }
  }
  apply();
  if (system && system.addEventListener) system.addEventListener("change", apply);
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-theme-toggle]");
    if (!button) return;
    chosen = root.getAttribute("data-theme") === "dark" ? "light" : "dark";
    try { localStorage.setItem(KEY, chosen); } catch (e) { /* kept for this visit only */ }
    apply();
  });
  // The button is drawn by the app after this runs: label it when it appears.
  new MutationObserver(function (changes, observer) {
    if (document.querySelector("[data-theme-toggle]")) { apply(); observer.disconnect(); }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
