/* Far East Frontiers: campaign range, phases and (standalone) tour for the date bar.
 * An extension of fefTimeSliced (registered in window.fefExtensions, called with FEF.api).
 * cfg.campaigns = { id: {title, start, end} } (bar span, int days), cfg.phases = { id: [
 * {id, title, s, e, d, bounds?} ] } (half-open [s, e), d = the day the phase shows),
 * cfg.all_range = [start, end], cfg.overview = campaign id of "All years", cfg.campaign,
 * cfg.tour = {title, campaign, steps: [{title, day, when, text, sources, layers, bounds? |
 * center + zoom}]}, cfg.tour_step (standalone page only; the dashboard has its own panel).
 * Inside Streamlit the campaign comes with each date request (date_request.campaign) and
 * "All years" is reported back as campaign + campaign_seq. Text from data: textContent. */
(window.fefExtensions = window.fefExtensions || []).push(function fefCampaignNav(x) {
  "use strict";
  var map = x.map, cfg = x.cfg;
  var api = {
    FEF: window.__fef,
    go: x.ui.go,
    setRange: x.ui.setRange,
    report: x.report,
    setVisible: x.setVisible || function () { return Promise.resolve(); }
  };
  var FEF = api.FEF;
  var DAY_MS = 86400000;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function human(day) {
    var d = new Date(day * DAY_MS);
    return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function button(cls, text, label) {
    var b = el("button", cls, text);
    b.type = "button";
    b.setAttribute("aria-label", label);
    b.title = label;
    return b;
  }
  var campaigns = cfg.campaigns || {};
  var allPhases = cfg.phases || {};
  var overview = cfg.overview || "overview";
  var allRange = cfg.all_range || [cfg.start, cfg.end];
  FEF.campaign = cfg.campaign || overview;
  FEF.campaignSeq = 0;
  FEF.phase = null;

  /* ---- phase bar: previous / title / next / All years ---- */
  var Ctl = L.Control.extend({
    options: { position: "bottomleft" },
    onAdd: function () {
      var div = L.DomUtil.create("div", "fef-phasebar");
      div.setAttribute("role", "group");
      div.setAttribute("aria-label", "Campaign phases");
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    }
  });
  var bar = new Ctl().addTo(map).getContainer();
  var prevBtn = button("fef-phase-prev", "\u25c2 Phase", "Previous phase");
  var title = el("output", "fef-phase-title");
  title.setAttribute("aria-live", "polite");
  var nextBtn = button("fef-phase-next", "Phase \u25b8", "Next phase");
  var allBtn = button("fef-all-years", "All years", "All years: the date bar spans the whole atlas again");
  bar.appendChild(prevBtn);
  bar.appendChild(title);
  bar.appendChild(nextBtn);
  bar.appendChild(allBtn);

  /* ---- phase ticks over the date bar's range ---- */
  var range = map.getContainer().querySelector(".fef-range");
  var timebar = map.getContainer().querySelector(".fef-timebar");
  var ticks = el("div", "fef-phase-ticks");
  ticks.setAttribute("role", "group");
  ticks.setAttribute("aria-label", "Phase boundaries");
  var spanEl = el("div", "fef-phase-span");
  spanEl.setAttribute("aria-hidden", "true");
  if (timebar) { timebar.appendChild(spanEl); timebar.appendChild(ticks); }

  function phases() { return allPhases[FEF.campaign] || []; }
  function indexAt(day) {
    var ps = phases();
    for (var i = 0; i < ps.length; i++) { if (ps[i].s <= day && day < ps[i].e) { return i; } }
    return -1;
  }
  function span() {
    var c = campaigns[FEF.campaign];
    return c && FEF.campaign !== overview ? [c.start, c.end] : allRange;
  }
  /* Where a day sits on the range, in px from the bar's left edge (the thumb's centre
   * travels between half a thumb from either end). */
  function xOf(day) {
    var lo = +range.min, hi = +range.max, thumb = 16;
    var frac = hi > lo ? (day - lo) / (hi - lo) : 0;
    return range.offsetLeft + thumb / 2 + Math.max(0, Math.min(1, frac)) * (range.offsetWidth - thumb);
  }
  function layout() {
    if (!range || !timebar) { return; }
    var ps = phases();
    var top = range.offsetTop - 3;  /* just above the track (the range is ~16 px high, track in the middle) */
    ticks.querySelectorAll(".fef-phase-tick").forEach(function (t) {
      t.style.left = (xOf(+t.getAttribute("data-day")) - 5) + "px";
      t.style.top = top + "px";
    });
    var i = indexAt(FEF.day);
    if (i < 0) { spanEl.style.display = "none"; return; }
    var a = xOf(ps[i].s), b = xOf(Math.min(ps[i].e, +range.max));
    spanEl.style.display = "";
    spanEl.style.left = a + "px";
    spanEl.style.width = Math.max(2, b - a) + "px";
    spanEl.style.top = (range.offsetTop + range.offsetHeight - 1) + "px";
  }
  function buildTicks() {
    ticks.textContent = "";
    var ps = phases();
    ps.forEach(function (p, i) {
      var t = button("fef-phase-tick", "", "Phase " + (i + 1) + " of " + ps.length + ": " + p.title +
        ", from " + human(p.s));
      t.setAttribute("data-day", p.s);
      t.setAttribute("data-phase", p.id);
      t.addEventListener("click", function () { goPhase(i); });
      ticks.appendChild(t);
    });
    layout();
  }
  function update() {
    var ps = phases(), i = indexAt(FEF.day);
    var inCampaign = FEF.campaign !== overview && !!campaigns[FEF.campaign];
    bar.style.display = inCampaign ? "" : "none";
    prevBtn.style.display = nextBtn.style.display = ps.length ? "" : "none";
    FEF.phase = i >= 0 ? ps[i].id : null;
    var text;
    if (!ps.length) { text = inCampaign ? campaigns[FEF.campaign].title : ""; }
    else if (i >= 0) { text = "Phase " + (i + 1) + " of " + ps.length + ": " + ps[i].title; }
    else { text = FEF.day < ps[0].s ? "Before the first phase" : (FEF.day >= ps[ps.length - 1].e ? "After the last phase" : "Between phases"); }
    if (title.textContent !== text) { title.textContent = text; title.value = text; }
    prevBtn.disabled = !(target(-1) !== null);
    nextBtn.disabled = !(target(1) !== null);
    layout();
  }
  /* The phase the previous/next button goes to from the current day (index or null). */
  function target(dir) {
    var ps = phases(), i = indexAt(FEF.day), day = FEF.day;
    if (!ps.length) { return null; }
    if (i >= 0) { var j = i + dir; return j >= 0 && j < ps.length ? j : null; }
    if (dir > 0) { for (var k = 0; k < ps.length; k++) { if (ps[k].s > day) { return k; } } return null; }
    for (var m = ps.length - 1; m >= 0; m--) { if (ps[m].e <= day) { return m; } }
    return null;
  }
  function goPhase(i) {
    var p = phases()[i];
    if (!p) { return; }
    api.go(p.d, true);
    if (p.bounds) { map.fitBounds(p.bounds, { animate: false }); }
    update();
  }
  prevBtn.addEventListener("click", function () { var t = target(-1); if (t !== null) { goPhase(t); } });
  nextBtn.addEventListener("click", function () { var t = target(1); if (t !== null) { goPhase(t); } });

  function setCampaign(id, fromUser) {
    FEF.campaign = campaigns[id] ? id : overview;
    var r = span();
    api.setRange(r[0], r[1]);
    if (FEF.day < r[0] || FEF.day > r[1]) { api.go(Math.max(r[0], Math.min(r[1], FEF.day)), !!fromUser); }
    if (fromUser) { FEF.campaignSeq += 1; api.report(true); }
    buildTicks();
    update();
  }
  allBtn.addEventListener("click", function () { setCampaign(overview, true); });
  document.addEventListener("fef:rendered", update);
  if (window.ResizeObserver && range) { new ResizeObserver(layout).observe(range); }
  map.on("resize", layout);

  /* ---- tour box (standalone page; the dashboard has its own panel) ---- */
  var tour = cfg.tour;
  FEF.tourStep = null;
  function tourBox() {
    var TourCtl = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () {
        var div = L.DomUtil.create("section", "fef-tour");
        div.setAttribute("aria-label", "Guided tour");
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      }
    });
    var box = new TourCtl().addTo(map).getContainer();
    var head = el("div", "fef-tour-head", tour.title);
    var progress = el("div", "fef-tour-progress");
    var h = el("h3", "fef-tour-title");
    var when = el("div", "fef-tour-date");
    var body = el("p", "fef-tour-text");
    var cites = el("div", "fef-tour-sources");
    var nav = el("div", "fef-tour-nav");
    var back = button("fef-tour-back", "\u25c2 Back", "Previous step of the tour");
    var next = button("fef-tour-next", "Next \u25b8", "Next step of the tour");
    nav.appendChild(back);
    nav.appendChild(progress);
    nav.appendChild(next);
    [head, h, when, body, cites, nav].forEach(function (x) { box.appendChild(x); });
    /* move: apply the step to the map (not on opening: the page opens on its own state) */
    function show(i, move) {
      var s = tour.steps[i];
      if (!s) { return; }
      FEF.tourStep = i + 1;
      if (FEF.campaign !== tour.campaign && campaigns[tour.campaign]) { setCampaign(tour.campaign, false); }
      progress.textContent = "Step " + (i + 1) + " of " + tour.steps.length;
      h.textContent = s.title;
      when.textContent = s.when;
      body.textContent = s.text;
      cites.textContent = s.sources.length ? "Sources: " + s.sources.join("; ") : "";
      back.disabled = i === 0;
      next.disabled = i === tour.steps.length - 1;
      if (move === false) { return; }
      var p = s.layers && s.layers.length ? api.setVisible(s.layers) : Promise.resolve();
      api.go(s.day, true);
      if (s.bounds) { map.fitBounds(s.bounds, { animate: false }); }
      else if (s.center) { map.setView(s.center, s.zoom, { animate: false }); }
      p.then(function () { document.dispatchEvent(new CustomEvent("fef:tourstep", { detail: { step: i + 1 } })); });
    }
    back.addEventListener("click", function () { show(FEF.tourStep - 2); });
    next.addEventListener("click", function () { show(FEF.tourStep); });
    FEF.tourShow = function (n) { show(n - 1, true); };
    return show;
  }
  var showStep = tour && tour.steps && tour.steps.length && !cfg.streamlit ? tourBox() : null;

  setCampaign(FEF.campaign, false);
  if (showStep) { showStep(Math.max(0, (cfg.tour_step || 1) - 1), false); }
  /* Streamlit: each new date request says which campaign the bar spans. */
  FEF.renderHooks.push(function (args) {
    var r = args.date_request;
    if (r && r.campaign !== undefined && r.nonce !== lastNonce) { lastNonce = r.nonce; setCampaign(r.campaign, false); }
  });
  var lastNonce = null;
  FEF.nav = { setCampaign: setCampaign, update: update };
});
