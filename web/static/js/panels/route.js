// The route panel: from/to (typed, listed or picked on the map), the /v1/route choices, a
// departure time, a scenario; a comparison table of the routes (one column per measure), the
// routes on the map with hover highlight, the chosen route's crossings (with their times and
// waits when a departure is given) and transshipments. With "compare with baseline" on, it
// asks /v1/compare/route: the scenario's routes in colour over the baseline's (grey, dashed)
// and a before/after table of the best route's measures and crossings.

import { fieldsFor } from "../form.js";
import { h, put, titled } from "../dom.js";
import { changeClass, measure, nf1, signed, unitLabel } from "../format.js";
import { BASELINE } from "../colors.js";
import { midpoint } from "../layers.js";
import { queryForm } from "../panel.js";
import { scenarioFields } from "../scenario.js";

const PATH = "/v1/route";
const COMPARE_PATH = "/v1/compare/route";
const ROUTE_COLORS = ["#1d3557", "#e76f51", "#2a9d8f", "#8338ec", "#6d597a"];
const WAIT_COLOR = "#f4a261";

export default {
  id: "route",
  title: "Route",
  create(ctx) {
    const { spec, view, places, picker } = ctx;
    const layer = view.overlay("Routes");
    const marks = L.featureGroup().addTo(layer); // the shown route's crossings and waits
    view.legendSection("Routes", [
      { line: ROUTE_COLORS[0], label: "best" },
      { line: ROUTE_COLORS[1], label: "alternatives" },
      { line: BASELINE.color, dash: "dashed", label: "baseline (compare)" },
      { dot: WAIT_COLOR, label: "crossing, with its wait" },
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
    const scen = scenarioFields(ctx, { prefix: "route", path: PATH });
    const fields = [
      place("from", "From", "start"),
      place("to", "To", "destination"),
      [mode, f.choice("optimize", { label: "Optimize" }), f.count("alternatives", { label: "Alternatives", labels: { 0: "none" }, prefer: "2" })],
      [f.choice("alternatives_by", { label: "Alternatives by", labels: { route: "route", corridor: "transit corridor" } }), f.choice("cargo", { label: "Cargo", labels: { livestock: "livestock (veterinary borders)" } })],
      [f.flag("include_planned", { label: "include planned links" })],
      f.dateTime("depart", { label: "Depart (optional: border schedules apply)" }),
      f.checks("avoid_countries", { legend: "Avoid countries", items: places.countries }),
      scen.scenario,
    ];

    // Table columns: one per measure the route can be optimised for (`optimize`'s values),
    // read from the route property named after it (`time` → `time_h`, unit `h`).
    const measures = spec.enumOf(PATH, "optimize");
    const thead = h("thead");
    const tbody = h("tbody");
    const table = h("table", { id: "route-table", class: "results", hidden: true }, thead, tbody);
    const delta = h("div", { id: "route-delta", class: "detail" });
    const detail = h("div", { id: "route-detail", class: "detail" });
    let drawn = []; // [{ key, line, casing, baseWeight, row, style }]

    const clear = () => {
      layer.clearLayers();
      marks.clearLayers();
      marks.addTo(layer);
      view.layers.picks.clearLayers();
      drawn = [];
      table.hidden = true;
      put(thead);
      put(tbody);
      put(delta);
      put(detail);
    };

    function highlight(key) {
      for (const r of drawn) {
        const on = key == null || r.key === key;
        r.line.setStyle({ opacity: on ? r.style.opacity : 0.25, weight: r.baseWeight + (key != null && on ? 3 : 0) });
        if (r.casing) r.casing.setStyle({ opacity: on ? 0.9 : 0.2 });
        if (r.row) r.row.classList.toggle("hot", key != null && r.key === key);
        if (key != null && on) {
          if (r.casing) r.casing.bringToFront();
          r.line.bringToFront();
        }
      }
    }

    /** A marker at every crossing of `p`, labelled with its wait when it has one. */
    function drawCrossingMarks(p) {
      marks.clearLayers();
      const times = new Map((Array.isArray(p.border_times) ? p.border_times : []).map((b) => [b.crossing, b]));
      for (const id of Array.isArray(p.crossings) ? p.crossings : []) {
        const c = places.crossings.get(id);
        if (!c || !c.geometry || !Array.isArray(c.geometry.coordinates)) continue;
        const at = c.geometry.type === "Point" ? [c.geometry.coordinates[1], c.geometry.coordinates[0]] : midpoint(c.geometry.coordinates);
        const b = times.get(id);
        const wait = b && typeof b.wait_h === "number" ? b.wait_h : 0;
        const m = L.circleMarker(at, { pane: "marks", radius: wait > 0 ? 8 : 5, color: "#000", weight: 1.5, fillColor: wait > 0 ? WAIT_COLOR : "#fff", fillOpacity: 1, className: wait > 0 ? "wait-marker waiting" : "wait-marker" })
          .bindTooltip(() => titled(places.crossingName(id),
            b ? [`arrive ${shortTime(b.arrive)}`, `depart ${shortTime(b.depart)}`, `wait ${nf1.format(wait)} h, dwell ${nf1.format(b.dwell_h || 0)} h`] : ["crossing on this route"]));
        m.addTo(marks);
        // A label of its own (a marker has one tooltip, the hover one above).
        if (wait > 0) L.tooltip({ permanent: true, direction: "right", offset: [8, 0], className: "wait-label" }).setLatLng(at).setContent(h("span", null, `wait ${nf1.format(wait)} h`)).addTo(marks);
      }
    }

    function showDetail(p, columns) {
      const xs = Array.isArray(p.crossings) ? p.crossings : [];
      const ts = Array.isArray(p.transshipments) ? p.transshipments : [];
      const bt = Array.isArray(p.border_times) ? p.border_times : [];
      const list = (items) => (items.length ? h("ul", null, items.map((t) => h("li", null, t))) : h("div", null, "none"));
      const title = p.case ? `Route ${p.rank} (${p.case})` : `Route ${p.rank}`;
      put(detail,
        h("h3", null, title),
        h("div", null, columns.map((c) => `${measure(p[c.key])} ${c.unit}`).join(" · ")),
        p.arrive ? h("div", { id: "route-timing" }, `Depart ${shortTime(p.depart)} · arrive ${shortTime(p.arrive)} · waiting at borders ${nf1.format(p.wait_h || 0)} h`) : null,
        Array.isArray(p.countries) && p.countries.length ? h("div", null, `Countries: ${p.countries.join(" → ")}` + (p.corridor ? ` (corridor ${p.corridor})` : "")) : null,
        h("h3", null, `Border crossings (${xs.length})`),
        bt.length
          ? h("table", { id: "route-border-times", class: "results" },
            h("thead", null, h("tr", null, h("th", null, "crossing"), h("th", null, "arrive"), h("th", null, "depart"), h("th", { title: "waiting for the crossing to open" }, "wait h"), h("th", { title: "dwell at the border" }, "dwell h"), h("th", { title: "running over the crossing link" }, "travel h"))),
            h("tbody", null, bt.map((b) => h("tr", { class: b.wait_h > 0 ? "waiting" : null },
              h("td", null, places.crossingName(b.crossing)), h("td", null, shortTime(b.arrive)), h("td", null, shortTime(b.depart)),
              h("td", null, nf1.format(b.wait_h || 0)), h("td", null, nf1.format(b.dwell_h || 0)), h("td", null, nf1.format(b.travel_h || 0))))))
          : list(xs.map((id) => places.crossingName(id))),
        h("h3", null, `Transshipments (${ts.length})`), list(ts.map((t) => `${places.label(t.node)}: ${t.reason}`)));
      drawCrossingMarks(p);
    }

    /** The before/after table of a comparison's `delta` (the best route of each case). */
    function showDelta(d, scenarioName, columns) {
      const ms = d.measures || {};
      const keys = [...columns.map((c) => c.key).filter((k) => k in ms), ...Object.keys(ms).filter((k) => !columns.some((c) => c.key === k))];
      const unitOf = (k) => unitLabel(k.slice(k.indexOf("_") + 1));
      const cr = d.crossings || {};
      const names = (ids) => (Array.isArray(ids) && ids.length ? ids.map((id) => places.crossingName(id)).join(", ") : "none");
      const s = (ctx.scenarios || []).find((x) => x.name === scenarioName);
      put(delta,
        h("h3", null, `Best route: baseline → ${s ? s.title : scenarioName}`),
        h("table", { id: "route-delta-table", class: "results compare" },
          h("thead", null, h("tr", null, h("th", null, "measure"), h("th", null, "baseline"), h("th", null, "scenario"), h("th", null, "change"))),
          h("tbody", null, keys.map((k) => {
            const m = ms[k] || {};
            return h("tr", { dataset: { measure: k } },
              h("td", { title: k }, `${k.split("_")[0]} (${unitOf(k)})`),
              h("td", null, measure(m.baseline)), h("td", null, measure(m.scenario)),
              h("td", { class: changeClass(m.change) }, signed(m.change)));
          }))),
        h("table", { id: "route-delta-crossings", class: "results compare" },
          h("tbody", null,
            h("tr", { dataset: { crossings: "removed" } }, h("td", null, "crossings removed"), h("td", { class: "names" }, names(cr.removed))),
            h("tr", { dataset: { crossings: "added" } }, h("td", null, "crossings added"), h("td", { class: "names" }, names(cr.added))))),
        d.same_links ? h("div", null, "The scenario leaves the best route unchanged.") : null);
    }

    function drawRoute(g, key, { color, baseWeight, dash, opacity, label, columns, casing: withCasing }) {
      const p = g.properties;
      const style = { color, weight: baseWeight, opacity, dashArray: dash || null, className: dash ? "route-line route-baseline" : "route-line" };
      const casing = withCasing ? L.geoJSON(g, { interactive: false, style: () => ({ color: "#fff", weight: baseWeight + 4, opacity: 0.9, className: "route-casing" }) }) : null;
      const line = L.geoJSON(g, { style: () => style })
        .bindTooltip(() => h("span", null, `${label}: ${columns.slice(0, 2).map((c) => `${measure(p[c.key])} ${c.unit}`).join(", ")}`), { sticky: true })
        .on("mouseover", () => highlight(key))
        .on("mouseout", () => highlight(null))
        .on("click", () => showDetail(p, columns));
      if (casing) casing.addTo(layer);
      line.addTo(layer);
      drawn.push({ key, line, casing, baseWeight, color, dash, style, p });
    }

    function draw(fc) {
      clear();
      const comparing = fc.delta != null;
      const routesOf = (c) => fc.features
        .filter((g) => g.properties && g.properties.kind === "route" && (!comparing || g.properties.case === c))
        .sort((a, b) => (a.properties.rank || 0) - (b.properties.rank || 0));
      const routes = routesOf("scenario");
      const baseline = comparing ? routesOf("baseline") : [];
      if (!routes.length) {
        form.status("No route in the answer.");
        return;
      }
      const first = routes[0].properties;
      const columns = measureColumns(measures, first);
      const timed = routes.some((g) => g.properties.arrive);
      table.classList.toggle("wide", timed || comparing);
      put(thead, h("tr", null,
        h("th", null, "#"),
        columns.map((c) => h("th", { title: c.name }, c.unit)),
        timed ? [h("th", { title: "Arrival (departure's offset)" }, "arrive"), h("th", { title: "Waiting at closed crossings" }, "wait h")] : null,
        h("th", { title: "Border crossings" }, "borders"),
        h("th", { title: "Transshipments" }, "transfers")));
      // The baseline under the scenario; alternatives first, so that the best route is on top.
      for (const g of baseline.slice().reverse()) {
        const p = g.properties;
        drawRoute(g, `baseline:${p.rank}`, { color: BASELINE.color, dash: BASELINE.dashArray, baseWeight: p.rank === 1 ? 5 : 3.5, opacity: p.rank === 1 ? 0.9 : 0.6, label: `Baseline route ${p.rank}`, columns });
      }
      for (const g of routes.slice().reverse()) {
        const p = g.properties;
        const color = ROUTE_COLORS[Math.max(0, (p.rank || 1) - 1) % ROUTE_COLORS.length];
        drawRoute(g, `${comparing ? "scenario" : "route"}:${p.rank}`, { color, baseWeight: p.rank === 1 ? 6 : 4.5, opacity: 0.95, label: comparing ? `Scenario route ${p.rank}` : `Route ${p.rank}`, columns, casing: true });
      }
      const order = (r) => (r.key.startsWith("baseline") ? 100 : 0) + (r.p.rank || 0);
      drawn.sort((a, b) => order(a) - order(b));
      for (const r of drawn) {
        const p = r.p;
        const xs = Array.isArray(p.crossings) ? p.crossings : [];
        const ts = Array.isArray(p.transshipments) ? p.transshipments : [];
        const isBase = r.key.startsWith("baseline");
        const swatch = h("span", { class: "swatch", style: isBase ? { background: "none", borderTop: `3px dashed ${r.color}`, height: "0" } : { background: r.color } });
        r.row = h("tr", { class: isBase ? "baseline-row" : null, dataset: comparing ? { case: p.case } : null, on: { mouseenter: () => highlight(r.key), mouseleave: () => highlight(null), click: () => showDetail(p, columns) } },
          h("td", null, swatch, comparing ? `${p.rank} ${isBase ? "base" : "scen"}` : String(p.rank)),
          columns.map((c) => h("td", null, measure(p[c.key]))),
          timed ? [h("td", { title: shortTime(p.arrive) }, shortTime(p.arrive).slice(5, 16)), h("td", null, nf1.format(p.wait_h || 0))] : null,
          h("td", { title: xs.map((id) => places.crossingName(id)).join(", ") }, String(xs.length)),
          h("td", { title: ts.map((t) => `${places.label(t.node)}: ${t.reason}`).join("; ") }, String(ts.length)));
        tbody.append(r.row);
      }
      for (const g of fc.features.filter((s) => s.properties && s.properties.kind === "snap" && s.geometry && s.geometry.type === "Point")) {
        if (comparing && g.properties.case === "baseline") continue; // the same snap twice
        const [lon, lat] = g.geometry.coordinates;
        L.circleMarker([lat, lon], { radius: 5, color: "#000", weight: 1.5, fillColor: "#ffd166", fillOpacity: 1, className: "snap-point" })
          .bindTooltip(() => h("span", null, `snapped: ${places.label(g.properties.node || g.properties.id || "")}`))
          .addTo(layer);
      }
      table.hidden = false;
      if (comparing) showDelta(fc.delta, fc.scenario, columns);
      showDetail(first, columns);
      view.fitVisible(layer.getBounds());
      const n = routes.length;
      form.status(comparing
        ? `${n} scenario route${n === 1 ? "" : "s"} over ${baseline.length} baseline (grey, dashed).`
        : (n === 1 ? "1 route." : `${n} routes: hover a row to highlight its route.`) + fewerWhy(fc));
    }

    const form = queryForm(ctx, {
      id: "route", path: () => (scen.comparing() ? COMPARE_PATH : PATH), fields,
      submitLabel: "Find routes", busy: "Searching…", draw, clear,
    });
    // Long tables scroll inside the panel rather than overflowing it.
    form.element.append(h("div", { class: "table-wrap", style: { overflowX: "auto", maxWidth: "100%" } }, table), delta, detail);
    return { element: form.element, layer };
  },
};

/** Why fewer alternatives came back than asked: the limits, and the corridors they cut. */
function fewerWhy(fc) {
  const q = fc.query || {};
  const asked = q.alternatives || 0;
  const found = fc.alternatives_found || 0;
  if (!asked || found >= asked) return "";
  const cut = (fc.corridors || []).filter((c) => c.status !== "shown");
  const corridors = cut.length
    ? ` Corridors cut: ${cut.map((c) => `${c.corridor} ×${c.stretch} (${c.status === "beyond_max_stretch" ? "beyond max_stretch" : "beyond alternatives"})`).join(", ")}.`
    : "";
  return ` ${found} of ${asked} alternatives: the others are more than ${q.max_stretch}× the best route` +
    (q.alternatives_by === "corridor" ? " or no further corridor exists." : ` or share more than ${q.max_sharing} of their length with a better one.`) + corridors;
}

/** "2027-07-10 08:00 +06:00" from an RFC 3339 time (as the server wrote it, its offset kept). */
function shortTime(t) {
  if (typeof t !== "string") return "–";
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(t);
  return m ? `${m[1]} ${m[2]}${m[3] ? ` ${m[3] === "Z" ? "UTC" : m[3]}` : ""}` : t;
}

/**
 * The measure columns of the table: for each measure name (`time`), the route property
 * `time_<unit>` (`co2` → `co2e_kg_per_t`: CO2-equivalent). Without the names (an undocumented `optimize`), every numeric property with a
 * unit suffix except `rank`.
 */
function measureColumns(names, props) {
  const keys = Object.keys(props);
  const pairs = names
    ? names.map((name) => [name, keys.find((k) => (k.startsWith(`${name}_`) || k.startsWith(`${name}e_`)) && typeof props[k] === "number")])
    : keys.filter((k) => k !== "rank" && k !== "wait_h" && k.includes("_") && typeof props[k] === "number").map((k) => [k.split("_")[0], k]);
  return pairs
    .filter(([, key]) => key)
    .map(([name, key]) => ({ name, key, unit: unitLabel(key.slice(key.indexOf("_") + 1)) }));
}
