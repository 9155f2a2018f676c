// The matrix panel: hours (and km, $/t, CO2e) from every source to every destination
// (GET /v1/matrix), one table row per source. With a departure (`depart`), each cell is timed
// through the crossings' hours and holidays as a timed route is: the table shows each cell's
// arrival and its wait at closed crossings, and the answer's echoed departure.

import { fieldsFor } from "../form.js";
import { h, put, titled } from "../dom.js";
import { measure, nf1 } from "../format.js";
import { queryForm } from "../panel.js";

const PATH = "/v1/matrix";
const SOURCE_COLOR = "#1d3557";
const DESTINATION_COLOR = "#e76f51";

export default {
  id: "matrix",
  title: "Matrix",
  create(ctx) {
    const { spec, view, places } = ctx;
    const layer = view.overlay("Matrix");
    view.legendSection("Matrix", [
      { dot: SOURCE_COLOR, label: "source (row)" },
      { dot: DESTINATION_COLOR, label: "destination (column)" },
    ]);
    const f = fieldsFor(spec, PATH, "matrix");

    /** A comma list of places, each name sent as its id (anything else as typed). */
    const placeList = (name, label, ids) => {
      if (!spec.documents(PATH, name)) console.error(`${PATH} documents no parameter '${name}'`);
      const control = h("input", { id: `matrix-${name}`, name, type: "text", required: true, value: ids.map((i) => places.displayName(i)).join(", "), placeholder: "place, place, …" });
      return {
        name,
        control,
        element: h("label", null, label, control),
        read: () => {
          const items = control.value.split(",").map((t) => t.trim()).filter(Boolean);
          return items.length ? items.map((t) => places.resolve(t) || t).join(",") : null;
        },
      };
    };
    const fields = [
      placeList("sources", "From (comma list: the rows)", ["kz-almaty", "ru-irkutsk"]),
      placeList("destinations", "To (comma list: the columns)", ["mn-ulaanbaatar", "cn-beijing"]),
      [f.choice("mode", { label: "Mode", labels: { any: "rail + road", rail: "rail only", road: "road only" } }), f.choice("optimize", { label: "Optimize" })],
      f.dateTime("depart", { label: "Depart (optional: border schedules apply)" }),
      f.checks("avoid_countries", { legend: "Avoid countries", items: places.countries }),
    ];
    const result = h("div", { id: "matrix-result", class: "detail" });
    const clear = () => {
      layer.clearLayers();
      put(result);
    };

    function draw(m) {
      clear();
      const q = m.query || {};
      const timed = Array.isArray(m.arrive);
      const cell = (i, j) => {
        const t = m.time_h && m.time_h[i] ? m.time_h[i][j] : null;
        if (t == null) return h("td", { class: "none", title: "no route under these options" }, "–");
        const lines = [`${measure(t)} h`];
        if (timed && m.arrive[i][j]) {
          lines.push(h("br"), h("span", { class: "arrive" }, m.arrive[i][j].slice(0, 16).replace("T", " ")));
          const w = m.wait_h[i][j];
          if (w > 0) lines.push(h("br"), h("span", { class: "wait" }, `wait ${nf1.format(w)} h`));
        }
        const title = [`${measure(m.distance_km[i][j])} km`, `${measure(m.cost_usd_per_t[i][j])} $/t`, `${m.crossings[i][j]} border crossing(s)`].join(" · ");
        const dataset = timed ? { time: String(t), wait: String(m.wait_h[i][j]) } : { time: String(t) };
        return h("td", { title, dataset }, lines);
      };
      const name = (p) => places.label(p.id) || p.name || p.id;
      put(result,
        q.depart ? h("div", { id: "matrix-clock" }, `Leaving at ${q.depart}: hours include waits at closed crossings; each cell shows its arrival.`) : null,
        h("div", { class: "table-wrap" },
          h("table", { id: "matrix-table", class: "results compare" },
            h("thead", null, h("tr", null, h("th", null, "from \\ to"), m.destinations.map((d) => h("th", null, name(d))))),
            h("tbody", null, m.sources.map((s, i) => h("tr", { dataset: { source: s.id } }, h("td", null, name(s)), m.destinations.map((_, j) => cell(i, j))))))),
        h("div", { class: "muted" }, `Each cell: the route ${q.measure ? `of least ${q.measure}` : ""} from its row's place to its column's, as /v1/route gives it; hover for km, $/t and crossings.`));
      const mark = (p, color, what) => {
        const n = places.nodes.get(p.id);
        if (!n) return;
        const [lon, lat] = n.geometry.coordinates;
        L.circleMarker([lat, lon], { radius: 7, color: "#fff", weight: 2, fillColor: color, fillOpacity: 1, className: "matrix-place" })
          .bindTooltip(() => titled(name(p), what))
          .addTo(layer);
      };
      m.sources.forEach((s) => mark(s, SOURCE_COLOR, "source"));
      m.destinations.forEach((d) => mark(d, DESTINATION_COLOR, "destination"));
      if (layer.getLayers().length) view.fitVisible(layer.getBounds());
    }

    const form = queryForm(ctx, { id: "matrix", path: PATH, fields, submitLabel: "Show matrix", busy: "Searching…", draw, clear });
    form.element.append(result);
    return { element: form.element, layer };
  },
};
