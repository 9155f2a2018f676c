// The reach panel: where a place gets to (or who gets to it) within budgets of one measure
// (GET /v1/reach): the contours as nested areas, the links reached. With a scenario and
// "compare with baseline" it asks /v1/reach twice (there is no compare endpoint for reach):
// the baseline's contours grey and dashed under the scenario's, and the places reached within
// each budget before and after. With a time (budgets in hours): a departure outwards
// (`depart`, values in hours after it) or an arrival deadline inwards (`arrive_by`, values the
// latest departures in hours before it), both through the crossings' hours and holidays.

import { getJson } from "../api.js";
import { fieldsFor } from "../form.js";
import { h, put, titled } from "../dom.js";
import { BASELINE } from "../colors.js";
import { measure, nf0, unitLabel } from "../format.js";
import { queryForm } from "../panel.js";
import { scenarioFields } from "../scenario.js";

const PATH = "/v1/reach";
const CONTOUR_COLORS = ["#0b4f6c", "#01baef", "#20bf55", "#f9c80e", "#f86624"];
// Budgets to start from when the measure changes (the user edits them freely).
const EXAMPLE_BUDGETS = { time: "24,48,72", distance: "500,1000,2000", cost: "50,100,200", co2: "20,40,80" };

export default {
  id: "reach",
  title: "Reach",
  create(ctx) {
    const { spec, view, places } = ctx;
    const layer = view.overlay("Reach");
    view.legendSection("Reach", [
      { dot: CONTOUR_COLORS[0], label: "within the first budget" },
      { dot: CONTOUR_COLORS[2], label: "within a larger budget" },
      { line: BASELINE.color, dash: "dashed", label: "baseline contour (compare)" },
    ]);
    const f = fieldsFor(spec, PATH, "reach");
    const measureField = f.choice("measure", { label: "Within" });
    const contours = {
      name: "contours",
      control: h("input", { id: "reach-contours", name: "contours", type: "text", value: EXAMPLE_BUDGETS[measureField.control.value] || EXAMPLE_BUDGETS.time, required: true }),
    };
    contours.element = h("label", null, "Budgets (comma list, up to 5)", contours.control);
    contours.read = () => contours.control.value.replace(/\s+/g, "") || null;
    if (!spec.documents(PATH, "contours")) console.error(`${PATH} documents no parameter 'contours'`);
    measureField.control.addEventListener("change", () => {
      const ex = EXAMPLE_BUDGETS[measureField.control.value];
      if (ex) contours.control.value = ex;
    });
    const scen = scenarioFields(ctx, { prefix: "reach", path: PATH });
    const direction = f.choice("direction", { label: "Direction", labels: { from: "from the place", to: "to the place" } });
    // The clock: a departure outwards, a deadline inwards; only for budgets in hours. The
    // field that does not apply is hidden and not sent.
    const depart = f.dateTime("depart", { label: "Depart (optional: border schedules apply)" });
    const arriveBy = f.dateTime("arrive_by", { label: "Arrive by (optional: border schedules apply)" });
    const timed = (field, dir) => ({
      ...field,
      read: () => (direction.control.value === dir && measureField.control.value === "time" ? field.read() : null),
    });
    const syncClock = () => {
      const hours = measureField.control.value === "time";
      depart.element.hidden = !(hours && direction.control.value !== "to");
      arriveBy.element.hidden = !(hours && direction.control.value === "to");
    };
    direction.control.addEventListener("change", syncClock);
    measureField.control.addEventListener("change", syncClock);
    syncClock();
    const fields = [
      f.place("from", { label: "Place", list: "places", placeholder: "place name", value: places.displayName("mn-ulaanbaatar"), resolve: (t) => places.resolve(t) }),
      [direction, measureField, f.choice("mode", { label: "Mode", labels: { any: "rail + road", rail: "rail only", road: "road only" } })],
      contours,
      timed(depart, "from"),
      timed(arriveBy, "to"),
      f.checks("avoid_countries", { legend: "Avoid countries", items: places.countries }),
      scen.scenario,
    ];
    const result = h("div", { id: "reach-result", class: "detail" });
    const clear = () => {
      layer.clearLayers();
      put(result);
    };

    /** The contours of one answer, largest first so that the smaller ones lie on top. */
    const contoursOf = (fc) => fc.features
      .filter((g) => g.properties && g.properties.kind === "contour")
      .sort((a, b) => b.properties.budget - a.properties.budget);

    function draw(answer) {
      clear();
      const comparing = answer.baseline != null;
      const fc = comparing ? answer.scenario : answer;
      const mine = contoursOf(fc);
      const budgets = mine.map((g) => g.properties.budget).sort((a, b) => a - b);
      const colorOf = (b) => CONTOUR_COLORS[Math.max(0, budgets.indexOf(b)) % CONTOUR_COLORS.length];
      const unit = unitOf(mine[0]);
      for (const g of fc.features.filter((x) => x.properties && x.properties.kind === "reach_link")) {
        L.geoJSON(g, { interactive: false, style: () => ({ color: "#1d3557", weight: 1.5, opacity: 0.45, className: "reach-link" }) }).addTo(layer);
      }
      for (const g of mine) {
        const p = g.properties;
        L.geoJSON(g, { style: () => ({ color: colorOf(p.budget), weight: 2, fillColor: colorOf(p.budget), fillOpacity: 0.18, className: "reach-contour" }) })
          .bindTooltip(() => titled(`Within ${measure(p.budget)} ${unit}`, `${nf0.format(p.nodes || 0)} places`), { sticky: true })
          .addTo(layer);
      }
      const base = comparing ? contoursOf(answer.baseline) : [];
      for (const g of base) {
        L.geoJSON(g, { interactive: false, style: () => ({ color: BASELINE.color, weight: 2.5, dashArray: BASELINE.dashArray, fill: false, className: "reach-baseline" }) }).addTo(layer);
      }
      const nodesAt = (list, b) => {
        const g = list.find((x) => x.properties.budget === b);
        return g ? g.properties.nodes : null;
      };
      const origin = fc.origin && fc.origin.id ? places.label(fc.origin.id) : "";
      const q = fc.query || {};
      const clock = q.depart
        ? `Leaving at ${q.depart}: hours after departure, waits at closed crossings included.`
        : q.arrive_by
          ? `Arriving by ${q.arrive_by}: the latest departure from each place, in hours before it, waits at closed crossings included.`
          : null;
      const reached = fc.features.filter((x) => x.properties && x.properties.kind === "reach_node" && x.properties.node !== (fc.origin && fc.origin.id));
      put(result,
        h("h3", null, `${direction.control.value === "to" ? "Reaching" : "Reached from"} ${origin}`),
        clock ? h("div", { id: "reach-clock" }, clock) : null,
        h("table", { id: "reach-table", class: "results" },
          h("thead", null, h("tr", null, h("th", null, `within (${unit})`),
            comparing ? [h("th", null, "places, baseline"), h("th", null, "places, scenario")] : h("th", null, "places"))),
          h("tbody", null, budgets.map((b) => h("tr", null,
            h("td", null, h("span", { class: "swatch", style: { background: colorOf(b) } }), measure(b)),
            comparing ? h("td", null, String(nodesAt(base, b) ?? "–")) : null,
            h("td", null, String(nodesAt(mine, b) ?? "–")))))),
        h("div", { class: "muted" }, comparing
          ? "Scenario contours in colour over the baseline's (grey, dashed); places: nodes reached within each budget."
          : "Contours: the area around the places reached within each budget; thin lines: links reached."),
        reached.length ? h("details", null, h("summary", null, `Places reached (${reached.length})`),
          h("table", { id: "reach-places", class: "results compare" },
            h("thead", null, h("tr", null, h("th", null, "place"), h("th", null, q.arrive_by ? `leave before (${unit})` : `value (${unit})`))),
            h("tbody", null, reached.map((g) => h("tr", { dataset: { node: g.properties.node } },
              h("td", null, places.label(g.properties.node) || g.properties.name), h("td", null, measure(g.properties.value))))))) : null);
      if (layer.getLayers().length) view.fitVisible(layer.getBounds());
    }

    async function send(q) {
      if (!scen.comparing()) return getJson(PATH, q);
      const baseQ = new URLSearchParams(q);
      baseQ.delete("scenario");
      const [baseline, scenario] = await Promise.all([getJson(PATH, baseQ), getJson(PATH, q)]);
      return { baseline, scenario };
    }

    const form = queryForm(ctx, { id: "reach", path: PATH, fields, submitLabel: "Show reach", busy: "Searching…", draw, clear, send });
    form.element.append(result);
    return { element: form.element, layer };
  },
};

/** The unit of a contour's budget, from its measure property (`time_h` → `h`). */
function unitOf(g) {
  if (!g) return "";
  const key = Object.keys(g.properties).find((k) => k !== "budget" && k.includes("_") && g.properties[k] === g.properties.budget);
  return key ? unitLabel(key.slice(key.indexOf("_") + 1)) : g.properties.measure || "";
}
