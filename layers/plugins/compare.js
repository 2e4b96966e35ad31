/* Far East Frontiers: compare two dates on one map (an extension of time_sliced.js).
 * The map's own date is drawn on the left of a divider; a second date on the right, from
 * the same layer bundles, on its own canvas in its own pane. Both sides share one map, so
 * pan and zoom are always in step. The divider is the vendored leaflet-side-by-side
 * control; it clips each side's panes. Set by cfg.compare (day number or null), by the
 * dashboard's render args ({compare: day|null}) or, in a standalone page, by the
 * "Compare" control. Texts from data reach the page with textContent only. */
(window.fefExtensions = window.fefExtensions || []).push(function fefCompare(api) {
  "use strict";
  var map = api.map, cfg = api.cfg, FEF = window.__fef;
  if (!L.control.sideBySide) { FEF.errors.push("compare: leaflet-side-by-side is not loaded"); return; }

  map.createPane("fefCompare");
  map.getPane("fefCompare").style.zIndex = 400;
  map.createPane("fefCompareLabels");
  map.getPane("fefCompareLabels").style.zIndex = 620;
  map.getPane("fefCompareLabels").style.pointerEvents = "none";
  map.createPane("fefCompareUnits");  /* unit symbols of units.js, as its fefUnits pane */
  map.getPane("fefCompareUnits").style.zIndex = 615;
  var renderer = L.canvas({ pane: "fefCompare", padding: 0.3, tolerance: 4 });
  /* the atlas' whole range: the date bar may later span only a campaign, the second date need not */
  var atlasStart = (cfg.all_range || [cfg.start, cfg.end])[0], atlasEnd = (cfg.all_range || [cfg.start, cfg.end])[1];

  /* side-by-side clips one container per side: give it one that clips several panes
   * (looked up at each use: an extension loaded later may create its pane then) */
  function paneSide(names) {
    var proxy = { style: {} };
    Object.defineProperty(proxy.style, "clip", {
      set: function (v) { names.forEach(function (n) { var p = map.getPane(n); if (p) { p.style.clip = v; } }); },
      get: function () { var p = map.getPane(names[0]); return p ? p.style.clip : ""; }
    });
    var Side = L.Layer.extend({
      onAdd: function () {}, onRemove: function () {},
      getContainer: function () { return proxy; }
    });
    return new Side();
  }
  var left = paneSide(["overlayPane", "fefLabels", "fefUnits"]);
  var right = paneSide(["fefCompare", "fefCompareLabels", "fefCompareUnits"]);

  var sides = {};   /* layer id -> {group, feats} drawn for the compare date */
  var state = (FEF.compare = { day: null, count: 0, active: false });
  var sbs = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  /* date badges over each side */
  var leftBadge = el("div", "fef-cmp-badge fef-cmp-left");
  var rightBadge = el("div", "fef-cmp-badge fef-cmp-right");
  leftBadge.setAttribute("aria-live", "polite");
  rightBadge.setAttribute("aria-live", "polite");
  map.getContainer().appendChild(leftBadge);
  map.getContainer().appendChild(rightBadge);
  function placeBadges(x) {
    var w = map.getSize().x;
    if (x === undefined) { x = sbs ? sbs.getPosition() : w / 2; }
    leftBadge.style.right = Math.max(4, w - x + 8) + "px";
    rightBadge.style.left = Math.min(w - 40, x + 8) + "px";
  }

  function build(st) {
    var b = st.bundle, side = { group: L.featureGroup(), feats: [] };
    b.features.forEach(function (f) {
      var style = b.styles[f.y];
      var lyr = L.geoJSON(f.g, {
        style: function () { return style; },
        pointToLayer: function (gj, latlng) {
          if (f.u && FEF.unitMarker) {   /* a unit symbol (units.js), in this side's pane */
            var mk = FEF.unitMarker(f, latlng, style);
            mk.options.pane = "fefCompareUnits";
            return mk;
          }
          return L.circleMarker(latlng, L.extend({ renderer: renderer }, style));
        },
        renderer: renderer, pane: "fefCompare"
      });
      lyr.bindTooltip(f.t, { sticky: true, direction: "top", className: "fef-tooltip" });
      lyr.bindPopup(f.p, { maxWidth: 380, maxHeight: 420, className: "fef-popup-wrap" });
      lyr.fefCompareId = f.i;
      var item = lyr;
      if (f.l) {
        var span = document.createElement("span");
        span.textContent = f.l;
        var lab = L.marker(lyr.getBounds().getCenter(), {
          icon: L.divIcon({ className: "fef-label fef-lz-" + f.lz, html: span, iconSize: null, iconAnchor: [-7, 9] }),
          interactive: false, keyboard: false, pane: "fefCompareLabels"
        });
        item = L.featureGroup([lyr, lab]);
      }
      side.feats.push({ s: f.s, e: f.e, layer: item, on: false, id: f.i });
    });
    return side;
  }

  function draw() {
    var count = 0, ids = [];
    Object.keys(api.states).forEach(function (id) {
      var st = api.states[id];
      var want = state.active && st.visible && st.loaded && st.bundle;
      var side = sides[id];
      if (!want) {
        if (side && map.hasLayer(side.group)) { map.removeLayer(side.group); }
        return;
      }
      if (!side) { side = sides[id] = build(st); }
      if (!map.hasLayer(side.group)) { side.group.addTo(map); }
      var day = state.day;
      side.feats.forEach(function (f) {
        var on = f.s <= day && (f.e === null || day < f.e);
        if (on !== f.on) {
          if (on) { side.group.addLayer(f.layer); } else { side.group.removeLayer(f.layer); }
          f.on = on;
        }
        if (on) { count++; ids.push(f.id); }
      });
    });
    Object.keys(sides).forEach(function (id) {   /* a user layer removed by the dashboard */
      if (!api.states[id]) { if (map.hasLayer(sides[id].group)) { map.removeLayer(sides[id].group); } delete sides[id]; }
    });
    state.count = count;
    state.ids = ids;
    leftBadge.textContent = "\u25c0 " + api.human(FEF.day);
    rightBadge.textContent = state.day === null ? "" : api.human(state.day) + " \u25b6";
    if (state.active) { map.getContainer().setAttribute("data-compare", api.iso(state.day)); }
    else { map.getContainer().removeAttribute("data-compare"); }
    document.dispatchEvent(new CustomEvent("fef:compared", { detail: { day: state.day, count: count } }));
  }

  function setCompare(day) {
    if (day !== null && day !== undefined) {
      day = Math.max(atlasStart, Math.min(atlasEnd, Math.round(+day)));
      if (!isFinite(day)) { day = null; }
    } else { day = null; }
    if (day === state.day && state.active === (day !== null)) { return; }
    state.day = day;
    state.active = day !== null;
    var c = map.getContainer();
    if (state.active && !sbs) {
      left.addTo(map);
      right.addTo(map);
      sbs = L.control.sideBySide(left, right).addTo(map);
      var r = sbs._range;
      r.step = "0.01";
      r.setAttribute("aria-label", "Divider between the two dates (left: map date, right: compared date)");
      sbs.on("dividermove", function (e) { placeBadges(e.x); });
      L.DomUtil.addClass(c, "fef-compare-on");
    } else if (!state.active && sbs) {
      sbs.remove();
      sbs = null;
      map.removeLayer(left);
      map.removeLayer(right);
      L.DomUtil.removeClass(c, "fef-compare-on");
    }
    if (ctl.input) {
      ctl.toggle.setAttribute("aria-pressed", state.active ? "true" : "false");
      if (state.active) { ctl.input.value = api.iso(state.day); }
    }
    draw();
    placeBadges();
  }
  map.on("resize", function () { if (sbs) { sbs._updateClip(); } placeBadges(); });
  document.addEventListener("fef:rendered", function () { if (state.active) { draw(); } else { leftBadge.textContent = ""; } });

  /* in a standalone page: a control to turn the comparison on and pick its date */
  var ctl = {};
  if (!api.inStreamlit) {
    var C = L.control({ position: "topright" });
    C.onAdd = function () {
      var d = L.DomUtil.create("div", "fef-cmp-ctl");
      ctl.toggle = el("button", "fef-cmp-toggle", "Compare");
      ctl.toggle.type = "button";
      ctl.toggle.setAttribute("aria-pressed", "false");
      ctl.toggle.setAttribute("aria-label", "Compare with a second date, side by side");
      ctl.input = el("input", "fef-cmp-date");
      ctl.input.type = "date";
      ctl.input.min = api.iso(atlasStart);
      ctl.input.max = api.iso(atlasEnd);
      ctl.input.setAttribute("aria-label", "Second date, shown on the right");
      ctl.input.value = api.iso(cfg.compare !== null && cfg.compare !== undefined ? cfg.compare : cfg.start);
      ctl.toggle.addEventListener("click", function () {
        setCompare(state.active ? null : FEF.isoToDay(ctl.input.value || api.iso(cfg.start)));
      });
      ctl.input.addEventListener("change", function () {
        var day = FEF.isoToDay(ctl.input.value);
        if (isFinite(day)) { setCompare(day); }
      });
      d.appendChild(ctl.toggle);
      d.appendChild(ctl.input);
      L.DomEvent.disableClickPropagation(d);
      return d;
    };
    C.addTo(map);
  }

  FEF.renderHooks.push(function (args, drawn) {
    var want = args.compare === undefined ? null : args.compare;
    drawn.then(function () { setCompare(want); });
  });
  FEF.setCompare = setCompare;
  if (cfg.compare !== null && cfg.compare !== undefined) {
    /* after the first layers are drawn (their bundles feed this side too) */
    var once = function () { document.removeEventListener("fef:rendered", once); setCompare(cfg.compare); };
    document.addEventListener("fef:rendered", once);
  }
});
