#!/usr/bin/env bash
# Load test on loopback: starts the release binary on an ephemeral port, warms up for 5 s,
# runs 30 s of mixed traffic, 15 s of routes only and 30 s of mixed traffic again with wrk,
# printing RSS between runs (flat memory = no growth after warm-up), and fails on any error or
# non-2xx answer. Needs `wrk` (Debian package) and a release build.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-30s}
CONNS=${CONNS:-64}
bin=target/release/corridor
[ -x "$bin" ] || cargo build --release
log=$(mktemp)
RUST_LOG=warn "$bin" serve --bind 127.0.0.1:0 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "listening on" "$log" && break; sleep 0.1; done
url=$(sed -n 's/^corridor listening on //p' "$log" | head -1)
rss() { awk '/VmRSS/ {print $2 " kB"}' /proc/$pid/status; }
curl -sf "$url/health" >/dev/null
echo "server $url pid $pid; RSS idle: $(rss)"
wrk -t2 -c"$CONNS" -d5s -s benches/load/mixed.lua "$url" >/dev/null
echo "RSS after 5 s warm-up: $(rss)"
out=$(wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s benches/load/mixed.lua "$url")
echo "== mixed ($DURATION, $CONNS connections)"; echo "$out" | tail -3
echo "RSS after mixed: $(rss)"
out3=$(wrk -t2 -c"$CONNS" -d"$DURATION" -s benches/load/mixed.lua "$url")
echo "== mixed again ($DURATION)"; echo "$out3" | tail -2
echo "RSS after second mixed run: $(rss)"
out2=$(WRK_ONLY=route wrk -t2 -c"$CONNS" -d15s -s benches/load/mixed.lua "$url")
echo "== routes only (15s, $CONNS connections)"; echo "$out2" | tail -2
echo "RSS after routes: $(rss)"
out4=$(wrk -t2 -c8 -d15s -s benches/load/matrix.lua "$url")
echo "== matrix 100x100 only (15s, 8 connections)"; echo "$out4" | tail -2
echo "RSS after matrices: $(rss)"
for o in "$out" "$out2" "$out3" "$out4"; do
  if echo "$o" | grep -q "Non-2xx"; then echo "FAIL: non-2xx answers"; exit 1; fi
  if ! echo "$o" | grep -q "errors connect 0 read 0 write 0 status 0 timeout 0"; then echo "FAIL: errors"; exit 1; fi
done
echo "load test passed"
