#!/usr/bin/env bash
# Route latency while heavy requests flood the server (issue 25: "route p50 during a flood of
# heavy requests ≤ 3× its idle p50"). Starts the release binary on an ephemeral port, measures
# routes alone (wrk, routes only, 4 connections), then the same route load while 16
# connections send 100 × 100 matrices (benches/load/matrix.lua), and prints both p50s and
# their ratio. Needs `wrk`. CORRIDOR_BIN picks another binary; DURATION (default 10s);
# ROUTE_CONNS the route connections (default 4); SERVE_ARGS extra `serve` arguments (e.g.
# "--heavy-nice 5").
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${CORRIDOR_BIN:-target/release/corridor}
DURATION=${DURATION:-10s}
log=$(mktemp)
# shellcheck disable=SC2086 # SERVE_ARGS is split on purpose
RUST_LOG=warn "$bin" serve --bind 127.0.0.1:0 ${SERVE_ARGS:-} >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do grep -q "listening on" "$log" && break; sleep 0.1; done
url=$(sed -n 's/^corridor listening on //p' "$log" | head -1)
curl -sf "$url/health" >/dev/null
p50() { sed -n 's/.*latency p50 \([0-9.]*\) ms.*/\1/p'; }
wrk -t1 -c4 -d3s -s benches/load/matrix.lua "$url" >/dev/null   # warm-up
idle_out=$(WRK_ONLY=route wrk -t1 -c"${ROUTE_CONNS:-4}" -d"$DURATION" --latency -s benches/load/route_stats.lua "$url")
idle=$(echo "$idle_out" | p50)
echo "routes alone:        $(echo "$idle_out" | tail -1)"
flood_log=$(mktemp)
wrk -t1 -c16 -d"$((${DURATION%s} + 4))s" -s benches/load/matrix.lua "$url" >"$flood_log" 2>&1 &
flood=$!
sleep 2
busy_out=$(WRK_ONLY=route wrk -t1 -c"${ROUTE_CONNS:-4}" -d"$DURATION" --latency -s benches/load/route_stats.lua "$url")
busy=$(echo "$busy_out" | p50)
wait $flood
echo "routes under flood:  $(echo "$busy_out" | tail -1)"
echo "matrix flood:        $(tail -2 "$flood_log" | tr '\n' ' ')"
rm -f "$flood_log"
awk -v a="$idle" -v b="$busy" 'BEGIN { printf "route p50 idle %.2f ms, under flood %.2f ms: %.1fx (target <= 3x)\n", a, b, b / a }'
