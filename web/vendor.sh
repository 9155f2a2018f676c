#!/usr/bin/env bash
# Vendors Leaflet into web/vendor/leaflet/ from the version pinned in package-lock.json.
# Run it only to upgrade Leaflet (edit package.json, `npm install`, then this script); the
# vendored files are committed so that `cargo build` needs neither npm nor the network.
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
