// The assignment panel: a demand set the server ships (GET /v1/demand) or demands pasted as
// JSON, assigned over the network within link capacities (POST /v1/assign). Link loads are
// drawn coloured by utilisation and sized by flow, with served and unserved tonnes. With a
// scenario and "compare with baseline" it asks POST /v1/compare/assign: every loaded link
// coloured by its change in utilisation (blue fell, red rose), served and unserved tonnes
// before and after, and the links whose utilisation crossed 80% or 100%.
//
// On a large network (`ctx.large`: the page loads no network and draws it from tiles) a demand
// set the server ships is not answered as GeoJSON of every loaded link: the link loads are
// drawn from the service's utilisation tiles (/tiles/{z}/{x}/{y}.mvt?layer=utilisation&demand=
// NAME[&scenario=S], styled by /style.json with the same parameters) by MapLibre under the
// answers. The tiles take a demand set and a scenario only, so the default mode and planned
// links are not offered there; pasted demands and comparisons still ask POST /v1/assign and
// /v1/compare/assign.

import { getJson, postJson } from "../api.js";
import { h, put, titled } from "../dom.js";
import { CHANGE_STOPS, UTIL_STOPS, changeColor, rgb, utilColor } from "../colors.js";
import { changeClass, nf0, tonnes } from "../format.js";
import { queryForm } from "../panel.js";
import { scenarioFields } from "../scenario.js";

const PATH = "/v1/assign";
const COMPARE_PATH = "/v1/compare/assign";
const PASTE = "(paste)";
const EXAMPLE = '[{"from": "ru-irkutsk", "to": "mn-ulaanbaatar", "tonnes_per_year": 500000, "mode": "rail"}]';
/** The MapLibre source of the utilisation tiles; its layers are the style's, ids prefixed. */
const TILE_SOURCE = "assign-utilisation";
const TILE_PREFIX = "assign-";

export default {
  id: "assign",
  title: "Assign",
  create(ctx) {
    const { spec, view, places } = ctx;
    const layer = view.overlay("Assignment");
    view.legendSection("Assignment", [
      { ramp: UTIL_STOPS.map(([, c]) => rgb(c)), label: ["use", "full"] },
      { ramp: CHANGE_STOPS.map(([, c]) => rgb(c)), label: ["fell", "rose"] },
    ]);
    const sets = Array.isArray(ctx.demandSets) ? ctx.demandSets : [];

    // Demands: a shipped set by name, or pasted JSON (an array of demands, or a whole body).
    const demand = h("select", { id: "assign-demand", name: "demand" },
      sets.map((s) => h("option", { value: s.name, title: s.description || "" }, s.title || s.name)),
      h("option", { value: PASTE }, "paste demands (JSON)…"));
    const pasted = h("textarea", { id: "assign-demands", name: "demands", placeholder: EXAMPLE, hidden: true, spellcheck: "false" });
    const about = h("div", { id: "assign-demand-about", class: "hint" });
    const syncDemand = () => {
      const s = sets.find((x) => x.name === demand.value);
      pasted.hidden = s != null;
      put(about, s ? `${s.description || ""} ${Array.isArray(s.demands) ? s.demands.length : "?"} demands, ${tonnes(s.total_tpy)} in all.` : "An array of demands {from, to, tonnes_per_year, mode?, cargo?}, or a whole request body.");
    };
    demand.addEventListener("change", syncDemand);
    syncDemand();

    // The default mode of the demands: the body's documented choices, else the capacity
    // endpoint's (the same mode), else free text.
    const modes = bodyEnum(spec, PATH, "mode") || spec.enumOf("/v1/capacity", "mode") || spec.enumOf("/v1/route", "mode");
    const modeLabels = { any: "rail + road", rail: "rail only", road: "road only" };
    const mode = modes
      ? h("select", { id: "assign-mode", name: "mode" }, h("option", { value: "" }, "as each demand says"), modes.map((m) => h("option", { value: m }, modeLabels[m] || m)))
      : h("input", { id: "assign-mode", name: "mode", type: "text", placeholder: "as each demand says" });
    const planned = h("input", { id: "assign-include_planned", type: "checkbox" });
    if (ctx.large) {
      // The utilisation tiles assign a demand set as it is written.
      mode.disabled = true;
      planned.disabled = true;
    }
    const scen = scenarioFields(ctx, { prefix: "assign", path: null });
    const none = () => null; // the body is built by `send`
    const fields = [
      { name: "demand", element: h("div", { class: "demand-field" }, h("label", { htmlFor: demand.id }, "Demand", demand), about, pasted), read: none },
      [{ name: "mode", element: h("label", null, "Default mode", mode), read: none },
        { name: "include_planned", element: h("label", { class: "inline" }, planned, " include planned links"), read: none }],
      { ...scen.scenario, read: none },
    ];

    function body() {
      let out = {};
      if (demand.value === PASTE) {
        let parsed;
        try {
          parsed = JSON.parse(pasted.value);
        } catch (e) {
          throw new Error(`The pasted demands are not JSON: ${e.message}`);
        }
        if (Array.isArray(parsed)) out.demands = parsed;
        else if (parsed && typeof parsed === "object") out = { ...parsed };
        else throw new Error("The pasted demands must be an array of demands or a request body (an object).");
      } else {
        out.demand = demand.value;
      }
      const m = mode.value.trim();
      if (m) out.mode = m;
      if (planned.checked) out.include_planned = true;
      if (scen.scenario.control.value) out.scenario = scen.scenario.control.value;
      return out;
    }

    const result = h("div", { id: "assign-result", class: "detail" });

    // The utilisation tiles (large networks): layers added to the page's MapLibre map, shown
    // while the panel's layer is.
    const glMap = () => (view.gl ? view.gl.getMaplibreMap() : null);
    let tileLayers = [];
    const clearTiles = () => {
      const gl = glMap();
      if (!gl) return;
      for (const id of tileLayers) if (gl.getLayer(id)) gl.removeLayer(id);
      if (gl.getSource(TILE_SOURCE)) gl.removeSource(TILE_SOURCE);
      tileLayers = [];
    };
    const showTiles = (v) => {
      const gl = glMap();
      if (gl) for (const id of tileLayers) if (gl.getLayer(id)) gl.setLayoutProperty(id, "visibility", v);
    };
    layer.on("add", () => showTiles("visible")).on("remove", () => showTiles("none"));
    /** Whether this query is drawn from the tiles: a shipped set, no comparison, on a large network. */
    const fromTiles = () => ctx.large && demand.value !== PASTE && !scen.comparing();

    const clear = () => {
      layer.clearLayers();
      clearTiles();
      put(result);
    };

    /** A white casing under a line, so that it stands out from the base network. */
    const casing = (g, weight) => L.geoJSON(g, { interactive: false, style: () => ({ color: "#fff", weight: weight + 4, opacity: 0.85, className: "assign-casing" }) }).addTo(layer);

    function flowTip(p, extra) {
      return () => titled(places.linkName(p),
        `flow ${tonnes(p.flow_tpy)} of ${tonnes(p.capacity_tpy)}` + (typeof p.utilization === "number" ? ` (${pct(p.utilization)})` : ""),
        p.demand_count ? `${p.demand_count} demand${p.demand_count === 1 ? "" : "s"}` : null,
        extra || null);
    }

    function drawPlain(fc) {
      const flows = fc.features.filter((g) => g.properties && g.properties.kind === "flow");
      const maxFlow = flows.reduce((m, g) => Math.max(m, g.properties.flow_tpy || 0), 0) || 1;
      // Busiest on top.
      for (const g of flows.slice().sort((a, b) => (a.properties.utilization || 0) - (b.properties.utilization || 0))) {
        const p = g.properties;
        const weight = 3 + 7 * Math.sqrt((p.flow_tpy || 0) / maxFlow);
        casing(g, weight);
        L.geoJSON(g, { style: () => ({ color: utilColor(p.utilization), weight, opacity: 0.95, className: "assign-flow" }) })
          .bindTooltip(flowTip(p), { sticky: true })
          .addTo(layer);
      }
      const s = fc.summary || {};
      const unserved = (Array.isArray(fc.demands) ? fc.demands : []).filter((d) => d.unserved_tpy > 0);
      const saturated = Array.isArray(s.saturated_links) ? s.saturated_links : [];
      const nameOf = (id) => linkNameById(fc, id, places);
      put(result,
        h("table", { id: "assign-summary", class: "results compare" },
          h("tbody", null,
            h("tr", null, h("td", null, "demanded"), h("td", null, tonnes(s.demanded_tpy))),
            h("tr", null, h("td", null, "served"), h("td", { dataset: { tpy: String(s.served_tpy) } }, tonnes(s.served_tpy))),
            h("tr", null, h("td", null, "unserved"), h("td", { class: s.unserved_tpy > 0 ? "more" : null }, tonnes(s.unserved_tpy))),
            h("tr", null, h("td", null, "links loaded"), h("td", null, String(flows.length))))),
        unserved.length ? [h("h3", null, `Unserved demands (${unserved.length})`),
          h("ul", null, unserved.map((d) => h("li", null, `${placesOf(d.from, places)} → ${placesOf(d.to, places)}: ${tonnes(d.unserved_tpy)} of ${tonnes(d.tonnes_per_year)}`)))] : null,
        h("h3", null, `Saturated links (${saturated.length})`),
        saturated.length ? h("ul", null, saturated.map((id) => h("li", null, nameOf(id)))) : h("div", null, "none"),
        h("div", { class: "muted" }, "Line colour: utilisation of each link by the assigned demand; width: flow."));
    }

    function drawCompare(fc) {
      const d = fc.delta || {};
      const links = Array.isArray(d.links) ? d.links : [];
      const flowOf = { baseline: new Map(), scenario: new Map() };
      for (const g of fc.features) {
        const p = g.properties || {};
        if (p.kind === "flow" && flowOf[p.case]) flowOf[p.case].set(p.link_id || p.id, g);
      }
      const scale = Math.max(0.01, ...links.map((l) => (typeof l.change === "number" ? Math.abs(l.change) : 0)));
      const maxFlow = Math.max(1, ...[...flowOf.baseline.values(), ...flowOf.scenario.values()].map((g) => g.properties.flow_tpy || 0));
      const byChange = links.slice().sort((a, b) => Math.abs(a.change || 0) - Math.abs(b.change || 0)); // largest on top
      for (const l of byChange) {
        const g = flowOf.scenario.get(l.link) || flowOf.baseline.get(l.link);
        if (!g) continue;
        const tpy = (c) => (typeof l[`${c}_tpy`] === "number" ? l[`${c}_tpy`] : flowOf[c].has(l.link) ? flowOf[c].get(l.link).properties.flow_tpy || 0 : 0);
        const fb = tpy("baseline");
        const fs = tpy("scenario");
        const known = typeof l.change === "number";
        // Unchanged links stay faint so that the changes stand out.
        const faint = !known || Math.abs(l.change) < scale / 50;
        const weight = faint ? 2.5 : 3 + 7 * Math.sqrt(Math.max(fb, fs) / maxFlow);
        if (!faint) casing(g, weight);
        L.geoJSON(g, { style: () => ({ color: changeColor(l.change, scale), weight, opacity: faint ? 0.5 : 0.95, dashArray: known ? null : "2 7", className: "assign-change" }) })
          .bindTooltip(() => titled(linkNameById(fc, l.link, places),
            `flow ${tonnes(fb)} → ${tonnes(fs)}`,
            known ? `utilisation ${pct(l.baseline_utilization)} → ${pct(l.scenario_utilization)} (${signedPct(l.change)})` : "no capacity: utilisation unknown"), { sticky: true })
          .addTo(layer);
      }
      const s = (ctx.scenarios || []).find((x) => x.name === fc.scenario);
      const row = (label, m, worseIfMore) => h("tr", { dataset: { measure: label } }, h("td", null, label),
        h("td", { dataset: { case: "baseline" } }, tonnes((m || {}).baseline)), h("td", { dataset: { case: "scenario" } }, tonnes((m || {}).scenario)),
        h("td", { class: changeClass(m && typeof m.change === "number" ? (worseIfMore ? m.change : -m.change) : null) }, signedTonnes((m || {}).change)));
      const names = (ids) => (Array.isArray(ids) && ids.length ? ids.map((id) => linkNameById(fc, id, places)).join(", ") : "none");
      const top = links.filter((l) => typeof l.change === "number" && l.change !== 0).sort((a, b) => Math.abs(b.change) - Math.abs(a.change)).slice(0, 8);
      put(result,
        h("h3", null, `Assignment: baseline → ${s ? s.title : fc.scenario}`),
        h("table", { id: "assign-delta", class: "results compare" },
          h("thead", null, h("tr", null, h("th", null, ""), h("th", null, "baseline"), h("th", null, "scenario"), h("th", null, "change"))),
          h("tbody", null, row("demanded", d.demanded_tpy, false), row("served", d.served_tpy, false), row("unserved", d.unserved_tpy, true))),
        h("h3", null, "Links crossing a utilisation threshold"),
        h("table", { id: "assign-thresholds", class: "results compare" },
          h("tbody", null, (Array.isArray(d.thresholds) ? d.thresholds : []).map((t) => [
            h("tr", { dataset: { threshold: String(t.threshold), way: "rose" } }, h("td", null, `rose above ${pct(t.threshold)}`), h("td", { class: "names" }, names(t.rose_above))),
            h("tr", { dataset: { threshold: String(t.threshold), way: "fell" } }, h("td", null, `fell below ${pct(t.threshold)}`), h("td", { class: "names" }, names(t.fell_below))),
          ]))),
        demandChanges(fc, places),
        top.length ? [h("h3", null, "Largest changes in utilisation"),
          h("table", { id: "assign-top-changes", class: "results" },
            h("thead", null, h("tr", null, h("th", null, "link"), h("th", null, "before"), h("th", null, "after"), h("th", null, "change"))),
            h("tbody", null, top.map((l) => h("tr", null, h("td", null, linkNameById(fc, l.link, places)),
              h("td", null, pct(l.baseline_utilization)), h("td", null, pct(l.scenario_utilization)),
              h("td", { class: changeClass(l.change) }, signedPct(l.change))))))] : null,
        h("div", { class: "muted" }, `Line colour: change in utilisation from the baseline (blue fell, red rose; full colour at ±${pct(scale)}); width: the larger of the two flows; dotted: no capacity.`));
    }

    /** Draws the link loads from the utilisation tiles (`tiled`: what `send` fetched). */
    function drawTiled({ style, tilejson, query }) {
      const gl = glMap();
      const src = Object.values(style.sources || {})[0];
      if (!gl || !src) throw new Error("the map cannot draw tiles here");
      gl.addSource(TILE_SOURCE, src);
      for (const l of style.layers || []) {
        if (l.type === "background") continue;
        const id = TILE_PREFIX + l.id;
        gl.addLayer({ ...l, id, source: TILE_SOURCE });
        tileLayers.push(id);
      }
      const set = sets.find((x) => x.name === query.get("demand"));
      const b = tilejson.bounds;
      if (Array.isArray(b) && b.length === 4) view.fitVisible(L.latLngBounds([b[1], b[0]], [b[3], b[2]]));
      put(result,
        h("table", { id: "assign-summary", class: "results compare", dataset: { source: "tiles" } },
          h("tbody", null,
            h("tr", null, h("td", null, "demanded"), h("td", null, set ? tonnes(set.total_tpy) : "–")),
            h("tr", null, h("td", null, "demands"), h("td", null, set && Array.isArray(set.demands) ? nf0.format(set.demands.length) : "–")))),
        h("div", { id: "assign-tiles", class: "muted" },
          `Large network: link loads drawn from the service's utilisation tiles (${query.toString()}), coloured by utilisation, sized by flow. `
          + "The tiles carry each link's flow, capacity and utilisation, not the served and unserved totals."));
    }

    function draw(answer) {
      clear();
      if (answer.tiled) {
        drawTiled(answer);
        return;
      }
      const fc = answer;
      if (fc.delta != null) drawCompare(fc);
      else drawPlain(fc);
      if (layer.getLayers().length) view.fitVisible(layer.getBounds());
    }

    async function send() {
      if (!fromTiles()) return postJson(scen.comparing() ? COMPARE_PATH : PATH, body());
      const query = new URLSearchParams({ layer: "utilisation", demand: demand.value });
      if (scen.scenario.control.value) query.set("scenario", scen.scenario.control.value);
      const [style, tilejson] = await Promise.all([getJson("/style.json", query), getJson("/tiles.json", query)]);
      return { tiled: true, style, tilejson, query };
    }

    const form = queryForm(ctx, {
      id: "assign", path: PATH, fields, submitLabel: "Assign demand", busy: "Assigning…", draw, clear, send,
    });
    form.element.append(result);
    return { element: form.element, layer };
  },
};

/** The demands whose served tonnes changed (`delta.demands`), named from the baseline's list. */
function demandChanges(fc, places) {
  const changes = fc.delta && Array.isArray(fc.delta.demands) ? fc.delta.demands : [];
  if (!changes.length) return h("div", { id: "assign-demand-changes" }, "Every demand is served as before.");
  const listed = fc.cases && fc.cases.baseline && Array.isArray(fc.cases.baseline.demands) ? fc.cases.baseline.demands : [];
  const label = (i) => {
    const d = listed.find((x) => x.index === i);
    return d ? `${placesOf(d.from, places)} → ${placesOf(d.to, places)}` : `demand ${i}`;
  };
  return [h("h3", null, `Demands served differently (${changes.length})`),
    h("table", { id: "assign-demand-changes", class: "results" },
      h("thead", null, h("tr", null, h("th", null, "demand"), h("th", null, "served before"), h("th", null, "after"))),
      h("tbody", null, changes.map((c) => h("tr", null, h("td", null, label(c.index)),
        h("td", null, tonnes(c.served_tpy && c.served_tpy.baseline)), h("td", { class: changeClass(c.served_tpy && -c.served_tpy.change) }, tonnes(c.served_tpy && c.served_tpy.scenario))))))];
}

/** The `enum` of property `name` of `POST path`'s JSON body, or null. */
function bodyEnum(spec, path, name) {
  const op = spec.doc && spec.doc.paths && spec.doc.paths[path] && spec.doc.paths[path].post;
  const content = op && op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
  const schema = content && spec.resolve(content.schema);
  const prop = schema && schema.properties && spec.resolve(schema.properties[name]);
  return prop && Array.isArray(prop.enum) && prop.enum.length ? prop.enum.filter((v) => v !== null).map(String) : null;
}

/** A link's name from any feature of `fc` about it, else from the network. */
function linkNameById(fc, id, places) {
  const g = fc.features.find((x) => x.properties && (x.properties.link_id || x.properties.id) === id);
  const p = g ? g.properties : { link_id: id };
  // Lines share names (a railway's sections): their ends tell them apart; a crossing's name has them.
  const ends = p.link_kind !== "crossing" && p.flow_from && p.flow_to ? ` (${places.label(p.flow_from)}–${places.label(p.flow_to)})` : "";
  return places.linkName(p) + ends;
}

function placesOf(ids, places) {
  return (Array.isArray(ids) ? ids : [ids]).map((id) => places.label(id)).join(", ");
}

function pct(x) {
  return typeof x === "number" && Number.isFinite(x) ? `${nf0.format(x * 100)}%` : "–";
}

function signedPct(x) {
  if (typeof x !== "number" || !Number.isFinite(x)) return "–";
  const v = Math.abs(x * 100);
  const s = v >= 1 || v === 0 ? nf0.format(v) : v.toPrecision(1);
  return `${x > 0 ? "+" : x < 0 ? "−" : ""}${s} pp`;
}

function signedTonnes(x) {
  if (typeof x !== "number" || !Number.isFinite(x)) return "–";
  return x === 0 ? "0" : `${x > 0 ? "+" : "−"}${tonnes(Math.abs(x))}`;
}
