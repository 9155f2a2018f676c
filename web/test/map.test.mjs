// Drives the web map in a real headless browser (Debian's chromium through playwright-core;
// no browser download). Run by tests/web_browser.rs against the real binary:
//
//   node web/test/map.test.mjs http://127.0.0.1:PORT target/web-screenshot.png
//
// Loads the page (native ES modules), checks the layers and the legend are drawn, that every
// form choice comes from /openapi.json (a select of the documented `enum` or range, free text
// where the document lists none), picks a place on the map, runs route queries through the
// form (alternatives, avoided country, hover highlight, comparison table), runs a capacity
// query (max flow, bottleneck ringed, links coloured by utilisation), checks every request
// uses only documented parameters, that the console stays clean and nothing leaves the
// server, that an error shows the problem's detail, and saves screenshots. A second page gets
// the document with the route enums and ranges removed and must fall back to free text.
import { chromium } from "playwright-core";

const [base, shot] = process.argv.slice(2);
if (!base || !shot) {
  console.error("usage: node map.test.mjs BASE_URL SCREENSHOT.png");
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
let passed = 0;
const failures = [];
function check(cond, what) {
  if (cond) { passed++; console.log("ok   " + what); } else { failures.push(what); console.log("FAIL " + what); }
}

const network = await (await fetch(base + "/v1/network")).json();
const doc = await (await fetch(base + "/openapi.json")).json();
const nodes = new Map(network.features.filter((f) => f.geometry.type === "Point").map((f) => [f.properties.id, f]));
const countries = [...new Set([...nodes.values()].map((f) => f.properties.country))].sort();
const pick = (...ids) => ids.map((id) => nodes.get(id)).find(Boolean) || [...nodes.values()][0];
const from = pick("ru-ulan-ude", "ru-naushki");
const to = pick("mn-ulaanbaatar", "mn-sukhbaatar");

// The OpenAPI facts the forms must follow, read here independently of the page's code.
const params = (path) => doc.paths[path].get.parameters.filter((p) => p.in === "query");
function schemaOf(path, name) {
  const resolve = (s) => {
    if (s && s.$ref) return resolve(s.$ref.replace(/^#\//, "").split("/").reduce((o, k) => o[k], doc));
    for (const key of ["oneOf", "anyOf", "allOf"]) {
      const inner = s && Array.isArray(s[key]) ? s[key].filter((x) => x.type !== "null") : [];
      if (inner.length === 1) return { ...resolve(inner[0]), ...s };
    }
    return s;
  };
  const p = params(path).find((q) => q.name === name);
  return p ? resolve(p.schema) : null;
}
const enumOf = (path, name) => {
  const s = schemaOf(path, name);
  return s && Array.isArray(s.enum) ? s.enum.filter((v) => v !== null).map(String) : null;
};

const browser = await chromium.launch({
  executablePath,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const consoleErrors = [];
  const external = [];
  const undocumented = [];
  const sent = { "/v1/route": [], "/v1/capacity": [] };
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push("page error: " + e.message));
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(base) && !url.startsWith("data:")) { external.push(url); return; }
    const u = new URL(url);
    if (!sent[u.pathname]) return;
    sent[u.pathname].push(u.searchParams);
    const names = new Set(params(u.pathname).map((p) => p.name));
    for (const k of u.searchParams.keys()) if (!names.has(k)) undocumented.push(`${u.pathname}: ${k}`);
  });
  const lastQuery = (path) => sent[path][sent[path].length - 1] || new URLSearchParams();

  await page.goto(base + "/");
  await page.waitForSelector("body[data-ready]", { timeout: 20000 });
  check((await page.getAttribute("body", "data-ready")) === "1", "page loaded its data");
  check(await page.evaluate(() => [...document.scripts].some((s) => s.type === "module")), "the page runs as ES modules");
  check(await page.locator(".leaflet-overlay-pane path").count() > 0, "network lines drawn in the overlay pane");
  check(await page.locator(".leaflet-boundaries-pane path").count() > 0, "country borders drawn (offline basemap)");
  check(await page.locator("path.crossing-symbol").count() > 0, "crossing symbols drawn");
  check(await page.locator("#places option").count() === nodes.size, "place list filled from /v1/network");
  check(await page.locator("#places-and-countries option").count() === nodes.size + countries.length, "place-or-country list filled");
  check(await page.locator(".legend").count() === 1, "legend shown");
  const legendTitles = await page.locator(".legend h4").allInnerTexts();
  check(["Rail", "Roads", "Border crossings", "Routes", "Capacity"].every((t) => legendTitles.includes(t)), "legend has every section: " + legendTitles.join(", "));
  check((await page.locator("#route-avoid_countries input[type=checkbox]").evaluateAll((bs) => bs.map((b) => b.value))).join() === countries.join(),
    "one avoid-country checkbox per country of the network");

  // Every choice of the forms comes from the OpenAPI document.
  async function control(sel) {
    return page.locator(sel).evaluate((el) => ({
      tag: el.tagName, type: el.type, value: el.value,
      options: el.tagName === "SELECT" ? [...el.options].map((o) => o.value).filter((v) => v !== "") : null,
    }));
  }
  for (const [sel, path, name] of [
    ["#route-mode", "/v1/route", "mode"], ["#route-optimize", "/v1/route", "optimize"], ["#route-cargo", "/v1/route", "cargo"],
    ["#capacity-mode", "/v1/capacity", "mode"], ["#capacity-cargo", "/v1/capacity", "cargo"],
  ]) {
    const values = enumOf(path, name);
    const c = await control(sel);
    if (values) check(c.tag === "SELECT" && c.options.join() === values.join(), `${sel}: a select of ${path} ${name}'s enum [${values}]: [${c.options}]`);
    else check(c.tag === "INPUT" && c.type === "text", `${sel}: free text, as ${path} lists no enum for ${name}`);
  }
  {
    const s = schemaOf("/v1/route", "alternatives");
    const c = await control("#route-alternatives");
    if (s && Number.isInteger(s.minimum) && Number.isInteger(s.maximum)) {
      const range = Array.from({ length: s.maximum - s.minimum + 1 }, (_, i) => String(s.minimum + i));
      check(c.tag === "SELECT" && c.options.join() === range.join(), `#route-alternatives offers ${s.minimum}–${s.maximum} as documented: [${c.options}]`);
    } else {
      check(c.tag === "INPUT", "#route-alternatives: free text, as its range is undocumented");
    }
  }
  const setChoice = async (sel, value) => ((await control(sel)).tag === "SELECT" ? page.selectOption(sel, value) : page.fill(sel, value));

  // A crossing popup carries its attributes.
  await page.locator("path.crossing-symbol").first().dispatchEvent("click");
  const popup = await page.locator(".leaflet-popup-content").innerText({ timeout: 5000 }).catch(() => "");
  check(/Dwell/.test(popup) && /Veterinary/.test(popup) && /Capacity/.test(popup), "crossing popup shows dwell, veterinary, capacity");
  await page.locator(".leaflet-popup-close-button").click();

  // Picking places on the map: a click on a place takes it; a click beside one asks /v1/nearest.
  const mapBox = await page.locator("#map").boundingBox();
  const pointOf = (f) => page.evaluate(([lat, lon]) => {
    const map = window.corridor.map;
    map.setView([lat, lon], 6, { animate: false }); // the popup's auto-pan may have moved it away
    const p = map.latLngToContainerPoint([lat, lon]);
    return { x: p.x, y: p.y };
  }, [f.geometry.coordinates[1], f.geometry.coordinates[0]]);
  await page.locator("#route-panel .place-row").nth(0).locator("button.pick").click();
  check(await page.evaluate(() => document.body.classList.contains("picking")), "a pick button arms picking");
  let at = await pointOf(from);
  await page.mouse.click(mapBox.x + at.x, mapBox.y + at.y);
  await page.waitForFunction(() => document.querySelector("#route-from").value !== "", null, { timeout: 10000 }).catch(() => {});
  check((await page.inputValue("#route-from")) === from.properties.name, "clicking a place fills From: " + (await page.inputValue("#route-from")));
  await page.locator("#route-panel .place-row").nth(1).locator("button.pick").click();
  at = await pointOf(to);
  const nearestAsked = page.waitForResponse((r) => r.url().includes("/v1/nearest"), { timeout: 10000 }).catch(() => null);
  await page.mouse.click(mapBox.x + at.x + 14, mapBox.y + at.y + 14);
  const nearestRes = await nearestAsked;
  await page.waitForFunction(() => document.querySelector("#route-to").value !== "", null, { timeout: 10000 }).catch(() => {});
  const pickedTo = await page.inputValue("#route-to");
  const listed = await page.locator("#places option").evaluateAll((os) => os.map((o) => o.value));
  check(nearestRes && nearestRes.ok() && listed.includes(pickedTo), "clicking beside a place fills To with the nearest one: " + pickedTo);
  check(!(await page.evaluate(() => document.body.classList.contains("picking"))), "picking ends after a pick");

  // Route through the form, by place names from the list.
  await page.fill("#route-from", from.properties.name);
  await page.fill("#route-to", to.properties.name);
  await page.click("#route-submit");
  await page.waitForSelector("body[data-route='done'], body[data-route='error']", { timeout: 20000 });
  const routeState = await page.getAttribute("body", "data-route");
  const routeError = routeState === "error" ? await page.locator("#route-error").innerText() : "";
  check(routeState === "done", "route query answered" + (routeError ? " (error shown: " + routeError + ")" : ""));
  const q = lastQuery("/v1/route");
  check(q.get("from") === from.properties.id && q.get("to") === to.properties.id, "place names are sent as ids: " + q);
  check(q.get("alternatives") === "2", "two alternatives asked for by default: " + q);
  check(await page.locator(".leaflet-overlay-pane path.route-line").count() > 0, "route drawn as a path in the overlay pane");
  const rows = page.locator("#route-table tbody tr");
  const nRows = await rows.count();
  check(nRows > 0 && nRows <= 3 && !(await page.locator("#route-table").isHidden()), `comparison table filled (${nRows} routes)`);
  const optimize = enumOf("/v1/route", "optimize");
  const expectedCells = 3 + (optimize ? optimize.length : 3);
  if (nRows > 0) {
    const cells = await rows.first().locator("td").allInnerTexts();
    const heads = await page.locator("#route-table thead th").allInnerTexts();
    check(cells.length === expectedCells && cells.slice(1, expectedCells - 2).every((c) => /\d/.test(c)), "table row has a figure per measure: " + heads.join(" | ") + " / " + cells.join(" | "));
    await rows.first().hover();
    check(await rows.first().evaluate((tr) => tr.classList.contains("hot")), "hovering a row highlights it");
    await page.mouse.move(5, 5);
    await page.locator("path.route-line").last().dispatchEvent("mouseover");
    check(await page.locator("#route-table tbody tr.hot").count() === 1, "hovering a route on the map highlights its row");
    await page.locator("path.route-line").last().dispatchEvent("mouseout");
  }
  check(/Border crossings \(\d+\)/.test(await page.locator("#route-detail").innerText()), "route detail lists the border crossings");
  await page.waitForTimeout(800); // let the zoom to the route finish
  await page.screenshot({ path: shot });

  // Avoiding a country the best route does not need still answers, and is sent.
  const avoid = countries.find((c) => c !== from.properties.country && c !== to.properties.country);
  if (avoid) {
    await page.locator(`#route-avoid_countries input[value="${avoid}"]`).check();
    await setChoice("#route-optimize", "distance");
    await page.click("#route-submit");
    await page.waitForSelector("body[data-route='done'], body[data-route='error']", { timeout: 20000 });
    const aq = lastQuery("/v1/route");
    const detail = await page.locator("#route-detail").innerText();
    check((await page.getAttribute("body", "data-route")) === "done" && aq.get("avoid_countries") === avoid && aq.get("optimize") === "distance"
      && !new RegExp(`Countries:.*\\b${avoid}\\b`).test(detail), `avoiding ${avoid} and optimising distance: ${aq}`);
    await page.locator(`#route-avoid_countries input[value="${avoid}"]`).uncheck();
  }

  // Capacity panel.
  await page.click("#tab-capacity");
  check(await page.locator("#capacity-panel").isVisible() && await page.locator("#route-panel").isHidden(), "the capacity tab shows its panel");
  await page.fill("#capacity-from", "RU");
  await page.fill("#capacity-to", "MN");
  await setChoice("#capacity-mode", "rail"); // rail crossings carry capacities: a bounded flow
  await page.click("#capacity-submit");
  await page.waitForSelector("body[data-capacity='done'], body[data-capacity='error']", { timeout: 20000 });
  const capState = await page.getAttribute("body", "data-capacity");
  const capError = capState === "error" ? await page.locator("#capacity-error").innerText() : "";
  check(capState === "done", "capacity query answered" + (capError ? " (error shown: " + capError + ")" : ""));
  const cq = lastQuery("/v1/capacity");
  check(cq.get("from") === "RU" && cq.get("to") === "MN" && cq.get("mode") === "rail", "capacity query sent: " + cq);
  const capText = await page.locator("#capacity-result").innerText();
  check(/Maximum flow/.test(capText) && /[Mk]t\/yr/.test(capText), "max flow shown: " + capText.split("\n").slice(0, 2).join(" "));
  check(await page.locator("path.flow-line").count() > 0, "flows drawn");
  const strokes = await page.locator("path.flow-line").evaluateAll((ps) => ps.map((p) => p.getAttribute("stroke")));
  check(strokes.some((s) => /^rgb\(/.test(s || "")), "links coloured by utilisation");
  check(await page.locator("path.cut-line").count() > 0, "bottleneck cut drawn (RU→MN by rail)");
  check(await page.locator("path.cut-ring").count() > 0, "bottleneck cut ringed");
  check(await page.locator("#capacity-result tbody tr").count() > 0, "bottleneck links listed");
  check(await page.locator(".leaflet-overlay-pane path.route-line").count() === 0, "route layer hidden while the capacity panel is active");
  await page.waitForTimeout(800);
  await page.screenshot({ path: shot.replace(/\.png$/, "-capacity.png") });

  check(consoleErrors.length === 0, "no console errors" + (consoleErrors.length ? ": " + consoleErrors.join(" / ") : ""));
  check(undocumented.length === 0, "every request uses only parameters /openapi.json documents" + (undocumented.length ? ": " + undocumented.join(", ") : ""));
  check(external.length === 0, "no request leaves the server" + (external.length ? ": " + external.join(", ") : ""));

  // Errors reach the user as the problem's detail (the browser logs the 4xx response).
  await page.click("#tab-route");
  await page.fill("#route-from", "Atlantis-that-does-not-exist");
  await page.click("#route-submit");
  await page.waitForSelector("body[data-route='error']", { timeout: 20000 }).catch(() => {});
  const shown = await page.locator("#route-error").innerText().catch(() => "");
  check(shown.length > 0 && !(await page.locator("#route-error").isHidden()), "an unknown place shows the problem detail: " + shown.split("\n")[0]);
  check(/Atlantis/.test(shown), "the detail names what was not found");
  const late = consoleErrors.filter((e) => !/^Failed to load resource: the server responded with a status of 4\d\d/.test(e));
  check(late.length === 0, "the error answer causes no script error" + (late.length ? ": " + late.join(" / ") : ""));

  // Without enums and ranges in the document, the choices fall back to free text that the
  // server checks.
  const bare = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const bareErrors = [];
  bare.on("pageerror", (e) => bareErrors.push(e.message));
  await bare.route("**/openapi.json", async (r) => {
    const d = structuredClone(doc);
    for (const p of d.paths["/v1/route"].get.parameters) {
      for (const k of ["enum", "minimum", "maximum", "default"]) delete p.schema[k];
      if (p.schema.$ref || p.schema.oneOf || p.schema.anyOf) p.schema = { type: "string" };
    }
    await r.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(d) });
  });
  await bare.goto(base + "/");
  await bare.waitForSelector("body[data-ready]", { timeout: 20000 });
  const kinds = await bare.evaluate(() => ["route-mode", "route-optimize", "route-alternatives", "route-cargo"].map((id) => document.getElementById(id).tagName + ":" + document.getElementById(id).type));
  check(kinds.every((k) => k === "INPUT:text"), "without enums or ranges the route choices are free text: " + kinds.join(", "));
  await bare.fill("#route-from", from.properties.name);
  await bare.fill("#route-to", to.properties.name);
  await bare.fill("#route-mode", "hovercraft");
  await bare.click("#route-submit");
  await bare.waitForSelector("body[data-route='error']", { timeout: 20000 }).catch(() => {});
  const bad = await bare.locator("#route-error").innerText().catch(() => "");
  check(/mode/.test(bad) && /hovercraft/.test(bad), "a free-text value the server refuses shows its problem: " + bad.split("\n")[0]);
  await bare.fill("#route-mode", "rail");
  await bare.fill("#route-alternatives", "1");
  await bare.click("#route-submit");
  await bare.waitForSelector("body[data-route='done']", { timeout: 20000 }).catch(() => {});
  check(await bare.locator("#route-table tbody tr").count() >= 1, "free-text choices are sent: a rail route with one alternative");
  check(bareErrors.length === 0, "no script error without enums" + (bareErrors.length ? ": " + bareErrors.join(" / ") : ""));
  await bare.close();
} finally {
  await browser.close();
}
console.log(`\n${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
