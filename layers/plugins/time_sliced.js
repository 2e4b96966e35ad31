/* Far East Frontiers: time-sliced layers for a Leaflet map (folium plugin).
 * Filters features by day in the browser, draws the date bar, lazily loads layer
 * bundles and, inside Streamlit, reports the date and view back to Python.
 * Called as fefTimeSliced(map, cfg); see layers/plugins/time_sliced.py for cfg. */
function fefTimeSliced(map, cfg) {
  "use strict";
  var FEF = (window.__fef = {
    ready: false, day: cfg.day, renders: 0, lastDrawMs: null, visibleCount: 0,
    loaded: {}, errors: []
  });
  var DAY_MS = 86400000;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  if (cfg.iconPath) { L.Icon.Default.imagePath = cfg.iconPath; }

  function iso(day) { return new Date(day * DAY_MS).toISOString().slice(0, 10); }
  function human(day) {
    var d = new Date(day * DAY_MS);
    return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }
  function fetchJson(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
      return r.json();
    });
  }

  map.createPane("fefBase");
  map.getPane("fefBase").style.zIndex = 250;
  map.createPane("fefLabels");
  map.getPane("fefLabels").style.zIndex = 620;
  map.getPane("fefLabels").style.pointerEvents = "none";
  function zoomClasses() {
    var z = map.getZoom(), c = map.getContainer();
    for (var t = 3; t <= 12; t++) { if (z < t) { L.DomUtil.addClass(c, "fef-below-" + t); } else { L.DomUtil.removeClass(c, "fef-below-" + t); } }
  }
  map.on("zoomend", zoomClasses);
  map.whenReady(zoomClasses);
  var baseRenderer = L.canvas({ pane: "fefBase", padding: 0.3 });
  var renderer = L.canvas({ padding: 0.3, tolerance: 4 });

  /* ---- basemap and online alternatives ---- */
  var baseGroup = L.layerGroup();
  function buildBase(b) {
    var fc = { type: "FeatureCollection", features: b.features.map(function (f) {
      return { type: "Feature", geometry: f.g, properties: { y: f.y } };
    }) };
    L.geoJSON(fc, {
      style: function (f) { return b.styles[f.properties.y]; },
      renderer: baseRenderer, pane: "fefBase", interactive: false
    }).addTo(baseGroup);
    map.getContainer().style.background = "#cfe0ec";
    if (b.bbox) {
      /* Grey out everything outside the basemap's coverage, so it does not read as sea. */
      var w = b.bbox[0], s = b.bbox[1], e = b.bbox[2], n = b.bbox[3];
      L.polygon([[[-89, -179], [-89, 359], [89, 359], [89, -179]], [[s, w], [n, w], [n, e], [s, e]]], {
        stroke: true, color: "#b9b4a8", weight: 1, fillColor: "#e4e1da", fillOpacity: 1,
        renderer: baseRenderer, pane: "fefBase", interactive: false
      }).addTo(baseGroup);
    }
  }
  /* L.control.layers inserts names with innerHTML: give it names escaped as text
   * (the browser's own serialiser), and map them back to the real names. */
  function asHtmlText(s) { var d = document.createElement("div"); d.textContent = s; return d.innerHTML; }
  var realName = {};
  function controlName(s) { var h = asHtmlText(s); realName[h] = s; return h; }
  var baseLayers = {};
  baseLayers[controlName("Offline vector basemap")] = baseGroup;
  (cfg.online || []).forEach(function (t) {
    baseLayers[controlName(t.name + " (online)")] = L.tileLayer(t.url, { attribution: t.attribution, maxZoom: t.max_zoom || 18 });
  });
  var currentBase = "Offline vector basemap";
  baseGroup.addTo(map);
  map.on("baselayerchange", function (e) {
    currentBase = realName[e.name] !== undefined ? realName[e.name] : e.name;
    map.getContainer().style.background = e.layer === baseGroup ? "#cfe0ec" : "#ddd";
    report(false);
  });

  /* ---- overlay layers ---- */
  var states = {};
  var overlays = {};
  cfg.layers.forEach(function (spec) {
    var st = { spec: spec, group: L.featureGroup(), feats: [], loaded: false, loading: null, visible: !!spec.visible };
    st.group.setZIndex && st.group.setZIndex(spec.order);
    states[spec.id] = st;
    overlays[controlName(spec.title)] = st.group;
  });

  function buildLayer(st, b) {
    b.features.forEach(function (f) {
      var style = b.styles[f.y];
      var lyr = L.geoJSON(f.g, {
        style: function () { return style; },
        pointToLayer: function (gj, latlng) {
          /* units (f.u): a military symbol drawn by units.js */
          if (f.u && FEF.unitMarker) { return FEF.unitMarker(f, latlng, style); }
          return L.circleMarker(latlng, L.extend({ renderer: renderer }, style));
        },
        renderer: renderer
      });
      lyr.bindTooltip(f.t, { sticky: true, direction: "top", className: "fef-tooltip" });
      lyr.bindPopup(f.p, { maxWidth: 380, maxHeight: 420, className: "fef-popup-wrap" });
      lyr.fefId = f.i;
      var item = lyr;
      if (f.l) {
        var span = document.createElement("span");
        span.textContent = f.l;
        if (f.ld) {  /* a movement's days: units.js drops them when there is no room */
          span.textContent = f.l + " \u00b7 " + f.ld;
          span.setAttribute("data-short", f.l);
          span.setAttribute("data-full", span.textContent);
        }
        var at = lyr.getBounds().getCenter();
        var lab = L.marker(at, {
          icon: L.divIcon({ className: "fef-label fef-lz-" + f.lz, html: span, iconSize: null, iconAnchor: [-7, 9] }),
          interactive: false, keyboard: false, pane: "fefLabels"
        });
        item = L.featureGroup([lyr, lab]);
      }
      st.feats.push({ s: f.s, e: f.e, layer: item, on: false, id: f.i });
    });
    st.legend = b.legend || [];
    st.styles = b.styles;
    st.bundle = b; /* kept for extensions (compare.js draws a second date from it) */
    st.loaded = true;
    FEF.loaded[st.spec.id] = st.feats.length;
  }

  function ensureLoaded(st) {
    if (st.loaded) { return Promise.resolve(st); }
    if (!st.loading) {
      var p = st.spec.data ? Promise.resolve(st.spec.data) : fetchJson(st.spec.url);
      /* FEF.beforeBuild (units.js) may first load a script the layer needs (milsymbol) */
      st.loading = p.then(function (b) {
        return Promise.resolve(FEF.beforeBuild ? FEF.beforeBuild(b) : null).then(function () { buildLayer(st, b); return st; });
      }).catch(function (err) {
        FEF.errors.push(String(err));
        showError("Layer \u201c" + st.spec.title + "\u201d could not be loaded: " + err.message);
        st.loading = null;
      });
    }
    return st.loading;
  }

  /* ---- time filtering ---- */
  function applyDay(day) {
    var t0 = performance.now();
    FEF.day = day;
    var count = 0;
    Object.keys(states).forEach(function (id) {
      var st = states[id];
      if (!st.loaded) { return; }
      for (var i = 0; i < st.feats.length; i++) {
        var f = st.feats[i];
        var want = f.s <= day && (f.e === null || day < f.e);
        if (want !== f.on) {
          if (want) { st.group.addLayer(f.layer); } else { st.group.removeLayer(f.layer); }
          f.on = want;
        }
        if (want && st.visible) { count++; }
      }
    });
    FEF.visibleCount = count;
    ui.setDay(day, count);
    requestAnimationFrame(function () {
      FEF.renders++;
      FEF.lastDrawMs = performance.now() - t0;
      document.dispatchEvent(new CustomEvent("fef:rendered", { detail: { day: day, count: count } }));
    });
  }

  function setVisible(ids) {
    var want = {};
    ids.forEach(function (id) { want[id] = true; });
    var pending = [];
    Object.keys(states).forEach(function (id) {
      var st = states[id];
      st.visible = !!want[id];
      if (st.visible) {
        pending.push(ensureLoaded(st).then(function () {
          if (st.visible && !map.hasLayer(st.group)) { st.group.addTo(map); }
        }));
      } else if (map.hasLayer(st.group)) {
        map.removeLayer(st.group);
      }
    });
    return Promise.all(pending).then(function () { applyDay(FEF.day); renderLegend(); });
  }

  /* ---- date bar ---- */
  var events = (cfg.events || []).slice().sort(function (a, b) { return a - b; });
  var ui = (function () {
    var Bar = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () {
        var div = L.DomUtil.create("div", "fef-timebar");
        div.innerHTML =
          '<button type="button" data-act="prev" title="Previous change on the map">\u00ab</button>' +
          '<button type="button" data-act="back" title="One day earlier">\u25c0</button>' +
          '<input type="range" class="fef-range" aria-label="Map date" step="1">' +
          '<button type="button" data-act="fwd" title="One day later">\u25b6</button>' +
          '<button type="button" data-act="next" title="Next change on the map">\u00bb</button>' +
          '<button type="button" data-act="play" class="fef-play" title="Play / pause">Play</button>' +
          '<output class="fef-date" aria-live="polite"></output>' +
          '<span class="fef-count"></span>';
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      }
    });
    var bar = new Bar().addTo(map);
    var el = bar.getContainer();
    var range = el.querySelector(".fef-range");
    range.min = cfg.start; range.max = cfg.end; range.value = cfg.day;
    var out = el.querySelector(".fef-date");
    var cnt = el.querySelector(".fef-count");
    var playBtn = el.querySelector(".fef-play");
    var timer = null;
    function go(day, fromUser) {
      day = Math.max(cfg.start, Math.min(cfg.end, Math.round(day)));
      range.value = day;
      applyDay(day);
      if (fromUser) { report(true); }
    }
    function stepEvent(dir) {
      var d = FEF.day, target = null;
      if (dir > 0) { for (var i = 0; i < events.length; i++) { if (events[i] > d) { target = events[i]; break; } } }
      else { for (var j = events.length - 1; j >= 0; j--) { if (events[j] < d) { target = events[j]; break; } } }
      if (target !== null) { go(target, true); }
    }
    function togglePlay() {
      if (timer) { clearTimeout(timer); timer = null; playBtn.textContent = "Play"; playBtn.setAttribute("aria-pressed", "false"); return; }
      playBtn.textContent = "Pause";
      playBtn.setAttribute("aria-pressed", "true");
      /* cfg.play_ms (speed) and cfg.loop are read at every tick, so explorer.js can change them while playing */
      function tick() {
        if (FEF.day >= cfg.end) {
          if (!cfg.loop) { timer = null; playBtn.textContent = "Play"; playBtn.setAttribute("aria-pressed", "false"); return; }
          go(cfg.start, true);
        } else {
          var nxt = null;
          for (var i = 0; i < events.length; i++) { if (events[i] > FEF.day) { nxt = events[i]; break; } }
          go(nxt === null ? cfg.end : Math.min(nxt, FEF.day + Math.max(1, Math.round((cfg.end - cfg.start) / 200))), true);
        }
        timer = setTimeout(tick, cfg.play_ms || 400);
      }
      timer = setTimeout(tick, cfg.play_ms || 400);
    }
    range.addEventListener("input", function () { go(+range.value, true); });
    el.addEventListener("click", function (e) {
      var act = e.target && e.target.getAttribute("data-act");
      if (act === "prev") { stepEvent(-1); }
      else if (act === "next") { stepEvent(1); }
      else if (act === "back") { go(FEF.day - 1, true); }
      else if (act === "fwd") { go(FEF.day + 1, true); }
      else if (act === "play") { togglePlay(); }
    });
    return {
      setDay: function (day, count) {
        out.value = human(day);
        out.textContent = human(day);
        out.setAttribute("data-iso", iso(day));
        cnt.textContent = count + (count === 1 ? " feature" : " features");
        if (+range.value !== day) { range.value = day; }
      },
      go: go,
      el: el,
      togglePlay: togglePlay,
      playing: function () { return timer !== null; },
      setRange: function (start, end) { cfg.start = start; cfg.end = end; range.min = start; range.max = end; }
    };
  })();

  /* ---- legend of the visible layers ---- */
  var legendCtl = L.control({ position: "bottomright" });
  legendCtl.onAdd = function () {
    var d = L.DomUtil.create("details", "fef-legend");
    d.open = true;
    L.DomEvent.disableClickPropagation(d);
    L.DomEvent.disableScrollPropagation(d);
    return d;
  };
  legendCtl.addTo(map);
  /* A legend swatch as an SVG element built node by node: style values go in as attribute
     values (setAttribute), never through an HTML parser, whatever a layer's style holds. */
  var SVG_NS = "http://www.w3.org/2000/svg";
  function svgNode(tag, attrs) {
    var n = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs).forEach(function (k) { if (attrs[k] !== null && attrs[k] !== undefined) { n.setAttribute(k, String(attrs[k])); } });
    return n;
  }
  function swatch(shape, o) {
    var stroke = { stroke: o.color, "stroke-width": Math.min(o.weight, 5), "stroke-opacity": o.opacity };
    var fill = { fill: o.fillColor || o.color, "fill-opacity": o.fillOpacity };
    var dash = { "stroke-dasharray": o.dashArray || null };
    var svg = svgNode("svg", { width: 24, height: 14, "aria-hidden": "true" });
    if (shape === "point") { svg.appendChild(svgNode("circle", Object.assign({ cx: 12, cy: 7, r: 5 }, stroke, fill))); }
    else if (shape === "line") { svg.appendChild(svgNode("line", Object.assign({ x1: 1, y1: 7, x2: 23, y2: 7 }, stroke, dash))); }
    else if (shape === "arrow") {
      svg.appendChild(svgNode("line", Object.assign({ x1: 1, y1: 7, x2: 17, y2: 7 }, stroke, dash)));
      svg.appendChild(svgNode("path", { d: "M23 7 L15 2 L15 12 Z", fill: o.color }));
    } else { svg.appendChild(svgNode("rect", Object.assign({ x: 2, y: 2, width: 20, height: 10 }, stroke, fill, dash))); }
    return svg;
  }
  function renderLegend() {
    var d = legendCtl.getContainer();
    d.innerHTML = "<summary>Legend</summary>";
    var shown = Object.keys(states).map(function (id) { return states[id]; })
      .filter(function (st) { return st.visible && st.loaded; })
      .sort(function (a, b) { return b.spec.order - a.spec.order; });
    shown.forEach(function (st) {
      var h = document.createElement("div");
      h.className = "fef-legend-layer";
      h.textContent = st.spec.title;
      d.appendChild(h);
      st.legend.forEach(function (row) {
        var r = document.createElement("div");
        r.className = "fef-legend-row";
        r.appendChild(swatch(row[1], st.styles[row[2]]));
        var t = document.createElement("span");
        t.textContent = row[0];
        r.appendChild(t);
        d.appendChild(r);
      });
    });
    d.style.display = shown.length ? "" : "none";
  }

  function showError(text) {
    var box = document.querySelector(".fef-error");
    if (!box) {
      box = L.DomUtil.create("div", "fef-error", map.getContainer());
    }
    var p = document.createElement("div");
    p.textContent = text;
    box.appendChild(p);
  }

  /* ---- Streamlit bridge (component protocol v1) ---- */
  var inStreamlit = !!cfg.streamlit && window.parent !== window;
  var seq = 0, reportTimer = null, lastDateNonce = null, lastViewNonce = null, lastVisibleKey = null;
  /* Only the Streamlit page that embeds this frame may drive it: messages must come from
   * window.parent and from the origin the component is served from (the app's own; the
   * app refuses to be framed by other sites). Anything else is ignored and counted. */
  var expectedOrigin = cfg.parent_origin || window.location.origin;
  FEF.rejectedMessages = 0;
  function trustedMessage(ev) {
    return ev.source === window.parent && ev.origin === expectedOrigin;
  }
  function post(type, extra) {
    window.parent.postMessage(L.extend({ isStreamlitMessage: true, type: type }, extra || {}), expectedOrigin);
  }
  /* Layers of the session (a user's upload): not in the page written for the dataset, so
   * Streamlit sends their bundle URL in the render args and they are added here. */
  var userLayerIds = {};
  function syncUserLayers(list) {
    var want = {};
    (list || []).forEach(function (spec) {
      if (!spec || typeof spec.id !== "string" || typeof spec.url !== "string") { return; }
      want[spec.id] = true;
      if (states[spec.id]) { return; }
      var st = { spec: { id: spec.id, title: String(spec.title || spec.id), order: +spec.order || 1000, url: spec.url },
                 group: L.featureGroup(), feats: [], loaded: false, loading: null, visible: false };
      states[spec.id] = st;
      userLayerIds[spec.id] = true;
    });
    Object.keys(userLayerIds).forEach(function (id) {
      if (!want[id]) {
        if (map.hasLayer(states[id].group)) { map.removeLayer(states[id].group); }
        delete states[id];
        delete userLayerIds[id];
        delete FEF.loaded[id];
      }
    });
    return Object.keys(want).sort().join(",");
  }
  function report(isDate) {
    if (!inStreamlit) { return; }
    clearTimeout(reportTimer);
    reportTimer = setTimeout(function () {
      var c = map.getCenter(), b = map.getBounds();
      seq += 1;
      post("streamlit:setComponentValue", {
        dataType: "json",
        value: {
          date: iso(FEF.day), seq: seq, center: [+c.lat.toFixed(4), +c.lng.toFixed(4)], zoom: map.getZoom(),
          bounds: [[+b.getSouth().toFixed(4), +b.getWest().toFixed(4)], [+b.getNorth().toFixed(4), +b.getEast().toFixed(4)]],
          basemap: currentBase,
          /* the campaign the bar spans; campaign_seq counts changes made in the map ("All years") */
          campaign: FEF.campaign, campaign_seq: FEF.campaignSeq || 0
        }
      });
    }, isDate ? (cfg.report_ms || 150) : 400);
  }
  map.on("moveend", function () { if (FEF.ready) { report(false); } });

  function applyView(v) {
    /* The iframe may still be 0 px high on the first render: wait until it has a size. */
    map.invalidateSize(false);
    if (map.getSize().y < 50) {
      setTimeout(function () { applyView(v); }, 50);
      return;
    }
    if (v.center && v.zoom !== undefined && v.zoom !== null) { map.setView(v.center, v.zoom, { animate: false }); }
    else if (v.bounds) { map.fitBounds(v.bounds, { animate: false }); }
  }

  function onRender(args) {
    /* FEF.frameHeight (explorer.js) may cut the height on a phone so the date bar shows on the first screen */
    if (args.height) { post("streamlit:setFrameHeight", { height: FEF.frameHeight ? FEF.frameHeight(args.height) : args.height }); }
    var vis = args.visible || [];
    var key = vis.join(",") + "|" + syncUserLayers(args.user_layers);
    var p = Promise.resolve();
    if (key !== lastVisibleKey) { lastVisibleKey = key; p = setVisible(vis); }
    if (args.date_request && args.date_request.nonce !== lastDateNonce) {
      lastDateNonce = args.date_request.nonce;
      if (args.date_request.start !== undefined) { ui.setRange(args.date_request.start, args.date_request.end); }
      ui.go(args.date_request.day, false);
    }
    if (args.view_request && args.view_request.nonce !== lastViewNonce) {
      lastViewNonce = args.view_request.nonce;
      applyView(args.view_request);
    }
    (FEF.renderHooks || []).forEach(function (h) { h(args, p); });
    return p;
  }

  /* ---- start ---- */
  var baseReady = cfg.basemap.data ? Promise.resolve(cfg.basemap.data) : fetchJson(cfg.basemap.url);
  baseReady.then(buildBase).catch(function (err) {
    FEF.errors.push(String(err));
    showError("The offline basemap could not be loaded: " + err.message);
  });
  if (cfg.overlay_control) {
    L.control.layers(baseLayers, overlays, { collapsed: true, position: "topright" }).addTo(map);
    map.on("overlayadd overlayremove", function (e) {
      Object.keys(states).forEach(function (id) {
        var st = states[id];
        if (st.group === e.layer) {
          st.visible = e.type === "overlayadd";
          if (st.visible) { ensureLoaded(st).then(function () { applyDay(FEF.day); renderLegend(); }); }
          else { applyDay(FEF.day); renderLegend(); }
        }
      });
    });
  } else {
    L.control.layers(baseLayers, {}, { collapsed: true, position: "topright" }).addTo(map);
  }
  ui.setDay(cfg.day, 0);
  var initial = cfg.layers.filter(function (s) { return s.visible; }).map(function (s) { return s.id; });
  function markReady() {
    if (FEF.ready) { return; }
    FEF.ready = true;
    document.dispatchEvent(new CustomEvent("fef:ready"));
    /* Tell Python the map has painted (after the next frame): the dashboard's first run sends
     * the map alone and the rest of the page with the run this report starts (app.py). Not
     * needed if a date or view report went out already: that one starts the run. */
    if (inStreamlit) {
      requestAnimationFrame(function () {
        setTimeout(function () {
          if (seq === 0) { seq = 1; post("streamlit:setComponentValue", { dataType: "json", value: { ready: true, seq: seq } }); }
        }, 0);
      });
    }
  }
  if (inStreamlit) {
    /* Ready once the layers Streamlit asked for in its first render are drawn. */
    var firstRender = true;
    window.addEventListener("message", function (ev) {
      var d = ev.data;
      if (!trustedMessage(ev)) { FEF.rejectedMessages++; return; }
      if (d && d.type === "streamlit:render") {
        var p = onRender(d.args || {});
        if (firstRender) { firstRender = false; p.then(markReady); }
      }
    });
    post("streamlit:componentReady", { apiVersion: 1 });
    post("streamlit:setFrameHeight", { height: cfg.height || 640 });
  }
  lastVisibleKey = initial.join(",") + "|";
  var initialDrawn = setVisible(initial);
  if (!inStreamlit) { initialDrawn.then(markReady); }
  FEF.goto = function (day) { ui.go(day, true); };
  /* Extensions (explorer.js, compare.js) register in window.fefExtensions and get these internals. */
  FEF.renderHooks = [];
  FEF.api = { map: map, cfg: cfg, states: states, ui: ui, events: events, legend: legendCtl, renderer: renderer,
              iso: iso, human: human, report: report, inStreamlit: inStreamlit, ensureLoaded: ensureLoaded,
              baseLayers: baseLayers, realName: realName,
              setVisible: setVisible, swatch: swatch };
  (window.fefExtensions || []).forEach(function (ext) {
    try { ext(FEF.api); } catch (err) { FEF.errors.push("extension: " + err); }
  });
  FEF.isoToDay = function (s) { return Math.round(Date.parse(s + "T00:00:00Z") / DAY_MS); };
  return FEF;
}
