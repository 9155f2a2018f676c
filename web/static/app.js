// Corridor web map. Plain script over the vendored Leaflet; everything it loads comes from
// this server (no CDN, no tiles): country borders from /v1/boundaries, the network from
// /v1/network, crossings from /v1/crossings, routes from /v1/route, capacity from
// /v1/capacity. Query parameter names are read from /openapi.json when it documents the
// endpoint, so the forms follow the API.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- styles
  const GAUGE_COLORS = { 1520: "#c0392b", 1435: "#2471a3" };
  const GAUGE_OTHER = "#7f8c8d";
  const ROAD_STYLES = {
    motorway: { color: "#d35400", weight: 4 },
    trunk: { color: "#e67e22", weight: 3.4 },
    primary: { color: "#e6b800", weight: 2.8 },
    secondary: { color: "#9aa0a6", weight: 2.2 },
    track: { color: "#a1887f", weight: 1.6, dashArray: "4 4" },
  };
  const ROAD_DEFAULT = { color: "#b0b0b0", weight: 2 };
  const ROUTE_COLORS = ["#1d3557", "#e76f51", "#2a9d8f", "#8338ec", "#6d597a"];
  const CROSSING_COLORS = { rail: "#6a1b9a", road: "#2e7d32" };
  const CUT_COLOR = "#e63946";
  const UNBOUNDED_COLOR = "#d81b60";
  const FIT_MAX_ZOOM = 7;

  /** Zooms to `bounds`, keeping clear of the legend in the bottom-right corner. */
  function fitVisible(bounds) {
    const legendEl = document.querySelector(".legend");
    const right = legendEl ? legendEl.offsetWidth + 24 : 24;
    map.fitBounds(bounds, { paddingTopLeft: [24, 24], paddingBottomRight: [right, 24], maxZoom: FIT_MAX_ZOOM });
  }
  const IN_SERVICE = new Set(["open", "seasonal"]);

  // ---------------------------------------------------------------- helpers
  function esc(s) {
    return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }
  const nf0 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
  const nf1 = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const nf2 = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  function fmtNum(x, f) { return typeof x === "number" && isFinite(x) ? f.format(x) : "–"; }
  function fmtTonnes(tpy) {
    if (typeof tpy !== "number" || !isFinite(tpy)) return "–";
    if (tpy >= 1e6) return nf1.format(tpy / 1e6) + " Mt/yr";
    return nf0.format(tpy / 1e3) + " kt/yr";
  }

  /** Fetches JSON; on an error status throws an Error whose message is the problem `detail`. */
  async function fetchJson(url) {
    const res = await fetch(url, { headers: { Accept: "application/geo+json, application/json" } });
    let body = null;
    try { body = await res.json(); } catch (_) { body = null; }
    if (!res.ok) {
      const err = new Error(body && body.detail ? body.detail : "HTTP " + res.status + " " + res.statusText);
      err.problem = body;
      err.status = res.status;
      throw err;
    }
    return body;
  }

  function showError(box, err) {
    const p = err && err.problem;
    let html = "<strong>" + esc(err.message || String(err)) + "</strong>";
    if (p && Array.isArray(p.errors) && p.errors.length > 1) {
      html += "<ul>" + p.errors.map((e) => "<li><code>" + esc(e.field) + "</code>: " + esc(e.detail) + "</li>").join("") + "</ul>";
    }
    if (p && Array.isArray(p.suggestions) && p.suggestions.length) {
      html += "<div>Did you mean: " + p.suggestions.map((s) => esc(placeLabel(s))).join(", ") + "?</div>";
    }
    if (err.status === 404 && p && p.field === "path") {
      html += "<div>This server does not offer that endpoint yet.</div>";
    }
    box.innerHTML = html;
    box.hidden = false;
  }
  function clearError(box) { box.hidden = true; box.innerHTML = ""; }

  // ---------------------------------------------------------------- map
  const map = L.map("map", { minZoom: 2, maxZoom: 13, zoomSnap: 0.5 }).setView([47, 100], 4);
  map.attributionControl.setPrefix("Leaflet");
  map.attributionControl.addAttribution("Borders: Natural Earth");
  map.createPane("boundaries").style.zIndex = 250;
  map.createPane("crossings").style.zIndex = 480;
  map.createPane("places").style.zIndex = 470;
  map.createPane("cuts").style.zIndex = 490; // the bottleneck stays visible above crossing symbols

  const layers = {
    boundaries: L.layerGroup(),
    rail: L.layerGroup(),
    roads: L.layerGroup(),
    crossings: L.layerGroup(),
    places: L.layerGroup(),
    route: L.featureGroup(),
    capacity: L.featureGroup(),
    picks: L.layerGroup(),
  };
  for (const k of ["boundaries", "roads", "rail", "crossings", "places", "route", "capacity", "picks"]) layers[k].addTo(map);

  L.control.layers(null, {
    "Rail (by gauge)": layers.rail,
    "Roads (by class)": layers.roads,
    "Border crossings": layers.crossings,
    "Places": layers.places,
    "Routes": layers.route,
    "Capacity": layers.capacity,
  }, { collapsed: false, position: "topright" }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);

  const legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    const d = L.DomUtil.create("div", "legend");
    const line = (color, label, extra) => '<div><span class="line" style="border-top-color:' + color + ";" + (extra || "") + '"></span>' + label + "</div>";
    const dot = (color, size, label) => '<div><span class="dot" style="background:' + color + ";width:" + size + "px;height:" + size + 'px"></span>' + label + "</div>";
    d.innerHTML = "<details open><summary>Legend</summary>" +
      "<h4>Rail</h4>" + line(GAUGE_COLORS[1520], "1520 mm (RU, MN, KZ)") + line(GAUGE_COLORS[1435], "1435 mm (CN)") +
      line("#888", "planned / under construction", "border-top-style:dashed") +
      "<h4>Roads</h4>" + line(ROAD_STYLES.motorway.color, "motorway") + line(ROAD_STYLES.trunk.color, "trunk") +
      line(ROAD_STYLES.primary.color, "primary") + line(ROAD_STYLES.secondary.color, "secondary") + line(ROAD_STYLES.track.color, "track", "border-top-style:dashed") +
      "<h4>Border crossings</h4>" + dot(CROSSING_COLORS.rail, 10, "rail") + dot(CROSSING_COLORS.road, 10, "road") +
      dot("#999", 16, "size ∝ capacity") +
      "<h4>Routes</h4>" + line(ROUTE_COLORS[0], "best") + line(ROUTE_COLORS[1], "alternatives") +
      "<h4>Capacity</h4><div>use<span class=\"ramp\"></span>full</div>" + line(CUT_COLOR, "bottleneck cut", "border-top-style:dashed") +
      line(UNBOUNDED_COLOR, "no capacity data", "border-top-style:dotted") + "</details>";
    L.DomEvent.disableClickPropagation(d);
    L.DomEvent.disableScrollPropagation(d);
    return d;
  };
  legend.addTo(map);

  // ---------------------------------------------------------------- state
  const state = {
    nodes: new Map(),       // id -> feature
    nameToId: new Map(),    // datalist value -> id
    crossings: new Map(),   // id -> feature
    spec: null,             // OpenAPI document, if served
    routeLayers: [],        // [{rank, layer, casing, row}]
    picking: null,          // input id waiting for a map click
  };

  function placeLabel(id) {
    const n = state.nodes.get(id);
    return n ? n.properties.name : id;
  }

  // ---------------------------------------------------------------- layers
  function railStyle(p) {
    const s = { color: GAUGE_COLORS[p.gauge_mm] || GAUGE_OTHER, weight: 2.6, opacity: 0.9 };
    if (!IN_SERVICE.has(p.status)) { s.dashArray = "6 6"; s.opacity = 0.7; }
    if (p.status === "closed") { s.color = "#999"; }
    return s;
  }
  function roadStyle(p) {
    const s = Object.assign({ opacity: 0.9 }, ROAD_STYLES[p.road_class] || ROAD_DEFAULT);
    if (!IN_SERVICE.has(p.status)) { s.dashArray = "6 6"; s.opacity = 0.7; }
    return s;
  }
  function linkTooltip(p) {
    const name = p.name || p.id;
    const bits = [p.mode, p.kind === "line" ? (p.gauge_mm ? p.gauge_mm + " mm" : "") : (p.road_class || ""), p.status,
      typeof p.length_km === "number" ? nf0.format(p.length_km) + " km" : ""].filter(Boolean);
    return "<strong>" + esc(name) + "</strong><br>" + esc(bits.join(" · "));
  }

  function crossingPopup(p) {
    const countries = Array.isArray(p.countries) ? p.countries.join(" → ") : "";
    let cap = "unknown";
    if (p.capacity && typeof p.capacity.value === "number") {
      cap = nf0.format(p.capacity.value) + " " + esc(p.capacity.unit);
      if (p.capacity.unit !== "t/yr" && typeof p.capacity_tpy === "number") cap += " ≈ " + fmtTonnes(p.capacity_tpy);
    }
    const rows = [
      ["Countries", esc(countries)],
      ["Between", esc((p.from_name || p.from) + " – " + (p.to_name || p.to))],
      ["Mode", esc(p.mode)],
      ["Status", esc(p.status)],
      ["Dwell", typeof p.dwell_h === "number" ? esc(nf1.format(p.dwell_h)) + " h" : "–"],
      ["Hours", esc(p.hours)],
      ["Veterinary", p.veterinary ? "yes" : "no"],
      ["Capacity", cap],
      ["Source", esc(p.source)],
    ];
    return "<strong>" + esc(p.name || p.id) + "</strong><table>" + rows.map((r) => "<tr><td>" + r[0] + "</td><td>" + r[1] + "</td></tr>").join("") + "</table>";
  }

  function midpoint(coords) {
    if (coords.length === 2) return [(coords[0][1] + coords[1][1]) / 2, (coords[0][0] + coords[1][0]) / 2];
    const c = coords[Math.floor(coords.length / 2)];
    return [c[1], c[0]];
  }

  function crossingRadius(p) {
    const t = p.capacity_tpy;
    if (typeof t !== "number" || !(t > 0)) return 5;
    return Math.max(5, Math.min(22, 4 + 2.4 * Math.sqrt(t / 1e6)));
  }

  // Where to write country names (a polygon's bounds centre is useless for Russia).
  const COUNTRY_LABELS = { RU: [58, 96], MN: [46.6, 103], CN: [34, 104], KZ: [48.3, 67.5], KG: [41.5, 74.5], UZ: [41.6, 63.5], KP: [40.3, 127] };

  function drawBoundaries(fc) {
    L.geoJSON(fc, {
      pane: "boundaries",
      interactive: false,
      style: (f) => ({ color: "#8d8d8d", weight: 1, fillColor: f.properties.core ? "#f7f3ea" : "#e9e9e9", fillOpacity: 1 }),
    }).addTo(layers.boundaries);
    for (const f of fc.features) {
      const at = COUNTRY_LABELS[f.properties.iso_a2];
      if (!at) continue;
      L.tooltip({ permanent: true, direction: "center", className: "country-label", interactive: false })
        .setLatLng(at).setContent(esc(f.properties.name || f.properties.iso_a2)).addTo(layers.boundaries);
    }
  }

  function drawNetwork(fc) {
    const nodes = [];
    for (const f of fc.features) {
      const p = f.properties || {};
      if (p.layer === "node" || (f.geometry && f.geometry.type === "Point")) {
        nodes.push(f);
        continue;
      }
      if (p.kind === "crossing") continue; // drawn from /v1/crossings
      const style = p.mode === "rail" ? railStyle(p) : roadStyle(p);
      const target = p.mode === "rail" ? layers.rail : layers.roads;
      L.geoJSON(f, { style: () => style }).bindTooltip(linkTooltip(p), { sticky: true }).addTo(target);
    }
    const names = new Map();
    for (const f of nodes) names.set(f.properties.name, (names.get(f.properties.name) || 0) + 1);
    const options = [];
    for (const f of nodes) {
      const p = f.properties;
      state.nodes.set(p.id, f);
      const value = names.get(p.name) > 1 ? p.name + " (" + p.id + ")" : p.name;
      state.nameToId.set(value, p.id);
      options.push([value, p.country + " · " + String(p.kind).replace("_", " ")]);
      const [lon, lat] = f.geometry.coordinates;
      const major = p.kind === "city" || p.kind === "port";
      const m = L.circleMarker([lat, lon], {
        pane: "places", radius: major ? 4.5 : 3, color: "#1d2733", weight: 1.2, fillColor: major ? "#fff" : "#ddd", fillOpacity: 1,
      });
      m.bindTooltip(esc(p.name) + (p.name_local ? " · " + esc(p.name_local) : ""), { direction: "top", offset: [0, -4] });
      m.bindPopup("<strong>" + esc(p.name) + "</strong><br>" + esc([p.country, String(p.kind).replace("_", " "), (p.modes || []).join(" + "),
        p.intermodal ? "intermodal" : ""].filter(Boolean).join(" · ")) + "<br><code>" + esc(p.id) + "</code>");
      m.on("click", (e) => {
        if (state.picking) { L.DomEvent.stop(e); finishPick(p.id, e.latlng); }
      });
      m.addTo(layers.places);
    }
    options.sort((a, b) => a[0].localeCompare(b[0]));
    const dl = $("places");
    const dl2 = $("places-and-countries");
    const countries = [...new Set(nodes.map((f) => f.properties.country))].sort();
    for (const c of countries) {
      const o = document.createElement("option");
      o.value = c;
      o.label = "country";
      dl2.append(o);
    }
    for (const [value, label] of options) {
      const o = document.createElement("option");
      o.value = value;
      o.label = label;
      dl.append(o);
      dl2.append(o.cloneNode(true));
    }
    // Avoid-country checkboxes.
    const box = $("route-avoid");
    for (const c of countries) {
      const l = document.createElement("label");
      l.innerHTML = '<input type="checkbox" value="' + esc(c) + '"> ' + esc(c);
      box.append(l);
    }
    if (nodes.length) {
      const b = L.latLngBounds(nodes.map((f) => [f.geometry.coordinates[1], f.geometry.coordinates[0]]));
      map.fitBounds(b.pad(0.08), { maxZoom: 6, animate: false });
    }
  }

  function drawCrossings(fc) {
    for (const f of fc.features) {
      const p = f.properties;
      state.crossings.set(p.id, f);
      const color = CROSSING_COLORS[p.mode] || "#555";
      const live = IN_SERVICE.has(p.status);
      L.geoJSON(f, { style: () => ({ color, weight: 4, opacity: 0.8, dashArray: live ? null : "4 4" }) }).addTo(layers.crossings);
      L.circleMarker(midpoint(f.geometry.coordinates), {
        pane: "crossings", radius: crossingRadius(p), color: "#fff", weight: 1.5,
        fillColor: color, fillOpacity: live ? 0.85 : 0.3, className: "crossing-symbol",
      }).bindPopup(crossingPopup(p), { maxWidth: 320 })
        .bindTooltip(esc(p.name || p.id), { direction: "top" })
        .addTo(layers.crossings);
    }
  }

  // ---------------------------------------------------------------- API parameter names
  const ROUTE_CANDIDATES = {
    from: ["from", "origin"], to: ["to", "destination"], mode: ["mode"],
    optimize: ["optimize", "optimise", "metric"], alternatives: ["alternatives", "alts"],
    avoid: ["avoid_countries", "avoid", "exclude_countries"], cargo: ["cargo"], planned: ["include_planned"],
  };
  const CAPACITY_CANDIDATES = {
    from: ["from", "origin", "source"], to: ["to", "destination", "sink"], mode: ["mode"],
    cargo: ["cargo"], planned: ["include_planned"],
  };

  function operationParams(path) {
    const op = state.spec && state.spec.paths && state.spec.paths[path] && state.spec.paths[path].get;
    return op && Array.isArray(op.parameters) ? op.parameters.filter((p) => p.in === "query") : null;
  }
  /** Maps form fields to the endpoint's documented parameter names (the first candidate when undocumented). */
  function paramNames(path, candidates) {
    const params = operationParams(path);
    const out = {};
    for (const [field, names] of Object.entries(candidates)) {
      if (!params) { out[field] = names[0]; continue; }
      const hit = names.find((n) => params.some((p) => p.name === n));
      if (hit) out[field] = hit;
    }
    return out;
  }
  function enumOf(path, name) {
    const p = (operationParams(path) || []).find((q) => q.name === name);
    const s = p && p.schema;
    return s && Array.isArray(s.enum) ? s.enum : null;
  }
  function adaptSelect(select, values) {
    if (!values || !values.length) return;
    const current = select.value;
    select.innerHTML = "";
    for (const v of values) {
      const o = document.createElement("option");
      o.value = v;
      o.textContent = v === "any" ? "rail + road" : v;
      select.append(o);
    }
    select.value = values.includes(current) ? current : values[0];
  }

  // ---------------------------------------------------------------- place resolution
  const COORDS = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/;
  function resolvePlace(text) {
    const t = text.trim();
    if (state.nameToId.has(t)) return state.nameToId.get(t);
    if (state.nodes.has(t)) return t;
    const lower = t.toLowerCase();
    for (const [name, id] of state.nameToId) if (name.toLowerCase() === lower) return id;
    return t; // coordinates or free text: the API resolves it or answers with suggestions
  }

  // Picking on the map: the clicked point is snapped to the nearest place (/v1/nearest).
  function startPick(targetId, button) {
    for (const b of document.querySelectorAll("button.pick")) b.classList.remove("active");
    if (state.picking === targetId) { state.picking = null; document.body.classList.remove("picking"); return; }
    state.picking = targetId;
    button.classList.add("active");
    document.body.classList.add("picking");
    $("route-status").textContent = "Click the map to choose the " + (targetId === "route-from" ? "start" : "destination") + ".";
  }
  function finishPick(nodeId, latlng) {
    const target = state.picking;
    state.picking = null;
    document.body.classList.remove("picking");
    for (const b of document.querySelectorAll("button.pick")) b.classList.remove("active");
    const f = state.nodes.get(nodeId);
    const name = [...state.nameToId].find(([, id]) => id === nodeId);
    $(target).value = name ? name[0] : nodeId;
    layers.picks.clearLayers();
    if (f && latlng) {
      const [lon, lat] = f.geometry.coordinates;
      L.polyline([latlng, [lat, lon]], { color: "#444", weight: 1, dashArray: "3 3", interactive: false }).addTo(layers.picks);
    }
    $("route-status").textContent = "";
  }
  map.on("click", async (e) => {
    if (!state.picking) return;
    const mode = $("route-mode").value;
    const q = new URLSearchParams({ lon: e.latlng.lng.toFixed(5), lat: e.latlng.lat.toFixed(5), k: "1" });
    if (mode === "rail" || mode === "road") q.set("mode", mode);
    try {
      const fc = await fetchJson("/v1/nearest?" + q);
      const f = fc.features[0];
      if (f) finishPick(f.properties.id, e.latlng);
    } catch (err) {
      showError($("route-error"), err);
    }
  });
  for (const b of document.querySelectorAll("button.pick")) b.addEventListener("click", () => startPick(b.dataset.target, b));

  // ---------------------------------------------------------------- routes
  function clearRoutes() {
    layers.route.clearLayers();
    state.routeLayers = [];
    $("route-table").hidden = true;
    $("route-table").querySelector("tbody").innerHTML = "";
    $("route-detail").innerHTML = "";
    $("route-status").textContent = "";
    layers.picks.clearLayers();
  }

  function highlightRoute(rank) {
    for (const r of state.routeLayers) {
      const on = rank == null || r.rank === rank;
      r.layer.setStyle({ opacity: on ? 0.95 : 0.3, weight: r.baseWeight + (rank != null && on ? 3 : 0) });
      r.casing.setStyle({ opacity: on ? 0.9 : 0.2 });
      r.row.classList.toggle("hot", rank != null && r.rank === rank);
      if (rank != null && on) { r.casing.bringToFront(); r.layer.bringToFront(); }
    }
  }

  function crossingName(id) {
    const c = state.crossings.get(id);
    return c ? c.properties.name || id : id;
  }

  function routeDetail(p) {
    const xs = Array.isArray(p.crossings) ? p.crossings : [];
    const ts = Array.isArray(p.transshipments) ? p.transshipments : [];
    let html = "<h3>Route " + esc(p.rank) + "</h3>";
    html += "<div>" + fmtNum(p.distance_km, nf0) + " km · " + fmtNum(p.time_h, nf1) + " h · $" + fmtNum(p.cost_usd_per_t, nf2) + "/t</div>";
    if (Array.isArray(p.countries) && p.countries.length) html += "<div>Countries: " + esc(p.countries.join(" → ")) + "</div>";
    html += "<h3>Border crossings (" + xs.length + ")</h3>" + (xs.length ? "<ul>" + xs.map((id) => "<li>" + esc(crossingName(id)) + "</li>").join("") + "</ul>" : "<div>none</div>");
    html += "<h3>Transshipments (" + ts.length + ")</h3>" + (ts.length ? "<ul>" + ts.map((t) => "<li>" + esc(placeLabel(t.node)) + ": " + esc(t.reason) + "</li>").join("") + "</ul>" : "<div>none</div>");
    $("route-detail").innerHTML = html;
  }

  function drawRoutes(fc) {
    clearRoutes();
    const routes = fc.features.filter((f) => f.properties && f.properties.kind === "route")
      .sort((a, b) => (a.properties.rank || 0) - (b.properties.rank || 0));
    const tbody = $("route-table").querySelector("tbody");
    // Draw alternatives first so the best route is on top.
    for (const f of routes.slice().reverse()) {
      const p = f.properties;
      const i = Math.max(0, (p.rank || 1) - 1);
      const color = ROUTE_COLORS[i % ROUTE_COLORS.length];
      const baseWeight = i === 0 ? 6 : 4.5;
      const casing = L.geoJSON(f, { interactive: false, style: () => ({ color: "#fff", weight: baseWeight + 4, opacity: 0.9, className: "route-casing" }) });
      const layer = L.geoJSON(f, { style: () => ({ color, weight: baseWeight, opacity: 0.95, className: "route-line" }) });
      layer.bindTooltip("Route " + esc(p.rank) + ": " + fmtNum(p.distance_km, nf0) + " km, " + fmtNum(p.time_h, nf1) + " h", { sticky: true });
      layer.on("mouseover", () => highlightRoute(p.rank));
      layer.on("mouseout", () => highlightRoute(null));
      layer.on("click", () => routeDetail(p));
      casing.addTo(layers.route);
      layer.addTo(layers.route);
      state.routeLayers.push({ rank: p.rank, layer, casing, baseWeight, row: null, props: p });
    }
    state.routeLayers.sort((a, b) => a.rank - b.rank);
    for (const r of state.routeLayers) {
      const p = r.props;
      const i = Math.max(0, (p.rank || 1) - 1);
      const tr = document.createElement("tr");
      const xs = Array.isArray(p.crossings) ? p.crossings : [];
      const ts = Array.isArray(p.transshipments) ? p.transshipments : [];
      tr.innerHTML =
        '<td><span class="swatch" style="background:' + ROUTE_COLORS[i % ROUTE_COLORS.length] + '"></span>' + esc(p.rank) + "</td>" +
        "<td>" + fmtNum(p.distance_km, nf0) + "</td>" +
        "<td>" + fmtNum(p.time_h, nf1) + "</td>" +
        "<td>" + fmtNum(p.cost_usd_per_t, nf2) + "</td>" +
        '<td title="' + esc(xs.map(crossingName).join(", ")) + '">' + xs.length + "</td>" +
        '<td title="' + esc(ts.map((t) => placeLabel(t.node) + ": " + t.reason).join("; ")) + '">' + ts.length + "</td>";
      tr.addEventListener("mouseenter", () => highlightRoute(p.rank));
      tr.addEventListener("mouseleave", () => highlightRoute(null));
      tr.addEventListener("click", () => routeDetail(p));
      tbody.append(tr);
      r.row = tr;
    }
    for (const f of fc.features.filter((g) => g.properties && g.properties.kind === "snap" && g.geometry && g.geometry.type === "Point")) {
      const [lon, lat] = f.geometry.coordinates;
      L.circleMarker([lat, lon], { radius: 5, color: "#000", weight: 1.5, fillColor: "#ffd166", fillOpacity: 1, className: "snap-point" })
        .bindTooltip("snapped: " + esc(placeLabel(f.properties.node || f.properties.id || "")))
        .addTo(layers.route);
    }
    if (routes.length) {
      $("route-table").hidden = false;
      routeDetail(routes[0].properties);
      fitVisible(layers.route.getBounds());
      $("route-status").textContent = routes.length === 1 ? "1 route." : routes.length + " routes: hover a row to highlight its route.";
    } else {
      $("route-status").textContent = "No route in the answer.";
    }
  }

  $("route-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const errBox = $("route-error");
    clearError(errBox);
    const names = paramNames("/v1/route", ROUTE_CANDIDATES);
    const q = new URLSearchParams();
    const from = resolvePlace($("route-from").value);
    const to = resolvePlace($("route-to").value);
    if (names.from) q.set(names.from, from);
    if (names.to) q.set(names.to, to);
    if (names.mode) q.set(names.mode, $("route-mode").value);
    if (names.optimize) q.set(names.optimize, $("route-optimize").value);
    if (names.alternatives) q.set(names.alternatives, $("route-alternatives").value);
    if (names.cargo && $("route-cargo").value !== "general") q.set(names.cargo, $("route-cargo").value);
    if (names.planned && $("route-planned").checked) q.set(names.planned, "true");
    const avoid = [...document.querySelectorAll("#route-avoid input:checked")].map((i) => i.value);
    if (avoid.length && names.avoid) q.set(names.avoid, avoid.join(","));
    const btn = $("route-submit");
    btn.disabled = true;
    document.body.dataset.route = "loading";
    $("route-status").textContent = "Searching…";
    try {
      const fc = await fetchJson("/v1/route?" + q);
      drawRoutes(fc);
      document.body.dataset.route = "done";
    } catch (err) {
      clearRoutes();
      showError(errBox, err);
      document.body.dataset.route = "error";
    } finally {
      btn.disabled = false;
    }
  });
  $("route-clear").addEventListener("click", () => { clearRoutes(); clearError($("route-error")); });

  // ---------------------------------------------------------------- capacity
  function utilColor(u) {
    const x = Math.max(0, Math.min(1, typeof u === "number" ? u : 0));
    const stops = [[0, [42, 157, 143]], [0.5, [233, 196, 106]], [1, [230, 57, 70]]];
    let i = 0;
    while (i < stops.length - 2 && x > stops[i + 1][0]) i++;
    const [a, ca] = stops[i], [b, cb] = stops[i + 1];
    const t = (x - a) / (b - a);
    const c = ca.map((v, k) => Math.round(v + t * (cb[k] - v)));
    return "rgb(" + c.join(",") + ")";
  }

  function clearCapacity() {
    layers.capacity.clearLayers();
    $("capacity-result").innerHTML = "";
  }

  function linkName(p) {
    const id = p.link_id || p.id;
    return p.name || (state.crossings.get(id) && state.crossings.get(id).properties.name) || id || "link";
  }

  function drawCapacity(fc) {
    clearCapacity();
    const flows = fc.features.filter((f) => f.properties && f.properties.kind === "flow");
    const cuts = fc.features.filter((f) => f.properties && f.properties.kind === "cut");
    const maxFlow = flows.reduce((m, f) => Math.max(m, f.properties.flow_tpy || 0), 0) || 1;
    for (const f of flows) {
      const p = f.properties;
      const w = 2 + 7 * Math.sqrt((p.flow_tpy || 0) / maxFlow);
      L.geoJSON(f, { style: () => ({ color: utilColor(p.utilization), weight: w, opacity: 0.9, className: "flow-line" }) })
        .bindTooltip("<strong>" + esc(linkName(p)) + "</strong><br>flow " + fmtTonnes(p.flow_tpy) + " of " + fmtTonnes(p.capacity_tpy) +
          (typeof p.utilization === "number" ? " (" + nf0.format(p.utilization * 100) + "%)" : ""), { sticky: true })
        .addTo(layers.capacity);
    }
    for (const f of fc.features.filter((g) => g.properties && g.properties.kind === "unbounded_path")) {
      L.geoJSON(f, { style: () => ({ color: UNBOUNDED_COLOR, weight: 7, opacity: 0.9, dashArray: "2 9", lineCap: "round", className: "flow-line" }) })
        .bindTooltip("No capacity data: " + esc(linkName(f.properties)), { sticky: true })
        .addTo(layers.capacity);
    }
    for (const f of fc.features.filter((g) => g.properties && g.properties.kind === "transfer" && g.geometry && g.geometry.type === "Point")) {
      const [lon, lat] = f.geometry.coordinates;
      L.circleMarker([lat, lon], { radius: 6, color: "#000", weight: 1.5, fillColor: "#ffd166", fillOpacity: 1 })
        .bindTooltip("Transfer at " + esc(f.properties.name || f.properties.node_id) + ": " + fmtTonnes(f.properties.flow_tpy))
        .addTo(layers.capacity);
    }
    const cutLayers = [];
    for (const f of cuts) {
      const p = f.properties;
      const tip = "<strong>Bottleneck:</strong> " + esc(linkName(p)) + "<br>capacity " + fmtTonnes(p.capacity_tpy);
      const l = L.geoJSON(f, { pane: "cuts", style: () => ({ color: CUT_COLOR, weight: 9, opacity: 0.85, dashArray: "10 6", className: "cut-line" }) })
        .bindTooltip(tip, { sticky: true })
        .addTo(layers.capacity);
      // A ring marks the cut where the link itself is too short to see.
      L.circleMarker(midpoint(f.geometry.coordinates), { pane: "cuts", radius: 15, color: CUT_COLOR, weight: 3, fill: false, dashArray: "5 4", className: "cut-ring" })
        .bindTooltip(tip).addTo(layers.capacity);
      cutLayers.push([l, p]);
    }
    const mf = fc.max_flow || {};
    const value = typeof mf.value === "number" ? (mf.unit === "t/yr" || !mf.unit ? fmtTonnes(mf.value) : nf0.format(mf.value) + " " + esc(mf.unit)) : "–";
    let html = '<div>Maximum flow</div><div class="big">' + (mf.unbounded ? "unbounded" : value) + "</div>";
    if (mf.unbounded && mf.detail) html += "<div>" + esc(mf.detail) + "</div>";
    if (cutLayers.length) {
      html += "<h3>Bottleneck (minimum cut)</h3><table class=\"results\"><thead><tr><th>link</th><th>capacity</th></tr></thead><tbody>" +
        cutLayers.map(([, p], i) => '<tr data-cut="' + i + '"><td>' + esc(linkName(p)) + "</td><td>" + fmtTonnes(p.capacity_tpy) + "</td></tr>").join("") +
        "</tbody></table>";
    }
    html += "<div class=\"muted\">Line colour: utilisation of each link by the maximum flow; width: flow.</div>";
    $("capacity-result").innerHTML = html;
    for (const tr of $("capacity-result").querySelectorAll("tr[data-cut]")) {
      const [l] = cutLayers[Number(tr.dataset.cut)];
      tr.addEventListener("mouseenter", () => { l.setStyle({ weight: 13, opacity: 1 }); l.bringToFront(); tr.classList.add("hot"); });
      tr.addEventListener("mouseleave", () => { l.setStyle({ weight: 9, opacity: 0.85 }); tr.classList.remove("hot"); });
    }
    if (layers.capacity.getLayers().length) fitVisible(layers.capacity.getBounds());
  }

  function resolveCapacityPlace(text) {
    const t = text.trim();
    return /^[A-Za-z]{2}$/.test(t) ? t.toUpperCase() : resolvePlace(t);
  }

  $("capacity-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const errBox = $("capacity-error");
    clearError(errBox);
    const names = paramNames("/v1/capacity", CAPACITY_CANDIDATES);
    const q = new URLSearchParams();
    if (names.from) q.set(names.from, resolveCapacityPlace($("capacity-from").value));
    if (names.to) q.set(names.to, resolveCapacityPlace($("capacity-to").value));
    if (names.mode) q.set(names.mode, $("capacity-mode").value);
    if (names.cargo && $("capacity-cargo").value !== "general") q.set(names.cargo, $("capacity-cargo").value);
    if (names.planned && $("capacity-planned").checked) q.set(names.planned, "true");
    const btn = $("capacity-submit");
    btn.disabled = true;
    document.body.dataset.capacity = "loading";
    $("capacity-result").textContent = "Computing…";
    try {
      drawCapacity(await fetchJson("/v1/capacity?" + q));
      document.body.dataset.capacity = "done";
    } catch (err) {
      clearCapacity();
      showError(errBox, err);
      document.body.dataset.capacity = "error";
    } finally {
      btn.disabled = false;
    }
  });
  $("capacity-clear").addEventListener("click", () => { clearCapacity(); clearError($("capacity-error")); });

  // ---------------------------------------------------------------- tabs
  for (const tab of document.querySelectorAll(".tabs button")) {
    tab.addEventListener("click", () => {
      for (const t of document.querySelectorAll(".tabs button")) {
        const on = t === tab;
        t.setAttribute("aria-selected", String(on));
        $(t.getAttribute("aria-controls")).hidden = !on;
      }
      // Show the results of the active panel; the layer control can bring the other back.
      const capacity = tab.id === "tab-capacity";
      if (capacity) { map.removeLayer(layers.route); map.addLayer(layers.capacity); }
      else { map.removeLayer(layers.capacity); map.addLayer(layers.route); }
    });
  }

  // ---------------------------------------------------------------- start
  async function start() {
    const [boundaries, network, crossings, spec] = await Promise.all([
      fetchJson("/v1/boundaries").catch((e) => { console.warn("no boundaries:", e.message); return null; }),
      fetchJson("/v1/network"),
      fetchJson("/v1/crossings"),
      fetchJson("/openapi.json").catch(() => null),
    ]);
    state.spec = spec;
    if (boundaries) drawBoundaries(boundaries);
    drawNetwork(network);
    drawCrossings(crossings);
    adaptSelect($("route-mode"), enumOf("/v1/route", paramNames("/v1/route", ROUTE_CANDIDATES).mode));
    adaptSelect($("route-optimize"), enumOf("/v1/route", paramNames("/v1/route", ROUTE_CANDIDATES).optimize));
    adaptSelect($("capacity-mode"), enumOf("/v1/capacity", paramNames("/v1/capacity", CAPACITY_CANDIDATES).mode));
    document.body.dataset.ready = "1";
  }
  start().catch((err) => {
    showError($("route-error"), err);
    document.body.dataset.ready = "error";
  });

  window.corridor = { map, layers, state };
})();
