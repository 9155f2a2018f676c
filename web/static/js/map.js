// The Leaflet map (vendored, loaded as the global `L`): panes, the base layer groups, the
// layer switcher, the scale and the legend. The network itself is drawn from the service's
// vector tiles by MapLibre GL JS inside the Leaflet map (`MapView.drawTiles`, through the
// MapLibre org's Leaflet binding), so its size no longer matters to the page; the panels'
// answers stay GeoJSON drawn by Leaflet above it. Panels add their own overlay and legend
// section through `MapView.overlay` and `MapView.legendSection`.

import { maplibreGL } from "/assets/maplibre/leaflet-maplibre-gl.mjs";
import { h } from "./dom.js";

const FIT_MAX_ZOOM = 7;

export class MapView {
  constructor(el) {
    const map = L.map(el, { minZoom: 2, maxZoom: 13, zoomSnap: 0.5 }).setView([47, 100], 4);
    this.map = map;
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.addAttribution("Borders: Natural Earth");
    map.createPane("boundaries").style.zIndex = 250;
    map.createPane("network").style.zIndex = 300; // the tiles: above the borders, under answers
    map.createPane("places").style.zIndex = 470;
    map.createPane("crossings").style.zIndex = 480;
    map.createPane("cuts").style.zIndex = 490; // a bottleneck stays above crossing symbols
    map.createPane("marks").style.zIndex = 495; // a route's crossings and waits, above the symbols

    this.layers = {
      boundaries: L.layerGroup(),
      roads: L.layerGroup(),
      rail: L.layerGroup(),
      crossings: L.layerGroup(),
      places: L.featureGroup(), // a feature group: clicks on places reach the picker
      picks: L.layerGroup(),
    };
    for (const g of Object.values(this.layers)) g.addTo(map);

    this.control = L.control.layers(null, {
      "Rail (by gauge)": this.layers.rail,
      "Roads (by class)": this.layers.roads,
      "Border crossings": this.layers.crossings,
      "Places": this.layers.places,
    }, { collapsed: false, position: "topright" }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);

    this.legendBody = h("details", { open: true }, h("summary", null, "Legend"));
    const legend = L.control({ position: "bottomright" });
    legend.onAdd = () => {
      const d = h("div", { class: "legend" }, this.legendBody);
      L.DomEvent.disableClickPropagation(d);
      L.DomEvent.disableScrollPropagation(d);
      return d;
    };
    legend.addTo(map);
  }

  /**
   * Draws the network from the service's vector tiles: `style` is /style.json as served. Its
   * background is dropped (the country borders lie beneath) and the tile layers whose
   * `source-layer` is in `hidden` are not drawn (the page draws those itself). The switcher's
   * Rail, Roads and Places entries show and hide the tile layers of `rail`, `road` and
   * `places`. Returns the MapLibre map (for `queryRenderedFeatures`).
   */
  drawTiles(style, { hidden = [] } = {}) {
    const layers = style.layers.filter((l) => l.type !== "background" && !hidden.includes(l["source-layer"]));
    this.gl = maplibreGL({ style: { ...style, layers }, pane: "network", interactive: false }).addTo(this.map);
    const glMap = this.gl.getMaplibreMap();
    const bind = (group, sourceLayer) => {
      const ids = layers.filter((l) => l["source-layer"] === sourceLayer).map((l) => l.id);
      if (!ids.length) return;
      const show = (v) => {
        const apply = () => ids.forEach((id) => glMap.setLayoutProperty(id, "visibility", v));
        if (glMap.isStyleLoaded()) apply(); else glMap.once("load", apply);
      };
      group.on("add", () => show("visible")).on("remove", () => show("none"));
    };
    bind(this.layers.rail, "rail");
    bind(this.layers.roads, "road");
    bind(this.layers.places, "places");
    return glMap;
  }

  /** A new feature group shown on the map and listed in the layer switcher as `name`. */
  overlay(name) {
    const g = L.featureGroup().addTo(this.map);
    this.control.addOverlay(g, name);
    return g;
  }

  /**
   * Appends a legend section. Items: `{line: color, label, dash: "dashed"|"dotted"}`,
   * `{dot: color, size, label}`, `{ramp: [from, to], label: [low, high]}`. Returns the
   * section's element (a panel's sections are shown while the panel is active).
   */
  legendSection(title, items) {
    const section = h("div", { class: "legend-section" }, h("h4", null, title), items.map(legendItem));
    this.legendBody.append(section);
    return section;
  }

  /** Zooms to `bounds`, keeping clear of the legend in the bottom-right corner. */
  fitVisible(bounds) {
    if (!bounds || !bounds.isValid()) return;
    const legendEl = this.map.getContainer().querySelector(".legend");
    const right = legendEl ? legendEl.offsetWidth + 24 : 24;
    this.map.fitBounds(bounds, { paddingTopLeft: [24, 24], paddingBottomRight: [right, 24], maxZoom: FIT_MAX_ZOOM });
  }
}

function legendItem(it) {
  if (it.line) {
    return h("div", null, h("span", { class: "line", style: { borderTopColor: it.line, borderTopStyle: it.dash || "solid" } }), it.label);
  }
  if (it.dot) {
    const size = `${it.size || 10}px`;
    return h("div", null, h("span", { class: "dot", style: { background: it.dot, width: size, height: size } }), it.label);
  }
  if (it.ramp) {
    return h("div", null, it.label[0], h("span", { class: "ramp", style: { background: `linear-gradient(90deg, ${it.ramp.join(", ")})` } }), it.label[1]);
  }
  return h("div", null, it.label);
}
