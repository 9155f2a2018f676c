// Drives the tiled web map on a generated network in headless chromium (playwright-core, no
// browser download). Run by tests/web_browser.rs against the real binary serving a network of
// `examples/gen_network.rs`:
//
//   node web/test/tiles.test.mjs http://127.0.0.1:PORT target/web-screenshot-tiles.png
//
// Checks that the page loads no whole network (/v1/network is never asked for: the network
// is above the page's place-list bound), that MapLibre draws rail, roads and places from the
// service's tiles (every tile answered 200 or 204, features rendered), that a place is named
// as it is typed (/v1/places fills the datalist) and picked on the map (/v1/nearest), that a
// route asked through the form is drawn as GeoJSON with the places sent as ids, that a border
// crossing's popup shows its fields, that a tile place's popup names it, that hovering a tiled
// rail line shows its tooltip, that the Assign panel draws a shipped demand set's link loads
// from the utilisation tiles (no POST /v1/assign, no GeoJSON layer), and that the console
// stays clean and nothing leaves the server. Prints `first render: N ms`: from navigation
// start until the map first drew every tile in view (MapLibre's first `idle`).
import { chromium } from "playwright-core";

const [base, shot] = process.argv.slice(2);
if (!base || !shot) {
  console.error("usage: node tiles.test.mjs BASE_URL SCREENSHOT.png");
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
let passed = 0;
const failures = [];
function check(cond, what) {
  if (cond) { passed++; console.log("ok   " + what); } else { failures.push(what); console.log("FAIL " + what); }
}
const getJson = async (path) => (await fetch(base + path)).json();
const health = await getJson("/health");
// Two rail places some way apart in Russia (the generator puts RU north of ~51° N), found
// the way a user would: the nearest rail place to a point.
const nearest = async (lon, lat) => (await getJson(`/v1/nearest?lon=${lon}&lat=${lat}&k=1&mode=rail`)).features[0];
const from = await nearest(84, 54);
const to = await nearest(92, 54);
const other = await nearest(110, 53); // off the route, for a tile place's popup
const crossings = (await getJson("/v1/crossings")).features;

const browser = await chromium.launch({
  executablePath,
  // No GPU: WebGL runs on chromium's software renderer (SwiftShader), as on a CI machine.
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const consoleErrors = [];
  const external = [];
  const tiles = [];
  const paths = new Set();
  const routeQueries = [];
  const assignPosts = [];
  const utilisationTiles = [];
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push("page error: " + e.message));
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(base) && !url.startsWith("data:")) { external.push(url); return; }
    const u = new URL(url);
    paths.add(u.pathname);
    if (u.pathname === "/v1/route") routeQueries.push(u.searchParams);
    if ((u.pathname === "/v1/assign" || u.pathname === "/v1/compare/assign") && r.method() === "POST") assignPosts.push(u.pathname);
  });
  page.on("response", (r) => {
    const u = new URL(r.url());
    if (!u.pathname.startsWith("/tiles/")) return;
    if (u.searchParams.get("layer") === "utilisation") utilisationTiles.push({ status: r.status(), demand: u.searchParams.get("demand") });
    else tiles.push(r.status());
  });

  await page.goto(base + "/");
  await page.waitForSelector("body[data-ready]", { timeout: 60000 });
  check((await page.getAttribute("body", "data-ready")) === "1", `page loaded (${health.nodes} nodes, ${health.links} links)`);
  check(await page.evaluate(() => window.corridor.placeList === false), "the network is too large to list: places come from the tiles");
  const firstRender = await page.evaluate(() => new Promise((resolve) => {
    const gl = window.corridor.gl;
    const done = () => resolve(performance.now());
    if (gl.loaded() && gl.areTilesLoaded()) done(); else gl.once("idle", done);
  }));
  console.log(`first render: ${Math.round(firstRender)} ms`);
  const drawn = await page.evaluate(() => {
    const gl = window.corridor.gl;
    const n = (layer) => gl.queryRenderedFeatures({ layers: [layer] }).length;
    return { rail: n("rail"), road: n("road"), places: n("places") };
  });
  check(tiles.length > 0 && tiles.every((s) => s === 200 || s === 204), `tiles loaded: ${tiles.length} answers, all 200/204 (${[...new Set(tiles)].join(", ")})`);
  check(drawn.rail > 0 && drawn.road > 0 && drawn.places > 0, `rail, roads and places drawn from the tiles: ${JSON.stringify(drawn)}`);
  check(!paths.has("/v1/network"), "the whole network (/v1/network) is never loaded");

  // Hovering a tiled rail line shows its tooltip (MapLibre's queryRenderedFeatures under the
  // pointer): vertices of drawn rail features well inside the map, away from the controls,
  // tried in turn (one may lie under a crossing's marker, which has its own tooltip).
  const railAts = await page.evaluate(() => {
    const { gl, map } = window.corridor;
    const size = map.getSize();
    const out = [];
    for (const f of gl.queryRenderedFeatures({ layers: ["rail"] })) {
      const g = f.geometry;
      const lines = g.type === "LineString" ? [g.coordinates] : g.type === "MultiLineString" ? g.coordinates : [];
      const line = lines[0] || [];
      const [lon, lat] = line[Math.floor(line.length / 2)] || [];
      if (lon === undefined) continue;
      const p = map.latLngToContainerPoint([lat, lon]);
      if (p.x > 80 && p.x < size.x - 320 && p.y > 80 && p.y < size.y - 80) out.push({ x: p.x, y: p.y });
      if (out.length >= 12) break;
    }
    return out;
  });
  let hoverText = "";
  const mapAt = await page.locator("#map").boundingBox();
  for (const at of railAts) {
    await page.mouse.move(mapAt.x + at.x - 3, mapAt.y + at.y - 3);
    await page.mouse.move(mapAt.x + at.x, mapAt.y + at.y);
    await page.waitForSelector(".tile-line-tip", { timeout: 1500 }).catch(() => {});
    hoverText = (await page.locator(".tile-line-tip").allInnerTexts()).join(" ");
    if (hoverText) break;
  }
  await page.mouse.move(mapAt.x + 5, mapAt.y + mapAt.height - 5);
  check(railAts.length > 0 && hoverText.includes("rail") && hoverText.includes("mm"), `hovering a tiled rail line shows its tooltip: ${JSON.stringify(hoverText)}`);
  check(await page.locator("#places option").count() === 0, "no place list loaded up front");

  // A place picked on the map: the nearest one by /v1/nearest, shown by name.
  const mapBox = await page.locator("#map").boundingBox();
  const pointOf = (f) => page.evaluate(([lat, lon]) => {
    const p = window.corridor.map.latLngToContainerPoint([lat, lon]);
    return { x: p.x, y: p.y };
  }, [f.geometry.coordinates[1], f.geometry.coordinates[0]]);
  await page.evaluate(([lat, lon]) => window.corridor.map.setView([lat, lon], 7, { animate: false }), [from.geometry.coordinates[1], from.geometry.coordinates[0]]);
  await page.locator("#route-panel .place-row").nth(0).locator("button.pick").click();
  const at = await pointOf(from);
  await page.mouse.click(mapBox.x + at.x, mapBox.y + at.y);
  await page.waitForFunction(() => document.querySelector("#route-from").value !== "", null, { timeout: 10000 }).catch(() => {});
  check((await page.inputValue("#route-from")) === from.properties.name, "clicking a place fills From with its name: " + (await page.inputValue("#route-from")));

  // A place named as it is typed: /v1/places fills the datalist.
  const suggested = page.waitForResponse((r) => r.url().includes("/v1/places"), { timeout: 10000 }).catch(() => null);
  await page.locator("#route-to").pressSequentially(to.properties.name.slice(0, -1), { delay: 5 });
  const sres = await suggested;
  await page.waitForFunction((name) => [...document.querySelectorAll("#places option")].some((o) => o.value === name), to.properties.name, { timeout: 10000 }).catch(() => {});
  const listed = await page.locator("#places option").evaluateAll((os) => os.map((o) => o.value));
  check(sres && sres.ok() && listed.includes(to.properties.name), `typing suggests places from /v1/places (${listed.length} listed)`);
  await page.fill("#route-to", to.properties.name);

  // A route through the form, drawn as GeoJSON above the tiles.
  await page.click("#route-submit");
  await page.waitForSelector("body[data-route='done'], body[data-route='error']", { timeout: 30000 });
  const routeState = await page.getAttribute("body", "data-route");
  const routeError = routeState === "error" ? await page.locator("#route-error").innerText() : "";
  check(routeState === "done", "route query answered" + (routeError ? " (error shown: " + routeError + ")" : ""));
  const q = routeQueries[routeQueries.length - 1] || new URLSearchParams();
  check(q.get("from") === from.properties.id && q.get("to") === to.properties.id, "place names are sent as ids: " + q);
  check(await page.locator(".leaflet-overlay-pane path.route-line").count() > 0, "route drawn as a path in the overlay pane");
  await page.screenshot({ path: shot });

  // A border crossing's popup carries its fields.
  const c = crossings[0];
  const mid = c.geometry.coordinates[Math.floor(c.geometry.coordinates.length / 2)];
  await page.evaluate(([lat, lon]) => window.corridor.map.setView([lat, lon], 6, { animate: false }), [mid[1], mid[0]]);
  await page.locator("path.crossing-symbol").first().dispatchEvent("click");
  const popup = await page.locator(".leaflet-popup-content").innerText({ timeout: 5000 }).catch(() => "");
  check(/Dwell/.test(popup) && /Veterinary/.test(popup) && /Capacity/.test(popup) && /Source/.test(popup), "crossing popup shows dwell, veterinary, capacity, source");
  await page.locator(".leaflet-popup-close-button").click();

  // A place drawn by the tiles opens a popup with its name when clicked.
  await page.evaluate(([lat, lon]) => window.corridor.map.setView([lat, lon], 9, { animate: false }), [other.geometry.coordinates[1], other.geometry.coordinates[0]]);
  await page.waitForTimeout(300); // the GL map follows Leaflet's view on its next update
  await page.evaluate(() => new Promise((resolve) => {
    const gl = window.corridor.gl;
    if (gl.loaded() && gl.areTilesLoaded()) resolve(); else gl.once("idle", resolve);
  }));
  const pt = await pointOf(other);
  await page.mouse.click(mapBox.x + pt.x, mapBox.y + pt.y);
  const placePopup = await page.locator(".leaflet-popup-content").innerText({ timeout: 5000 }).catch(() => "");
  check(placePopup.includes(other.properties.name), "a tile place's popup names it: " + JSON.stringify(placePopup.slice(0, 80)));

  // The Assign panel on a large network: a shipped demand set's link loads come from the
  // utilisation tiles, drawn by MapLibre; no GeoJSON of the loaded links is asked for or drawn.
  {
    const sets = (await getJson("/v1/demand")).demand || [];
    check(sets.some((d) => d.name === "gen-flows"), "the generated network ships its demand set: " + sets.map((d) => d.name).join(", "));
    await page.click("#tab-assign");
    await page.selectOption("#assign-demand", "gen-flows");
    check(await page.locator("#assign-mode").isDisabled() && await page.locator("#assign-include_planned").isDisabled(),
      "the options the tiles do not take are off");
    await page.click("#assign-submit");
    await page.waitForSelector("body[data-assign='done'], body[data-assign='error']", { timeout: 60000 });
    const err = (await page.getAttribute("body", "data-assign")) === "error" ? await page.locator("#assign-error").innerText() : "";
    check(!err, "assignment drawn" + (err ? " (error shown: " + err + ")" : ""));
    const drawn = await page.evaluate(() => new Promise((resolve) => {
      const gl = window.corridor.gl;
      const count = () => resolve({
        layer: gl.getLayer("assign-utilisation") ? gl.getLayer("assign-utilisation").type : null,
        features: gl.queryRenderedFeatures({ layers: ["assign-utilisation"] }).length,
      });
      const wait = () => (gl.loaded() && gl.areTilesLoaded() ? count() : gl.once("idle", count));
      setTimeout(wait, 300); // the GL map follows Leaflet's new view on its next frame
    }));
    check(drawn.layer === "line" && drawn.features > 0, `link loads drawn from the utilisation tiles: ${JSON.stringify(drawn)}`);
    const ok = utilisationTiles.filter((t) => t.status === 200 || t.status === 204);
    check(utilisationTiles.length > 0 && ok.length === utilisationTiles.length && utilisationTiles.every((t) => t.demand === "gen-flows"),
      `utilisation tiles of gen-flows asked: ${utilisationTiles.length}, all 200/204 (${[...new Set(utilisationTiles.map((t) => t.status))].join(", ")})`);
    check(assignPosts.length === 0, "no POST /v1/assign: the link loads are not fetched as GeoJSON" + (assignPosts.length ? ": " + assignPosts.join(", ") : ""));
    check(await page.locator("path.assign-flow").count() === 0, "no GeoJSON layer of loaded links drawn");
    const summary = await page.locator("#assign-summary").innerText().catch(() => "");
    check(/demanded/.test(summary) && /[Mk]t\/yr/.test(summary), "the demand set's total shown: " + summary.replace(/\s+/g, " "));
    await page.screenshot({ path: shot.replace(/\.png$/, "-assign.png") });
  }

  check(external.length === 0, "no request leaves the server" + (external.length ? ": " + external.join(", ") : ""));
  check(consoleErrors.length === 0, "console clean" + (consoleErrors.length ? ": " + consoleErrors.join(" | ") : ""));
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failures.length} failed`);
if (failures.length) process.exit(1);
