// The colour theme, before the first paint (so a chosen theme never flashes the other one)
// and its toggle. The system's light or dark setting applies until the toggle is used; the
// choice is kept in localStorage. Plain JavaScript: it must run before the WebAssembly loads.
(function () {
  var KEY = "mcp-status-theme";
  var root = document.documentElement;
  var stored = null;
  try { stored = localStorage.getItem(KEY); } catch (e) { /* storage blocked: system theme */ }
  if (stored === "light" || stored === "dark") root.setAttribute("data-theme", stored);

  function isDark() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) return chosen === "dark";
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }
  function label(button) {
    var dark = isDark();
    button.textContent = dark ? "Light theme" : "Dark theme";
    button.setAttribute("aria-label", dark ? "Switch to the light theme" : "Switch to the dark theme");
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-theme-toggle]");
    if (!button) return;
    var next = isDark() ? "light" : "dark";
    root.setAttribute("data-theme", next);
    try { localStorage.setItem(KEY, next); } catch (e) { /* kept for this visit only */ }
    label(button);
  });
  // The button is drawn by the app after this runs: label it when it appears.
  new MutationObserver(function (changes, observer) {
    var button = document.querySelector("[data-theme-toggle]");
    if (button) { label(button); observer.disconnect(); }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
