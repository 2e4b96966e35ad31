/* Far East Frontiers: detail basemap of the battle sectors, fetched only when zoomed in.
 * An extension of fefTimeSliced (registered in window.fefExtensions, called with FEF.api).
 * cfg.detail = {min_zoom, sectors: [{id, name, bbox: [w, s, e, n], url | data}]}; a sector's
 * bundle (layers/detail_basemap.py: features {g, y, k}, styles, shore) is fetched the first
 * time the view is at min_zoom or closer and overlaps its box, and drawn above the coarse
 * basemap in a pane inside the basemap pane: the box is filled with water, then land (lakes
 * are its holes), shore lines (the land's edge off the box edge), rivers and borders. It is
 * hidden again when zooming out, moving away or choosing an online basemap.
 * State for tests: window.__fef.detail = {requested: [ids], shown: [ids], paths: {id: n}}. */
(window.fefExtensions = window.fefExtensions || []).push(function fefDetailBasemap(api) {
  "use strict";
  var map = api.map, dc = api.cfg.detail;
  var FEF = window.__fef;
  var state = (FEF.detail = { requested: [], shown: [], paths: {}, errors: [] });
  if (!dc || !dc.sectors || !dc.sectors.length) { return; }
  var minZoom = dc.min_zoom || 9;
  var WATER = "#cfe0ec";
  var EPS = 1e-6;

  var pane = map.createPane("fefBaseDetail", map.getPane("fefBase"));
  pane.style.zIndex = 150; /* above the coarse basemap's canvas (Leaflet gives map canvases z-index 100) */
  var renderer = L.canvas({ pane: "fefBaseDetail", padding: 0.3 });
  var offline = api.baseLayers && api.baseLayers["Offline vector basemap"];
  var baseOn = true;

  /* The land's rings, cut where they run along the box edge: what is left is the shore. */
  function onEdge(a, b, bb) {
    return (Math.abs(a[0] - bb[0]) < EPS && Math.abs(b[0] - bb[0]) < EPS) ||
           (Math.abs(a[0] - bb[2]) < EPS && Math.abs(b[0] - bb[2]) < EPS) ||
           (Math.abs(a[1] - bb[1]) < EPS && Math.abs(b[1] - bb[1]) < EPS) ||
           (Math.abs(a[1] - bb[3]) < EPS && Math.abs(b[1] - bb[3]) < EPS);
  }
  function shoreOf(geom, bb) {
    var polys = geom.type === "Polygon" ? [geom.coordinates] : geom.type === "MultiPolygon" ? geom.coordinates : [];
    var lines = [];
    polys.forEach(function (rings) {
      rings.forEach(function (ring) {
        var run = [];
        for (var i = 0; i + 1 < ring.length; i++) {
          if (onEdge(ring[i], ring[i + 1], bb)) {
            if (run.length > 1) { lines.push(run); }
            run = [];
          } else {
            if (!run.length) { run.push(ring[i]); }
            run.push(ring[i + 1]);
          }
        }
        if (run.length > 1) { lines.push(run); }
      });
    });
    return { type: "MultiLineString", coordinates: lines };
  }

  var sectors = dc.sectors.map(function (s) {
    return { spec: s, group: null, loading: null };
  });

  function build(sec, b) {
    var bb = sec.spec.bbox;
    var group = L.layerGroup();
    var n = 0;
    function add(geom, style) {
      L.geoJSON(geom, {
        style: function () { return style; }, renderer: renderer, pane: "fefBaseDetail", interactive: false
      }).addTo(group);
      n++;
    }
    L.rectangle([[bb[1], bb[0]], [bb[3], bb[2]]], {
      stroke: false, fillColor: WATER, fillOpacity: 1, renderer: renderer, pane: "fefBaseDetail", interactive: false
    }).addTo(group);
    n++;
    var areas = b.features.filter(function (f) { return f.k === "land" || f.k === "lake"; });
    var lines = b.features.filter(function (f) { return f.k !== "land" && f.k !== "lake"; });
    areas.forEach(function (f) { add(f.g, b.styles[f.y]); });
    areas.forEach(function (f) { if (f.k === "land") { add(shoreOf(f.g, bb), b.styles[b.shore]); } });
    lines.forEach(function (f) { add(f.g, b.styles[f.y]); });
    sec.group = group;
    state.paths[sec.spec.id] = n;
  }

  function ensure(sec) {
    if (sec.group) { return Promise.resolve(sec); }
    if (!sec.loading) {
      state.requested.push(sec.spec.id);
      var p = sec.spec.data ? Promise.resolve(sec.spec.data) : fetch(sec.spec.url).then(function (r) {
        if (!r.ok) { throw new Error(sec.spec.url + ": HTTP " + r.status); }
        return r.json();
      });
      sec.loading = p.then(function (b) { build(sec, b); return sec; }).catch(function (err) {
        state.errors.push(String(err));
        FEF.errors.push("detail basemap: " + err);
        sec.loading = null;
      });
    }
    return sec.loading;
  }

  function overlaps(bb, view) {
    return bb[0] < view.getEast() && view.getWest() < bb[2] && bb[1] < view.getNorth() && view.getSouth() < bb[3];
  }

  function update() {
    var view = map.getBounds();
    var want = baseOn && map.getZoom() >= minZoom;
    var jobs = sectors.map(function (sec) {
      var on = want && overlaps(sec.spec.bbox, view);
      if (!on) {
        if (sec.group && map.hasLayer(sec.group)) { map.removeLayer(sec.group); }
        return Promise.resolve();
      }
      return ensure(sec).then(function () {
        /* the view may have changed while the file was on its way */
        var still = baseOn && map.getZoom() >= minZoom && overlaps(sec.spec.bbox, map.getBounds());
        if (sec.group && still && !map.hasLayer(sec.group)) { sec.group.addTo(map); }
      });
    });
    return Promise.all(jobs).then(function () {
      state.shown = sectors.filter(function (s) { return s.group && map.hasLayer(s.group); })
        .map(function (s) { return s.spec.id; });
      document.dispatchEvent(new CustomEvent("fef:detail", { detail: { shown: state.shown.slice() } }));
    });
  }

  map.on("moveend zoomend", update);
  map.on("baselayerchange", function (e) {
    baseOn = !offline || e.layer === offline;
    update();
  });
  map.whenReady(function () { update(); });
  state.update = update;
});
