// Place names on the map, where they fit: after every zoom or pan the places in view are
// labelled in order of importance (cities and ports, then terminals, border points, the rest;
// within a kind, places with more links first), each label placed right, left, above
// or below its place and kept only if it overlaps no label already placed. Zooming in makes
// room, so more places are named.

import { h } from "./dom.js";

const FONT = /* when it cannot be measured */ "600 12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const RANK = { city: 0, port: 0, terminal: 1, border_point: 2, station: 3, junction: 4 };
const LINE_H = 18; // a label's height when it cannot be measured
const GAP = 6; // between the place and its label: Leaflet's tooltip margin for each direction
const PAD = 2; // around each label

/**
 * Labels the places of `places` on `view`, as the overlay "Place names". `network` (the
 * FeatureCollection of /v1/network) ranks places of one kind by their number of links: hubs
 * are named first.
 */
export function labelPlaces(view, places, network) {
  const degree = new Map();
  for (const f of network.features) {
    const p = f.properties || {};
    if (!f.geometry || f.geometry.type === "Point") continue;
    for (const end of [p.from, p.to]) if (end) degree.set(end, (degree.get(end) || 0) + 1);
  }
  const map = view.map;
  map.createPane("labels").style.zIndex = 500;
  const group = L.layerGroup().addTo(map);
  view.control.addOverlay(group, "Place names");
  // Measure with the font and height a label really gets (the tooltip styles decide them).
  const probe = h("div", { class: "leaflet-tooltip place-label", style: { visibility: "hidden", position: "absolute" } }, "Mg");
  map.getContainer().append(probe);
  const font = getComputedStyle(probe).font || FONT;
  const lineH = probe.offsetHeight || LINE_H;
  probe.remove();
  const ctx2d = document.createElement("canvas").getContext("2d");
  ctx2d.font = font;
  const items = [...places.nodes.values()]
    .map((f) => ({
      id: f.properties.id,
      text: f.properties.name,
      latlng: L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]),
      rank: RANK[f.properties.kind] ?? 5,
      width: Math.ceil(ctx2d.measureText(f.properties.name || "").width) + 2,
      degree: degree.get(f.properties.id) || 0,
    }))
    .filter((it) => it.text)
    .sort((a, b) => a.rank - b.rank || b.degree - a.degree || a.text.localeCompare(b.text));

  function layout() {
    group.clearLayers();
    if (!map.hasLayer(group)) return;
    const size = map.getSize();
    const taken = [];
    const free = (r) => r.x0 >= 0 && r.y0 >= 0 && r.x1 <= size.x && r.y1 <= size.y
      && !taken.some((t) => r.x0 < t.x1 && r.x1 > t.x0 && r.y0 < t.y1 && r.y1 > t.y0);
    // Nothing under the map's controls (zoom, layer switcher, legend, scale) or country names.
    const box = map.getContainer().getBoundingClientRect();
    for (const el of map.getContainer().querySelectorAll(".leaflet-control, .country-label")) {
      const r = el.getBoundingClientRect();
      if (r.width && r.height) taken.push({ x0: r.left - box.left, y0: r.top - box.top, x1: r.right - box.left, y1: r.bottom - box.top });
    }
    // Every place's own dot is kept clear too, so that a label never hides another place.
    const dots = items.map((it) => map.latLngToContainerPoint(it.latlng));
    for (const p of dots) taken.push({ x0: p.x - 4, y0: p.y - 4, x1: p.x + 4, y1: p.y + 4 });
    items.forEach((it, i) => {
      const p = dots[i];
      const w = it.width;
      const candidates = [
        { dir: "right", r: { x0: p.x + GAP, y0: p.y - lineH / 2, x1: p.x + GAP + w, y1: p.y + lineH / 2 } },
        { dir: "left", r: { x0: p.x - GAP - w, y0: p.y - lineH / 2, x1: p.x - GAP, y1: p.y + lineH / 2 } },
        { dir: "top", r: { x0: p.x - w / 2, y0: p.y - GAP - lineH, x1: p.x + w / 2, y1: p.y - GAP } },
        { dir: "bottom", r: { x0: p.x - w / 2, y0: p.y + GAP, x1: p.x + w / 2, y1: p.y + GAP + lineH } },
      ];
      const fit = candidates.find((c) => free(c.r));
      if (!fit) return;
      taken.push({ x0: fit.r.x0 - PAD, y0: fit.r.y0 - PAD, x1: fit.r.x1 + PAD, y1: fit.r.y1 + PAD });
      L.tooltip({ permanent: true, direction: fit.dir, offset: [0, 0], className: "place-label", interactive: false, pane: "labels" })
        .setLatLng(it.latlng)
        .setContent(h("span", { dataset: { place: it.id } }, it.text))
        .addTo(group);
    });
  }
  map.on("zoomend moveend overlayadd", layout);
  layout();
  return group;
}
