#!/usr/bin/env bash
# PostGIS source measurements on loopback (README "PostGIS source" → Performance):
#  1. edit → new snapshot served on both replicas: EDITS updates of a crossing's dwell_h, each
#     timed from its COMMIT until both replicas' /health ETag changed (replicas_edits.py:
#     median, p90);
#  2. requests per second through nginx in front of one replica, then two (wrk, routes only),
#     everything unpinned: what the machine gives;
#  3. the same pinned (PIN=1, default): one replica on core 0, then two on cores 0 and 1;
#     nginx (one worker) and wrk (one thread) float. Each run also reports the replicas' CPU
#     seconds, so requests per replica-CPU-second show what a core gives a replica.
# Starts a throwaway PostgreSQL cluster (initdb into a temp dir, as user postgres when run as
# root), two `corridor serve --db` replicas and nginx, and removes everything on exit.
# Needs Debian postgresql + postgresql-postgis, nginx, wrk, curl, python3 and a release
# build. Options (environment): EDITS (20), DURATION (10s), CONNS (16), PIN (1), DATA (a data
# directory for `db load`; default the embedded network), ONLY (edits | nginx: one part).
set -euo pipefail
cd "$(dirname "$0")/../.."
EDITS=${EDITS:-20}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-16}
PIN=${PIN:-1}
ONLY=${ONLY:-}
bin=$PWD/target/release/corridor
[ -x "$bin" ] || cargo build --release
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
tmp=$(mktemp -d /tmp/corridor-replicas.XXXXXX)
chmod 755 "$tmp"
pids=()
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_nginx() {
  if [ -f "$tmp/nginx.pid" ]; then
    kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
    for _ in $(seq 50); do [ -f "$tmp/nginx.pid" ] || break; sleep 0.1; done
    rm -f "$tmp/nginx.pid"
  fi
}
stop_replicas() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
cleanup() {
  stop_replicas
  stop_nginx
  as_pg "$pgbin/pg_ctl" -D "$tmp/pg/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
load() { uptime | sed 's/.*load average/load average/'; }

mkdir -p "$tmp/pg"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$tmp/pg"
port=$(free_port)
as_pg "$pgbin/initdb" -D "$tmp/pg/data" -A trust -U postgres --no-sync >/dev/null
as_pg "$pgbin/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/log" -w \
  -o "-p $port -c listen_addresses=127.0.0.1 -k $tmp/pg -c fsync=off" start >/dev/null
url="postgresql://postgres@127.0.0.1:$port/postgres"
"$bin" db init --db "$url"
if [ -n "${DATA:-}" ]; then "$bin" db load --db "$url" --data "$DATA"; else "$bin" db load --db "$url"; fi

start_replica() { # $1: name, $2: CPU list or "" → "pid url"
  local log="$tmp/$1.log" pin=()
  [ -n "$2" ] && pin=(taskset -c "$2")
  RUST_LOG=${RUST_LOG:-info} "${pin[@]}" "$bin" serve --db "$url" --bind 127.0.0.1:0 >"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 600); do grep -q "listening on" "$log" && break; sleep 0.1; done
  echo "$pid $(sed -n 's/^corridor listening on //p' "$log" | head -1)"
}
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$1/status"; }
cpu_s() { # CPU seconds (user + system) of the given pids, summed
  local t=0
  for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  echo "scale=2; $t / $(getconf CLK_TCK)" | bc
}

if [ "$ONLY" != nginx ]; then
  read -r p1 u1 < <(start_replica replica1 ""); pids+=("$p1")
  read -r p2 u2 < <(start_replica replica2 ""); pids+=("$p2")
  echo "replicas: $u1 (RSS $(rss "$p1")), $u2 (RSS $(rss "$p2"))"
  echo "== edits ($(load))"
  python3 benches/load/replicas_edits.py "host=127.0.0.1 port=$port user=postgres dbname=postgres" \
    "$EDITS" "$u1" "$u2"
  echo "== where the time went: each replica's re-reads (ms, in order; the first is start-up's)"
  for r in replica1 replica2; do
    sed "s/\x1b\[[0-9;]*m//g" "$tmp/$r.log" | awk -v r="$r" '/database re-read/ {
      for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = v[kv[1]] " " int(kv[2]) }
    } END { print r ": fetch_ms" v["fetch_ms"]; print r ": validate_ms" v["validate_ms"]; print r ": install_ms" v["install_ms"] }'
  done
  echo "($(load))"
  stop_replicas
fi
[ "$ONLY" = edits ] && exit 0

nginx_run() { # $@: upstream host:port list → front URL
  stop_nginx
  local np; np=$(free_port)
  mkdir -p "$tmp/nginx"
  { echo "user root; worker_processes 1; pid $tmp/nginx.pid; error_log $tmp/nginx.err warn;"
    echo "events { worker_connections 4096; }"
    echo "http { access_log off; client_body_temp_path $tmp/nginx/b; proxy_temp_path $tmp/nginx/p;"
    echo "  fastcgi_temp_path $tmp/nginx/f; uwsgi_temp_path $tmp/nginx/u; scgi_temp_path $tmp/nginx/s;"
    echo "  upstream corridor { least_conn; keepalive 64;"
    for u in "$@"; do echo "    server $u;"; done
    echo "  }"
    echo "  server { listen 127.0.0.1:$np; location / { proxy_pass http://corridor;"
    echo "    proxy_http_version 1.1; proxy_set_header Connection \"\"; } } }"
  } >"$tmp/nginx.conf"
  nginx -e "$tmp/nginx.err" -c "$tmp/nginx.conf" -p "$tmp" >/dev/null
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$np/health" >/dev/null && break; sleep 0.1; done
  echo "http://127.0.0.1:$np"
}
route='/v1/route?from=ru-ulan-ude&to=cn-beijing&mode=rail&alternatives=2'
run_wrk() { # $1: label, $2: front, rest: replica pids
  local label=$1 front=$2; shift 2
  wrk -t1 -c"$CONNS" -d2s "$front$route" >/dev/null
  local c0; c0=$(cpu_s "$@")
  local out; out=$(wrk -t1 -c"$CONNS" -d"$DURATION" --latency "$front$route")
  local c1; c1=$(cpu_s "$@")
  local rps; rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  echo "== $label: $CONNS connections, $DURATION, GET $route ($(load))"
  echo "$out" | grep -E "Requests/sec|Latency  |50%|99%|Non-2xx|errors" || true
  local used; used=$(echo "$c1 - $c0" | bc)
  echo "   replica CPU: ${used} s over ${DURATION}; requests per replica-CPU-second:" \
    "$(echo "scale=0; $rps * ${DURATION%s} / $used" | bc)"
}
bench_pair() { # $1: CPU list for replica 1, $2: for replica 2 (""= unpinned), $3: label
  read -r p1 u1 < <(start_replica replica1 "$1"); pids+=("$p1")
  read -r p2 u2 < <(start_replica replica2 "$2"); pids+=("$p2")
  local front
  front=$(nginx_run "${u1#http://}")
  run_wrk "$3: nginx → 1 replica${1:+ (core $1)}" "$front" "$p1"
  front=$(nginx_run "${u1#http://}" "${u2#http://}")
  run_wrk "$3: nginx → 2 replicas${1:+ (cores $1 and $2)}" "$front" "$p1" "$p2"
  stop_nginx
  stop_replicas
}
bench_pair "" "" "unpinned"
[ "$PIN" = 1 ] && bench_pair 0 1 "pinned"
exit 0
