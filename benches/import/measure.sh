#!/bin/sh
# Measures `corridor import osm` as the README's OSM section reports it: OSM nodes read per
# second (the importer's own summary: the two reading passes) and peak RSS (/usr/bin/time -v),
# with the load average beside each run (the figures are only comparable at similar load).
#
# Usage: benches/import/measure.sh FILE.osm.pbf [RUNS] [extra import flags…]
#   e.g. benches/import/measure.sh target/osm-fixtures/Helsinki.osm.pbf 3 --default-country FI
#        python3 benches/import/gen_osm.py 10500000 /tmp/osm-big
#        osmium cat /tmp/osm-big/big.opl -o /tmp/osm-big/big.osm.pbf
#        benches/import/measure.sh /tmp/osm-big/big.osm.pbf 2 --default-country KG
# Needs a release build (cargo build --release) and GNU time at /usr/bin/time.
set -eu
pbf=$1
runs=${2:-3}
shift $(( $# >= 2 ? 2 : 1 ))
bin=${CORRIDOR:-target/release/corridor}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
i=1
while [ "$i" -le "$runs" ]; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -v "$bin" import osm "$pbf" --out "$out/net" --force "$@" \
        >"$out/stdout" 2>"$out/stderr"
    read_line=$(head -1 "$out/stdout")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/stderr")
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out/stderr")
    user=$(sed -n 's/.*User time (seconds): //p' "$out/stderr")
    echo "run $i (load $load): $read_line; total wall $wall, user CPU ${user} s, peak RSS ${rss} kB"
    sed -n 's/^network: /  network: /p' "$out/stdout"
    i=$((i + 1))
done
