// The network's places and crossings as the forms see them: display names, the datalists,
// name → id resolution, and picking a place by clicking the map (/v1/nearest).

import { getJson } from "./api.js";
import { byId, h, svg } from "./dom.js";

const COUNTRY = /^[A-Za-z]{2}$/;

export class Places {
  /**
   * `network`, `crossings`: the FeatureCollections of /v1/network and /v1/crossings. Without
   * `network` (too large to list) places become known as they are suggested or picked.
   */
  constructor(network, crossings) {
    this.nodes = new Map(); // id → Point feature
    this.nameToId = new Map(); // display name → id
    this.idToName = new Map();
    this.crossings = new Map(); // id → crossing feature
    const points = network ? network.features.filter((f) => f.geometry && f.geometry.type === "Point") : [];
    const count = new Map();
    for (const f of points) count.set(f.properties.name, (count.get(f.properties.name) || 0) + 1);
    for (const f of points) {
      const p = f.properties;
      // A name shared by several places is told apart by its id.
      const name = count.get(p.name) > 1 ? `${p.name} (${p.id})` : p.name;
      this.nodes.set(p.id, f);
      this.nameToId.set(name, p.id);
      this.idToName.set(p.id, name);
    }
    for (const f of crossings.features) this.crossings.set(f.properties.id, f);
    this.countries = network
      ? [...new Set(points.map((f) => f.properties.country))].sort()
      : [...new Set(crossings.features.flatMap((f) => f.properties.countries || []))].sort();
    this.label = this.label.bind(this);
  }

  /** A place's name (its id when unknown). */
  label(id) {
    const n = this.nodes.get(id);
    return n ? n.properties.name : id;
  }

  /** The name the forms show for a place id. */
  displayName(id) {
    return this.idToName.get(id) || id;
  }

  /** A crossing's name (its id when unknown). */
  crossingName(id) {
    const c = this.crossings.get(id);
    return (c && c.properties.name) || id;
  }

  /** A link's name from its properties: its own, its crossing's, or its id. */
  linkName(p) {
    const id = p.link_id || p.id;
    return p.name || (this.crossings.has(id) && this.crossings.get(id).properties.name) || id || "link";
  }

  /**
   * A place typed or chosen in a form as the API's `from`/`to`: a listed name becomes its id;
   * anything else (an id, `lon,lat`, free text) is sent as typed, and the server resolves it
   * or answers with suggestions.
   */
  resolve(text) {
    const t = text.trim();
    if (this.nameToId.has(t)) return this.nameToId.get(t);
    if (this.nodes.has(t)) return t;
    const lower = t.toLowerCase();
    for (const [name, id] of this.nameToId) if (name.toLowerCase() === lower) return id;
    return t;
  }

  /** As `resolve`, but a two-letter code stands for a country. */
  resolvePlaceOrCountry(text) {
    const t = text.trim();
    return COUNTRY.test(t) ? t.toUpperCase() : this.resolve(t);
  }

  /** Makes a place (a Point feature of /v1/places or /v1/nearest) known by name and id. */
  remember(f) {
    const p = f.properties;
    if (!p || !p.id || this.idToName.has(p.id)) return;
    const name = this.nameToId.has(p.name) ? `${p.name} (${p.id})` : p.name || p.id;
    this.nodes.set(p.id, f);
    this.nameToId.set(name, p.id);
    this.idToName.set(p.id, name);
  }

  /**
   * For a network too large to list: as the user types in a place field, its datalist is
   * refilled with the best matches of /v1/places (ten at most), and those become known.
   */
  suggestAsTyped() {
    let timer = null;
    let asked = 0;
    document.addEventListener("input", (e) => {
      const input = e.target;
      const listId = input && input.getAttribute && input.getAttribute("list");
      if (listId !== "places" && listId !== "places-and-countries") return;
      const q = input.value.trim();
      clearTimeout(timer);
      if (!q || COUNTRY.test(q) || this.nameToId.has(q)) return;
      timer = setTimeout(async () => {
        const n = ++asked;
        const fc = await getJson("/v1/places", { q: q.slice(0, 100), limit: "10" }).catch(() => null);
        if (!fc || n !== asked) return;
        for (const f of fc.features || []) this.remember(f);
        const opts = (fc.features || []).map((f) => h("option", {
          value: this.displayName(f.properties.id),
          label: `${f.properties.country} · ${String(f.properties.kind).replace("_", " ")}`,
        }));
        const countries = listId === "places-and-countries" ? this.countries.map((c) => h("option", { value: c, label: "country" })) : [];
        byId(listId).replaceChildren(...countries, ...opts);
      }, 150);
    });
  }

  /** Fills `<datalist id=places>` (places) and `<datalist id=places-and-countries>`. */
  fillDatalists() {
    const options = [...this.nodes.values()]
      .map((f) => [this.displayName(f.properties.id), `${f.properties.country} · ${String(f.properties.kind).replace("_", " ")}`])
      .sort((a, b) => a[0].localeCompare(b[0]));
    const opt = ([value, label]) => h("option", { value, label });
    byId("places").replaceChildren(...options.map(opt));
    byId("places-and-countries").replaceChildren(
      ...this.countries.map((c) => opt([c, "country"])),
      ...options.map(opt),
    );
  }
}

/**
 * Choosing a place on the map: a pick button arms it, the next click on the map (or on a
 * place) fills the button's input with the nearest place serving the form's mode.
 */
export class Picker {
  constructor(view, places, spec) {
    this.view = view;
    this.places = places;
    this.spec = spec;
    this.active = null; // { input, button, opts }
    view.map.on("click", (e) => this.mapClicked(e.latlng));
    view.layers.places.on("click", (e) => {
      if (!this.active) return;
      L.DomEvent.stop(e);
      this.finish(e.layer.options.placeId, e.latlng);
    });
  }

  /**
   * A pick button for `input`. `opts`: `noun` ("start"), `status(text)`, `onError(err)`,
   * `mode()` (the form's mode, to snap only to places serving it).
   */
  button(input, opts) {
    const b = h(
      "button",
      { type: "button", class: "pick", title: `Pick the ${opts.noun} on the map` },
      svg("svg", { viewBox: "0 0 24 24", "aria-hidden": "true" },
        svg("path", { d: "M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z" })),
    );
    b.addEventListener("click", () => this.toggle(input, b, opts));
    return b;
  }

  toggle(input, button, opts) {
    const again = this.active && this.active.input === input;
    this.disarm();
    if (again) return;
    this.active = { input, button, opts };
    button.classList.add("active");
    document.body.classList.add("picking");
    opts.status(`Click the map to choose the ${opts.noun}.`);
  }

  disarm() {
    if (this.active) this.active.button.classList.remove("active");
    this.active = null;
    document.body.classList.remove("picking");
  }

  async mapClicked(latlng) {
    if (!this.active) return;
    const { opts } = this.active;
    try {
      const id = await this.nearest(latlng, opts.mode ? opts.mode() : null);
      if (id) this.finish(id, latlng);
    } catch (err) {
      opts.onError(err);
    }
  }

  /**
   * The nearest place to `latlng` serving `mode`. The server filters when its document lists
   * `mode` as a value of /v1/nearest's `mode`; otherwise the nearest few are asked for and the
   * first whose `modes` holds `mode` wins (a value no place lists, such as a multimodal one,
   * does not filter).
   */
  async nearest(latlng, mode) {
    const q = { lon: latlng.lng.toFixed(5), lat: latlng.lat.toFixed(5), k: "1" };
    const served = this.spec.enumOf("/v1/nearest", "mode");
    if (mode && served && served.includes(mode)) q.mode = mode;
    else if (mode) q.k = "20";
    const fc = await getJson("/v1/nearest", q);
    const fs = fc.features || [];
    const hit = fs.find((f) => !mode || q.mode || (f.properties.modes || []).includes(mode)) || fs[0];
    if (hit) this.places.remember(hit);
    return hit ? hit.properties.id : null;
  }

  finish(id, latlng) {
    const { input, opts } = this.active;
    this.disarm();
    input.value = this.places.displayName(id);
    const picks = this.view.layers.picks;
    picks.clearLayers();
    const f = this.places.nodes.get(id);
    if (f && latlng) {
      const [lon, lat] = f.geometry.coordinates;
      L.polyline([latlng, [lat, lon]], { color: "#444", weight: 1, dashArray: "3 3", interactive: false }).addTo(picks);
    }
    opts.status("");
  }
}
