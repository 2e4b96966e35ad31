/* Far East Frontiers: explorer controls for the time-sliced map (an extension of
 * time_sliced.js, loaded after it; see EXTENSIONS in time_sliced.py).
 *  - date bar: previous/next chronology event, playback speed, loop, screen-reader labels
 *  - copy a link to the current view; full screen
 *  - a picker when a click hits several overlapping features
 *  - phone layout: legend collapsed on narrow maps
 * Every text from data is inserted with textContent, never as markup. */
(window.fefExtensions = window.fefExtensions || []).push(function fefExplorer(api) {
  "use strict";
  var map = api.map, cfg = api.cfg, FEF = window.__fef;
  var bar = api.ui.el;
  var NARROW_PX = 600;
  var basePlayMs = cfg.play_ms || 400;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  /* ---- labels for screen readers on the existing date bar controls ---- */
  bar.setAttribute("role", "group");
  bar.setAttribute("aria-label", "Map date");
  Array.prototype.forEach.call(bar.querySelectorAll("button[title]"), function (b) {
    if (!b.hasAttribute("aria-label")) { b.setAttribute("aria-label", b.getAttribute("title")); }
  });
  var playBtn = bar.querySelector(".fef-play");
  if (playBtn) { playBtn.setAttribute("aria-label", "Play or pause the animation"); playBtn.setAttribute("aria-pressed", "false"); }
  var range = bar.querySelector(".fef-range");

  /* ---- previous / next chronology event ---- */
  var chron = (cfg.chronology || []).slice().sort(function (a, b) { return a[0] - b[0]; });
  var eventName = {};
  chron.forEach(function (c) { eventName[c[0]] = c[1]; });
  var prevEv = el("button", { type: "button", "data-act": "prev-event", "class": "fef-ev",
    title: "Previous event in the chronology", "aria-label": "Previous event in the chronology" }, "\u2039 event");
  var nextEv = el("button", { type: "button", "data-act": "next-event", "class": "fef-ev",
    title: "Next event in the chronology", "aria-label": "Next event in the chronology" }, "event \u203a");
  var firstBtn = bar.querySelector('[data-act="prev"]');
  bar.insertBefore(prevEv, firstBtn || bar.firstChild);
  var nextChange = bar.querySelector('[data-act="next"]');
  bar.insertBefore(nextEv, nextChange ? nextChange.nextSibling : null);
  function stepChronology(dir) {
    var d = FEF.day, target = null, i;
    if (dir > 0) { for (i = 0; i < chron.length; i++) { if (chron[i][0] > d && chron[i][0] <= cfg.end) { target = chron[i][0]; break; } } }
    else { for (i = chron.length - 1; i >= 0; i--) { if (chron[i][0] < d && chron[i][0] >= cfg.start) { target = chron[i][0]; break; } } }
    if (target !== null) { api.ui.go(target, true); }
    return target;
  }
  prevEv.addEventListener("click", function () { stepChronology(-1); });
  nextEv.addEventListener("click", function () { stepChronology(1); });

  /* ---- speed and loop ---- */
  var speed = el("select", { "class": "fef-speed", "aria-label": "Playback speed", title: "Playback speed" });
  [1, 2, 4, 8].forEach(function (x) {
    var o = el("option", { value: String(x) }, "\u00d7" + x);
    speed.appendChild(o);
  });
  speed.value = "1";
  speed.addEventListener("change", function () {
    cfg.play_ms = Math.round(basePlayMs / (+speed.value || 1));
    FEF.speed = +speed.value;
  });
  var loop = el("button", { type: "button", "class": "fef-loop", "aria-pressed": "false",
    title: "Start again at the beginning after the end", "aria-label": "Loop the animation" }, "\u21bb Loop");
  loop.addEventListener("click", function () {
    cfg.loop = !cfg.loop;
    loop.setAttribute("aria-pressed", cfg.loop ? "true" : "false");
  });
  bar.insertBefore(speed, playBtn ? playBtn.nextSibling : null);
  bar.insertBefore(loop, speed.nextSibling);
  FEF.speed = 1;

  /* ---- the event of the day, and a readable value for the range ---- */
  /* one line under the bar (a busy day, e.g. 9 Aug 1945, would cover the map with three):
   * the first event, then "+N more" that unfolds the others on click */
  var evLine = el("div", { "class": "fef-event-name", "aria-live": "polite" });
  var evText = el("span", { "class": "fef-ev-text" });
  var evMore = el("button", { type: "button", "class": "fef-ev-more", "aria-expanded": "false" });
  evLine.appendChild(evText);
  evLine.appendChild(evMore);
  bar.appendChild(evLine);
  var evOpen = false, evDay = null;
  function showEvents(name) {
    var parts = name ? name.split("; ") : [];
    evText.textContent = parts.length ? "\u25c6 " + (evOpen ? parts.join("; ") : parts[0]) : "";
    evText.title = parts.join("; ");
    evMore.textContent = evOpen ? "less" : "+" + (parts.length - 1) + " more";
    evMore.title = evOpen ? "Show only the first event of the day" : "Show every event of the day";
    evMore.setAttribute("aria-label", evMore.title + " (" + parts.length + " events)");
    evMore.setAttribute("aria-expanded", evOpen ? "true" : "false");
    evMore.style.display = parts.length > 1 ? "" : "none";
    evLine.classList.toggle("fef-ev-open", evOpen);
    evLine.style.display = name ? "" : "none";
  }
  evMore.addEventListener("click", function () { evOpen = !evOpen; showEvents(eventName[evDay]); });
  function onDay(day) {
    if (range) { range.setAttribute("aria-valuetext", api.human(day)); }
    var name = eventName[day];
    if (day !== evDay) { evOpen = false; evDay = day; }
    showEvents(name);
    prevEv.disabled = !chron.some(function (c) { return c[0] < day && c[0] >= cfg.start; });
    nextEv.disabled = !chron.some(function (c) { return c[0] > day && c[0] <= cfg.end; });
  }
  document.addEventListener("fef:rendered", function (e) { onDay(e.detail.day); });
  onDay(FEF.day);

  /* ---- tools: full screen and copy link ---- */
  var tools = L.control({ position: "topleft" });
  var fullBtn, linkBtn, linkStatus;
  tools.onAdd = function () {
    var d = L.DomUtil.create("div", "fef-tools leaflet-bar");
    fullBtn = el("button", { type: "button", "class": "fef-full", "aria-pressed": "false",
      title: "Full screen", "aria-label": "Show the map full screen" }, "\u26f6");
    linkBtn = el("button", { type: "button", "class": "fef-link", title: "Copy a link to this view",
      "aria-label": "Copy a link to this view" }, "\ud83d\udd17");
    linkStatus = el("span", { "class": "fef-link-status", role: "status", "aria-live": "polite" });
    /* fixed icons (no data in them); the buttons' names are in aria-label */
    fullBtn.innerHTML = '<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="#222" stroke-width="2">' +
      '<path d="M1 6V1h5M10 1h5v5M15 10v5h-5M6 15H1v-5"/></svg>';
    linkBtn.innerHTML = '<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="#222" stroke-width="1.8">' +
      '<path d="M6.5 9.5l3-3"/><path d="M7 4.5l1.5-1.5a2.8 2.8 0 0 1 4 4L11 8.5"/><path d="M9 11.5L7.5 13a2.8 2.8 0 0 1-4-4L5 7.5"/></svg>';
    d.appendChild(fullBtn);
    d.appendChild(linkBtn);
    d.appendChild(linkStatus);
    L.DomEvent.disableClickPropagation(d);
    return d;
  };
  tools.addTo(map);

  var pseudoFull = false;
  function isFull() { return !!document.fullscreenElement || pseudoFull; }
  function afterFull() {
    fullBtn.setAttribute("aria-pressed", isFull() ? "true" : "false");
    fullBtn.setAttribute("aria-label", isFull() ? "Leave full screen" : "Show the map full screen");
    setTimeout(function () { map.invalidateSize(false); }, 50);
    FEF.fullscreen = isFull();
  }
  function toggleFull() {
    var c = map.getContainer();
    if (document.fullscreenElement) { document.exitFullscreen().then(afterFull, afterFull); return; }
    if (pseudoFull) { pseudoFull = false; L.DomUtil.removeClass(c, "fef-pseudo-full"); afterFull(); return; }
    var fallback = function () { pseudoFull = true; L.DomUtil.addClass(c, "fef-pseudo-full"); afterFull(); };
    if (document.fullscreenEnabled && c.requestFullscreen) {
      c.requestFullscreen().then(afterFull, fallback);
    } else { fallback(); }
  }
  fullBtn.addEventListener("click", toggleFull);
  document.addEventListener("fullscreenchange", afterFull);
  document.addEventListener("keydown", function (e) { if (e.key === "Escape" && pseudoFull) { toggleFull(); } });

  /* The link: the page's own URL (the dashboard's, whose query Python keeps in step), with
   * the date and view the map shows right now (Python may not have heard of them yet). */
  function currentLink() {
    var href;
    try { href = (api.inStreamlit ? window.parent.location.href : window.location.href); }
    catch (err) { href = window.location.href; }
    var u = new URL(href);
    if (u.protocol === "file:" || u.protocol === "data:" || u.protocol === "about:") { return u.href; }
    var c = map.getCenter();
    u.searchParams.set("date", api.iso(FEF.day));
    u.searchParams.set("view", c.lat.toFixed(4) + "," + c.lng.toFixed(4) + "," + map.getZoom());
    if (FEF.compare && FEF.compare.day !== null && FEF.compare.day !== undefined) {
      u.searchParams.set("compare", api.iso(FEF.compare.day));
    }
    return u.href;
  }
  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () { return legacyCopy(text); });
    }
    return Promise.resolve(legacyCopy(text));
  }
  function legacyCopy(text) {
    var ta = el("textarea", { readonly: "", "aria-hidden": "true" });
    ta.value = text;
    ta.style.position = "fixed"; ta.style.opacity = "0";
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
    document.body.removeChild(ta);
    return ok;
  }
  linkBtn.addEventListener("click", function () {
    var link = currentLink();
    FEF.lastLink = link;
    copyText(link).then(function (ok) {
      FEF.linkCopied = !!ok;
      linkStatus.textContent = ok ? "Link copied" : "Copy this link: " + link;
      clearTimeout(linkBtn._t);
      linkBtn._t = setTimeout(function () { linkStatus.textContent = ""; }, ok ? 2500 : 15000);
    });
  });
  FEF.currentLink = currentLink;

  /* ---- basemap asked for by the dashboard (URL parameter basemap=) ---- */
  var BASE_NAMES = { offline: "Offline vector basemap", osm: "OpenStreetMap (online)", topo: "OpenTopoMap terrain (online)" };
  var lastBase = null;
  function setBase(id) {
    var want = BASE_NAMES[id];
    if (!want || id === lastBase) { return; }
    lastBase = id;
    var target = null, others = [];
    Object.keys(api.baseLayers).forEach(function (k) {
      var real = api.realName[k] !== undefined ? api.realName[k] : k;
      if (real === want) { target = api.baseLayers[k]; } else { others.push(api.baseLayers[k]); }
    });
    if (!target || map.hasLayer(target)) { return; }
    others.forEach(function (l) { if (map.hasLayer(l)) { map.removeLayer(l); } });
    target.addTo(map);
    map.fire("baselayerchange", { layer: target, name: want });
  }
  FEF.renderHooks.push(function (args) { if (args.basemap) { setBase(args.basemap); } });
  if (cfg.basemap_id) { setBase(cfg.basemap_id); }

  /* ---- several features under one click: list them, choose one ---- */
  function plainText(html) {
    /* a DOMParser document is inert: nothing in it runs or loads */
    var doc = new DOMParser().parseFromString(String(html || ""), "text/html");
    return (doc.body.textContent || "").replace(/\s+/g, " ").trim();
  }
  function hitsAt(containerPoint) {
    var p = map.containerPointToLayerPoint(containerPoint), out = [];
    Object.keys(api.states).forEach(function (id) {
      var st = api.states[id];
      if (!st.visible || !st.loaded || !map.hasLayer(st.group)) { return; }
      st.feats.forEach(function (f) {
        if (!f.on) { return; }
        var hit = null;
        f.layer.eachLayer(function visit(l) {
          if (hit) { return; }
          if (l.eachLayer && !l._containsPoint) { l.eachLayer(visit); return; }
          if (l._containsPoint && l._pxBounds && l.options.interactive !== false) {
            try { if (l._containsPoint(p)) { hit = l; } } catch (err) { /* not drawn yet */ }
          }
        });
        if (hit) {
          /* popup and tooltip are bound on the feature's L.geoJSON (maybe inside a group with its label) */
          var owner = f.layer.getPopup && f.layer.getPopup() ? f.layer : null;
          if (!owner && f.layer.eachLayer) {
            f.layer.eachLayer(function (l) { if (!owner && l.getPopup && l.getPopup()) { owner = l; } });
          }
          var tip = owner && owner.getTooltip && owner.getTooltip();
          var name = tip ? plainText(tip.getContent()) : "";
          out.push({ id: f.id, name: name || f.id, layer: st.spec.title, owner: owner || hit });
        }
      });
    });
    return out;
  }
  var picker = null;
  /* "preclick" reaches the map on every click; "click" does not when a feature's popup
   * opens (it stops the event). The picker replaces that popup right after. */
  map.on("preclick", function (e) {
    var hits = hitsAt(e.containerPoint);
    FEF.lastHits = hits.map(function (h) { return h.id; });
    if (hits.length < 2) { return; }
    var box = el("div", { "class": "fef-picker", role: "dialog", "aria-label": hits.length + " features here" });
    box.appendChild(el("div", { "class": "fef-picker-title" }, hits.length + " features here \u2014 choose one:"));
    var list = el("ul", {});
    hits.forEach(function (h) {
      var li = el("li", {});
      var b = el("button", { type: "button", "data-fid": h.id });
      b.appendChild(el("span", { "class": "fef-picker-name" }, h.name));
      b.appendChild(el("span", { "class": "fef-picker-layer" }, h.layer));
      b.addEventListener("click", function () {
        map.closePopup();
        h.owner.openPopup(e.latlng);
        FEF.picked = h.id;
      });
      li.appendChild(b);
      list.appendChild(li);
    });
    box.appendChild(list);
    /* after the feature's own popup (opened by the same click) */
    setTimeout(function () {
      map.closePopup();
      picker = L.popup({ maxWidth: 340, className: "fef-picker-wrap" }).setLatLng(e.latlng).setContent(box).openOn(map);
      var first = box.querySelector("button");
      if (first) { first.focus(); }
    }, 0);
  });

  /* ---- phone / narrow map: a frame short enough for the date bar to show on the first
   * screen (Streamlit sets the height it was given; on a narrow page it is cut to what is
   * left of the window below the frame's top) ---- */
  FEF.frameHeight = function (asked) {
    if (!api.inStreamlit || window.innerWidth >= NARROW_PX) { return asked; }
    var h = Math.min(asked, 520);
    try {
      var top = window.frameElement.getBoundingClientRect().top + window.parent.scrollY;
      h = Math.max(340, Math.min(asked, Math.round(window.parent.innerHeight - top - 12)));
    } catch (err) { /* another origin: keep 520 */ }
    FEF.phoneHeight = h;
    return h;
  };

  /* ---- phone / narrow map: legend folded, compact bar ---- */
  function narrowCheck() {
    var narrow = map.getSize().x < NARROW_PX;
    var c = map.getContainer();
    if (narrow) { L.DomUtil.addClass(c, "fef-narrow"); } else { L.DomUtil.removeClass(c, "fef-narrow"); }
    return narrow;
  }
  /* Decided once, when the map first has a width (a Streamlit frame starts 0 px wide);
   * after that the reader's choice stands. */
  var legendEl = api.legend.getContainer();
  var legendDecided = false;
  function decideLegend() {
    var w = map.getSize().x;
    var narrow = narrowCheck();
    if (legendDecided || w === 0 || !legendEl) { return; }
    legendDecided = true;
    if (narrow) { legendEl.open = false; }
  }
  decideLegend();
  map.on("resize", decideLegend);
  map.whenReady(decideLegend);
  /* renderLegend rewrites the legend's content, not the <details> element: its open state stays */
  FEF.explorer = { stepChronology: stepChronology, hitsAt: hitsAt, narrow: narrowCheck };
});
