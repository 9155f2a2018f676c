// The HTTP client: JSON from this server, and RFC 9457 problem documents shown to the user.

import { h, put } from "./dom.js";

/** An error answer: `status`, and the problem+json body when there was one. */
export class ApiProblem extends Error {
  constructor(status, statusText, problem) {
    super(problem && problem.detail ? problem.detail : `HTTP ${status} ${statusText}`);
    this.name = "ApiProblem";
    this.status = status;
    this.problem = problem;
  }
}

/**
 * GETs `path` (with `params`, a URLSearchParams or plain object, when given) and returns the
 * parsed JSON body; an error status throws an `ApiProblem` carrying the problem document.
 */
export async function getJson(path, params) {
  const qs = params ? new URLSearchParams(params).toString() : "";
  return answer(await fetch(qs ? `${path}?${qs}` : path, {
    headers: { Accept: "application/geo+json, application/json" },
  }));
}

/** POSTs `body` (serialised as JSON) to `path`; the answer as for `getJson`. */
export async function postJson(path, body) {
  return answer(await fetch(path, {
    method: "POST",
    headers: { Accept: "application/geo+json, application/json", "Content-Type": "application/json" },
    body: JSON.stringify(body),
  }));
}

async function answer(res) {
  let body = null;
  try {
    body = await res.json();
  } catch (_) {
    body = null;
  }
  if (!res.ok) throw new ApiProblem(res.status, res.statusText, body);
  return body;
}

/**
 * Shows an error in `box`: the problem's `detail`; each field error when there are several;
 * the `suggestions`, written with `nameOf` (an id → display name function).
 */
export function showProblem(box, err, nameOf = (s) => s) {
  const p = err && err.problem;
  const parts = [h("strong", null, (err && err.message) || String(err))];
  if (p && Array.isArray(p.errors) && p.errors.length > 1) {
    parts.push(h("ul", null, p.errors.map((e) => h("li", null, h("code", null, e.field), ": ", e.detail))));
  }
  if (p && Array.isArray(p.suggestions) && p.suggestions.length) {
    parts.push(h("div", null, "Did you mean: ", p.suggestions.map(nameOf).join(", "), "?"));
  }
  put(box, parts);
  box.hidden = false;
}

/** Hides and empties an error box. */
export function clearProblem(box) {
  box.hidden = true;
  put(box);
}
