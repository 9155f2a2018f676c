// Reads what the forms offer from the server's OpenAPI document (/openapi.json): the query
// parameters of each GET endpoint, their `enum` lists, `minimum`/`maximum` and `default`.
// The page keeps no copy of the server's lists; what the document leaves out is shown as a
// free-text field and checked by the server.

export class ApiSpec {
  /** `doc`: the parsed /openapi.json, or null when it could not be loaded. */
  constructor(doc) {
    this.doc = doc;
  }

  /** The query parameters of `GET path`, or null when the document does not describe it. */
  queryParams(path) {
    const op = this.doc && this.doc.paths && this.doc.paths[path] && this.doc.paths[path].get;
    return op && Array.isArray(op.parameters) ? op.parameters.filter((p) => p.in === "query") : null;
  }

  /** Whether `GET path` documents the query parameter `name` (true when the path is undocumented). */
  documents(path, name) {
    const params = this.queryParams(path);
    return !params || params.some((p) => p.name === name);
  }

  /** The schema of a query parameter, `$ref`s resolved and a nullable wrapper removed; or null. */
  schema(path, name) {
    const p = (this.queryParams(path) || []).find((q) => q.name === name);
    return p && p.schema ? this.resolve(p.schema) : null;
  }

  /** The values a parameter takes, or null when the document lists none. */
  enumOf(path, name) {
    const s = this.schema(path, name);
    return s && Array.isArray(s.enum) && s.enum.length ? s.enum.filter((v) => v !== null).map(String) : null;
  }

  /** `{min, max}` of an integer parameter when both bounds are documented, else null. */
  rangeOf(path, name) {
    const s = this.schema(path, name);
    return s && Number.isInteger(s.minimum) && Number.isInteger(s.maximum) && s.minimum <= s.maximum
      ? { min: s.minimum, max: s.maximum }
      : null;
  }

  /**
   * `{first, last}`: the years a timed parameter (`depart`, `arrive_by`) may lie in, from its
   * schema's `x-calendar-years` (the years the border schedules cover), or null.
   */
  calendarOf(path, name) {
    const s = this.schema(path, name);
    const y = s && s["x-calendar-years"];
    return Array.isArray(y) && y.length === 2 && y.every(Number.isInteger) && y[0] <= y[1] ? { first: y[0], last: y[1] } : null;
  }

  /** The documented default of a parameter, as a string, or null. */
  defaultOf(path, name) {
    const s = this.schema(path, name);
    return s && s.default != null ? String(s.default) : null;
  }

  resolve(schema, depth = 0) {
    if (!schema || depth > 8) return schema;
    if (schema.$ref) {
      const target = schema.$ref
        .replace(/^#\//, "")
        .split("/")
        .reduce((o, k) => (o ? o[k.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined), this.doc);
      return this.resolve(target, depth + 1);
    }
    // `Option<T>` may be written as oneOf/anyOf [{type: null}, T]; keep T's facts, but let the
    // wrapper's own `default` win.
    for (const key of ["oneOf", "anyOf", "allOf"]) {
      if (!Array.isArray(schema[key])) continue;
      const inner = schema[key].filter((s) => !(s && s.type === "null"));
      if (inner.length === 1) return { ...this.resolve(inner[0], depth + 1), ...withoutKey(schema, key) };
    }
    return schema;
  }
}

function withoutKey(o, key) {
  const out = { ...o };
  delete out[key];
  return out;
}
