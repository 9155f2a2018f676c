#!/usr/bin/env bash
# Vendors the map libraries into web/vendor/ from the versions pinned in package-lock.json:
# Leaflet (web/vendor/leaflet/: the map frame, the panels' GeoJSON answers, popups) and
# MapLibre GL JS with the MapLibre org's Leaflet binding (web/vendor/maplibre/: draws the
# service's own vector tiles with /style.json inside the Leaflet map).
# Run it only to upgrade (edit package.json, `npm install`, then this script); the vendored
# files are committed so that `cargo build` needs neither npm nor the network.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts

src=node_modules/leaflet/dist
dst=vendor/leaflet
rm -rf "$dst"
mkdir -p "$dst/images"
cp "$src/leaflet.js" "$src/leaflet.css" "$dst/"
cp "$src/images/"*.png "$dst/images/"
cp node_modules/leaflet/LICENSE "$dst/LICENSE"
version=$(node -p "require('./node_modules/leaflet/package.json').version")
echo "$version" > "$dst/VERSION"
( cd "$dst" && sha256sum leaflet.js leaflet.css images/*.png > SHA256SUMS )
echo "vendored leaflet $version into web/$dst"

# MapLibre GL JS is an ES module that starts its worker from the file next to it
# (maplibre-gl-worker.mjs), so both are copied side by side; no source maps.
src=node_modules/maplibre-gl/dist
plugin=node_modules/@maplibre/maplibre-gl-leaflet
dst=vendor/maplibre
rm -rf "$dst"
mkdir -p "$dst"
cp "$src/maplibre-gl.mjs" "$src/maplibre-gl-worker.mjs" "$src/maplibre-gl.css" "$dst/"
cp node_modules/maplibre-gl/LICENSE.txt "$dst/LICENSE-maplibre-gl.txt"
# The binding imports the bare names "leaflet" and "maplibre-gl"; the page's CSP allows no
# inline import map, so the two imports are pointed at the served files (Leaflet stays the
# classic-script global `L`, handed over by web/static/js/leaflet-global.js).
sed -e 's#from "leaflet";#from "/assets/js/leaflet-global.js";#' \
    -e 's#from "maplibre-gl";#from "./maplibre-gl.mjs";#' \
    "$plugin/dist/leaflet-maplibre-gl.mjs" > "$dst/leaflet-maplibre-gl.mjs"
grep -q 'from "./maplibre-gl.mjs";' "$dst/leaflet-maplibre-gl.mjs"
grep -q 'from "/assets/js/leaflet-global.js";' "$dst/leaflet-maplibre-gl.mjs"
cp "$plugin/LICENSE" "$dst/LICENSE-maplibre-gl-leaflet.txt"
{
  echo "maplibre-gl $(node -p "require('./node_modules/maplibre-gl/package.json').version")"
  echo "@maplibre/maplibre-gl-leaflet $(node -p "require('./$plugin/package.json').version")"
} > "$dst/VERSION"
( cd "$dst" && sha256sum maplibre-gl.mjs maplibre-gl-worker.mjs maplibre-gl.css leaflet-maplibre-gl.mjs > SHA256SUMS )
echo "vendored $(tr '\n' ' ' < "$dst/VERSION")into web/$dst"
