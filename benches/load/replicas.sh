#!/usr/bin/env bash
# PostGIS source measurements on loopback (README "PostGIS source" → Performance):
#  1. edit → new snapshot served on both replicas: N updates of a crossing's dwell_h, each
#     timed from just before the UPDATE until both replicas' /health ETag changed (median);
#  2. requests per second through nginx in front of one replica, then two (wrk, routes only).
# Starts a throwaway PostgreSQL cluster (initdb into a temp dir, as user postgres when run as
# root), two `corridor serve --db` replicas and nginx, and removes everything on exit.
# Needs Debian postgresql + postgresql-postgis, nginx, wrk, curl and a release build.
set -euo pipefail
cd "$(dirname "$0")/../.."
EDITS=${EDITS:-15}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
bin=$PWD/target/release/corridor
[ -x "$bin" ] || cargo build --release
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
tmp=$(mktemp -d /tmp/corridor-replicas.XXXXXX)
chmod 755 "$tmp"
pids=()
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
  as_pg "$pgbin/pg_ctl" -D "$tmp/pg/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

mkdir -p "$tmp/pg"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$tmp/pg"
port=$(free_port)
as_pg "$pgbin/initdb" -D "$tmp/pg/data" -A trust -U postgres --no-sync >/dev/null
as_pg "$pgbin/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/log" -w \
  -o "-p $port -c listen_addresses=127.0.0.1 -k $tmp/pg -c fsync=off" start >/dev/null
url="postgresql://postgres@127.0.0.1:$port/postgres"
psql_() { psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@"; }
"$bin" db init --db "$url"
"$bin" db load --db "$url"

start_replica() { # → "pid url"
  local log="$tmp/replica$1.log"
  RUST_LOG=warn "$bin" serve --db "$url" --bind 127.0.0.1:0 >"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 300); do grep -q "listening on" "$log" && break; sleep 0.1; done
  echo "$pid $(sed -n 's/^corridor listening on //p' "$log" | head -1)"
}
read -r p1 u1 < <(start_replica 1); pids+=("$p1")
read -r p2 u2 < <(start_replica 2); pids+=("$p2")
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$1/status"; }
echo "replicas: $u1 (RSS $(rss "$p1")), $u2 (RSS $(rss "$p2"))"

# Edits timed by a small poller (curl per poll was too slow to time sub-second swaps).
python3 - "$port" "$EDITS" "$u1" "$u2" <<'PY'
import sys, time, json, urllib.request, subprocess, statistics
port, edits, us = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def etag(u): return json.load(urllib.request.urlopen(u + "/health"))["etag"]
ts = []
for i in range(edits):
    before = [etag(u) for u in us]
    t0 = time.time()
    subprocess.run(["psql", "-X", "-q", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", "postgres", "-c",
                    "UPDATE corridor.links SET dwell_h = dwell_h + 1 WHERE id = 'xr-zamyn-uud-erenhot'"], check=True)
    seen = [None] * len(us)
    while None in seen:
        for k, u in enumerate(us):
            if seen[k] is None and etag(u) != before[k]:
                seen[k] = time.time() - t0
        if time.time() - t0 > 10:
            sys.exit(f"FAIL: edit {i + 1} not served on every replica within 10 s")
    ts.append(max(seen))
    print(f"edit {i + 1}: " + ", ".join(f"{round(x * 1000)} ms" for x in seen))
print(f"edit -> served on every replica: median {round(statistics.median(ts) * 1000)} ms, "
      f"min {round(min(ts) * 1000)} ms, max {round(max(ts) * 1000)} ms over {edits} edits")
PY

nginx_run() { # $@: upstream host:port list
  [ -f "$tmp/nginx.pid" ] && { kill "$(cat "$tmp/nginx.pid")"; sleep 0.5; }
  local np; np=$(free_port)
  { echo "user root; worker_processes auto; pid $tmp/nginx.pid; error_log $tmp/nginx.err warn;"
    echo "events { worker_connections 4096; }"
    echo "http { access_log off; client_body_temp_path $tmp/nb; proxy_temp_path $tmp/np;"
    echo "  upstream corridor { least_conn; keepalive 64;"
    for u in "$@"; do echo "    server $u;"; done
    echo "  }"
    echo "  server { listen 127.0.0.1:$np; location / { proxy_pass http://corridor;"
    echo "    proxy_http_version 1.1; proxy_set_header Connection \"\"; } } }"
  } >"$tmp/nginx.conf"
  nginx -c "$tmp/nginx.conf" -p "$tmp" >/dev/null
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$np/health" >/dev/null && break; sleep 0.1; done
  echo "http://127.0.0.1:$np"
}
route='/v1/route?from=ru-ulan-ude&to=cn-beijing&mode=rail&alternatives=2'
for n in 1 2; do
  if [ "$n" = 1 ]; then front=$(nginx_run "${u1#http://}"); else front=$(nginx_run "${u1#http://}" "${u2#http://}"); fi
  wrk -t2 -c"$CONNS" -d2s "$front$route" >/dev/null
  out=$(wrk -t2 -c"$CONNS" -d"$DURATION" --latency "$front$route")
  echo "== nginx → $n replica(s), $CONNS connections, $DURATION, GET $route"
  echo "$out" | grep -E "Requests/sec|Latency  |50%|99%|Non-2xx|errors" || true
done
echo "RSS after load: replica1 $(rss "$p1"), replica2 $(rss "$p2")"
