// The capacity panel: maximum flow between places or countries (/v1/capacity), links coloured
// by utilisation and sized by flow, the bottleneck (minimum cut) dashed and ringed, paths
// without capacity data, and transfer points.

import { fieldsFor } from "../form.js";
import { h, put, titled } from "../dom.js";
import { nf0, tonnes } from "../format.js";
import { midpoint } from "../layers.js";
import { queryForm } from "../panel.js";

const PATH = "/v1/capacity";
const CUT_COLOR = "#e63946";
const UNBOUNDED_COLOR = "#d81b60";
const UTIL_STOPS = [[0, [42, 157, 143]], [0.5, [233, 196, 106]], [1, [230, 57, 70]]];

/** The colour of a link used to fraction `u` of its capacity (green → amber → red). */
function utilColor(u) {
  const x = Math.max(0, Math.min(1, typeof u === "number" ? u : 0));
  let i = 0;
  while (i < UTIL_STOPS.length - 2 && x > UTIL_STOPS[i + 1][0]) i++;
  const [a, ca] = UTIL_STOPS[i];
  const [b, cb] = UTIL_STOPS[i + 1];
  const t = (x - a) / (b - a);
  return `rgb(${ca.map((v, k) => Math.round(v + t * (cb[k] - v))).join(",")})`;
}

const rgb = (c) => `rgb(${c.join(",")})`;

export default {
  id: "capacity",
  title: "Capacity",
  create(ctx) {
    const { spec, view, places } = ctx;
    const layer = view.overlay("Capacity");
    view.legendSection("Capacity", [
      { ramp: UTIL_STOPS.map(([, c]) => rgb(c)), label: ["use", "full"] },
      { line: CUT_COLOR, dash: "dashed", label: "bottleneck cut" },
      { line: UNBOUNDED_COLOR, dash: "dotted", label: "no capacity data" },
    ]);
    const f = fieldsFor(spec, PATH, "capacity");
    const place = (name, label, value) => f.place(name, {
      label, value, list: "places-and-countries", placeholder: `country (e.g. ${value}) or place`,
      resolve: (t) => places.resolvePlaceOrCountry(t),
    });
    const fields = [
      place("from", "From", "MN"),
      place("to", "To", "CN"),
      [
        f.choice("mode", { label: "Mode", labels: { any: "rail + road", rail: "rail only", road: "road only" } }),
        f.choice("cargo", { label: "Cargo", labels: { livestock: "livestock (veterinary borders)" } }),
        f.flag("include_planned", { label: "include planned links" }),
      ],
    ];
    const result = h("div", { id: "capacity-result", class: "detail" });
    const clear = () => {
      layer.clearLayers();
      put(result);
    };

    function draw(fc) {
      clear();
      const of = (kind) => fc.features.filter((g) => g.properties && g.properties.kind === kind);
      const flows = of("flow");
      const maxFlow = flows.reduce((m, g) => Math.max(m, g.properties.flow_tpy || 0), 0) || 1;
      for (const g of flows) {
        const p = g.properties;
        L.geoJSON(g, { style: () => ({ color: utilColor(p.utilization), weight: 2 + 7 * Math.sqrt((p.flow_tpy || 0) / maxFlow), opacity: 0.9, className: "flow-line" }) })
          .bindTooltip(() => titled(places.linkName(p),
            `flow ${tonnes(p.flow_tpy)} of ${tonnes(p.capacity_tpy)}` + (typeof p.utilization === "number" ? ` (${nf0.format(p.utilization * 100)}%)` : "")), { sticky: true })
          .addTo(layer);
      }
      for (const g of of("unbounded_path")) {
        L.geoJSON(g, { style: () => ({ color: UNBOUNDED_COLOR, weight: 7, opacity: 0.9, dashArray: "2 9", lineCap: "round", className: "flow-line" }) })
          .bindTooltip(() => h("span", null, `No capacity data: ${places.linkName(g.properties)}`), { sticky: true })
          .addTo(layer);
      }
      for (const g of of("transfer").filter((t) => t.geometry && t.geometry.type === "Point")) {
        const [lon, lat] = g.geometry.coordinates;
        L.circleMarker([lat, lon], { radius: 6, color: "#000", weight: 1.5, fillColor: "#ffd166", fillOpacity: 1 })
          .bindTooltip(() => h("span", null, `Transfer at ${g.properties.name || g.properties.node_id}: ${tonnes(g.properties.flow_tpy)}`))
          .addTo(layer);
      }
      const cutRows = of("cut").map((g) => {
        const p = g.properties;
        const tip = () => h("div", null, h("strong", null, "Bottleneck:"), ` ${places.linkName(p)}`, h("br"), `capacity ${tonnes(p.capacity_tpy)}`);
        const line = L.geoJSON(g, { pane: "cuts", style: () => ({ color: CUT_COLOR, weight: 9, opacity: 0.85, dashArray: "10 6", className: "cut-line" }) })
          .bindTooltip(tip, { sticky: true })
          .addTo(layer);
        // A ring marks the cut where the link itself is too short to see.
        L.circleMarker(midpoint(g.geometry.coordinates), { pane: "cuts", radius: 15, color: CUT_COLOR, weight: 3, fill: false, dashArray: "5 4", className: "cut-ring" })
          .bindTooltip(tip)
          .addTo(layer);
        const row = h("tr", null, h("td", null, places.linkName(p)), h("td", null, tonnes(p.capacity_tpy)));
        row.addEventListener("mouseenter", () => {
          line.setStyle({ weight: 13, opacity: 1 });
          line.bringToFront();
          row.classList.add("hot");
        });
        row.addEventListener("mouseleave", () => {
          line.setStyle({ weight: 9, opacity: 0.85 });
          row.classList.remove("hot");
        });
        return row;
      });
      const mf = fc.max_flow || {};
      const value = typeof mf.value === "number" ? (mf.unit === "t/yr" || !mf.unit ? tonnes(mf.value) : `${nf0.format(mf.value)} ${mf.unit}`) : "–";
      put(result,
        h("div", null, "Maximum flow"),
        h("div", { class: "big" }, mf.unbounded ? "unbounded" : value),
        mf.unbounded && mf.detail ? h("div", null, mf.detail) : null,
        cutRows.length ? [
          h("h3", null, "Bottleneck (minimum cut)"),
          h("table", { class: "results" },
            h("thead", null, h("tr", null, h("th", null, "link"), h("th", null, "capacity"))),
            h("tbody", null, cutRows)),
        ] : null,
        h("div", { class: "muted" }, "Line colour: utilisation of each link by the maximum flow; width: flow."));
      if (layer.getLayers().length) view.fitVisible(layer.getBounds());
    }

    const form = queryForm(ctx, { id: "capacity", path: PATH, fields, submitLabel: "Compute max flow", busy: "Computing…", draw, clear });
    form.element.append(result);
    return { element: form.element, layer };
  },
};
