// The capacity panel: maximum flow between places or countries (/v1/capacity), links coloured
// by utilisation and sized by flow, the bottleneck (minimum cut) dashed and ringed, paths
// without capacity data, and transfer points. With a scenario and "compare with baseline" it
// asks /v1/compare/capacity: the scenario's flows and cut in colour over the baseline's flows
// (grey, dashed), the baseline's cut links that left the cut greyed, and a before/after table
// of the maximum flow and of the cut links that changed.

import { fieldsFor } from "../form.js";
import { h, put, titled } from "../dom.js";
import { BASELINE, UTIL_STOPS, rgb, utilColor } from "../colors.js";
import { changeClass, nf0, tonnes } from "../format.js";
import { BASIS_LABELS, midpoint } from "../layers.js";
import { queryForm } from "../panel.js";
import { scenarioFields } from "../scenario.js";

const PATH = "/v1/capacity";
const COMPARE_PATH = "/v1/compare/capacity";
const CUT_COLOR = "#e63946";
const UNBOUNDED_COLOR = "#d81b60";
export default {
  id: "capacity",
  title: "Capacity",
  create(ctx) {
    const { spec, view, places } = ctx;
    const layer = view.overlay("Capacity");
    view.legendSection("Capacity", [
      { ramp: UTIL_STOPS.map(([, c]) => rgb(c)), label: ["use", "full"] },
      { line: CUT_COLOR, label: "bottleneck cut" },
      { line: "#555", label: "published capacity (design, throughput)" },
      { line: "#555", dash: "dashed", label: "estimated capacity" },
      { line: UNBOUNDED_COLOR, dash: "dotted", label: "no capacity data" },
      { line: BASELINE.color, dash: "dashed", label: "baseline flow / cut (compare)" },
    ]);
    const f = fieldsFor(spec, PATH, "capacity");
    const scen = scenarioFields(ctx, { prefix: "capacity", path: PATH });
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
      f.checks("avoid_countries", { legend: "Avoid countries", items: places.countries }),
      scen.scenario,
    ];
    const result = h("div", { id: "capacity-result", class: "detail" });
    const clear = () => {
      layer.clearLayers();
      put(result);
    };

    function drawFlows(flows, baseline) {
      const maxFlow = flows.reduce((m, g) => Math.max(m, g.properties.flow_tpy || 0), 0) || 1;
      for (const g of flows) {
        const p = g.properties;
        const width = 2 + 7 * Math.sqrt((p.flow_tpy || 0) / maxFlow);
        // Estimated capacities are dashed, published ones (design, throughput) solid; the
        // baseline of a comparison is grey and dashed under the scenario.
        const est = p.capacity_basis === "estimate";
        const style = baseline
          ? { color: BASELINE.color, weight: width + 3, opacity: 0.55, dashArray: BASELINE.dashArray, className: "flow-baseline" }
          : { color: utilColor(p.utilization), weight: width, opacity: 0.9, dashArray: est ? "8 6" : null, className: est ? "flow-line estimated" : "flow-line" };
        L.geoJSON(g, { style: () => style })
          .bindTooltip(() => titled((baseline ? "Baseline: " : "") + places.linkName(p),
            `flow ${tonnes(p.flow_tpy)} of ${tonnes(p.capacity_tpy)}` + (typeof p.utilization === "number" ? ` (${nf0.format(p.utilization * 100)}%)` : "") +
            (p.capacity_basis ? `; capacity: ${BASIS_LABELS[p.capacity_basis] || p.capacity_basis}` : "")), { sticky: true })
          .addTo(layer);
      }
    }

    /** The cut links drawn on the map; returns `{ id → line }`. */
    function drawCut(cuts, baseline) {
      const lines = new Map();
      for (const g of cuts) {
        const p = g.properties;
        const est = p.capacity_basis === "estimate";
        const basis = p.capacity_basis ? BASIS_LABELS[p.capacity_basis] || p.capacity_basis : "";
        const tip = () => h("div", null, h("strong", null, baseline ? "Baseline bottleneck, no longer in the cut:" : "Bottleneck:"), ` ${places.linkName(p)}`, h("br"), `capacity ${tonnes(p.capacity_tpy)}` + (basis ? ` (${basis})` : ""));
        const color = baseline ? BASELINE.color : CUT_COLOR;
        // Estimated capacities are dashed, published ones (design, throughput) solid.
        const dash = baseline ? BASELINE.dashArray : est ? "10 6" : null;
        const cls = baseline ? "cut-baseline" : est ? "cut-line estimated" : "cut-line";
        const line = L.geoJSON(g, { pane: "cuts", style: () => ({ color, weight: 9, opacity: 0.85, dashArray: dash, className: cls }) })
          .bindTooltip(tip, { sticky: true })
          .addTo(layer);
        // A ring marks the cut where the link itself is too short to see.
        L.circleMarker(midpoint(g.geometry.coordinates), { pane: "cuts", radius: 15, color, weight: 3, fill: false, dashArray: "5 4", className: baseline ? "cut-ring-baseline" : "cut-ring" })
          .bindTooltip(tip)
          .addTo(layer);
        lines.set(linkId(p), line);
      }
      return lines;
    }

    /** A table row that highlights `line` on hover. */
    function hoverRow(row, line) {
      if (!line) return row;
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
    }

    function draw(fc) {
      clear();
      const comparing = fc.delta != null;
      const of = (kind, c = "scenario") => fc.features.filter((g) => g.properties && g.properties.kind === kind && (!comparing || g.properties.case === c));
      if (comparing) drawFlows(of("flow", "baseline"), true);
      drawFlows(of("flow"), false);
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
      const cuts = of("cut");
      const cutLines = drawCut(cuts, false);
      if (comparing) {
        // The baseline's cut links that left the cut, greyed, so the shift of the bottleneck shows.
        const still = new Set(cuts.map((g) => linkId(g.properties)));
        const gone = of("cut", "baseline").filter((g) => !still.has(linkId(g.properties)));
        for (const [id, line] of drawCut(gone, true)) cutLines.set(id, line);
        put(result, ...compareResult(fc, cutLines));
      } else {
        put(result, ...plainResult(fc, cuts, cutLines));
      }
      if (layer.getLayers().length) view.fitVisible(layer.getBounds());
    }

    function plainResult(fc, cuts, cutLines) {
      const cutRows = cuts.map((g) => {
        const p = g.properties;
        return hoverRow(h("tr", null, h("td", null, places.linkName(p)), h("td", null, tonnes(p.capacity_tpy)), h("td", null, p.capacity_basis || "–")), cutLines.get(linkId(p)));
      });
      const mf = fc.max_flow || {};
      return [
        h("div", null, "Maximum flow"),
        h("div", { class: "big" }, mf.unbounded ? "unbounded" : flowValue(mf.value, mf.unit)),
        mf.unbounded && mf.detail ? h("div", null, mf.detail) : null,
        transitResult(fc.transit),
        cutRows.length ? [
          h("h3", null, "Bottleneck (minimum cut)"),
          h("table", { class: "results" },
            h("thead", null, h("tr", null, h("th", null, "link"), h("th", null, "capacity"), h("th", null, "basis"))),
            h("tbody", null, cutRows)),
        ] : null,
        h("div", { class: "muted" }, "Line colour: utilisation of each link by the maximum flow; width: flow; dashed: estimated capacity, solid: published (design or throughput)."),
      ];
    }

    /** Where the flow goes: the figure without third countries, the flow by corridor (transit flagged) and the assumption. */
    function transitResult(t) {
      if (!t || t.direct_tpy == null) return null;
      const rows = (t.by_corridor || []).map((c) => h("tr", null, h("td", null, c.corridor), h("td", null, tonnes(c.flow_tpy)),
        h("td", null, c.transit_countries.length ? `transit via ${c.transit_countries.join(", ")}` : "direct")));
      return h("div", { id: "capacity-transit" },
        h("div", null, `Direct (${(t.end_countries || []).join(", ")} only): `, h("b", { dataset: { tpy: String(t.direct_tpy) } }, tonnes(t.direct_tpy)),
          t.through_third_countries_tpy > 0 ? `; through third countries: ${tonnes(t.through_third_countries_tpy)}` : ""),
        rows.length ? h("div", { class: "table-wrap", style: { overflowX: "auto", maxWidth: "100%" } }, h("table", { class: "results" },
          h("thead", null, h("tr", null, h("th", null, "corridor"), h("th", null, "flow"), h("th", null, ""))),
          h("tbody", null, rows))) : null,
        t.through_third_countries_tpy > 0 ? h("div", { class: "muted" }, `Assumption: ${t.assumption}.`) : null);
    }

    /** The before/after tables of a comparison: the maximum flow, and every cut link's fate. */
    function compareResult(fc, cutLines) {
      const d = fc.delta || {};
      const mf = { unit: d.unit, ...(d.max_flow || {}) };
      const cut = d.cut || {};
      const s = (ctx.scenarios || []).find((x) => x.name === fc.scenario);
      // Capacities of the cut links in each case, from the features (the changed list wins).
      const capOf = { baseline: new Map(), scenario: new Map() };
      for (const g of fc.features) {
        const p = g.properties || {};
        if (p.kind === "cut" && capOf[p.case]) capOf[p.case].set(linkId(p), p.capacity_tpy);
      }
      const changed = new Map((Array.isArray(cut.changed) ? cut.changed : []).map((c) => [c.link, c]));
      for (const [id, c] of changed) {
        capOf.baseline.set(id, c.baseline_tpy);
        capOf.scenario.set(id, c.scenario_tpy);
      }
      const added = new Set(cut.added || []);
      const removed = new Set(cut.removed || []);
      const ids = [...new Set([...(cut.baseline || []), ...(cut.scenario || [])])];
      const fate = (id) => (added.has(id) ? "added" : removed.has(id) ? "removed" : changed.has(id) ? "changed" : "same");
      const rank = { removed: 0, added: 1, changed: 2, same: 3 };
      ids.sort((a, b) => rank[fate(a)] - rank[fate(b)]);
      const name = (id) => places.linkName(featureProps(fc, id) || { link_id: id });
      const cell = (v, c) => h("td", { dataset: { case: c, tpy: typeof v === "number" ? String(v) : "" } }, v == null ? "unbounded" : flowValue(v, mf.unit));
      return [
        h("h3", null, `Maximum flow: baseline → ${s ? s.title : fc.scenario}`),
        h("table", { id: "capacity-delta", class: "results compare" },
          h("thead", null, h("tr", null, h("th", null, ""), h("th", null, "baseline"), h("th", null, "scenario"), h("th", null, "change"))),
          h("tbody", null, h("tr", null, h("td", null, "max flow"), cell(mf.baseline, "baseline"), cell(mf.scenario, "scenario"),
            h("td", { class: changeClass(typeof mf.change === "number" ? -mf.change : null), dataset: { tpy: typeof mf.change === "number" ? String(mf.change) : "" } },
              typeof mf.change === "number" ? (mf.change > 0 ? "+" : mf.change < 0 ? "−" : "") + flowValue(Math.abs(mf.change), mf.unit) : "–")))),
        ids.length ? [
          h("h3", null, "Bottleneck (minimum cut), before and after"),
          h("table", { id: "capacity-cut-delta", class: "results" },
            h("thead", null, h("tr", null, h("th", null, "link"), h("th", null, "cut"), h("th", null, "before"), h("th", null, "after"))),
            h("tbody", null, ids.map((id) => hoverRow(
              h("tr", { dataset: { link: id, fate: fate(id) } },
                h("td", null, name(id)), h("td", { class: fate(id) === "removed" ? "less" : fate(id) === "added" ? "more" : null }, fate(id)),
                h("td", null, capOf.baseline.has(id) ? tonnes(capOf.baseline.get(id)) : "–"),
                h("td", null, capOf.scenario.has(id) ? tonnes(capOf.scenario.get(id)) : "–")),
              cutLines.get(id))))),
        ] : null,
        h("div", { class: "muted" }, "Scenario flows coloured by utilisation over the baseline's flows (grey, dashed); the baseline's cut links no longer in the cut are grey. Capacities are the cut links' capacities in each case."),
      ];
    }

    const form = queryForm(ctx, { id: "capacity", path: () => (scen.comparing() ? COMPARE_PATH : PATH), fields, submitLabel: "Compute max flow", busy: "Computing…", draw, clear });
    form.element.append(result);
    return { element: form.element, layer };
  },
};

/** A link feature's id (flow and cut features carry `link_id`). */
function linkId(p) {
  return p.link_id || p.id;
}

/** The properties of any feature of `fc` about link `id` (for its name). */
function featureProps(fc, id) {
  const g = fc.features.find((x) => x.properties && linkId(x.properties) === id);
  return g ? g.properties : null;
}

/** A flow figure in `unit` (t/yr written as Mt/yr or kt/yr). */
function flowValue(v, unit) {
  if (typeof v !== "number") return "–";
  return unit === "t/yr" || !unit ? tonnes(v) : `${nf0.format(v)} ${unit}`;
}
