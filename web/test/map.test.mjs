// Drives the web map in a real headless browser (Debian's chromium through playwright-core;
// no browser download). Run by tests/web_browser.rs against the real binary:
//
//   node web/test/map.test.mjs http://127.0.0.1:PORT target/web-screenshot.png
//
// Loads the page (native ES modules), checks the layers and the legend are drawn, that every
// form choice comes from /openapi.json (a select of the documented `enum` or range, free text
// where the document lists none), picks a place on the map, runs route queries through the
// form (alternatives, avoided country, hover highlight, comparison table), runs a capacity
// query (max flow, bottleneck ringed, links coloured by utilisation), checks every panel's
// scenario picker lists /v1/scenarios, compares Naushki shut with the baseline on the route
// panel (both cases drawn, crossings removed name Naushki), the capacity panel (RU→MN rail
// max flow lower) and the assign panel (flows coloured by utilisation change, served before
// and after, 80%/100% crossings), runs a demand set and pasted demands, a departure time
// (arrival, waits, a marker per crossing) and reach contours (with a scenario compare); a
// matrix and a reach with a departure, and a reach towards a place by a deadline (arrive_by),
// each echoed by the answer and longer than the timeless one across a crossing just closed;
// checks every request uses only documented parameters (body members for POST), that the
// console stays clean and nothing leaves the server, that an error shows the problem's
// detail, and saves screenshots (the compare views in target/web-screenshot-*compare.png). A second page gets
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
const scenarios = (await (await fetch(base + "/v1/scenarios")).json()).scenarios;
const demandSets = (await (await fetch(base + "/v1/demand")).json()).demand;
const crossingNames = new Map((await (await fetch(base + "/v1/crossings")).json()).features.map((f) => [f.properties.id, f.properties.name]));
const postJson = async (path, body) => (await fetch(base + path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })).json();
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
// The members a POST endpoint's JSON body documents.
function bodyProperties(path) {
  const op = doc.paths[path] && doc.paths[path].post;
  let schema = op && op.requestBody && op.requestBody.content["application/json"].schema;
  if (schema && schema.$ref) schema = schema.$ref.replace(/^#\//, "").split("/").reduce((o, k) => o[k], doc);
  return new Set(Object.keys((schema && schema.properties) || {}));
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
  const sent = { "/v1/route": [], "/v1/capacity": [], "/v1/compare/route": [], "/v1/compare/capacity": [], "/v1/reach": [], "/v1/matrix": [] };
  const posted = { "/v1/assign": [], "/v1/compare/assign": [] };
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push("page error: " + e.message));
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(base) && !url.startsWith("data:")) { external.push(url); return; }
    const u = new URL(url);
    if (posted[u.pathname] && r.method() === "POST") {
      let body = null;
      try { body = JSON.parse(r.postData() || "null"); } catch (_) { undocumented.push(`${u.pathname}: a body that is not JSON`); return; }
      posted[u.pathname].push(body);
      const props = bodyProperties(u.pathname);
      for (const k of Object.keys(body || {})) if (!props.has(k)) undocumented.push(`${u.pathname}: body member ${k}`);
      return;
    }
    if (!sent[u.pathname]) return;
    sent[u.pathname].push(u.searchParams);
    // A /v1/compare/* endpoint takes its plain twin's parameters as well as its own.
    const twin = u.pathname.replace("/compare/", "/");
    const names = new Set([...params(u.pathname), ...(twin !== u.pathname ? params(twin) : [])].map((p) => p.name));
    for (const k of u.searchParams.keys()) if (!names.has(k)) undocumented.push(`${u.pathname}: ${k}`);
  });
  const lastQuery = (path) => sent[path][sent[path].length - 1] || new URLSearchParams();

  await page.goto(base + "/");
  await page.waitForSelector("body[data-ready]", { timeout: 20000 });
  check((await page.getAttribute("body", "data-ready")) === "1", "page loaded its data");
  check(await page.evaluate(() => [...document.scripts].some((s) => s.type === "module")), "the page runs as ES modules");
  {
    // The network is drawn from the service's vector tiles by MapLibre GL JS.
    const drawn = await page.evaluate(() => new Promise((resolve) => {
      const gl = window.corridor.gl;
      const count = () => resolve({
        rail: gl.queryRenderedFeatures({ layers: ["rail"] }).length,
        road: gl.queryRenderedFeatures({ layers: ["road"] }).length,
      });
      if (gl.loaded() && gl.areTilesLoaded()) count(); else gl.once("idle", count);
    }));
    check(drawn.rail > 0 && drawn.road > 0, `rail and roads drawn from the vector tiles: ${JSON.stringify(drawn)}`);
    check(await page.locator(".leaflet-network-pane canvas").count() === 1, "the tiles' canvas sits in the network pane, under the answers");
  }
  check(await page.locator(".leaflet-boundaries-pane path").count() > 0, "country borders drawn (offline basemap)");
  check(await page.locator("path.crossing-symbol").count() > 0, "crossing symbols drawn");
  check(await page.locator("#places option").count() === nodes.size, "place list filled from /v1/network");
  check(await page.locator("#places-and-countries option").count() === nodes.size + countries.length, "place-or-country list filled");
  check(await page.locator(".legend").count() === 1, "legend shown");
  const legendTitles = await page.locator(".legend h4").allTextContents();
  const shownLegend = () => page.locator(".legend h4").evaluateAll((hs) => hs.filter((x) => x.checkVisibility()).map((x) => x.textContent));
  check(["Rail", "Roads", "Border crossings", "Routes", "Capacity", "Assignment", "Reach"].every((t) => legendTitles.includes(t)), "legend has every section: " + legendTitles.join(", "));
  {
    const shown = await shownLegend();
    check(["Rail", "Roads", "Border crossings", "Routes"].every((t) => shown.includes(t)) && !shown.includes("Capacity") && !shown.includes("Assignment"),
      "the legend shows the base layers and the active panel's section: " + shown.join(", "));
  }
  check((await page.locator("#tabs button").allInnerTexts()).join() === "Route,Capacity,Assign,Reach,Matrix", "a tab per panel: " + (await page.locator("#tabs button").allInnerTexts()).join(", "));

  // Place names where they fit: none overlaps another, and zooming in on a city names it.
  {
    const labelBoxes = () => page.locator(".leaflet-tooltip.place-label").evaluateAll((els) => els.map((e) => {
      const r = e.getBoundingClientRect();
      return { l: r.left, t: r.top, r: r.right, b: r.bottom, text: e.textContent };
    }));
    const overlaps = (bs) => bs.filter((a, i) => bs.some((b, j) => j > i && a.l < b.r - 1 && a.r > b.l + 1 && a.t < b.b - 1 && a.b > b.t + 1)).map((a) => a.text);
    const atStart = await labelBoxes();
    check(atStart.length >= 10 && overlaps(atStart).length === 0, `${atStart.length} place names at the start, none overlapping` + (overlaps(atStart).length ? ": " + overlaps(atStart).join(", ") : ""));
    const ub = nodes.get("mn-ulaanbaatar");
    if (ub) {
      await page.evaluate(([lat, lon]) => window.corridor.map.setView([lat, lon], 7, { animate: false }), [ub.geometry.coordinates[1], ub.geometry.coordinates[0]]);
      await page.waitForTimeout(300);
      const zoomed = await labelBoxes();
      check(zoomed.some((b) => b.text === ub.properties.name) && overlaps(zoomed).length === 0, `zoomed in on ${ub.properties.name}: it is named, ${zoomed.length} names, none overlapping`);
    }
  }

  // Every panel has the scenario picker, filled from /v1/scenarios (title shown, name sent),
  // the network as it is chosen; its compare toggle is off until a scenario is chosen.
  for (const panel of ["route", "capacity", "assign", "reach"]) {
    const opts = await page.locator(`#${panel}-scenario option`).evaluateAll((os) => os.map((o) => ({ value: o.value, text: o.textContent })));
    check(opts.length === scenarios.length + 1 && opts[0].value === "" && /^none/.test(opts[0].text)
      && opts.slice(1).every((o, i) => o.value === scenarios[i].name && o.text === scenarios[i].title)
      && (await page.inputValue(`#${panel}-scenario`)) === "",
    `#${panel}-scenario lists the shipped scenarios by title [${opts.slice(1).map((o) => o.value)}], none chosen`);
    check(await page.locator(`#${panel}-compare`).isDisabled(), `#${panel}-compare is off without a scenario`);
  }
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
  check(/Basis/.test(popup), "crossing popup shows the capacity basis");
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
  {
    const shown = await shownLegend();
    check(shown.includes("Capacity") && !shown.includes("Routes"), "the capacity tab swaps the legend section: " + shown.join(", "));
  }
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
  // Russia → Mongolia by rail crosses at Naushki (design figure) and Solovyevsk (estimate): the
  // estimate is drawn dashed, the published figure solid.
  check(await page.locator("path.cut-line.estimated").count() > 0, "estimated capacity drawn dashed");
  check(await page.locator("path.cut-line:not(.estimated)").count() > 0, "published capacity drawn solid");
  await page.waitForTimeout(800);
  await page.screenshot({ path: shot.replace(/\.png$/, "-capacity.png") });

  // Scenario compare on the route panel: Naushki shut, Ulan-Ude → Beijing by rail draws the
  // baseline (grey, dashed) under the scenario, and the before/after table says the route
  // left Naushki. The page's figures are checked against the endpoint's own answer.
  {
    const ulanUde = nodes.get("ru-ulan-ude");
    const beijing = nodes.get("cn-beijing");
    await page.click("#tab-route");
    await page.fill("#route-from", ulanUde.properties.name);
    await page.fill("#route-to", beijing.properties.name);
    await setChoice("#route-mode", "rail");
    await setChoice("#route-optimize", "time");
    await page.selectOption("#route-scenario", "naushki-closed");
    check(await page.locator("#route-compare").isEnabled(), "choosing a scenario enables its compare toggle");
    check(/Naushki/.test(await page.locator("#route-scenario-about").innerText()), "the chosen scenario's description is shown");
    await page.check("#route-compare");
    await page.click("#route-submit");
    await page.waitForSelector("body[data-route='done'], body[data-route='error']", { timeout: 30000 });
    const err = (await page.getAttribute("body", "data-route")) === "error" ? await page.locator("#route-error").innerText() : "";
    check(!err, "route compare answered" + (err ? ": " + err : ""));
    const cq = lastQuery("/v1/compare/route");
    check(cq.get("scenario") === "naushki-closed" && cq.get("from") === "ru-ulan-ude" && cq.get("to") === "cn-beijing" && cq.get("mode") === "rail",
      "compare asks /v1/compare/route with the scenario: " + cq);
    const api = await (await fetch(`${base}/v1/compare/route?${cq}`)).json();
    const baseLines = await page.locator("path.route-baseline").count();
    const scenLines = await page.locator("path.route-line:not(.route-baseline)").count();
    const caseCount = (c) => api.features.filter((g) => g.properties.kind === "route" && g.properties.case === c).length;
    check(baseLines === caseCount("baseline") && scenLines === caseCount("scenario") && baseLines > 0 && scenLines > 0,
      `both cases drawn: ${baseLines} baseline, ${scenLines} scenario routes`);
    const dashes = await page.locator("path.route-baseline").evaluateAll((ps) => ps.map((p) => p.getAttribute("stroke-dasharray")));
    check(dashes.every((d) => d && d.length), "baseline routes drawn dashed");
    const rowsMeasures = await page.locator("#route-delta-table tbody tr").evaluateAll((trs) => trs.map((tr) => tr.dataset.measure));
    check(rowsMeasures.length === Object.keys(api.delta.measures).length && rowsMeasures.every((m) => m in api.delta.measures) && rowsMeasures.includes("co2e_kg_per_t"),
      "before/after table has a row per measure, co2e included: " + rowsMeasures.join(", "));
    const co2Cells = await page.locator('#route-delta-table tr[data-measure="co2e_kg_per_t"] td').allInnerTexts();
    const fmt = (x) => (Math.abs(x) >= 100 ? Math.round(x) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));
    const co2 = api.delta.measures.co2e_kg_per_t;
    check(co2Cells[1] === fmt(co2.baseline).toString() && co2Cells[2] === fmt(co2.scenario).toString(),
      `co2e before/after as the endpoint says: ${co2Cells.join(" | ")} (${co2.baseline} → ${co2.scenario})`);
    const removed = await page.locator('#route-delta-crossings tr[data-crossings="removed"]').innerText();
    check(api.delta.crossings.removed.includes("xr-naushki-sukhbaatar") && removed.includes(crossingNames.get("xr-naushki-sukhbaatar")),
      "crossings removed name Naushki: " + removed.replace(/\s+/g, " "));
    const added = await page.locator('#route-delta-crossings tr[data-crossings="added"]').innerText();
    check(api.delta.crossings.added.every((id) => added.includes(crossingNames.get(id) || id)), "crossings added listed: " + added.replace(/\s+/g, " "));
    check(await page.locator("#route-table tbody tr").count() === baseLines + scenLines, "the routes table lists both cases");
    await page.waitForTimeout(800);
    await page.screenshot({ path: shot.replace(/\.png$/, "-compare.png") });
  }

  // Departure time (issue 12): arrival, waits and border times, a marker at every crossing.
  {
    await page.selectOption("#route-scenario", "");
    check(!(await page.locator("#route-compare").isChecked()), "going back to no scenario turns compare off");
    await setChoice("#route-mode", "road");
    await page.fill("#route-depart", "2027-01-01T08:00");
    await page.selectOption("#route-depart-offset", "+08:00");
    await page.click("#route-submit");
    await page.waitForSelector("body[data-route='done'], body[data-route='error']", { timeout: 30000 });
    const dq = lastQuery("/v1/route");
    check((await page.getAttribute("body", "data-route")) === "done" && dq.get("depart") === "2027-01-01T08:00+08:00" && !dq.has("scenario"),
      "the departure is sent as RFC 3339 with its offset: " + dq.get("depart"));
    const api = await (await fetch(`${base}/v1/route?${dq}`)).json();
    const best = api.features.find((g) => g.properties.kind === "route" && g.properties.rank === 1).properties;
    const timing = await page.locator("#route-timing").innerText().catch(() => "");
    check(timing.includes(best.arrive.slice(0, 10)) && /arrive/.test(timing), "arrival shown: " + timing);
    check(await page.locator("#route-border-times tbody tr").count() === best.border_times.length, `border times listed (${best.border_times.length})`);
    const heads = await page.locator("#route-table thead th").allInnerTexts();
    check(heads.includes("arrive") && heads.includes("wait h"), "routes table gains arrive and wait columns: " + heads.join(" | "));
    check(await page.locator("path.wait-marker").count() === best.crossings.length, `a marker at every crossing of the route (${best.crossings.length})`);
    const waiting = best.border_times.filter((b) => b.wait_h > 0).length;
    check(await page.locator("path.wait-marker.waiting").count() === waiting && await page.locator(".leaflet-tooltip.wait-label").count() === waiting,
      `crossings where the cargo waits are marked and labelled (${waiting})`);
    await page.fill("#route-depart", "");
  }

  // Capacity compare: Russia → Mongolia by rail avoiding China, Naushki shut: the scenario's
  // max flow is lower, and Naushki leaves the cut.
  {
    await page.click("#tab-capacity");
    await page.fill("#capacity-from", "RU");
    await page.fill("#capacity-to", "MN");
    await setChoice("#capacity-mode", "rail");
    await page.locator('#capacity-avoid_countries input[value="CN"]').check();
    await page.selectOption("#capacity-scenario", "naushki-closed");
    await page.check("#capacity-compare");
    await page.click("#capacity-submit");
    await page.waitForSelector("body[data-capacity='done'], body[data-capacity='error']", { timeout: 30000 });
    const err = (await page.getAttribute("body", "data-capacity")) === "error" ? await page.locator("#capacity-error").innerText() : "";
    check(!err, "capacity compare answered" + (err ? ": " + err : ""));
    const cq = lastQuery("/v1/compare/capacity");
    check(cq.get("scenario") === "naushki-closed" && cq.get("avoid_countries") === "CN" && cq.get("mode") === "rail", "compare asks /v1/compare/capacity: " + cq);
    const api = await (await fetch(`${base}/v1/compare/capacity?${cq}`)).json();
    const tpy = async (c) => Number(await page.locator(`#capacity-delta td[data-case="${c}"]`).getAttribute("data-tpy"));
    const [before, after] = [await tpy("baseline"), await tpy("scenario")];
    check(before === api.delta.max_flow.baseline && after === api.delta.max_flow.scenario, `max flow before/after as the endpoint says: ${before} → ${after}`);
    check(after < before, `the scenario's max flow is lower: ${before / 1e6} → ${after / 1e6} Mt/yr`);
    check(await page.locator('#capacity-cut-delta tr[data-link="xr-naushki-sukhbaatar"][data-fate="removed"]').count() === 1, "Naushki listed as removed from the cut");
    check(await page.locator("path.flow-baseline").count() === api.features.filter((g) => g.properties.kind === "flow" && g.properties.case === "baseline").length
      && await page.locator("path.flow-baseline").count() > 0, "baseline flows drawn under the scenario's");
    check(await page.locator("path.cut-baseline").count() === 1 && await page.locator("path.cut-line").count() === api.delta.cut.scenario.length,
      "the baseline's cut link that left the cut greyed, the scenario's cut in red");
    await page.waitForTimeout(800);
    await page.screenshot({ path: shot.replace(/\.png$/, "-capacity-compare.png") });
    await page.locator('#capacity-avoid_countries input[value="CN"]').uncheck();
  }

  // Assign: a demand set the server ships, drawn as link loads coloured by utilisation; then
  // compared with Naushki shut; pasted demands; a paste that is not JSON.
  {
    await page.click("#tab-assign");
    const sets = await page.locator("#assign-demand option").evaluateAll((os) => os.map((o) => o.value));
    check(demandSets.every((d) => sets.includes(d.name)) && sets.length === demandSets.length + 1, "demand sets listed from /v1/demand: " + sets.join(", "));
    await page.selectOption("#assign-demand", "mongolia-trade-2023");
    await page.click("#assign-submit");
    await page.waitForSelector("body[data-assign='done'], body[data-assign='error']", { timeout: 30000 });
    const err = (await page.getAttribute("body", "data-assign")) === "error" ? await page.locator("#assign-error").innerText() : "";
    check(!err, "assignment answered" + (err ? ": " + err : ""));
    const body = posted["/v1/assign"][posted["/v1/assign"].length - 1] || {};
    check(body.demand === "mongolia-trade-2023" && !("scenario" in body) && !("demands" in body), "the set is sent by name: " + JSON.stringify(body));
    const api = await postJson("/v1/assign", body);
    const flows = api.features.filter((g) => g.properties.kind === "flow").length;
    check(flows > 0 && await page.locator("path.assign-flow").count() === flows, `every loaded link drawn (${flows} flow features)`);
    const strokes = await page.locator("path.assign-flow").evaluateAll((ps) => ps.map((p) => p.getAttribute("stroke")));
    check(strokes.every((s) => /^rgb\(/.test(s || "")), "link loads coloured by utilisation");
    const served = await page.locator("#assign-summary").innerText();
    check(/served/.test(served) && /unserved/.test(served) && /[Mk]t\/yr/.test(served), "served and unserved shown: " + served.replace(/\s+/g, " "));

    await page.selectOption("#assign-scenario", "naushki-closed");
    await page.check("#assign-compare");
    await page.click("#assign-submit");
    await page.waitForSelector("body[data-assign='done'], body[data-assign='error']", { timeout: 30000 });
    const cerr = (await page.getAttribute("body", "data-assign")) === "error" ? await page.locator("#assign-error").innerText() : "";
    check(!cerr, "assignment compare answered" + (cerr ? ": " + cerr : ""));
    const cbody = posted["/v1/compare/assign"][posted["/v1/compare/assign"].length - 1] || {};
    check(cbody.scenario === "naushki-closed" && cbody.demand === "mongolia-trade-2023", "compare posts /v1/compare/assign with the scenario: " + JSON.stringify(cbody));
    const capi = await postJson("/v1/compare/assign", cbody);
    const drawnChanges = await page.locator("path.assign-change").count();
    check(drawnChanges > 0 && drawnChanges <= capi.delta.links.length, `links coloured by utilisation change (${drawnChanges} of ${capi.delta.links.length} changed links)`);
    const naushki = capi.delta.links.find((l) => l.link === "xr-naushki-sukhbaatar");
    const changeStrokes = await page.locator("path.assign-change").evaluateAll((ps) => ps.map((p) => p.getAttribute("stroke")));
    const blue = changeStrokes.some((s) => { const m = /rgb\((\d+),(\d+),(\d+)\)/.exec(s || ""); return m && +m[3] > +m[1] + 40; });
    check(naushki && naushki.change < 0 && blue, "a link whose utilisation fell (Naushki) is drawn blue");
    const deltaRows = await page.locator("#assign-delta tbody tr").evaluateAll((trs) => trs.map((tr) => tr.dataset.measure));
    check(deltaRows.join() === "demanded,served,unserved", "served and unserved before/after listed: " + deltaRows.join(", "));
    const servedCells = await page.locator('#assign-delta tr[data-measure="served"] td').allInnerTexts();
    check(servedCells.length === 4 && /t\/yr/.test(servedCells[1]) && /t\/yr/.test(servedCells[2]), "served before and after: " + servedCells.join(" | "));
    const thresholds = await page.locator("#assign-thresholds tr").evaluateAll((trs) => trs.map((tr) => tr.dataset.threshold));
    check(capi.delta.thresholds.every((t) => thresholds.filter((x) => Number(x) === t.threshold).length === 2), "links crossing 80% and 100% listed (rose, fell): " + [...new Set(thresholds)].join(", "));
    await page.waitForTimeout(800);
    await page.screenshot({ path: shot.replace(/\.png$/, "-assign-compare.png") });

    // Pasted demands: JSON that is not refuses before sending; an array of demands is sent.
    await page.selectOption("#assign-scenario", "");
    await page.selectOption("#assign-demand", "(paste)");
    check(await page.locator("#assign-demands").isVisible(), "pasting demands shows the text box");
    const before = posted["/v1/assign"].length;
    await page.fill("#assign-demands", "[{from: nowhere");
    await page.click("#assign-submit");
    await page.waitForSelector("body[data-assign='error']", { timeout: 10000 }).catch(() => {});
    check(/not JSON/.test(await page.locator("#assign-error").innerText()) && posted["/v1/assign"].length === before, "pasted text that is not JSON is refused on the page");
    const pastedDemands = [{ from: "ru-irkutsk", to: "mn-ulaanbaatar", tonnes_per_year: 500000, mode: "rail" }];
    await page.fill("#assign-demands", JSON.stringify(pastedDemands));
    await page.click("#assign-submit");
    await page.waitForSelector("body[data-assign='done'], body[data-assign='error']", { timeout: 30000 });
    const pbody = posted["/v1/assign"][posted["/v1/assign"].length - 1] || {};
    check((await page.getAttribute("body", "data-assign")) === "done" && JSON.stringify(pbody.demands) === JSON.stringify(pastedDemands) && !("demand" in pbody),
      "pasted demands are sent and assigned");
    check(await page.locator("path.assign-flow").count() > 0, "pasted demands drawn");
  }

  // Reach: the contours of the default question, then compared with a scenario.
  {
    await page.click("#tab-reach");
    await page.click("#reach-submit");
    await page.waitForSelector("body[data-reach='done'], body[data-reach='error']", { timeout: 30000 });
    const err = (await page.getAttribute("body", "data-reach")) === "error" ? await page.locator("#reach-error").innerText() : "";
    check(!err, "reach answered" + (err ? ": " + err : ""));
    const rq = lastQuery("/v1/reach");
    const api = await (await fetch(`${base}/v1/reach?${rq}`)).json();
    const contours = api.features.filter((g) => g.properties.kind === "contour").length;
    check(contours > 0 && await page.locator("path.reach-contour").count() === contours && await page.locator("#reach-table tbody tr").count() === contours,
      `every contour drawn and listed (${contours}, budgets ${rq.get("contours")})`);
    await page.selectOption("#reach-scenario", "naushki-closed");
    await page.check("#reach-compare");
    const n = sent["/v1/reach"].length;
    await page.click("#reach-submit");
    await page.waitForSelector("body[data-reach='done'], body[data-reach='error']", { timeout: 30000 });
    const asked = sent["/v1/reach"].slice(n);
    check(asked.length === 2 && asked.some((q) => !q.has("scenario")) && asked.some((q) => q.get("scenario") === "naushki-closed"), "reach compare asks the baseline and the scenario");
    check(await page.locator("path.reach-baseline").count() === contours && await page.locator("path.reach-contour").count() === contours, "baseline contours drawn under the scenario's");
  }

  // Matrix and reach with a time: the departure (or, inwards, the arrival deadline) is sent as
  // the API parameter, with the calendar's years shown; the answer echoes it, and its hours
  // include the waits. Bakhty → Tacheng by road crosses Bakhty–Tacheng (Mo-Fr 09:00–18:00):
  // leaving just after Friday's closing, or to arrive by Monday 10:00, the cargo waits out the
  // weekend (or detours), where the timeless answer does not.
  {
    const nameOf = (id) => nodes.get(id).properties.name;
    await page.click("#tab-matrix");
    check(await page.locator("#matrix-panel").isVisible(), "the matrix tab shows its panel");
    const cal = schemaOf("/v1/matrix", "depart")["x-calendar-years"];
    const hint = await page.locator("#matrix-depart-calendar").innerText().catch(() => "");
    check(Array.isArray(cal) && hint.includes(`${cal[0]}–${cal[1]}`) && (await page.getAttribute("#matrix-depart", "min")) === `${cal[0]}-01-01T00:00`
      && (await page.getAttribute("#matrix-depart", "max")) === `${cal[1]}-12-31T23:59`, `the calendar's years shown and bound the input: ${hint}`);
    await page.fill("#matrix-sources", `${nameOf("kz-bakhty")}, ${nameOf("kz-almaty")}`);
    await page.fill("#matrix-destinations", nameOf("cn-tacheng"));
    await setChoice("#matrix-mode", "road");
    const matrixCell = async () => {
      await page.click("#matrix-submit");
      await page.waitForSelector("body[data-matrix='done'], body[data-matrix='error']", { timeout: 30000 });
      const err = (await page.getAttribute("body", "data-matrix")) === "error" ? await page.locator("#matrix-error").innerText() : "";
      check(!err, "matrix answered" + (err ? ": " + err : ""));
      return page.locator('#matrix-table tr[data-source="kz-bakhty"] td[data-time]').evaluate((td) => ({ time: Number(td.dataset.time), wait: td.dataset.wait, text: td.innerText })).catch(() => null);
    };
    const untimed = await matrixCell();
    check(untimed && untimed.time > 0 && untimed.wait === undefined, "Bakhty → Tacheng, timeless: " + JSON.stringify(untimed));
    await page.fill("#matrix-depart", "2027-07-09T18:05");
    await page.selectOption("#matrix-depart-offset", "+05:00");
    const timed = await matrixCell();
    const mq = lastQuery("/v1/matrix");
    check(mq.get("depart") === "2027-07-09T18:05+05:00" && mq.get("sources") === "kz-bakhty,kz-almaty" && mq.get("destinations") === "cn-tacheng", "the matrix departure is sent as RFC 3339, places as ids: " + mq);
    const clock = await page.locator("#matrix-clock").innerText().catch(() => "");
    check(clock.includes("2027-07-09T18:05:00+05:00"), "the answer's departure is echoed: " + clock);
    const mapi = await (await fetch(`${base}/v1/matrix?${mq}`)).json();
    check(timed && Math.abs(timed.time - mapi.time_h[0][0]) < 0.006 && timed.text.includes(mapi.arrive[0][0].slice(0, 10)), "the timed cell is the endpoint's, with its arrival: " + JSON.stringify(timed));
    check(timed && untimed && timed.time > untimed.time + 10, `after Friday's closing the cell waits out the weekend: ${untimed && untimed.time} h → ${timed && timed.time} h`);
    await page.screenshot({ path: shot.replace(/\.png$/, "-matrix.png") });

    // Reach outwards from Bakhty within a day: Tacheng is in it timeless, not after Friday's closing.
    await page.click("#tab-reach");
    await page.uncheck("#reach-compare").catch(() => {});
    await page.selectOption("#reach-scenario", "");
    await page.fill("#reach-from", nameOf("kz-bakhty"));
    await setChoice("#reach-direction", "from");
    await setChoice("#reach-measure", "time");
    await setChoice("#reach-mode", "road");
    await page.fill("#reach-contours", "24");
    check(await page.locator("#reach-depart").isVisible() && await page.locator("#reach-arrive_by").isHidden(), "outwards the reach offers a departure, not a deadline");
    const reachValue = async (id) => {
      await page.click("#reach-submit");
      await page.waitForSelector("body[data-reach='done'], body[data-reach='error']", { timeout: 30000 });
      const err = (await page.getAttribute("body", "data-reach")) === "error" ? await page.locator("#reach-error").innerText() : "";
      check(!err, "reach answered" + (err ? ": " + err : ""));
      const row = page.locator(`#reach-places tr[data-node="${id}"] td`).nth(1);
      // textContent: the list sits in a closed <details>, which innerText does not read.
      return (await row.count()) ? Number((await row.textContent()).replace(/,/g, "")) : null;
    };
    const tachengTimeless = await reachValue("cn-tacheng");
    await page.fill("#reach-depart", "2027-07-09T18:05");
    await page.selectOption("#reach-depart-offset", "+05:00");
    const tachengTimed = await reachValue("cn-tacheng");
    const rq = lastQuery("/v1/reach");
    check(rq.get("depart") === "2027-07-09T18:05+05:00" && !rq.has("arrive_by"), "the reach departure is sent: " + rq);
    check((await page.locator("#reach-clock").innerText().catch(() => "")).includes("2027-07-09T18:05:00+05:00"), "the reach echoes its departure");
    check(tachengTimeless !== null && tachengTimeless < 24 && tachengTimed === null,
      `Tacheng within a day of Bakhty timeless (${tachengTimeless} h), not after Friday's closing (${tachengTimed})`);

    // Inwards to Tacheng by Monday 10:00: Bakhty must leave far earlier than the timeless catchment says.
    await page.fill("#reach-from", nameOf("cn-tacheng"));
    await setChoice("#reach-direction", "to");
    await page.fill("#reach-contours", "24,100");
    check(await page.locator("#reach-arrive_by").isVisible() && await page.locator("#reach-depart").isHidden(), "inwards the reach offers a deadline, not a departure");
    await page.fill("#reach-arrive_by", "");
    const bakhtyTimeless = await reachValue("kz-bakhty");
    await page.fill("#reach-arrive_by", "2027-07-12T10:00");
    await page.selectOption("#reach-arrive_by-offset", "+05:00");
    const bakhtyTimed = await reachValue("kz-bakhty");
    const iq = lastQuery("/v1/reach");
    check(iq.get("arrive_by") === "2027-07-12T10:00+05:00" && !iq.has("depart") && iq.get("direction") === "to", "the deadline is sent as arrive_by: " + iq);
    check((await page.locator("#reach-clock").innerText().catch(() => "")).includes("2027-07-12T10:00:00+05:00"), "the reach echoes its deadline");
    check(bakhtyTimeless !== null && bakhtyTimed !== null && bakhtyTimed > bakhtyTimeless + 10,
      `to be in Tacheng by Monday 10:00, Bakhty must leave ${bakhtyTimed} h before (timeless ${bakhtyTimeless} h)`);
    await page.fill("#reach-arrive_by", "");
    await setChoice("#reach-direction", "from");
    await page.fill("#reach-depart", "");
  }

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
