// The route panel: from/to (typed, listed or picked on the map), the /v1/route choices, a
// comparison table of the routes (one column per measure), the routes on the map with hover
// highlight, and the chosen route's crossings and transshipments.

import { fieldsFor } from "../form.js";
import { h, put } from "../dom.js";
import { measure, unitLabel } from "../format.js";
import { queryForm } from "../panel.js";

const PATH = "/v1/route";
const ROUTE_COLORS = ["#1d3557", "#e76f51", "#2a9d8f", "#8338ec", "#6d597a"];

export default {
  id: "route",
  title: "Route",
  create(ctx) {
    const { spec, view, places, picker } = ctx;
    const layer = view.overlay("Routes");
    view.legendSection("Routes", [
      { line: ROUTE_COLORS[0], label: "best" },
      { line: ROUTE_COLORS[1], label: "alternatives" },
    ]);
    const f = fieldsFor(spec, PATH, "route");
    const mode = f.choice("mode", { label: "Mode", labels: { any: "rail + road", rail: "rail only", road: "road only" } });
    const pick = (noun) => (input) => picker.button(input, {
      noun,
      mode: () => mode.control.value,
      status: (t) => form.status(t),
      onError: (err) => form.error(err),
    });
    const place = (name, label, noun) => f.place(name, { label, list: "places", placeholder: "place name", resolve: (t) => places.resolve(t), picker: pick(noun) });
    const fields = [
      place("from", "From", "start"),
      place("to", "To", "destination"),
      [mode, f.choice("optimize", { label: "Optimize" }), f.count("alternatives", { label: "Alternatives", labels: { 0: "none" }, prefer: "2" })],
      [f.choice("cargo", { label: "Cargo", labels: { livestock: "livestock (veterinary borders)" } }), f.flag("include_planned", { label: "include planned links" })],
      f.checks("avoid_countries", { legend: "Avoid countries", items: places.countries }),
    ];

    // Table columns: one per measure the route can be optimised for (`optimize`'s values),
    // read from the route property named after it (`time` → `time_h`, unit `h`).
    const measures = spec.enumOf(PATH, "optimize");
    const thead = h("thead");
    const tbody = h("tbody");
    const table = h("table", { id: "route-table", class: "results", hidden: true }, thead, tbody);
    const detail = h("div", { id: "route-detail", class: "detail" });
    let drawn = []; // [{ rank, line, casing, baseWeight, row }]

    const clear = () => {
      layer.clearLayers();
      view.layers.picks.clearLayers();
      drawn = [];
      table.hidden = true;
      put(thead);
      put(tbody);
      put(detail);
    };

    function highlight(rank) {
      for (const r of drawn) {
        const on = rank == null || r.rank === rank;
        r.line.setStyle({ opacity: on ? 0.95 : 0.3, weight: r.baseWeight + (rank != null && on ? 3 : 0) });
        r.casing.setStyle({ opacity: on ? 0.9 : 0.2 });
        if (r.row) r.row.classList.toggle("hot", rank != null && r.rank === rank);
        if (rank != null && on) {
          r.casing.bringToFront();
          r.line.bringToFront();
        }
      }
    }

    function showDetail(p, columns) {
      const xs = Array.isArray(p.crossings) ? p.crossings : [];
      const ts = Array.isArray(p.transshipments) ? p.transshipments : [];
      const list = (items) => (items.length ? h("ul", null, items.map((t) => h("li", null, t))) : h("div", null, "none"));
      put(detail,
        h("h3", null, `Route ${p.rank}`),
        h("div", null, columns.map((c) => `${measure(p[c.key])} ${c.unit}`).join(" · ")),
        Array.isArray(p.countries) && p.countries.length ? h("div", null, `Countries: ${p.countries.join(" → ")}`) : null,
        h("h3", null, `Border crossings (${xs.length})`), list(xs.map((id) => places.crossingName(id))),
        h("h3", null, `Transshipments (${ts.length})`), list(ts.map((t) => `${places.label(t.node)}: ${t.reason}`)));
    }

    function draw(fc) {
      clear();
      const routes = fc.features
        .filter((g) => g.properties && g.properties.kind === "route")
        .sort((a, b) => (a.properties.rank || 0) - (b.properties.rank || 0));
      if (!routes.length) {
        form.status("No route in the answer.");
        return;
      }
      const columns = measureColumns(measures, routes[0].properties);
      put(thead, h("tr", null,
        h("th", null, "#"),
        columns.map((c) => h("th", { title: c.name }, c.unit)),
        h("th", { title: "Border crossings" }, "borders"),
        h("th", { title: "Transshipments" }, "transfers")));
      // Alternatives first, so that the best route is drawn on top.
      for (const g of routes.slice().reverse()) {
        const p = g.properties;
        const color = ROUTE_COLORS[Math.max(0, (p.rank || 1) - 1) % ROUTE_COLORS.length];
        const baseWeight = p.rank === 1 ? 6 : 4.5;
        const casing = L.geoJSON(g, { interactive: false, style: () => ({ color: "#fff", weight: baseWeight + 4, opacity: 0.9, className: "route-casing" }) });
        const line = L.geoJSON(g, { style: () => ({ color, weight: baseWeight, opacity: 0.95, className: "route-line" }) })
          .bindTooltip(() => h("span", null, `Route ${p.rank}: ${columns.slice(0, 2).map((c) => `${measure(p[c.key])} ${c.unit}`).join(", ")}`), { sticky: true })
          .on("mouseover", () => highlight(p.rank))
          .on("mouseout", () => highlight(null))
          .on("click", () => showDetail(p, columns));
        casing.addTo(layer);
        line.addTo(layer);
        drawn.push({ rank: p.rank, line, casing, baseWeight, color, p });
      }
      drawn.sort((a, b) => a.rank - b.rank);
      for (const r of drawn) {
        const p = r.p;
        const xs = Array.isArray(p.crossings) ? p.crossings : [];
        const ts = Array.isArray(p.transshipments) ? p.transshipments : [];
        r.row = h("tr", { on: { mouseenter: () => highlight(p.rank), mouseleave: () => highlight(null), click: () => showDetail(p, columns) } },
          h("td", null, h("span", { class: "swatch", style: { background: r.color } }), String(p.rank)),
          columns.map((c) => h("td", null, measure(p[c.key]))),
          h("td", { title: xs.map((id) => places.crossingName(id)).join(", ") }, String(xs.length)),
          h("td", { title: ts.map((t) => `${places.label(t.node)}: ${t.reason}`).join("; ") }, String(ts.length)));
        tbody.append(r.row);
      }
      for (const g of fc.features.filter((s) => s.properties && s.properties.kind === "snap" && s.geometry && s.geometry.type === "Point")) {
        const [lon, lat] = g.geometry.coordinates;
        L.circleMarker([lat, lon], { radius: 5, color: "#000", weight: 1.5, fillColor: "#ffd166", fillOpacity: 1, className: "snap-point" })
          .bindTooltip(() => h("span", null, `snapped: ${places.label(g.properties.node || g.properties.id || "")}`))
          .addTo(layer);
      }
      table.hidden = false;
      showDetail(routes[0].properties, columns);
      view.fitVisible(layer.getBounds());
      form.status(routes.length === 1 ? "1 route." : `${routes.length} routes: hover a row to highlight its route.`);
    }

    const form = queryForm(ctx, { id: "route", path: PATH, fields, submitLabel: "Find routes", busy: "Searching…", draw, clear });
    form.element.append(table, detail);
    return { element: form.element, layer };
  },
};

/**
 * The measure columns of the table: for each measure name (`time`), the route property
 * `time_<unit>` (`co2` → `co2e_kg_per_t`: CO2-equivalent). Without the names (an undocumented `optimize`), every numeric property with a
 * unit suffix except `rank`.
 */
function measureColumns(names, props) {
  const keys = Object.keys(props);
  const pairs = names
    ? names.map((name) => [name, keys.find((k) => (k.startsWith(`${name}_`) || k.startsWith(`${name}e_`)) && typeof props[k] === "number")])
    : keys.filter((k) => k !== "rank" && k.includes("_") && typeof props[k] === "number").map((k) => [k.split("_")[0], k]);
  return pairs
    .filter(([, key]) => key)
    .map(([name, key]) => ({ name, key, unit: unitLabel(key.slice(key.indexOf("_") + 1)) }));
}
