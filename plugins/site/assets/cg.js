/* Reader features of a confgen site: stars ("my schedule", kept in localStorage), agenda filters,
   the "now / next" marker, my-schedule .ics download, and Mermaid/KaTeX loaded from this site only
   on the pages that use them. No request leaves the site. */
(function () {
  "use strict";
  var script = document.currentScript;
  var ASSETS = new URL("./", script.src);            // .../<lang>/assets/confgen/
  var ROOT = new URL("../../", ASSETS);               // .../<lang>/
  var configNode = document.getElementById("cg-config");
  var CONFIG = configNode ? JSON.parse(configNode.textContent) : { store: "confgen-stars", strings: {} };
  var S = CONFIG.strings || {};

  /* ---- Mermaid: stand in for it until a page really draws a diagram. Material only fetches
     Mermaid from a CDN when no `mermaid` global exists; this one loads the site's own copy. ---- */
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement("script");
      el.src = src; el.onload = resolve; el.onerror = function () { reject(new Error("cannot load " + src)); };
      document.head.appendChild(el);
    });
  }
  function loadStyle(href) {
    var el = document.createElement("link");
    el.rel = "stylesheet"; el.href = href; document.head.appendChild(el);
  }
  function safeMermaid(settings) {
    settings = Object.assign({}, settings);
    settings.securityLevel = "strict";
    settings.htmlLabels = false;
    settings.flowchart = Object.assign({}, settings.flowchart, { htmlLabels: false });
    return settings;
  }
  var stub = {
    settings: null, real: null,
    // Labels are drawn as SVG text, never HTML: a diagram may quote a session title, and an HTML
    // label would turn markup in it into elements.
    initialize: function (settings) { this.settings = safeMermaid(settings); },
    render: function (id, text) {
      var self = this;
      if (!self.real) {
        self.real = loadScript(new URL("vendor/mermaid/mermaid.min.js", ASSETS).href).then(function () {
          var real = window.mermaid;
          real.initialize(self.settings || safeMermaid({ startOnLoad: false }));
          return real;
        });
      }
      return self.real.then(function (real) { return real.render(id, text); });
    }
  };
  if (typeof window.mermaid === "undefined") window.mermaid = stub;

  /* ---- KaTeX for pymdownx.arithmatex (generic mode) ---- */
  var katexReady = null;
  function renderMath() {
    var nodes = document.querySelectorAll(".arithmatex");
    if (!nodes.length) return;
    if (!katexReady) {
      loadStyle(new URL("vendor/katex/katex.min.css", ASSETS).href);
      katexReady = loadScript(new URL("vendor/katex/katex.min.js", ASSETS).href).then(function () {
        return loadScript(new URL("vendor/katex/contrib/auto-render.min.js", ASSETS).href);
      });
    }
    katexReady.then(function () {
      nodes.forEach(function (node) {
        window.renderMathInElement(node, {
          delimiters: [{ left: "\\(", right: "\\)", display: false }, { left: "\\[", right: "\\]", display: true }],
          throwOnError: false
        });
      });
    });
  }

  /* ---- Stars ---- */
  function readStars() {
    try { return JSON.parse(localStorage.getItem(CONFIG.store) || "[]"); } catch (e) { return []; }
  }
  function writeStars(list) {
    try { localStorage.setItem(CONFIG.store, JSON.stringify(list)); } catch (e) { /* private mode: stars last this page only */ }
  }
  function isStarred(id) { return readStars().indexOf(id) >= 0; }
  function setStar(id, on) {
    var list = readStars().filter(function (x) { return x !== id; });
    if (on) list.push(id);
    writeStars(list);
    paintStars();
    applyFilters();
    renderMySchedule();
  }
  function paintStars() {
    var stars = readStars();
    document.querySelectorAll("button.cg-star").forEach(function (button) {
      var on = stars.indexOf(button.dataset.session) >= 0;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.title = on ? (S.starred || "Starred") : (S.star || "Star");
      button.firstElementChild.textContent = on ? "★" : "☆";
    });
    document.querySelectorAll("[data-cg-item]").forEach(function (item) {
      item.classList.toggle("cg-starred", stars.indexOf(item.dataset.session) >= 0);
    });
  }
  // Another tab (say, the other language) changed the stars.
  window.addEventListener("storage", function (event) {
    if (event.key === CONFIG.store) { paintStars(); applyFilters(); renderMySchedule(); }
  });

  /* ---- Filters ---- */
  // Every filtered view keeps what matches in sight: grid columns (rooms) and rows (time slots)
  // with no match fold away, so do slots of the list and rooms of the by-room page, and when
  // nothing matches an empty state says so and offers to clear the filters.
  function setHidden(node, hide) { if (node.hidden !== hide) node.hidden = hide; }
  function foldGrid(grid, active) {
    var rooms = {};
    grid.querySelectorAll("[data-cg-item]").forEach(function (item) {
      if (!item.hidden) rooms[item.dataset.room] = true;
    });
    grid.querySelectorAll("[data-col]").forEach(function (cell) { setHidden(cell, active && !rooms[cell.dataset.col]); });
    grid.querySelectorAll("tbody tr").forEach(function (row) {
      var shows = row.querySelector("[data-cg-item]:not([hidden])");
      setHidden(row, active && !shows);
    });
    grid.classList.toggle("cg-folded", active);
  }
  function foldGroups(selector, active) {
    document.querySelectorAll(selector).forEach(function (group) {
      setHidden(group, active && !group.querySelector("[data-cg-item]:not([hidden])"));
    });
  }
  function applyFilters() {
    document.querySelectorAll("form.cg-filters").forEach(function (form) {
      var wanted = {};
      form.querySelectorAll("select[data-filter]:not([data-navigate])").forEach(function (select) { wanted[select.dataset.filter] = select.value; });
      var starredOnly = form.querySelector("input[data-filter=starred]");
      starredOnly = starredOnly && starredOnly.checked;
      var stars = readStars();
      var items = document.querySelectorAll("[data-cg-item]");
      var shown = {}, all = {};
      items.forEach(function (item) {
        var ok = Object.keys(wanted).every(function (key) { return !wanted[key] || item.dataset[key] === wanted[key]; });
        if (starredOnly && stars.indexOf(item.dataset.session) < 0) ok = false;
        item.hidden = !ok;
        item.classList.toggle("cg-filtered-out", !ok);
        all[item.dataset.session] = true;
        if (ok) shown[item.dataset.session] = true;
      });
      var active = Object.keys(wanted).some(function (k) { return wanted[k]; }) || starredOnly;
      var n = Object.keys(shown).length, total = Object.keys(all).length;
      document.querySelectorAll("table.cg-grid").forEach(function (grid) { foldGrid(grid, active); });
      foldGroups(".cg-slot", active);
      foldGroups(".cg-room", active);
      document.querySelectorAll(".cg-empty-state").forEach(function (p) { setHidden(p, !(active && n === 0)); });
      document.querySelectorAll(".cg-day").forEach(function (day) { setHidden(day, active && n === 0); });
      var output = form.querySelector(".cg-count");
      if (output) output.textContent = active ? (S.shown || "{n} / {total}").replace("{n}", n).replace("{total}", total) : "";
      var state = new URLSearchParams();
      Object.keys(wanted).forEach(function (k) { if (wanted[k]) state.set(k, wanted[k]); });
      if (starredOnly) state.set("starred", "1");
      var hash = state.toString();
      if (("#" + hash) !== location.hash && (hash || location.hash)) {
        history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
      }
    });
  }
  function setupFilters() {
    var forms = document.querySelectorAll("form.cg-filters");
    if (!forms.length) return;
    // Filters live in the URL fragment so a filtered agenda can be shared and survives a reload.
    var state = new URLSearchParams(location.hash.slice(1));
    forms.forEach(function (form) {
      form.querySelectorAll("[data-filter]").forEach(function (control) {
        if (control.hasAttribute("data-navigate")) {
          // The day on a day's page: open that day's page, the other filters kept.
          control.addEventListener("change", function () {
            var option = control.options[control.selectedIndex];
            if (option && option.dataset.href) location.href = new URL(option.dataset.href, location.href).pathname + location.hash;
          });
          return;
        }
        var value = state.get(control.dataset.filter);
        if (control.type === "checkbox") control.checked = value === "1";
        else if (value && control.querySelector('option[value="' + CSS.escape(value) + '"]')) control.value = value;
        control.addEventListener("change", applyFilters);
      });
      form.addEventListener("reset", function () {
        // The day on a day's page is where the reader is, not a filter to clear.
        var day = form.querySelector("select[data-navigate] option[selected]");
        setTimeout(function () { if (day) day.selected = true; applyFilters(); }, 0);
      });
      // Filters act as they change; the form is never sent (no inline handler: the CSP forbids them).
      form.addEventListener("submit", function (event) { event.preventDefault(); });
    });
    document.querySelectorAll(".cg-empty-state .cg-clear").forEach(function (button) {
      button.addEventListener("click", function () { forms.forEach(function (form) { form.reset(); }); });
    });
    applyFilters();
  }

  /* ---- Now / next: times carry the event's UTC offset, so any reader's clock compares right ---- */
  function now() {
    var forced = new URLSearchParams(location.search).get("cg-now");  // preview a moment of the event
    var when = forced ? new Date(forced) : new Date();
    return isNaN(when) ? new Date() : when;
  }
  function markNow() {
    var items = Array.prototype.slice.call(document.querySelectorAll("[data-cg-item][data-start]"));
    if (!items.length) return;
    var t = now().getTime();
    var upcoming = null;
    var current = [];
    items.forEach(function (item) {
      var start = Date.parse(item.dataset.start), end = Date.parse(item.dataset.end);
      var live = start <= t && t < end;
      item.classList.toggle("cg-now", live);
      item.classList.remove("cg-next");
      if (live) current.push(item);
      if (start > t && (upcoming === null || start < upcoming)) upcoming = start;
    });
    var next = [];
    var region = document.querySelector("[data-day-start]");
    var dayStart = region ? Date.parse(region.dataset.dayStart) : -Infinity;
    var dayEnd = region ? Date.parse(region.dataset.dayEnd) : Infinity;
    var inDay = t >= dayStart && t < dayEnd;
    if (upcoming !== null && (current.length || inDay) && upcoming - t < 12 * 3600e3) {
      items.forEach(function (item) {
        if (Date.parse(item.dataset.start) === upcoming) { item.classList.add("cg-next"); next.push(item); }
      });
    }
    document.querySelectorAll(".cg-nownext").forEach(function (box) {
      if (!current.length && !next.length) { box.hidden = true; return; }
      box.hidden = false;
      box.textContent = "";
      function line(label, list) {
        // The grid and the list by time slot show the same session: name it once, and lead to
        // the copy the reader can see.
        var seen = {};
        list = list.filter(function (item) {
          if (seen[item.dataset.session]) return false;
          seen[item.dataset.session] = true;
          return true;
        }).map(function (item) {
          var twins = document.querySelectorAll('[data-cg-item][data-session="' + CSS.escape(item.dataset.session) + '"]');
          return Array.prototype.filter.call(twins, function (x) { return x.offsetParent !== null; })[0] || item;
        });
        if (!list.length) return;
        var p = document.createElement("span");
        p.className = "cg-nownext-line";
        var strong = document.createElement("strong");
        strong.textContent = label + " ";
        p.appendChild(strong);
        list.slice(0, 3).forEach(function (item, i) {
          var link = item.querySelector("a");
          var a = document.createElement("a");
          a.href = "#"; a.textContent = link ? link.textContent.trim() : item.dataset.session;
          a.addEventListener("click", function (e) { e.preventDefault(); item.scrollIntoView({ block: "center", inline: "center" }); if (link) link.focus(); });
          if (i) p.appendChild(document.createTextNode(" · "));
          p.appendChild(a);
        });
        if (list.length > 3) p.appendChild(document.createTextNode(" · +" + (list.length - 3)));
        box.appendChild(p);
      }
      line(S.now || "Now", current);
      line(S.next || "Next", next);
    });
  }

  /* ---- My schedule ---- */
  var scheduleData = null;
  function schedule() {
    if (scheduleData === null) {
      var node = document.getElementById("cg-schedule-data");
      scheduleData = node ? JSON.parse(node.textContent) : false;
    }
    return scheduleData;
  }
  function foldLine(line) {  // RFC 5545 3.1: at most 75 octets a line
    var out = [], bytes = 0, current = "";
    for (var ch of line) {
      var size = new TextEncoder().encode(ch).length;
      if (bytes + size > 75) { out.push(current); current = " "; bytes = 1; }
      current += ch; bytes += size;
    }
    out.push(current);
    return out.join("\r\n");
  }
  function escapeText(text) { return text.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\n/g, "\\n"); }
  function myIcs() {
    var data = schedule();
    if (!data) return "";
    var stars = readStars().filter(function (id) { return data.sessions[id]; });
    var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:" + data.prodid, "CALSCALE:GREGORIAN",
      foldLine("X-WR-CALNAME:" + escapeText(data.calname)), "X-WR-TIMEZONE:" + data.timezone];
    var body = lines.join("\r\n") + "\r\n";
    if (stars.length) body += data.vtimezone;
    stars.forEach(function (id) { body += data.sessions[id].vevent; });
    return body + "END:VCALENDAR\r\n";
  }
  window.confgenMyScheduleIcs = myIcs;
  var blobUrl = null;
  function renderMySchedule() {
    var data = schedule();
    var list = document.querySelector(".cg-my-list");
    if (!data || !list) return;
    var stars = readStars().filter(function (id) { return data.sessions[id]; });
    stars.sort(function (a, b) { return Date.parse(data.sessions[a].start) - Date.parse(data.sessions[b].start); });
    list.textContent = "";
    var link = document.querySelector(".cg-my-ics");
    if (blobUrl) URL.revokeObjectURL(blobUrl);
    blobUrl = URL.createObjectURL(new Blob([myIcs()], { type: "text/calendar;charset=utf-8" }));
    if (link) {
      // With nothing starred there is nothing to download: no address, so it cannot be followed.
      if (stars.length) link.href = blobUrl; else link.removeAttribute("href");
      link.setAttribute("aria-disabled", stars.length ? "false" : "true");
      link.classList.toggle("cg-disabled", !stars.length);
    }
    if (!stars.length) {
      var empty = document.createElement("p");
      empty.textContent = S.none || "Nothing starred yet.";
      list.appendChild(empty);
      return;
    }
    var ul = document.createElement("ul");
    ul.className = "cg-list";
    var lastDay = null;
    stars.forEach(function (id, i) {
      var s = data.sessions[id];
      var day = s.start.slice(0, 10);
      if (day !== lastDay) {
        var h = document.createElement("h2");
        // The day as the rest of the site writes it (the page lists each day's label).
        var labelNode = document.querySelector('.cg-day-labels [data-day="' + day + '"]');
        h.textContent = labelNode ? labelNode.textContent : day;
        list.appendChild(h);
        ul = document.createElement("ul");
        ul.className = "cg-list";
        list.appendChild(ul);
        lastDay = day;
      }
      var li = document.createElement("li");
      li.className = "cg-session";
      li.dataset.session = id;
      var overlap = stars.some(function (other) {
        if (other === id) return false;
        var o = data.sessions[other];
        return Date.parse(o.start) < Date.parse(s.end) && Date.parse(s.start) < Date.parse(o.end);
      });
      if (overlap) li.classList.add("cg-overlap");
      var time = document.createElement("span");
      time.className = "cg-time";
      time.textContent = s.start.slice(11, 16) + "–" + s.end.slice(11, 16);
      var a = document.createElement("a");
      a.href = new URL("talks/" + id + "/", ROOT).href;
      a.textContent = s.title;
      var room = document.createElement("span");
      room.className = "cg-kind";
      room.textContent = s.room + (s.speakers.length ? " · " + s.speakers.join(", ") : "");
      var button = document.createElement("button");
      button.type = "button"; button.className = "cg-star"; button.dataset.session = id;
      button.setAttribute("aria-pressed", "true");
      button.setAttribute("aria-label", (S.remove || "Remove: ") + s.title);
      var icon = document.createElement("span"); icon.setAttribute("aria-hidden", "true"); icon.textContent = "★";
      button.appendChild(icon);
      li.append(time, " ", a, " ", room, " ", button);
      if (overlap) {
        var warn = document.createElement("small");
        warn.className = "cg-overlap-note"; warn.textContent = " ⚠ " + (S.overlap || "Overlap");
        li.appendChild(warn);
      }
      ul.appendChild(li);
    });
  }

  /* ---- Offline: cache what was read, and the agenda, for the next time the Wi-Fi fails ---- */
  function registerWorker() {
    if (!("serviceWorker" in navigator) || location.protocol === "file:") return;
    navigator.serviceWorker.register(new URL("sw.js", ROOT).href, { scope: ROOT.pathname }).catch(function () {});
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.cg-star");
    if (!button) return;
    event.preventDefault();
    setStar(button.dataset.session, button.getAttribute("aria-pressed") !== "true");
  });

  function start() {
    paintStars();
    setupFilters();
    markNow();
    setInterval(markNow, 60000);
    renderMySchedule();
    renderMath();
    registerWorker();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
