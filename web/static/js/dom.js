// Builds DOM from data without HTML strings: every text lands in a text node, so names from
// the network or from an error message can never become markup.

const SVG_NS = "http://www.w3.org/2000/svg";
// Set as properties (their attributes differ or do not reflect live state); the rest as attributes.
const PROPS = new Set(["value", "checked", "selected", "disabled", "hidden", "required", "open", "htmlFor", "inputMode", "label"]);

/** The element with this id. */
export const byId = (id) => document.getElementById(id);

/**
 * Creates an element.
 *
 * `props` keys: `class`, `style` (object), `dataset` (object), `on` (event → handler), the
 * properties in `PROPS` (`value`, `checked`, `hidden`, `htmlFor`, …), anything else as an
 * attribute. `null`, `undefined` and `false` values are skipped. `children` are nodes, strings
 * (text), `null`/`false` (skipped) or arrays of those.
 */
export function h(tag, props, ...children) {
  return fill(document.createElement(tag), props, children);
}

/** As `h`, in the SVG namespace (icons). */
export function svg(tag, props, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), props, children, true);
}

function fill(el, props, children, isSvg = false) {
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === "class") el.setAttribute("class", v);
    else if (k === "style") Object.assign(el.style, v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "on") for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (!isSvg && PROPS.has(k)) el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  el.append(...flat(children));
  return el;
}

function flat(children) {
  const out = [];
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) out.push(...flat(c));
    else out.push(typeof c === "string" || typeof c === "number" ? String(c) : c);
  }
  return out;
}

/** Replaces an element's children (none: empties it). */
export function put(el, ...children) {
  el.replaceChildren(...flat(children));
  return el;
}

/** `<strong>title</strong>` followed by lines separated by `<br>`: the shape of most tooltips. */
export function titled(title, ...lines) {
  const out = [h("strong", null, title)];
  for (const l of lines.flat()) if (l != null && l !== "") out.push(h("br"), l);
  return h("div", null, out);
}
