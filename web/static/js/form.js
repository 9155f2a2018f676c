// Form fields bound to one endpoint's query parameters. Each field is `{ name, element,
// read() }`: `name` is the parameter's name in /openapi.json, `read()` its value (null: not
// sent). Choices come from the document: an `enum` becomes a select, an integer with
// `minimum`/`maximum` a select of that range; without them the field is free text and the
// server checks it.

import { h } from "./dom.js";

/** Field builders for the query parameters of `GET path`, element ids prefixed `prefix-`. */
export function fieldsFor(spec, path, prefix) {
  const id = (name) => `${prefix}-${name}`;
  const check = (name) => {
    // The page sends only what the API documents; a field the document lacks is a page bug.
    if (!spec.documents(path, name)) console.error(`${path} documents no parameter '${name}'`);
  };
  const omitDefault = (name, v) => (v === "" || v === spec.defaultOf(path, name) ? null : v);

  /** A text input, for parameters the document gives no choices for. */
  function freeText(name, value, placeholder) {
    return h("input", { id: id(name), name, type: "text", value: value ?? "", placeholder: placeholder ?? "" });
  }

  /** A select of `values` preselecting `prefer`, else the documented default, else "default". */
  function select(name, values, labels, prefer) {
    const el = h("select", { id: id(name), name }, values.map((v) => h("option", { value: v }, labels[v] || v)));
    const chosen = [prefer, spec.defaultOf(path, name)].find((v) => v != null && values.includes(v));
    if (chosen != null) {
      el.value = chosen;
    } else {
      el.prepend(h("option", { value: "" }, "default"));
      el.value = "";
    }
    return el;
  }

  return {
    /**
     * One of the parameter's `enum` values. `labels`: friendlier names for some values (the
     * value itself otherwise); `prefer`: the value to preselect when offered.
     */
    choice(name, { label, labels = {}, prefer } = {}) {
      check(name);
      const values = spec.enumOf(path, name);
      const control = values ? select(name, values, labels, prefer) : freeText(name, prefer, spec.defaultOf(path, name) || "default");
      return { name, control, element: h("label", null, label || name, control), read: () => omitDefault(name, control.value.trim()) };
    },

    /** An integer in the parameter's documented range. `labels` as for `choice`. */
    count(name, { label, labels = {}, prefer } = {}) {
      check(name);
      const r = spec.rangeOf(path, name);
      const values = r ? Array.from({ length: r.max - r.min + 1 }, (_, i) => String(r.min + i)) : null;
      const control = values ? select(name, values, labels, prefer) : freeText(name, prefer, spec.defaultOf(path, name) || "default");
      if (!values) control.inputMode = "numeric";
      return { name, control, element: h("label", null, label || name, control), read: () => omitDefault(name, control.value.trim()) };
    },

    /** A checkbox sending `true` when ticked. */
    flag(name, { label } = {}) {
      check(name);
      const control = h("input", { id: id(name), type: "checkbox" });
      return { name, control, element: h("label", { class: "inline" }, control, ` ${label || name}`), read: () => (control.checked ? "true" : null) };
    },

    /** Checkboxes, one per item, sent as a comma list. */
    checks(name, { legend, items }) {
      check(name);
      const boxes = items.map((v) => h("input", { type: "checkbox", value: v }));
      const element = h("fieldset", { class: "checks-field" },
        h("legend", null, legend || name),
        h("div", { id: id(name), class: "checks" }, boxes.map((b) => h("label", null, b, ` ${b.value}`))));
      const read = () => {
        const on = boxes.filter((b) => b.checked).map((b) => b.value);
        return on.length ? on.join(",") : null;
      };
      return { name, control: element, element, read };
    },

    /**
     * A date and time (`format: date-time`, RFC 3339 with offset): the browser's date-time
     * input and a UTC offset (the browser's own preselected); empty sends nothing. When the
     * document gives the parameter's calendar years (`x-calendar-years`), the input is bounded
     * to them and a hint says which they are.
     */
    dateTime(name, { label } = {}) {
      check(name);
      const years = spec.calendarOf(path, name);
      const control = h("input", {
        id: id(name), name, type: "datetime-local",
        min: years ? `${years.first}-01-01T00:00` : null,
        max: years ? `${years.last}-12-31T23:59` : null,
      });
      const own = -new Date().getTimezoneOffset();
      const offsets = [];
      for (let m = -12 * 60; m <= 14 * 60; m += 60) offsets.push(m);
      if (!offsets.includes(own)) offsets.push(own);
      offsets.sort((a, b) => a - b);
      const fmt = (m) => `${m < 0 ? "-" : "+"}${String(Math.floor(Math.abs(m) / 60)).padStart(2, "0")}:${String(Math.abs(m) % 60).padStart(2, "0")}`;
      const offset = h("select", { id: id(`${name}-offset`), title: "UTC offset of the time" },
        offsets.map((m) => h("option", { value: fmt(m) }, `UTC${fmt(m)}`)));
      offset.value = fmt(own);
      const row = h("div", { class: "datetime-row" },
        h("label", { htmlFor: control.id }, label || name, control),
        h("label", { htmlFor: offset.id }, "offset", offset));
      const element = years
        ? h("div", null, row, h("div", { id: id(`${name}-calendar`), class: "hint" }, `Border schedules are known for ${years.first}–${years.last}.`))
        : row;
      // `datetime-local` gives "2027-07-10T08:00" (seconds when set); the offset makes it RFC 3339.
      return { name, control, offset, element, read: () => (control.value ? `${control.value}${offset.value}` : null) };
    },

    /**
     * A place typed with suggestions from `<datalist id=list>`, sent through `resolve`;
     * `picker` (optional) adds a button choosing it on the map.
     */
    place(name, { label, list, placeholder, value, resolve, picker }) {
      check(name);
      const control = h("input", { id: id(name), name, list, placeholder, value: value ?? "", required: true });
      const row = h("div", { class: picker ? "place-row" : "place-row no-pick" },
        h("label", { htmlFor: control.id }, label), control, picker ? picker(control) : null);
      return { name, control, element: row, read: () => resolve(control.value) || null };
    },
  };
}

/** The query string of `fields` (arrays of fields are rows): every field whose value is set. */
export function readFields(fields) {
  const q = new URLSearchParams();
  for (const f of fields.flat()) {
    const v = f.read();
    if (v != null) q.set(f.name, v);
  }
  return q;
}
