/* eventwire dashboard: vanilla JS + SVG, talks only to this app's own JSON API. */
"use strict";

const SVGNS = "http://www.w3.org/2000/svg";
const PALETTE = ["#0969da", "#cf222e", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#1b7c83",
  "#bc4c00", "#57606a", "#4d2d00", "#0550ae", "#a40e26", "#116329", "#6639ba", "#953800",
  "#3fb950"];
const FILTER_KEYS = ["since", "until", "type", "country", "name", "factuality", "min_confidence"];
const view = document.getElementById("view");
const statusEl = document.getElementById("status");
let META = null;

function esc(s) {
  return String(s == null ? "" : s).replace(/[&<>"']/g, (c) => (
    { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function setStatus(msg, isError) {
  statusEl.textContent = msg || "";
  statusEl.className = isError ? "error" : "";
}

async function api(path, params, init) {
  const qs = params ? new URLSearchParams(params).toString() : "";
  const resp = await fetch(path + (qs ? "?" + qs : ""), init);
  let body = null;
  try { body = await resp.json(); } catch (e) { body = null; }
  if (!resp.ok) {
    const msg = body && (body.message || (typeof body.detail === "string" ? body.detail : null));
    throw new Error(msg || ("HTTP " + resp.status));
  }
  return body;
}

function svgEl(tag, attrs, parent) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  if (parent) parent.appendChild(el);
  return el;
}

/* Goldstein (1992) value of each CAMEO root: positive cooperation, negative conflict. */
const ROOT_GOLDSTEIN = { "01": 0.0, "02": 3.0, "03": 4.0, "04": 1.0, "05": 3.5, "06": 6.0,
  "07": 7.0, "08": 5.0, "09": -2.0, "10": -5.0, "11": -2.0, "12": -4.0, "13": -6.0,
  "14": -6.5, "15": -7.2, "16": -4.0, "17": -7.0, "18": -9.0, "19": -10.0, "20": -10.0 };
/* A diverging palette (ColorBrewer RdBu): blue = cooperation, red = conflict. */
const COOP_STOPS = [[209, 229, 240], [146, 197, 222], [67, 147, 195], [33, 102, 172], [5, 48, 97]];
const CONF_STOPS = [[253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31]];

function ramp(stops, t) {
  const x = Math.max(0, Math.min(1, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x)), f = x - i;
  const c = stops[i].map((v, k) => Math.round(v + (stops[i + 1][k] - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/* The colour of a Goldstein value: -10 (dark red) … 0 (grey) … +7 (dark blue). */
function goldsteinColor(g) {
  if (g == null || Number.isNaN(g)) return "#8c959f";
  if (Math.abs(g) < 0.5) return "#b8b8b8";
  return g > 0 ? ramp(COOP_STOPS, 0.25 + 0.75 * (g / 7)) : ramp(CONF_STOPS, 0.25 + 0.75 * (-g / 10));
}

function typeColor(type) {
  const roots = (META && META.type_roots) || {};
  const root = roots[type];
  if (!root) {
    const types = (META && META.event_types) || [];
    const i = types.indexOf(type);
    return PALETTE[(i < 0 ? 0 : i) % PALETTE.length];
  }
  return goldsteinColor(ROOT_GOLDSTEIN[root]);
}

function defaultConfidence() {
  const m = META && META.min_confidence;
  return m && typeof m.value === "number" ? m.value : 0;
}

function confidenceOf(params) {
  return params.has("min_confidence") ? params.get("min_confidence") : String(defaultConfidence());
}

/* ------------------------------------------------------------------ routing */

function parseHash() {
  const h = location.hash.replace(/^#/, "") || "/";
  const [path, query] = h.split("?");
  return { path, params: new URLSearchParams(query || "") };
}

async function route() {
  if (!META) {
    try { META = await api("/meta"); } catch (e) { META = { event_types: [], factualities: [] }; }
  }
  const { path, params } = parseHash();
  setStatus("");
  try {
    if (path.startsWith("/article/")) {
      await showArticle(decodeURIComponent(path.slice("/article/".length)), params.get("ev"));
    } else if (path === "/paste") {
      showPaste();
    } else if (path === "/stories") {
      await showStories(params);
    } else {
      await showDashboard(params);
    }
  } catch (e) {
    setStatus(e.message, true);
  }
}
window.addEventListener("hashchange", route);

/* ------------------------------------------------------------------ dashboard */

function filterForm(params) {
  const types = (META.event_types || []).map((t) =>
    `<option value="${esc(t)}"${params.get("type") === t ? " selected" : ""}>${esc(t)}</option>`).join("");
  const facts = (META.factualities || []).map((f) =>
    `<option value="${esc(f)}"${(params.get("factuality") || "asserted") === f ? " selected" : ""}>${esc(f)}</option>`).join("");
  const conf = confidenceOf(params);
  const m = META.min_confidence || {};
  const note = m.value != null
    ? `<span class="muted" id="conf-default" title="${esc(m.basis || "")}">default ${esc(m.value)}: ${esc(m.summary || "")}</span>` : "";
  return `<form class="filters card" id="filters">
    <label>From <input type="date" name="since" value="${esc(params.get("since") || "")}"></label>
    <label>To <input type="date" name="until" value="${esc(params.get("until") || "")}"></label>
    <label>Event type <select name="type"><option value="">any</option>${types}</select></label>
    <label>Location country <input name="country" placeholder="e.g. MMR" maxlength="40" value="${esc(params.get("country") || "")}"></label>
    <label>Actor or target <input name="name" placeholder="name contains" maxlength="200" value="${esc(params.get("name") || "")}"></label>
    <label>Factuality <select name="factuality">${facts}</select></label>
    <label>Min. confidence <span><input type="range" name="min_confidence" min="0" max="1" step="0.05" value="${esc(conf)}"> <output id="conf-out">${esc(conf)}</output></span>${note}</label>
    <button class="primary" type="submit" id="apply">Apply</button>
    <button type="button" id="reset">Reset</button>
  </form>`;
}

function apiFilters(params) {
  const out = {};
  for (const k of FILTER_KEYS) {
    const v = k === "min_confidence" ? confidenceOf(params) : params.get(k);
    if (v && !(k === "min_confidence" && Number(v) === 0)) out[k] = v;
  }
  return out;
}

/* Filters from the form into the URL (the default confidence is left out). */
function bindFilters(form, route) {
  const out = document.getElementById("conf-out");
  form.min_confidence.addEventListener("input", () => { out.textContent = form.min_confidence.value; });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const k of FILTER_KEYS) {
      const v = form[k].value.trim();
      if (k === "min_confidence") {
        if (Number(v) !== defaultConfidence()) p.set(k, v);
      } else if (v && !(k === "factuality" && v === "asserted")) p.set(k, v);
    }
    location.hash = route + (p.toString() ? "?" + p.toString() : "");
  });
  document.getElementById("reset").addEventListener("click", () => { location.hash = route; });
}

async function showDashboard(params) {
  view.innerHTML = filterForm(params) + `
    <div class="card counts" id="counts"></div>
    <div class="grid">
      <section class="card"><h2>Events over time, by type</h2><div id="timeline"></div></section>
      <section class="card"><h2>Where (event locations)</h2><div id="map"></div>
        <p class="muted">Country outlines: Natural Earth 1:110m (public domain). Points sized by number of stories.</p></section>
    </div>
    <section class="card"><h2>Who acts on whom <span class="muted">(named actors only)</span></h2>
      <label class="muted">at least <input type="number" id="min-link" class="narrow" min="1" max="1000" step="1"> event(s) per link</label>
      <div id="network"></div>
      <div class="legend"><span><i class="sw-coop"></i>cooperation</span><span><i class="sw-mid"></i>verbal conflict</span><span><i class="sw-conf"></i>material conflict</span><span class="muted">colour: mean Goldstein value of the link's events (CAMEO scale); width: number of events</span></div></section>
    <section class="card"><h2>Events</h2><div id="table"></div></section>`;
  document.querySelectorAll(".sw-coop").forEach((e) => { e.style.background = goldsteinColor(6); });
  document.querySelectorAll(".sw-conf").forEach((e) => { e.style.background = goldsteinColor(-9); });
  document.querySelectorAll(".sw-mid").forEach((e) => { e.style.background = goldsteinColor(-3); });
  bindFilters(document.getElementById("filters"), "#/");
  const minLink = Math.max(1, Number(params.get("min_link") || 2));
  const ml = document.getElementById("min-link");
  ml.value = String(minLink);
  ml.addEventListener("change", () => {
    const p = new URLSearchParams(params);
    p.set("min_link", String(Math.max(1, Number(ml.value) || 1)));
    location.hash = "#/?" + p.toString();
  });

  const flt = apiFilters(params);
  setStatus("loading…");
  const [summary, stats, world] = await Promise.all([
    api("/events/summary", { ...flt, min_count: minLink }), api("/stats"), loadWorld()]);
  document.getElementById("counts").innerHTML =
    `<div><b id="n-events">${summary.total}</b>matching event mentions</div>` +
    `<div><b>${stats.articles}</b>articles in the store</div>` +
    `<div><b>${stats.events}</b>event mentions (all factualities)</div>` +
    `<div><b>${stats.clusters}</b>stories</div>`;
  drawTimeline(document.getElementById("timeline"), summary.timeline);
  drawMap(document.getElementById("map"), summary.places, world);
  drawNetwork(document.getElementById("network"), summary.network);
  await drawTable(document.getElementById("table"), flt, Number(params.get("offset") || 0), params);
  setStatus("");
}

function drawTimeline(box, rows) {
  if (!rows.length) { box.innerHTML = `<div class="empty">No dated events match.</div>`; return; }
  const days = [...new Set(rows.map((r) => r.day))].sort();
  const byMonth = days.length > 90;
  const key = (d) => (byMonth ? d.slice(0, 7) : d);
  const buckets = new Map();
  const types = new Set();
  for (const r of rows) {
    const k = key(r.day);
    if (!buckets.has(k)) buckets.set(k, {});
    buckets.get(k)[r.type] = (buckets.get(k)[r.type] || 0) + r.n;
    types.add(r.type);
  }
  const keys = [...buckets.keys()].sort();
  const max = Math.max(...keys.map((k) => Object.values(buckets.get(k)).reduce((a, b) => a + b, 0)));
  const W = 640, H = 220, L = 30, B = 40, T = 10;
  const bw = (W - L - 10) / keys.length;
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, id: "timeline-svg", role: "img" });
  svgEl("line", { x1: L, y1: H - B, x2: W - 10, y2: H - B, stroke: "#8c959f" }, svg);
  for (const frac of [0.5, 1]) {
    const y = H - B - frac * (H - B - T);
    svgEl("line", { x1: L, y1: y, x2: W - 10, y2: y, stroke: "#eaeef2" }, svg);
    svgEl("text", { x: L - 4, y: y + 3, "text-anchor": "end" }, svg).textContent = String(Math.round(frac * max));
  }
  const sortedTypes = [...types].sort();
  keys.forEach((k, i) => {
    let y = H - B;
    for (const t of sortedTypes) {
      const n = buckets.get(k)[t] || 0;
      if (!n) continue;
      const h = (n / max) * (H - B - T);
      y -= h;
      const r = svgEl("rect", { x: L + i * bw + 1, y, width: Math.max(1, bw - 2), height: h,
        fill: typeColor(t), class: "bar", "data-type": t, "data-key": k }, svg);
      svgEl("title", {}, r).textContent = `${k} ${t}: ${n}`;
    }
    if (keys.length <= 16 || i % Math.ceil(keys.length / 16) === 0) {
      const tx = L + i * bw + bw / 2;
      svgEl("text", { x: tx, y: H - B + 12, "text-anchor": "end",
        transform: `rotate(-40 ${tx} ${H - B + 12})` }, svg).textContent = k;
    }
  });
  box.innerHTML = "";
  box.appendChild(svg);
  const legend = document.createElement("div");
  legend.className = "legend";
  for (const t of sortedTypes) {
    const s = document.createElement("span");
    const sw = document.createElement("i");
    sw.style.background = typeColor(t);
    s.appendChild(sw);
    s.appendChild(document.createTextNode(t));
    legend.appendChild(s);
  }
  box.appendChild(legend);
}

let WORLD = null;

/* Country outlines (Natural Earth 110m TopoJSON served by this app), decoded once. */
async function loadWorld() {
  if (WORLD) return WORLD;
  try {
    const topo = await api("/static/countries-110m.json");
    WORLD = decodeTopo(topo, topo.objects.countries);
  } catch (e) {
    WORLD = [];
  }
  return WORLD;
}

/* TopoJSON → [{name, rings: [[[lon, lat], …], …]}] (quantized, delta-encoded arcs). */
function decodeTopo(topo, obj) {
  const [sx, sy] = topo.transform ? topo.transform.scale : [1, 1];
  const [tx, ty] = topo.transform ? topo.transform.translate : [0, 0];
  const arcs = topo.arcs.map((arc) => {
    let x = 0, y = 0;
    return arc.map(([dx, dy]) => { x += dx; y += dy; return [x * sx + tx, y * sy + ty]; });
  });
  const ring = (ids) => {
    const out = [];
    for (const id of ids) {
      const a = id < 0 ? arcs[~id].slice().reverse() : arcs[id];
      out.push(...(out.length ? a.slice(1) : a));
    }
    return out;
  };
  const shapes = [];
  for (const g of obj.geometries || []) {
    const polys = g.type === "Polygon" ? [g.arcs] : g.type === "MultiPolygon" ? g.arcs : [];
    shapes.push({ name: (g.properties && g.properties.name) || "", rings: polys.flatMap((p) => p.map(ring)) });
  }
  return shapes;
}

function drawMap(box, places, world) {
  const W = 720, H = 360;
  const px = (lon) => ((lon + 180) / 360) * W;
  const py = (lat) => ((90 - lat) / 180) * H;
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, id: "map-svg", role: "img" });
  svgEl("rect", { x: 0, y: 0, width: W, height: H, class: "map-bg" }, svg);
  const land = svgEl("g", { class: "countries" }, svg);
  for (const c of world || []) {
    /* a ring that crosses the antimeridian is cut there (no line across the map) */
    const d = c.rings.map((r) => r.map(([lon, lat], i) =>
      (i === 0 || Math.abs(lon - r[i - 1][0]) > 180 ? "M" : "L") + `${px(lon).toFixed(1)},${py(lat).toFixed(1)}`).join("")).join("");
    if (!d) continue;
    const path = svgEl("path", { d, class: "country", "data-name": c.name }, land);
    svgEl("title", {}, path).textContent = c.name;
  }
  for (let lon = -180; lon <= 180; lon += 30) {
    svgEl("line", { x1: px(lon), y1: 0, x2: px(lon), y2: H, class: "graticule" }, svg);
  }
  for (let lat = -90; lat <= 90; lat += 30) {
    svgEl("line", { x1: 0, y1: py(lat), x2: W, y2: py(lat), class: lat === 0 ? "equator" : "graticule" }, svg);
    if (lat > -90 && lat < 90) svgEl("text", { x: 3, y: py(lat) - 2 }, svg).textContent = `${lat}°`;
  }
  const size = (p) => (p.stories == null ? p.n : p.stories);
  const max = Math.max(1, ...places.map(size));
  for (const p of [...places].sort((a, b) => size(b) - size(a))) {
    const c = svgEl("circle", { cx: px(p.lon), cy: py(p.lat), r: 3 + 9 * Math.sqrt(size(p) / max),
      class: "pt", "data-name": p.name || "", "data-stories": String(size(p)) }, svg);
    svgEl("title", {}, c).textContent =
      `${p.name || "?"}${p.country ? " (" + p.country + ")" : ""}: ${size(p)} stor${size(p) === 1 ? "y" : "ies"}, ${p.n} event mention(s) — ${(p.types || []).join(", ")}`;
  }
  box.innerHTML = places.length ? "" : `<div class="empty">No located events match.</div>`;
  box.appendChild(svg);
}

function drawNetwork(box, edges) {
  if (!edges.length) { box.innerHTML = `<div class="empty">No links between named actors match (lower the minimum count?).</div>`; return; }
  const weight = new Map();
  for (const e of edges) {
    weight.set(e.source, (weight.get(e.source) || 0) + e.n);
    weight.set(e.target, (weight.get(e.target) || 0) + e.n);
  }
  const nodes = [...weight.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30).map((x) => x[0]);
  const W = 900, H = 520, cx = W / 2, cy = H / 2, R = Math.min(W, H) / 2 - 70;
  const pos = new Map(nodes.map((n, i) => {
    const a = (2 * Math.PI * i) / nodes.length - Math.PI / 2;
    return [n, [cx + R * Math.cos(a), cy + R * Math.sin(a), a]];
  }));
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, id: "network-svg", role: "img" });
  const defs = svgEl("defs", {}, svg);
  for (const kind of ["coop", "conf"]) {
    const m = svgEl("marker", { id: "arrow-" + kind, viewBox: "0 0 10 10", refX: 10, refY: 5,
      markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" }, defs);
    svgEl("path", { d: "M0,0 L10,5 L0,10 z" }, m);
  }
  const maxN = Math.max(...edges.map((e) => e.n));
  for (const e of edges) {
    if (!pos.has(e.source) || !pos.has(e.target) || e.source === e.target) continue;
    const [x1, y1] = pos.get(e.source), [x2, y2] = pos.get(e.target);
    const mx = (x1 + x2) / 2 + (cy - (y1 + y2) / 2) * 0.25, my = (y1 + y2) / 2 + ((x1 + x2) / 2 - cx) * 0.25;
    const kind = e.conflict > e.cooperation ? "conf" : "coop";
    const dx = x2 - mx, dy = y2 - my, d = Math.hypot(dx, dy) || 1;
    const ex = x2 - (dx / d) * 7, ey = y2 - (dy / d) * 7;
    const color = goldsteinColor(e.goldstein);
    const path = svgEl("path", { d: `M${x1},${y1} Q${mx},${my} ${ex},${ey}`, class: "edge " + kind,
      "stroke-width": 1 + 5 * (e.n / maxN), "marker-end": `url(#arrow-${kind})`, stroke: color,
      "data-source": e.source, "data-target": e.target, "data-goldstein": String(e.goldstein) }, svg);
    svgEl("title", {}, path).textContent =
      `${e.source} → ${e.target}: ${e.n} event(s), ${e.cooperation} cooperation, ${e.conflict} conflict` +
      (e.goldstein == null ? "" : `, mean Goldstein ${Number(e.goldstein).toFixed(1)}`);
  }
  for (const n of nodes) {
    const [x, y, a] = pos.get(n);
    const g = svgEl("g", { class: "node" }, svg);
    svgEl("circle", { cx: x, cy: y, r: 3 + 4 * Math.sqrt(weight.get(n) / Math.max(...weight.values())) }, g);
    const right = Math.cos(a) >= 0;
    const t = svgEl("text", { x: x + (right ? 9 : -9), y: y + 3, "text-anchor": right ? "start" : "end" }, g);
    t.textContent = n.length > 28 ? n.slice(0, 27) + "…" : n;
    svgEl("title", {}, g).textContent = `${n}: ${weight.get(n)} event(s)`;
  }
  box.innerHTML = "";
  box.appendChild(svg);
}

async function drawTable(box, flt, offset, params) {
  const limit = 50;
  const page = await api("/events", { ...flt, limit, offset });
  if (!page.items.length) { box.innerHTML = `<div class="empty">No events match.</div>`; return; }
  const rows = page.items.map((e) => `<tr data-article="${esc(e.article_id)}" data-event="${esc(e.event_id)}">
    <td class="nowrap">${esc(e.day || "")}</td><td>${esc(e.type)}</td>
    <td>${esc(e.actor_name || e.actor_text || "")}${e.actor_country ? ` <span class="muted">${esc(e.actor_country)}</span>` : ""}</td>
    <td>${esc(e.target_name || e.target_text || "")}${e.target_country ? ` <span class="muted">${esc(e.target_country)}</span>` : ""}</td>
    <td>${esc(e.location_name || "")}${e.location_country ? ` <span class="muted">${esc(e.location_country)}</span>` : ""}</td>
    <td><span class="badge f-${esc(e.factuality)}">${esc(e.factuality)}</span></td>
    <td>${e.confidence == null ? "" : Number(e.confidence).toFixed(2)}</td>
    <td>${esc(e.trigger_text)}</td>
    <td><a class="open-article" href="#/article/${encodeURIComponent(e.article_id)}?ev=${encodeURIComponent(e.event_id)}">${esc(e.article_title || e.article_id.slice(0, 8))}</a></td></tr>`).join("");
  const p = new URLSearchParams(params);
  const link = (off) => { p.set("offset", String(off)); return "#/?" + p.toString(); };
  box.innerHTML = `<table id="events-table"><thead><tr><th>day</th><th>type</th><th>actor</th><th>target</th>
    <th>location</th><th>factuality</th><th>conf.</th><th>trigger</th><th>article</th></tr></thead><tbody>${rows}</tbody></table>
    <div class="pager">${offset > 0 ? `<a href="${esc(link(Math.max(0, offset - limit)))}">← previous</a>` : ""}
    <span class="muted">${offset + 1}–${offset + page.items.length} of ${page.total}</span>
    ${offset + limit < page.total ? `<a id="next-page" href="${esc(link(offset + limit))}">next →</a>` : ""}</div>`;
}

/* ------------------------------------------------------------------ article view */

async function showArticle(id, focusEvent) {
  setStatus("loading…");
  const rec = await api("/articles/" + encodeURIComponent(id));
  view.innerHTML = `<p><a href="#/">← dashboard</a></p><div id="article-box"></div>`;
  renderArticle(document.getElementById("article-box"), rec);
  if (focusEvent) focus(focusEvent, true);
  setStatus("");
}

function spansOf(rec) {
  const spans = [];
  const add = (span, cls, ev, extra) => {
    if (span && span.length === 2 && span[1] > span[0]) spans.push({ s: span[0], e: span[1], cls, ev, extra });
  };
  for (const q of rec.quotes || []) add(q.span, "quote", null, `quote ${q.id}${q.speaker ? " — " + (q.speaker.name || q.speaker.text || "") : ""}`);
  for (const t of rec.times || []) add(t.span, "time", null, `time ${t.text} = ${t.value || "?"}`);
  for (const p of rec.places || []) add(p.span, "place", null, `place ${p.name || p.text}${p.country ? " (" + p.country + ")" : ""}`);
  for (const s of rec.segments || []) if (s.kind !== "dateline") add(s.span, "seg", null, `segment: ${s.kind}`);
  for (const q of rec.quotes || []) if (q.speaker && q.speaker.span) add(q.speaker.span, "entity", null, `speaker of ${q.id}`);
  for (const ev of rec.events || []) {
    add(ev.trigger.span, "trigger", ev.id, `${ev.id} ${ev.type} (${ev.factuality})`);
    if (ev.actor) add(ev.actor.span, "actor", ev.id, `actor of ${ev.id}: ${ev.actor.name || ev.actor.text || ""}`);
    if (ev.target) add(ev.target.span, "target", ev.id, `target of ${ev.id}: ${ev.target.name || ev.target.text || ""}`);
    if (ev.location) add(ev.location.span, "place", ev.id, `location of ${ev.id}: ${ev.location.name || ev.location.text || ""}`);
  }
  return spans;
}

function highlightedText(text, spans) {
  const points = new Set([0, text.length]);
  for (const s of spans) { points.add(Math.max(0, s.s)); points.add(Math.min(text.length, s.e)); }
  const pts = [...points].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i], b = pts[i + 1];
    const cover = spans.filter((s) => s.s <= a && s.e >= b);
    const chunk = esc(text.slice(a, b));
    if (!cover.length) { out.push(chunk); continue; }
    const cls = [...new Set(cover.map((s) => "t-" + s.cls))].join(" ");
    const evs = [...new Set(cover.filter((s) => s.ev).map((s) => s.ev))].join(" ");
    const title = cover.map((s) => s.extra).join("\n");
    out.push(`<span class="hl ${cls}" data-start="${a}" data-end="${b}"${evs ? ` data-ev="${esc(evs)}"` : ""} title="${esc(title)}">${chunk}</span>`);
  }
  return out.join("");
}

function evidence(rec, ev) {
  const [ss, se] = ev.sentence_span || [0, 0];
  const [ts, te] = ev.trigger.span;
  if (!(ss <= ts && te <= se)) return esc(ev.trigger.text);
  return esc(rec.text.slice(ss, ts)) + "<mark>" + esc(rec.text.slice(ts, te)) + "</mark>" + esc(rec.text.slice(te, se));
}

function actorText(a) {
  if (!a) return `<span class="muted">—</span>`;
  const code = [a.country, a.sector].filter(Boolean).join(" ");
  return `${esc(a.name || a.text || "")}${code ? ` <span class="muted">${esc(code)}</span>` : ""}` +
    (a.text && a.name && a.text !== a.name ? ` <span class="muted">“${esc(a.text)}”</span>` : "");
}

function renderArticle(box, rec) {
  const events = rec.events || [];
  const cards = events.map((ev) => `<div class="ev" data-ev="${esc(ev.id)}" id="ev-${esc(ev.id)}">
      <div class="head"><span class="type">${esc(ev.type)}</span>${ev.mode ? `<span class="muted">${esc(ev.mode)}</span>` : ""}
        <span class="badge f-${esc(ev.factuality)}">${esc(ev.factuality)}</span>
        <span class="muted">${esc(ev.id)} · CAMEO ${esc(ev.cameo || "–")} · conf. ${Number(ev.confidence).toFixed(2)}</span></div>
      <dl><dt>actor</dt><dd>${actorText(ev.actor)}</dd>
        <dt>target</dt><dd>${actorText(ev.target)}</dd>
        <dt>date</dt><dd>${esc(ev.date || "–")}${ev.date_source ? ` <span class="muted">(${esc(ev.date_source)})</span>` : ""}</dd>
        <dt>location</dt><dd>${ev.location ? esc(ev.location.name || ev.location.text || "") + (ev.location.country ? ` <span class="muted">${esc(ev.location.country)}</span>` : "") : "–"}</dd>
        ${ev.source ? `<dt>according to</dt><dd>${esc(ev.source.name || ev.source.text)}${ev.source.quote ? ` <span class="muted">(${esc(ev.source.quote)})</span>` : ""}</dd>` : ""}
        ${ev.cluster_id != null ? `<dt>story</dt><dd>${esc(ev.cluster_id)}</dd>` : ""}
      </dl>
      <div class="evidence">${evidence(rec, ev)}</div></div>`).join("");
  const quotes = (rec.quotes || []).map((q) => `<li><b>${esc(q.speaker ? (q.speaker.name || q.speaker.text || "?") : "?")}</b>: “${esc(q.text.length > 240 ? q.text.slice(0, 240) + "…" : q.text)}” <span class="muted">${esc(q.kind)}${q.events.length ? " · events " + esc(q.events.join(", ")) : ""}</span></li>`).join("");
  box.innerHTML = `<div class="card"><h2 id="article-title">${esc(rec.title || rec.id)}</h2>
      <div class="muted">${esc(rec.date || "no date")}${rec.source ? " · " + esc(rec.source) : ""}${rec.url ? " · " + esc(rec.url) : ""} · ${events.length} event(s), ${(rec.quotes || []).length} quote(s)</div>
      <div class="legend"><span class="t-trigger">trigger</span><span class="t-actor">actor</span><span class="t-target">target</span>
        <span class="t-place">place</span><span class="t-time">time</span><span class="t-quote">quote</span><span class="t-seg">non-body segment</span></div>
      ${(rec.warnings || []).length ? `<div class="error">${esc(rec.warnings.join("; "))}</div>` : ""}</div>
    <div class="article">
      <div class="article-text" id="article-text">${highlightedText(rec.text, spansOf(rec))}</div>
      <div><div class="card events-list"><h2>Events and their evidence</h2>${cards || `<div class="empty">No events.</div>`}</div>
        <div class="card"><h2>Quotes</h2>${quotes ? `<ul id="quotes">${quotes}</ul>` : `<div class="empty">No quotes.</div>`}</div></div>
    </div>`;
  box.querySelectorAll(".ev").forEach((el) => el.addEventListener("click", () => focus(el.dataset.ev, true)));
  box.querySelectorAll(".hl[data-ev]").forEach((el) => el.addEventListener("click", () => {
    focus(el.dataset.ev.split(" ")[0], false);
    const card = document.getElementById("ev-" + el.dataset.ev.split(" ")[0]);
    if (card) card.scrollIntoView({ block: "nearest" });
  }));
}

function focus(evId, scrollText) {
  document.querySelectorAll(".focus").forEach((el) => el.classList.remove("focus"));
  const card = document.getElementById("ev-" + evId);
  if (card) card.classList.add("focus");
  let first = null;
  document.querySelectorAll(".hl[data-ev]").forEach((el) => {
    if (el.dataset.ev.split(" ").includes(evId)) { el.classList.add("focus"); first = first || el; }
  });
  if (scrollText && first) first.scrollIntoView({ block: "center" });
}

/* ------------------------------------------------------------------ stories */

async function showStories(params) {
  view.innerHTML = filterForm(params) + `
    <div class="card counts" id="story-counts"></div>
    <section class="card"><h2>Stories over time, by type <span class="muted">(each real event counted once, on its first day)</span></h2><div id="story-timeline"></div></section>
    <section class="card"><h2>Stories</h2><div id="stories"></div></section>`;
  bindFilters(document.getElementById("filters"), "#/stories");
  const flt = apiFilters(params);
  setStatus("loading…");
  const page = await api("/events", { ...flt, stories: "true", limit: 1000 });
  const mentions = page.items.reduce((a, s) => a + s.n_mentions, 0);
  document.getElementById("story-counts").innerHTML =
    `<div><b id="n-stories">${page.total}</b>stories</div>` +
    `<div><b>${mentions}</b>event mentions in them</div>` +
    `<div><b>${page.items.filter((s) => s.n_sources > 1).length}</b>reported by several outlets</div>`;
  const counts = new Map();
  for (const s of page.items) {
    if (!s.first_day) continue;
    const k = `${s.first_day}|${s.type}`;
    counts.set(k, (counts.get(k) || 0) + 1);
  }
  drawTimeline(document.getElementById("story-timeline"),
    [...counts.entries()].map(([k, n]) => { const [day, type] = k.split("|"); return { day, type, n }; }));
  const box = document.getElementById("stories");
  if (!page.items.length) { box.innerHTML = `<div class="empty">No stories match.</div>`; setStatus(""); return; }
  const items = [...page.items].sort((a, b) => b.n_sources - a.n_sources || b.n_mentions - a.n_mentions ||
    String(a.first_day).localeCompare(String(b.first_day)) || a.story - b.story);
  box.innerHTML = `<table id="stories-table"><thead><tr><th>days</th><th>type</th><th>what</th><th>where</th>
    <th>mentions</th><th>articles</th><th>outlets</th></tr></thead><tbody>${items.map((s) => `
    <tr class="story" data-story="${esc(s.story)}"><td class="nowrap">${esc(s.first_day || "")}${s.last_day && s.last_day !== s.first_day ? " – " + esc(s.last_day) : ""}</td>
      <td><i class="sw" data-type="${esc(s.type)}"></i> ${esc(s.type)}</td>
      <td>${esc([s.actor_name, s.trigger_text, s.target_name].filter(Boolean).join(" · "))}</td>
      <td>${esc(s.location_name || "")}${s.location_country ? ` <span class="muted">${esc(s.location_country)}</span>` : ""}</td>
      <td>${s.n_mentions}</td><td>${s.n_articles}</td><td>${s.n_sources}</td></tr>
    <tr class="story-detail" id="story-${esc(s.story)}" hidden><td colspan="7"></td></tr>`).join("")}</tbody></table>
    ${page.total > page.items.length ? `<p class="muted">first ${page.items.length} of ${page.total} stories; narrow the filters.</p>` : ""}`;
  box.querySelectorAll("i.sw[data-type]").forEach((el) => { el.style.background = typeColor(el.dataset.type); });
  box.querySelectorAll("tr.story").forEach((tr) => tr.addEventListener("click", () => toggleStory(tr.dataset.story)));
  const open = params.get("story");
  if (open) await toggleStory(open);
  setStatus("");
}

/* A story's mentions side by side: one card per mention (outlet, article, sentence with the
   trigger, actor, target and place highlighted). */
async function toggleStory(id) {
  const row = document.getElementById("story-" + id);
  if (!row) return;
  if (!row.hidden) { row.hidden = true; return; }
  const page = await api("/events", { cluster: id, factuality: "any", limit: 200 });
  const cards = page.items.map((e) => {
    const spans = [];
    const s0 = e.sentence_start;
    if (e.trigger_start != null) spans.push({ s: e.trigger_start - s0, e: e.trigger_end - s0, cls: "trigger", extra: "trigger" });
    const sentence = e.sentence || "";
    const find = (text, cls) => {
      if (!text) return;
      const i = sentence.indexOf(text);
      if (i >= 0) spans.push({ s: i, e: i + text.length, cls, extra: cls });
    };
    find(e.actor_text || e.actor_name, "actor");
    find(e.target_text || e.target_name, "target");
    find(e.location_name, "place");
    return `<div class="mention" data-article="${esc(e.article_id)}" data-event="${esc(e.event_id)}">
      <div class="head"><b>${esc(e.article_source || "unknown outlet")}</b> <span class="muted">${esc(e.day || "")}</span></div>
      <div class="sentence">${highlightedText(sentence, spans)}</div>
      <div class="muted"><a href="#/article/${encodeURIComponent(e.article_id)}?ev=${encodeURIComponent(e.event_id)}">${esc(e.article_title || e.article_id.slice(0, 8))}</a>
        · ${esc(e.factuality)} · conf. ${e.confidence == null ? "–" : Number(e.confidence).toFixed(2)}</div></div>`;
  }).join("");
  row.querySelector("td").innerHTML = `<div class="mentions">${cards}</div>`;
  row.hidden = false;
}

/* ------------------------------------------------------------------ paste */

function showPaste() {
  view.innerHTML = `<div class="card"><h2>Code an article</h2>
    <form id="paste-form">
      <textarea name="text" id="paste-text" placeholder="Paste the article text here" required></textarea>
      <div class="paste-meta">
        <label>Publication date <input name="date" id="paste-date" placeholder="YYYY-MM-DD"></label>
        <label>Title <input name="title" id="paste-title"></label>
        <label>URL <input name="url" id="paste-url"></label>
      </div>
      <button class="primary" type="submit" id="paste-submit">Extract events</button>
      <span class="muted">The text is sent only to this server (POST /extract); nothing is stored.</span>
    </form></div><div id="article-box"></div>`;
  const form = document.getElementById("paste-form");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = { text: form.text.value };
    for (const k of ["date", "title", "url"]) if (form[k].value.trim()) body[k] = form[k].value.trim();
    setStatus("extracting…");
    try {
      const rec = await api("/extract", null, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      renderArticle(document.getElementById("article-box"), rec);
      setStatus("");
    } catch (err) {
      setStatus(err.message, true);
    }
  });
}

route();
