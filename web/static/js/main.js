// Corridor web map: loads the map data and the API description from this server (no CDN;
// the network is drawn from the service's own vector tiles) and mounts the panels. A panel is one module in ./panels/ (see panel.js for its
// shape) plus its name in PANELS.

import { ApiSpec } from "./openapi.js";
import { getJson, showProblem } from "./api.js";
import { byId } from "./dom.js";
import { labelPlaces } from "./labels.js";
import { drawBase } from "./layers.js";
import { MapView } from "./map.js";
import { mountPanels } from "./panel.js";
import { Picker, Places } from "./places.js";

const PANELS = ["route", "capacity", "assign", "reach", "matrix"];

/**
 * Up to this many nodes the page loads /v1/network once for the place list, markers and
 * labels (the curated network: 175 places, under 1 MB). Above it the page loads no network
 * at all: places are drawn by the tiles and named as the user types (/v1/places).
 */
export const PLACE_LIST_MAX = 5000;

async function start() {
  const view = new MapView(byId("map"));
  const health = await getJson("/health");
  const small = health.nodes <= PLACE_LIST_MAX;
  const [boundaries, network, crossings, style, tilejson, doc, scenarios, demandSets, modules] = await Promise.all([
    // The basemap is decoration: the page works without it.
    getJson("/v1/boundaries").catch((e) => {
      console.warn("no country borders:", e.message);
      return null;
    }),
    small ? getJson("/v1/network") : null,
    getJson("/v1/crossings"),
    getJson("/style.json"),
    getJson("/tiles.json"),
    // Without the API description every choice is a free-text field, checked by the server.
    getJson("/openapi.json").catch((e) => {
      console.warn("no API description:", e.message);
      return null;
    }),
    // Without the lists the pickers offer only the network as it is and pasted demands.
    getJson("/v1/scenarios").then((a) => a.scenarios || []).catch((e) => {
      console.warn("no scenario list:", e.message);
      return [];
    }),
    getJson("/v1/demand").then((a) => a.demand || []).catch((e) => {
      console.warn("no demand sets:", e.message);
      return [];
    }),
    Promise.all(PANELS.map((name) => import(`./panels/${name}.js`))),
  ]);
  const spec = new ApiSpec(doc);
  const places = new Places(network, crossings);
  drawBase(view, { boundaries, network, crossings, style, bounds: tilejson.bounds }, places);
  if (network) {
    labelPlaces(view, places, network);
    places.fillDatalists();
  } else {
    places.suggestAsTyped();
  }
  // `large`: the network is drawn from tiles only, and so are answers that would be as big
  // (the Assign panel's link loads).
  const ctx = { spec, view, places, picker: new Picker(view, places, spec), scenarios, demandSets, large: !small };
  mountPanels(ctx, modules.map((m) => m.default), byId("tabs"), byId("panels"));
  window.corridor = { ...ctx, map: view.map, gl: view.gl.getMaplibreMap(), placeList: small };
  document.body.dataset.ready = "1";
}

start().catch((err) => {
  console.error(err);
  showProblem(byId("load-error"), err);
  document.body.dataset.ready = "error";
});
