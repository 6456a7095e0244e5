/* The search page: Pagefind's own search interface over this language's index in pagefind/.
   It loads only here, and Pagefind then fetches only the index chunks a query needs. A query in
   the address (search/?q=...) runs at once. Loaded on every page, it does nothing elsewhere. */
(function () {
  var box = document.getElementById("cg-search");
  var script = document.currentScript;
  if (!box || !script) return;
  var root = new URL("../../", script.src);  // this file is assets/confgen/search.js under the site
  var bundle = new URL("pagefind/", root);
  var style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = bundle.href + "pagefind-ui.css";
  document.head.appendChild(style);
  var ui = document.createElement("script");
  ui.src = bundle.href + "pagefind-ui.js";
  ui.onload = function () {
    var search = new PagefindUI({
      element: "#cg-search", bundlePath: bundle.pathname,
      showSubResults: true, showImages: false, autofocus: true
    });
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) search.triggerSearch(query);
  };
  document.head.appendChild(ui);
})();
