// What every panel shares. A panel module's default export is
//
//   { id: "route", title: "Route", create(ctx) → { element, layer? } }
//
// `ctx` = { spec (ApiSpec), view (MapView), places (Places), picker (Picker), scenarios (the
// list of GET /v1/scenarios), demandSets (the list of GET /v1/demand) }. `element` is
// the panel's content; `layer`, when given, is shown on the map while the panel is active, as
// are the legend sections the panel adds in `create`.
// main.js lists the panels; this module builds the tabs and the common query form.

import { clearProblem, getJson, showProblem } from "./api.js";
import { h, put } from "./dom.js";
import { readFields } from "./form.js";

/** Builds one tab and one section per panel module; the first is active. */
export function mountPanels(ctx, modules, tabsEl, bodyEl) {
  const mounted = modules.map((m) => {
    // The legend sections a panel adds while it is created are its own.
    const before = new Set(ctx.view.legendBody.children);
    const { element, layer } = m.create(ctx);
    const legend = [...ctx.view.legendBody.children].filter((el) => !before.has(el));
    const tab = h("button", { type: "button", role: "tab", id: `tab-${m.id}`, "aria-controls": `${m.id}-panel` }, m.title);
    const section = h("section", { id: `${m.id}-panel`, role: "tabpanel", "aria-labelledby": tab.id }, element);
    tabsEl.append(tab);
    bodyEl.append(section);
    return { tab, section, layer, legend };
  });
  const activate = (on) => {
    for (const p of mounted) {
      const active = p === on;
      p.tab.setAttribute("aria-selected", String(active));
      p.section.hidden = !active;
      // Show the results of the active panel; the layer switcher can bring the others back.
      if (p.layer) ctx.view.map[active ? "addLayer" : "removeLayer"](p.layer);
      for (const el of p.legend) el.hidden = !active;
    }
  };
  for (const p of mounted) p.tab.addEventListener("click", () => activate(p));
  if (mounted.length) activate(mounted[0]);
}

/**
 * A form sent to `GET path`, with its error box and status line.
 *
 * - `path`: the endpoint, or a function returning it at each submit (a compare toggle
 *   switches `/v1/route` to `/v1/compare/route`).
 * - `send(query)`: replaces the GET (a POST endpoint builds its body); returns the answer.
 * - `id`: prefix of element ids (`${id}-submit`, `${id}-error`, `${id}-status`) and the
 *   `data-${id}` attribute of `<body>` (loading, done, error) that tests wait on.
 * - `fields`: from `fieldsFor`; an array of fields is laid out as one row.
 * - `draw(answer)`: shows a successful answer; `clear()`: removes what `draw` showed.
 * - `busy`: the status while waiting.
 *
 * Returns `{ element, status(text), error(err), clearError() }`; `element` holds the form,
 * the error box and the status line; the caller appends its result elements after them.
 */
export function queryForm(ctx, { id, path, fields, submitLabel, busy = "Working…", draw, clear, send }) {
  const request = send || ((q) => getJson(typeof path === "function" ? path() : path, q));
  const submit = h("button", { type: "submit", id: `${id}-submit`, class: "primary" }, submitLabel);
  const errorBox = h("div", { id: `${id}-error`, class: "error", role: "alert", hidden: true });
  const statusEl = h("div", { id: `${id}-status`, class: "status", "aria-live": "polite" });
  const status = (text) => put(statusEl, text);
  const error = (err) => showProblem(errorBox, err, ctx.places.label);
  const clearError = () => clearProblem(errorBox);
  const reset = () => {
    clear();
    clearError();
    status("");
  };
  const form = h("form", { id: `${id}-form`, autocomplete: "off" },
    fields.map((f) => (Array.isArray(f) ? h("div", { class: "grid3" }, f.map((g) => g.element)) : f.element)),
    h("div", { class: "actions" }, submit, h("button", { type: "button", id: `${id}-clear`, on: { click: reset } }, "Clear")));

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearError();
    submit.disabled = true;
    document.body.dataset[id] = "loading";
    status(busy);
    try {
      const answer = await request(readFields(fields));
      status("");
      draw(answer);
      document.body.dataset[id] = "done";
    } catch (err) {
      reset();
      error(err);
      document.body.dataset[id] = "error";
    } finally {
      submit.disabled = false;
    }
  });
  return { element: h("div", null, form, errorBox, statusEl), status, error, clearError };
}
