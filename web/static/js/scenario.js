// The scenario picker and the "compare with baseline" toggle every query panel carries. The
// choices are the scenarios the server ships (GET /v1/scenarios, loaded once by main.js into
// `ctx.scenarios`): the title is shown, the name is sent as `scenario`. With a scenario chosen
// and the toggle on, the panel asks the endpoint's /v1/compare/* twin and draws baseline and
// scenario side by side.

import { h, put } from "./dom.js";

export const NO_SCENARIO = "none — the network as it is";

/**
 * Two fields for a panel whose endpoint is `path`, element ids prefixed `prefix-`:
 * `scenario` (`{ name: "scenario", element, control, read() }`, as `fieldsFor` makes) and
 * `compare` (the toggle; sends nothing itself). `comparing()`: whether the next query is a
 * comparison (a scenario chosen and the toggle on). `path` may be null for a POST endpoint
 * (its body is not in the query parameters).
 */
export function scenarioFields(ctx, { prefix, path }) {
  if (path && !ctx.spec.documents(path, "scenario")) console.error(`${path} documents no parameter 'scenario'`);
  const list = Array.isArray(ctx.scenarios) ? ctx.scenarios : [];
  const select = h("select", { id: `${prefix}-scenario`, name: "scenario" },
    h("option", { value: "" }, NO_SCENARIO),
    list.map((s) => h("option", { value: s.name, title: s.description || "" }, s.title || s.name)));
  const toggle = h("input", { id: `${prefix}-compare`, type: "checkbox", disabled: true });
  const about = h("div", { id: `${prefix}-scenario-about`, class: "hint", hidden: true });
  const sync = () => {
    const s = list.find((x) => x.name === select.value);
    toggle.disabled = !s;
    if (!s) toggle.checked = false;
    about.hidden = !s;
    put(about, s ? [s.description || "", s.estimates ? ` (${s.estimates} of ${s.changes} changes are estimates.)` : ""] : []);
  };
  select.addEventListener("change", sync);
  const scenario = {
    name: "scenario",
    control: select,
    element: h("div", { class: "scenario-row" },
      h("label", { htmlFor: select.id }, "Scenario", select),
      h("label", { class: "inline", title: "Ask the baseline and the scenario and draw both" }, toggle, " compare with baseline"),
      about),
    read: () => select.value || null,
  };
  return { scenario, comparing: () => toggle.checked && select.value !== "", toggle };
}
