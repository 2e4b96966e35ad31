/* Far East Frontiers: campaign extras for the time-sliced map, an extension of fefTimeSliced
 * (registered in window.fefExtensions, called with FEF.api).
 *  - units: every feature with `u` (kind "unit") is drawn as a milsymbol SVG from its SIDC,
 *    filled with a tint of its layer style's colour, sized with the zoom, named below;
 *  - legend: only the legend rows of features drawn at this date and inside this view;
 *    a <details>, collapsed by default on narrow maps;
 *  - labels: after every redraw, zoom and resize, overlapping labels are hidden, the more
 *    important one (data-lp) kept (greedy test on screen boxes).
 * Data text only ever reaches the page through textContent; milsymbol builds the symbol as
 * DOM nodes (asDOM) from a SIDC that must match a plain code pattern.
 * time_sliced.js asks FEF.unitMarker for the marker of a feature with `u`. */
(window.fefExtensions = window.fefExtensions || []).push(function fefUnits(api) {
  "use strict";
  var map = api.map, FEF = window.__fef;
  /* the legend's swatches: time_sliced.js's drawing (an SVG element built with setAttribute) */
  var swatch = api.swatch;
  var SIDC_RE = /^(?:[A-Za-z*-]{15}|[0-9]{20,30})$/;
  function hasMs() { return typeof ms !== "undefined" && ms && typeof ms.Symbol === "function"; }
  /* A served page leaves milsymbol out of its head (0.86 MB the overview never needs) and
   * gives its URL in cfg.lazy_js: it is loaded once, before the first layer with unit symbols
   * is built (time_sliced.js waits on FEF.beforeBuild). A standalone file has it inline. */
  var msLoading = null;
  FEF.beforeBuild = function (bundle) {
    var lazy = api.cfg.lazy_js || {};
    if (hasMs() || !lazy.milsymbol || !(bundle.features || []).some(function (f) { return f.u; })) { return null; }
    if (!msLoading) {
      msLoading = new Promise(function (resolve) {
        var tag = document.createElement("script");
        tag.src = lazy.milsymbol;
        tag.onload = function () { resolve(); };
        /* without it the symbols fall back to plain squares in the side's colour */
        tag.onerror = function () { FEF.errors.push("milsymbol could not be loaded"); resolve(); };
        document.head.appendChild(tag);
      });
    }
    return msLoading;
  };
  var units = [];
  map.createPane("fefUnits");
  map.getPane("fefUnits").style.zIndex = 615;
  FEF.units = { drawn: 0, symbolErrors: 0 };
  FEF.labels = { shown: 0, hidden: 0, runs: 0 };

  /* ---- colours ---- */
  function rgb(hex) {
    var m = /^#([0-9a-f]{6})$/i.exec(hex || "");
    if (!m) { return [85, 85, 85]; }
    var n = parseInt(m[1], 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  function hex(c) {
    return "#" + c.map(function (v) { var s = Math.round(v).toString(16); return s.length < 2 ? "0" + s : s; }).join("");
  }
  /* Symbol fill: the side's colour lightened so the black icon inside stays readable. */
  function tint(colour) {
    var c = rgb(colour);
    return hex(c.map(function (v) { return v + (255 - v) * 0.55; }));
  }
  function sideColour(style) { return (style && (style.fillColor || style.color)) || "#555555"; }
  /* A layer may give its symbols their fill (fill_color unlike color); else the colour, tinted. */
  function symbolFill(style) {
    if (style && style.fillColor && style.color && style.fillColor.toLowerCase() !== style.color.toLowerCase()) {
      return style.fillColor;
    }
    return tint(sideColour(style));
  }

  /* ---- unit symbols ---- */
  function symbolSize(z) { return Math.max(12, Math.min(28, 3 * z - 7)); }
  function makeSymbol(sidc, fill, size) {
    if (!hasMs() || !SIDC_RE.test(sidc)) { return null; }
    try {
      var sym = new ms.Symbol(sidc, {
        size: size, fillColor: fill
      });
      return { el: sym.asDOM(), size: sym.getSize(), anchor: sym.getAnchor() };
    } catch (err) {
      FEF.units.symbolErrors++;
      return null;
    }
  }
  /* Standard identity from the SIDC (letter codes: 2nd character; number codes: 4th digit),
   * so that symbols are only ever stacked under a symbol of their own side. */
  function affiliation(sidc) {
    sidc = String(sidc || "");
    if (/^[0-9]{20,30}$/.test(sidc)) { return sidc.charAt(3); }
    return sidc.charAt(1).toUpperCase();
  }
  function unitIcon(u, fid, style, z) {
    var size = symbolSize(z), fill = symbolFill(style), colour = sideColour(style);
    var sym = makeSymbol(u.sidc, fill, size);
    var box = document.createElement("div");
    box.className = "fef-unit-box";
    box.setAttribute("data-fid", String(fid));
    box.setAttribute("data-lp", String(+u.lp || 0));
    box.setAttribute("data-aff", affiliation(u.sidc));
    var w, h, ax, ay;
    if (sym) {
      sym.el.setAttribute("class", "fef-unit-svg");
      sym.el.setAttribute("data-fill", fill);
      box.appendChild(sym.el);
      w = Math.ceil(sym.size.width); h = Math.ceil(sym.size.height);
      ax = sym.anchor.x; ay = sym.anchor.y;
    } else {
      /* no milsymbol or a code it cannot read: a plain square in the side's colour */
      var sq = document.createElement("div");
      sq.className = "fef-unit-fallback";
      sq.style.background = fill;
      sq.style.borderColor = colour;
      box.appendChild(sq);
      w = h = 14; ax = ay = 7;
    }
    var cap = document.createElement("span");
    cap.className = "fef-unit-caption fef-lz-" + (u.lz | 0);
    cap.setAttribute("data-lp", String(+u.lp || 0));
    cap.textContent = u.n || "";
    cap.style.top = h + "px";
    box.appendChild(cap);
    box.style.width = w + "px";
    box.style.height = h + "px";
    return L.divIcon({ html: box, className: "fef-unit", iconSize: [w, h], iconAnchor: [ax, ay] });
  }
  function unitMarker(f, latlng, style) {
    var mk = L.marker(latlng, {
      icon: unitIcon(f.u, f.i, style, map.getZoom()), pane: "fefUnits", keyboard: false, riseOnHover: true
    });
    mk.fefSymbolSize = symbolSize(map.getZoom());
    units.push({ marker: mk, u: f.u, fid: f.i, style: style });
    FEF.units.drawn = units.length;
    return mk;
  }
  function resizeUnits() {
    var z = map.getZoom(), size = symbolSize(z);
    units.forEach(function (x) {
      if (x.marker.fefSymbolSize !== size) {
        x.marker.fefSymbolSize = size;
        x.marker.setIcon(unitIcon(x.u, x.fid, x.style, z));
      }
    });
  }

  /* ---- arrowheads sized on screen ----
   * The bundle gives each movement a head in degrees (a sixth of the arrow, as on the print
   * maps); on screen that grows without end when zooming in. After every zoom each head is
   * redrawn as a triangle of a fixed size in pixels (from the line's weight, at most 45 % of
   * the arrow's length on screen), along the last segment of its line. */
  function headPairs(layer) {
    var lines = [], heads = [];
    (function walk(l) {
      if (l instanceof L.Polygon) { heads.push(l); }
      else if (l instanceof L.Polyline) { lines.push(l); }
      else if (l.eachLayer) { l.eachLayer(walk); }
    })(layer);
    var out = [];
    for (var i = 0; i < Math.min(lines.length, heads.length); i++) { out.push([lines[i], heads[i]]); }
    return out;
  }
  function fitHeads() {
    var z = map.getZoom(), n = 0;
    Object.keys(api.states).forEach(function (id) {
      var st = api.states[id];
      if (!st.loaded || !st.bundle) { return; }
      var bf = st.bundle.features || [];
      st.feats.forEach(function (f, i) {
        if (!bf[i] || bf[i].k !== "movement" || f.headZoom === z) { return; }
        f.headZoom = z;
        f.heads = f.heads || headPairs(f.layer);
        f.heads.forEach(function (pair) {
          var pts = pair[0].getLatLngs();
          if (pts.length && Array.isArray(pts[0])) { pts = pts[pts.length - 1]; }
          if (pts.length < 2) { return; }
          var p1 = map.project(pts[pts.length - 1], z), p0 = null, len = 0;
          for (var k = pts.length - 2; k >= 0; k--) {
            var q = map.project(pts[k], z);
            if (!p0 && q.distanceTo(p1) > 0.5) { p0 = q; }
            if (k < pts.length - 1) { len += q.distanceTo(map.project(pts[k + 1], z)); }
          }
          if (!p0) { return; }
          var w = +pair[0].options.weight || 3;
          var size = Math.min(Math.max(3 * w + 6, 11), 24, 0.45 * len);
          var d = p1.subtract(p0), dl = Math.sqrt(d.x * d.x + d.y * d.y);
          var ux = d.x / dl, uy = d.y / dl;
          var bx = p1.x - ux * size, by = p1.y - uy * size, half = size * 0.5;
          pair[1].setLatLngs([
            map.unproject(p1, z),
            map.unproject(L.point(bx - uy * half, by + ux * half), z),
            map.unproject(L.point(bx + uy * half, by - ux * half), z)
          ]);
          n++;
        });
        f.bb = null;  // its bounds changed
      });
    });
    FEF.arrowheads = (FEF.arrowheads || 0) + n;
  }

  /* ---- legend of what is drawn here and now ---- */
  var legendTouched = false;
  function featureBounds(f) {
    if (!f.bb) {
      try { f.bb = f.layer.getBounds ? f.layer.getBounds() : L.latLngBounds([f.layer.getLatLng()]); }
      catch (err) { f.bb = null; }
    }
    return f.bb;
  }
  function legendRows() {
    var view = map.getBounds(), states = api.states, out = [];
    out.certainty = {};
    Object.keys(states).map(function (id) { return states[id]; })
      .filter(function (st) { return st.visible && st.loaded && map.hasLayer(st.group); })
      .sort(function (a, b) { return b.spec.order - a.spec.order; })
      .forEach(function (st) {
        var used = {};
        var bf = (st.bundle && st.bundle.features) || [];
        st.feats.forEach(function (f, i) {
          if (!f.on) { return; }
          var bb = featureBounds(f);
          var lg = bf[i] && bf[i].i === f.id ? bf[i].lg : undefined;
          if (bb && bb.isValid() && view.intersects(bb)) {
            used[lg === undefined ? -1 : lg] = true;
            var c = bf[i] && bf[i].i === f.id ? bf[i].c : null;
            /* certainty classes of drawn lines and areas (their dash says how sure the line is) */
            if (c && bf[i].k !== "unit" && bf[i].g && bf[i].g.type !== "Point") {
              (st.bundle.certainty || []).forEach(function (row) { if (row.certainty === c) { out.certainty[c] = row; } });
            }
          }
        });
        /* a bundle without per-feature rows (older files): every row of the layer */
        var rows = (st.legend || []).filter(function (row, i) { return used[i] || used[-1]; });
        if (rows.length) { out.push({ st: st, rows: rows }); }
      });
    return out;
  }
  function renderLegend(box) {
    /* open on wide maps, collapsed under 600 px, until the reader opens or closes it */
    if (!legendTouched && map.getSize().x > 50) {
      var want = map.getSize().x >= 600;
      if (box.open !== want) { box.open = want; }
    }
    while (box.firstChild) { box.removeChild(box.firstChild); }
    var sum = document.createElement("summary");
    sum.textContent = "Legend";
    box.appendChild(sum);
    var groups = legendRows(), n = 0;
    /* A row drawn in the layer's default style is named after the layer: a layer with only
     * that row shows one line, its heading with the swatch (not the name twice); beside other
     * rows it is named by its shape ("Points", "Areas · schematic"), the heading naming the layer. */
    var GENERIC = { point: "Points", line: "Lines", area: "Areas", arrow: "Movements" };
    function rowText(row, title, alone) {
      var text = String(row[0]);
      if (alone || text.indexOf(title) !== 0) { return text; }
      return (GENERIC[row[1]] || "Other") + text.slice(title.length);
    }
    groups.forEach(function (g) {
      var title = String(g.st.spec.title);
      var alone = g.rows.length === 1 && String(g.rows[0][0]) === title;
      var h = document.createElement("div");
      h.className = "fef-legend-layer";
      h.textContent = title;
      if (!alone) { box.appendChild(h); }
      g.rows.forEach(function (row) {
        var r = document.createElement("div");
        r.className = alone ? "fef-legend-row fef-legend-layer fef-legend-solo" : "fef-legend-row";
        var style = g.st.styles[row[2]];
        if (row[1] === "unit") {
          r.className += " fef-legend-unit";
          var sym = makeSymbol(String(row[3] || ""), symbolFill(style), 11);
          if (sym) { sym.el.setAttribute("width", "24"); sym.el.setAttribute("height", "16"); r.appendChild(sym.el); }
        } else {
          r.appendChild(swatch(row[1], style));
        }
        var t = document.createElement("span");
        t.textContent = rowText(row, title, alone);
        r.appendChild(t);
        box.appendChild(r);
        n++;
      });
    });
    var classes = Object.keys(groups.certainty || {}).map(function (k) { return groups.certainty[k]; });
    if (n && classes.some(function (row) { return row.dashArray; })) {
      var ch = document.createElement("div");
      ch.className = "fef-legend-layer fef-legend-note";
      ch.textContent = "Line style: how sure";
      box.appendChild(ch);
      classes.forEach(function (row) {
        var r = document.createElement("div");
        r.className = "fef-legend-row fef-legend-certainty";
        r.title = String(row.text || "");
        r.appendChild(swatch("line", { color: "#444444", weight: 2, opacity: 1,
          dashArray: /^[0-9 ,.]*$/.test(row.dashArray || "") ? row.dashArray : null }));
        var t = document.createElement("span");
        t.textContent = String(row.label || row.certainty);
        r.appendChild(t);
        box.appendChild(r);
      });
    }
    var empty = document.createElement("div");
    empty.className = "fef-legend-empty";
    empty.textContent = "Nothing drawn in this view on this date.";
    if (!n) { box.appendChild(empty); }
    box.style.display = Object.keys(api.states).some(function (id) { return api.states[id].visible; }) ? "" : "none";
    FEF.legendRows = n;
  }

  /* ---- labels that never overlap ---- */
  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }
  /* the label markers of time_sliced.js carry their <span> as the icon's html: give it the
   * bundle's priority (lp) once per layer */
  function tagLabels() {
    Object.keys(api.states).forEach(function (id) {
      var st = api.states[id];
      if (!st.loaded || st.fefTagged || !st.bundle) { return; }
      st.fefTagged = true;
      var bf = st.bundle.features || [];
      st.feats.forEach(function (f, i) {
        if (!bf[i] || !bf[i].l || !f.layer.eachLayer) { return; }
        f.layer.eachLayer(function (l) {
          var html = l.options && l.options.icon && l.options.icon.options.html;
          if (html && html.setAttribute) { html.setAttribute("data-lp", String(+bf[i].lp || 0)); }
        });
      });
    });
  }
  /* Places a label may take, as offsets from where time_sliced.js puts it (to the right of
   * its point, top 9 px above it): right, left, above, below, then right a line higher or
   * lower. Unit names stay under their symbol, else beside it. */
  function candidates(w, h, isCaption, el) {
    if (isCaption) {
      /* a unit's name: under its symbol, else to its right or left, middle height */
      var box = el.parentNode, sw = parseFloat(box.style.width) || 0, sh = parseFloat(box.style.height) || 0;
      var up = -(sh / 2 + h / 2) - 1;
      return [[0, 0], [sw / 2 + w / 2 + 4, up], [-(sw / 2 + w / 2 + 4), up]];
    }
    /* then right of the point, raised or lowered by a line (beside a unit's caption) */
    return [[0, 0], [-(w + 14), 0], [-(w / 2 + 7), 5 - h - 4], [-(w / 2 + 7), 14], [0, -(h + 4)], [0, h + 4]];
  }
  /* Symbols piled on one spot: the higher echelon stays, the others of the same side are
   * hidden (shown again when zooming in separates them) and counted in a "+N" badge on the
   * one that stays. A unit is never hidden under the other side's symbol: where the two
   * sides touch, both stay drawn. */
  function declutterSymbols(root) {
    var boxes = root.querySelectorAll(".fef-unit-box"), items = [], i;
    for (i = 0; i < boxes.length; i++) {
      var icon = boxes[i].parentNode;
      if (icon && icon.classList) { icon.classList.remove("fef-unit-hidden"); }
      var old = boxes[i].querySelector(".fef-unit-more");
      if (old) { boxes[i].removeChild(old); }
    }
    for (i = 0; i < boxes.length; i++) {
      var sym = boxes[i].querySelector(".fef-unit-svg, .fef-unit-fallback");
      if (!sym) { continue; }
      items.push({ box: boxes[i], r: sym.getBoundingClientRect(), p: parseFloat(boxes[i].getAttribute("data-lp")) || 0, i: i, n: 0,
                   aff: boxes[i].getAttribute("data-aff") || "" });
    }
    items.sort(function (a, b) { return b.p - a.p || a.i - b.i; });
    var kept = [], hidden = 0;
    items.forEach(function (it) {
      var area = Math.max(1, it.r.width * it.r.height);
      var over = null;
      for (var k = 0; k < kept.length && !over; k++) {
        if (kept[k].aff !== it.aff) { continue; }
        var q = kept[k].r;
        var w = Math.min(it.r.right, q.right) - Math.max(it.r.left, q.left);
        var h = Math.min(it.r.bottom, q.bottom) - Math.max(it.r.top, q.top);
        if (w > 0 && h > 0 && w * h > 0.12 * Math.min(area, q.width * q.height)) { over = kept[k]; }
      }
      if (over) {
        it.box.parentNode.classList.add("fef-unit-hidden");
        over.n++;
        hidden++;
      } else { kept.push(it); }
    });
    kept.forEach(function (it) {
      if (!it.n) { return; }
      var more = document.createElement("span");
      more.className = "fef-unit-more";
      more.textContent = "+" + it.n;
      more.title = it.n + (it.n === 1 ? " more unit here: zoom in" : " more units here: zoom in");
      it.box.appendChild(more);
    });
    FEF.units.shown = kept.length;
    FEF.units.stacked = hidden;
    return kept.map(function (it) { return it.r; });
  }
  function declutter() {
    tagLabels();
    var root = map.getContainer(), frame = root.getBoundingClientRect();
    var symbols = declutterSymbols(root);
    /* the map's own boxes (date bar, legend, buttons) cover labels: keep labels out from under them */
    var controls = root.querySelectorAll(".leaflet-control"), boxes = [];
    for (var ci = 0; ci < controls.length; ci++) {
      var cr = controls[ci].getBoundingClientRect();
      if (cr.width > 0 && cr.height > 0) { boxes.push(cr); }
    }
    var els = root.querySelectorAll(".fef-label span, .fef-unit-caption");
    var i, items = [];
    for (i = 0; i < els.length; i++) {  // reset first, then measure: one layout for all
      els[i].classList.remove("fef-collide");
      if (els[i].style.transform) { els[i].style.transform = ""; }
      var full = els[i].getAttribute("data-full");  // a movement's label with its days
      if (full && els[i].textContent !== full) { els[i].textContent = full; }
    }
    for (i = 0; i < els.length; i++) {
      var el = els[i];
      if (!el.textContent || el.getClientRects().length === 0) { continue; }  // hidden below its zoom
      if (el.closest(".fef-unit-hidden")) { continue; }  // its symbol is stacked under another
      var r = el.getBoundingClientRect();
      if (r.width === 0 || r.right < frame.left || r.left > frame.right || r.bottom < frame.top || r.top > frame.bottom) { continue; }
      var cap = el.classList.contains("fef-unit-caption"), at = cap ? null : el.parentNode.getBoundingClientRect();
      items.push({ el: el, r: r, p: parseFloat(el.getAttribute("data-lp")) || 0, i: i, cap: cap,
                   at: at && { x: at.left, y: at.top } });
    }
    /* symbols are obstacles for ordinary labels; key places (priority >= 85) and cities,
     * ports and battle sites (>= 60: where units are stacked, e.g. Vladivostok in 1918) may
     * cover them when no clear place is left, never another label nor the map's controls */
    items.sort(function (a, b) { return b.p - a.p || a.i - b.i; });
    var kept = [], hidden = 0, PAD = 2, names = [];
    /* the same name twice within 150 px (a place in two layers): keep the first only */
    function near(it, b) {
      var t = it.el.textContent, x = (b.left + b.right) / 2, y = (b.top + b.bottom) / 2;
      return names.some(function (n) { return n.t === t && Math.abs(n.x - x) < 150 && Math.abs(n.y - y) < 150; });
    }
    /* two names for one point (a place in a reference layer and in the campaign layer, under
     * different names): the more important one only */
    var anchors = [];
    function samePoint(it) {
      return it.at && anchors.some(function (a) { return Math.abs(a.x - it.at.x) < 4 && Math.abs(a.y - it.at.y) < 4; });
    }
    items.forEach(function (it) {
      if (samePoint(it)) { it.el.classList.add("fef-collide"); hidden++; return; }
      if (place(it)) { return; }
      /* no room for an arrow's label with its days: try the unit's name alone */
      var short = it.el.getAttribute("data-short");
      if (short && it.el.textContent !== short) {
        it.el.textContent = short;
        it.r = it.el.getBoundingClientRect();
        if (place(it)) { return; }
      }
      it.el.classList.add("fef-collide");
      hidden++;
    });
    function place(it) {
      var w = it.r.width, h = it.r.height, spots = candidates(w, h, it.cap, it.el);
      /* first a place clear of symbols too; key places may then cover a symbol */
      var tries = spots.map(function (sp) { return [sp[0], sp[1], true]; });
      if (it.p >= 60 && !it.cap) { tries = tries.concat(spots.map(function (sp) { return [sp[0], sp[1], false]; })); }
      for (var k = 0; k < tries.length; k++) {
        var dx = tries[k][0], dy = tries[k][1], avoid = tries[k][2];
        var r = { left: it.r.left + dx - PAD, right: it.r.right + dx + PAD, top: it.r.top + dy - PAD, bottom: it.r.bottom + dy + PAD };
        var bare = { left: it.r.left + dx, right: it.r.right + dx, top: it.r.top + dy, bottom: it.r.bottom + dy };
        var clash = kept.some(function (q) { return overlaps(r, q); }) ||
          boxes.some(function (s) { return overlaps(bare, s); }) ||
          (avoid && symbols.some(function (s) { return overlaps(bare, s); })) ||
          near(it, bare);
        if (!clash) {
          kept.push(r);
          if (it.at) { anchors.push(it.at); }
          names.push({ t: it.el.textContent, x: (bare.left + bare.right) / 2, y: (bare.top + bare.bottom) / 2 });
          if (dx || dy) {
            /* captions are centred by CSS (translateX(-50%)): keep that in the move */
            it.el.style.transform = it.cap ? "translate(calc(-50% + " + dx + "px)," + dy + "px)"
              : "translate(" + dx + "px," + dy + "px)";
          }
          return true;
        }
      }
      return false;
    }
    FEF.labels = { shown: kept.length, hidden: hidden, runs: FEF.labels.runs + 1 };
  }

  /* ---- when to redo legend and labels ---- */
  var pending = false, legendBox = null;
  function refresh() {
    if (pending) { return; }
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      fitHeads();  // heads of layers loaded since the last zoom
      if (legendBox) { renderLegend(legendBox); }
      declutter();
      document.dispatchEvent(new CustomEvent("fef:decluttered", { detail: FEF.labels }));
    });
  }
  map.on("zoomend", function () { resizeUnits(); fitHeads(); refresh(); });
  map.on("moveend resize", refresh);
  document.addEventListener("fef:rendered", refresh);
  if (document.fonts && document.fonts.ready) { document.fonts.ready.then(refresh); }

  FEF.unitMarker = unitMarker;
  FEF.declutter = declutter;
  /* the date bar spans the bottom: the legend takes the top-right corner, under the layer menu */
  /* moved as it is (setPosition would build a new element and strand other extensions' references) */
  legendBox = api.legend.getContainer();
  var topRight = map.getContainer().querySelector(".leaflet-top.leaflet-right");
  if (topRight && legendBox) { topRight.appendChild(legendBox); api.legend.options.position = "topright"; }
  /* a click on the summary (mouse, or Enter/Space on it) is the reader's choice */
  legendBox.addEventListener("click", function (e) {
    if (e.target && e.target.closest && e.target.closest("summary")) { legendTouched = true; }
  });
  refresh();
});
