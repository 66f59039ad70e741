// The page's two data files, requested while the HTML is read instead of once the WebAssembly
// has loaded (seconds later on a phone: the load benchmark's "where the time goes"). The app
// takes each answer once (src/browser/site_file.rs, `early`); later reads fetch afresh.
// Revalidated as the app's own reads are (`cache: "no-cache"`). The status page only: the
// console reads ../status.json when its own WebAssembly asks.
(function () {
  var early = {};
  ["status.json", "data/summary.json"].forEach(function (path) {
    early[path] = fetch(path, { cache: "no-cache" });
    // An unreachable file is the app's to report when it reads it: no unhandled rejection.
    early[path].catch(function () {});
  });
  window.mcpStatusEarly = early;
})();
// A link to another screen than the status (`#/check?url=…`, `#/server/…`): the status
// prerendered into the page (`mcp-status prerender`) is not what was asked for.
if (!/^(#\/?)?$/.test(location.hash)) document.documentElement.classList.add("deep-link");
