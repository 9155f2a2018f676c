// The base layers: the offline basemap of country borders (/v1/boundaries), rail by gauge and
// roads by class from the vector tiles (/style.json), places (markers from /v1/network while
// the network is small, tiles beyond), and border crossings sized by capacity
// (/v1/crossings), with their tooltips, popups and legend sections. The legend's colours are
// the style's (src/output/tiles.rs `style`).

import { h, titled } from "./dom.js";
import { nf0, nf1, num, tonnes } from "./format.js";

const GAUGE_COLORS = { 1520: "#c0392b", 1435: "#2471a3" };
const ROAD_STYLES = {
  motorway: { color: "#d35400", weight: 4 },
  trunk: { color: "#e67e22", weight: 3.4 },
  primary: { color: "#e6b800", weight: 2.8 },
  secondary: { color: "#9aa0a6", weight: 2.2 },
  track: { color: "#a1887f", weight: 1.6, dashArray: "4 4" },
};
const ROAD_DEFAULT = { color: "#b0b0b0", weight: 2 };
const CROSSING_COLORS = { rail: "#6a1b9a", road: "#2e7d32" };
const IN_SERVICE = new Set(["open", "seasonal"]);

// Where to write country names (a polygon's bounds centre is useless for Russia).
const COUNTRY_LABELS = { RU: [58, 96], MN: [46.6, 103], CN: [34, 104], KZ: [48.3, 67.5], KG: [41.5, 74.5], UZ: [41.6, 63.5], KP: [40.3, 127] };

/** The point halfway along a line's vertices, as Leaflet [lat, lon]. */
export function midpoint(coords) {
  if (coords.length === 2) return [(coords[0][1] + coords[1][1]) / 2, (coords[0][0] + coords[1][0]) / 2];
  const c = coords[Math.floor(coords.length / 2)];
  return [c[1], c[0]];
}

/**
 * Draws everything loaded at start and the legend sections for it. `style` is /style.json:
 * rail, roads (and places when `network` is absent) come from the vector tiles. `network`,
 * loaded only while the network is small enough to list, gives the place markers (clickable
 * for the picker, with popups); crossings are drawn from /v1/crossings (a few hundred at most:
 * one per border crossing, whatever the network's size) with their full popups.
 */
export function drawBase(view, { boundaries, network, crossings, style, bounds }, places) {
  if (boundaries) drawBoundaries(view, boundaries);
  const glMap = view.drawTiles(style, { hidden: network ? ["crossings", "places"] : ["crossings"] });
  if (network) drawPlaces(view, places);
  else tilePlacePopups(view, glMap);
  tileLineTooltips(view, glMap);
  if (!places.nodes.size && Array.isArray(bounds) && bounds.length === 4) {
    view.map.fitBounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]], { maxZoom: 6, animate: false });
  }
  drawCrossings(view, crossings);
  view.legendSection("Rail", [
    { line: GAUGE_COLORS[1520], label: "1520 mm (RU, MN, KZ)" },
    { line: GAUGE_COLORS[1435], label: "1435 mm (CN)" },
    { line: "#888", dash: "dashed", label: "planned / under construction" },
  ]);
  view.legendSection("Roads", [
    ...["motorway", "trunk", "primary", "secondary"].map((c) => ({ line: ROAD_STYLES[c].color, label: c })),
    { line: ROAD_STYLES.track.color, dash: "dashed", label: "track" },
  ]);
  view.legendSection("Border crossings", [
    { dot: CROSSING_COLORS.rail, size: 10, label: "rail" },
    { dot: CROSSING_COLORS.road, size: 10, label: "road" },
    { dot: "#999", size: 16, label: "size ∝ capacity" },
  ]);
}

function drawBoundaries(view, fc) {
  L.geoJSON(fc, {
    pane: "boundaries",
    interactive: false,
    style: (f) => ({ color: "#8d8d8d", weight: 1, fillColor: f.properties.core ? "#f7f3ea" : "#e9e9e9", fillOpacity: 1 }),
  }).addTo(view.layers.boundaries);
  for (const f of fc.features) {
    const at = COUNTRY_LABELS[f.properties.iso_a2];
    if (!at) continue;
    L.tooltip({ permanent: true, direction: "center", className: "country-label", interactive: false })
      .setLatLng(at)
      .setContent(h("span", null, f.properties.name || f.properties.iso_a2))
      .addTo(view.layers.boundaries);
  }
}

function drawPlaces(view, places) {
  for (const f of places.nodes.values()) {
    const p = f.properties;
    const [lon, lat] = f.geometry.coordinates;
    const major = p.kind === "city" || p.kind === "port";
    const kind = String(p.kind).replace("_", " ");
    L.circleMarker([lat, lon], {
      pane: "places", placeId: p.id, radius: major ? 4.5 : 3, color: "#1d2733", weight: 1.2,
      fillColor: major ? "#fff" : "#ddd", fillOpacity: 1,
    })
      .bindTooltip(() => h("span", null, p.name_local ? `${p.name} · ${p.name_local}` : p.name), { direction: "top", offset: [0, -4] })
      .bindPopup(() => titled(p.name,
        [p.country, kind, (p.modes || []).join(" + "), p.intermodal ? "intermodal" : ""].filter(Boolean).join(" · "),
        h("code", null, p.id)))
      .addTo(view.layers.places);
  }
  if (places.nodes.size) {
    const pts = [...places.nodes.values()].map((f) => [f.geometry.coordinates[1], f.geometry.coordinates[0]]);
    view.map.fitBounds(L.latLngBounds(pts).pad(0.08), { maxZoom: 6, animate: false });
  }
}

/**
 * On a network too large to list, places are drawn by the tiles: a click on one (when no
 * picker is armed) opens a popup with the fields its tile carries.
 */
function tilePlacePopups(view, glMap) {
  view.map.on("click", (e) => {
    if (document.body.classList.contains("picking") || !glMap.getLayer("places")) return;
    const p = glMap.project([e.latlng.lng, e.latlng.lat]);
    const hit = glMap.queryRenderedFeatures([[p.x - 5, p.y - 5], [p.x + 5, p.y + 5]], { layers: ["places"] })[0];
    if (!hit) return;
    const q = hit.properties;
    L.popup()
      .setLatLng(e.latlng)
      .setContent(titled(q.name, [q.country, String(q.kind || "").replace("_", " ")].filter(Boolean).join(" · ")))
      .openOn(view.map);
  });
}

/** MapLibre style layers of the tiled lines (`rail`, `road` and their not-in-service twins). */
const LINE_LAYERS = ["rail", "rail-planned", "road", "road-planned"];

/**
 * Hover tooltips on the tiled rail lines and roads, as the GeoJSON lines had: the MapLibre
 * map draws without input of its own, so the Leaflet map's `mousemove` asks it for the line
 * rendered under the pointer (`queryRenderedFeatures`, ±4 px, once per animation frame) and
 * shows its name and what its tile carries. Lines the panels draw above (routes, flows) keep
 * their own tooltips.
 */
function tileLineTooltips(view, glMap) {
  const tip = L.tooltip({ sticky: true, direction: "top", offset: [0, -6], className: "tile-line-tip" });
  let pending = null;
  let shown = null;
  const hide = () => {
    if (shown) view.map.closeTooltip(tip);
    shown = null;
  };
  const probe = (e) => {
    pending = null;
    const over = e.originalEvent && e.originalEvent.target;
    if (over && over.closest && over.closest(".leaflet-interactive, .leaflet-marker-icon")) return hide();
    const layers = LINE_LAYERS.filter((id) => glMap.getLayer(id) && glMap.getLayoutProperty(id, "visibility") !== "none");
    if (!layers.length) return hide();
    const p = glMap.project([e.latlng.lng, e.latlng.lat]);
    const hit = glMap.queryRenderedFeatures([[p.x - 4, p.y - 4], [p.x + 4, p.y + 4]], { layers })[0];
    if (!hit) return hide();
    const q = hit.properties || {};
    const rail = hit.sourceLayer === "rail";
    const bits = [
      rail ? "rail" : "road",
      rail ? (q.gauge ? `${q.gauge} mm` : "") : q.class || "",
      q.ref || "",
      q.status,
      rail && q.electrified ? "electrified" : "",
      typeof q.capacity === "number" ? tonnes(q.capacity) : "",
    ].filter(Boolean);
    const key = `${hit.sourceLayer}/${q.id}`;
    tip.setLatLng(e.latlng);
    if (shown !== key) {
      tip.setContent(titled(q.name || q.id, bits.join(" · ")));
      if (!shown) view.map.openTooltip(tip);
      shown = key;
    }
  };
  view.map.on("mousemove", (e) => {
    if (pending) pending.e = e;
    else {
      pending = { e };
      requestAnimationFrame(() => pending && probe(pending.e));
    }
  });
  view.map.on("mouseout zoomstart movestart", () => {
    pending = null;
    hide();
  });
}

function crossingRadius(p) {
  const t = p.capacity_tpy;
  if (typeof t !== "number" || !(t > 0)) return 5;
  return Math.max(5, Math.min(22, 4 + 2.4 * Math.sqrt(t / 1e6)));
}

/** Readable labels of a capacity's `capacity_basis`. */
export const BASIS_LABELS = {
  design: "design capacity (published)",
  throughput: "published throughput (lower bound)",
  estimate: "estimate (derived)",
};

const capacityText = (c) => (c && typeof c.value === "number" ? `${nf0.format(c.value)} ${c.unit}` : "");

function crossingPopup(p) {
  let cap = "unknown";
  if (p.capacity && typeof p.capacity.value === "number") {
    cap = capacityText(p.capacity);
    if (p.capacity.unit !== "t/yr" && typeof p.capacity_tpy === "number") cap += ` ≈ ${tonnes(p.capacity_tpy)}`;
    if (p.capacity_forward && p.capacity_backward) {
      const [a, b] = [p.from_name || p.from, p.to_name || p.to];
      cap += `; ${a} → ${b}: ${capacityText(p.capacity_forward)}; ${b} → ${a}: ${capacityText(p.capacity_backward)}`;
    }
  }
  const basis = p.capacity_basis ? BASIS_LABELS[p.capacity_basis] || p.capacity_basis : "–";
  const rows = [
    ["Countries", Array.isArray(p.countries) ? p.countries.join(" → ") : ""],
    ["Between", `${p.from_name || p.from} – ${p.to_name || p.to}`],
    ["Mode", p.mode],
    ["Status", p.status],
    ["Dwell", typeof p.dwell_h === "number" ? `${num(p.dwell_h, nf1)} h` : "–"],
    ["Hours", p.hours],
    ["Veterinary", p.veterinary ? "yes" : "no"],
    ["Capacity", cap],
    ["Basis", basis],
    ["How", p.capacity_note || "–"],
    ["Source", p.source],
  ];
  return h("div", null,
    h("strong", null, p.name || p.id),
    h("table", null, rows.map(([k, v]) => h("tr", null, h("td", null, k), h("td", null, v == null ? "" : String(v))))));
}

function drawCrossings(view, fc) {
  for (const f of fc.features) {
    const p = f.properties;
    const color = CROSSING_COLORS[p.mode] || "#555";
    const live = IN_SERVICE.has(p.status);
    L.geoJSON(f, { style: () => ({ color, weight: 4, opacity: 0.8, dashArray: live ? null : "4 4" }) }).addTo(view.layers.crossings);
    L.circleMarker(midpoint(f.geometry.coordinates), {
      pane: "crossings", radius: crossingRadius(p), color: "#fff", weight: 1.5,
      fillColor: color, fillOpacity: live ? 0.85 : 0.3, className: "crossing-symbol",
    })
      .bindPopup(() => crossingPopup(p), { maxWidth: 320 })
      .bindTooltip(() => h("span", null, p.name || p.id), { direction: "top" })
      .addTo(view.layers.crossings);
  }
}
