import { chromium } from "playwright-core";
const base = process.argv[2];
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: process.argv.slice(3) });
const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
import fs from "node:fs";
await page.route("**/assets/**", (route) => {
  const u = new URL(route.request().url());
  let rel = u.pathname.replace("/assets/", "");
  let file = rel.startsWith("maplibre/") || rel.startsWith("leaflet/") ? "../vendor/" + rel : "../static/" + rel;
  const type = file.endsWith(".css") ? "text/css" : "text/javascript";
  route.fulfill({ status: 200, contentType: type, body: fs.readFileSync(file) });
});
await page.route(/\/$/, (route) => route.fulfill({ status: 200, contentType: "text/html", body: fs.readFileSync("../static/index.html") }));
page.on("console", (m) => console.log("console", m.type(), m.text()));
page.on("pageerror", (e) => console.log("pageerror", e.message));
page.on("requestfailed", (r) => console.log("failed", r.url()));
await page.goto(base + "/");
await page.waitForSelector("body[data-ready]", { timeout: 30000 });
console.log("ready", await page.getAttribute("body", "data-ready"));
const r = await page.evaluate(() => new Promise((res) => {
  const gl = window.corridor.gl;
  const done = () => res({ t: performance.now(), rail: gl.queryRenderedFeatures({ layers: ["rail"] }).length, road: gl.queryRenderedFeatures({ layers: ["road"] }).length, places: gl.getLayer("places") ? gl.queryRenderedFeatures({ layers: ["places"] }).length : -1 });
  if (gl.loaded() && gl.areTilesLoaded()) done(); else gl.once("idle", done);
}));
console.log(JSON.stringify(r));
await page.screenshot({ path: "/tmp/tiles/probe.png" });
await browser.close();
