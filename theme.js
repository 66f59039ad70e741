// The colour theme, before the first paint (so the page never flashes the other one), and its
// toggle. `data-theme` on <html> is always set: the choice kept in localStorage if the toggle
// was used, else the system's light or dark setting, followed as it changes. The stylesheet
// then needs its dark colours once. Plain JavaScript: it must run before the WebAssembly loads.
(function () {
  var KEY = "mcp-status-theme";
  var root = document.documentElement;
  var system = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var chosen = null;
  try { chosen = localStorage.getItem(KEY); } catch (e) { /* storage blocked: system theme */ }

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
