#!/usr/bin/env python3
"""Corridor and OSRM side by side on the same road network, the same pairs, in one run.

    python3 benches/osrm/compare.py                       # the embedded network (geodata/)
    python3 benches/osrm/compare.py --data /tmp/net1e5    # a gen_network directory

What it does (everything under target/osrm-bench/, removed at the end, servers stopped even on
failure):

1. OSRM from the PyPI wheel `osrm-bindings` (binaries osrm-extract, osrm-contract, osrm-routed
   under osrm/bin/ in the wheel). The wheel is cp312-abi3 manylinux_2_28 x86_64 only: with a
   Python >= 3.12 on PATH it is pip-installed into target/osrm-venv; otherwise the same wheel is
   fetched with `pip download --only-binary=:all: --python-version 3.12` and unpacked into
   target/osrm-wheel (the binaries need no Python).
2. The Corridor network's road links in service (`open`, `seasonal`; Corridor's `mode=road`)
   written as OSM XML: one OSM node per graph node (shared by its links) and per interior vertex,
   one way per link, tagged with the link's Corridor weights (see corridor.lua), then converted
   to PBF with osmium (Debian `osmium-tool`) when present.
3. Per measure (distance, then time): osrm-extract, then osrm-contract (CH) for time (the
   one timed) and osrm-partition + osrm-customize (MLD) for distance, whose only use is the
   agreement check (same answers; CH contraction of a distance metric on a generated grid takes
   tens of minutes); each step timed, file sizes summed. `--time-algorithm mld` /
   `--distance-algorithm ch` change that.
4. `corridor serve --data DIR` and `osrm-routed` on loopback.
5. Agreement, per measure, for N seeded pairs of graph nodes of the largest road component:
   Corridor `/v1/route?mode=road&optimize=M` against OSRM `/route/v1` from the nodes' positions.
   Each side's path is valued exactly from its own links (Corridor's `links`; OSRM's
   `annotation.nodes` mapped back to links): "exact" when equal within 1e-9, "within rounding"
   when OSRM's path is dearer by at most its storage rounding (0.5 unit of 10^-2 s or m per
   segment of its path, see corridor.lua), else a disagreement, listed.
6. Timing with the time measure: sequentially (one client, keep-alive, interleaved per pair)
   and under concurrency (wrk, Lua script cycling through the same requests):
   Corridor `/v1/route` (full GeoJSON geometry, always), the same avoiding one link of its best
   path (`avoid_links`), OSRM `/route/v1` with `overview=full&geometries=geojson`; Corridor
   `/v1/matrix` 100 x 100 against OSRM `/table/v1` 100 x 100 (durations; and durations +
   distances, which is what Corridor's matrix returns). Prints medians, p90 and Corridor/OSRM.
7. RSS of both servers, OSRM's preprocessing time and size.

Standard library only (Python 3.11+). Needs a release build (target/release/corridor), `wrk`
(Debian) for the concurrent rows (skipped without it), pip for the wheel.
"""

from __future__ import annotations

import argparse
import bisect
import http.client
import json
import math
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
OSRM_BINDINGS_VERSION = "26.10.0"
MEAN_EARTH_RADIUS_M = 6371008.8  # geo's Haversine, as Corridor derives a missing length_km
IN_SERVICE = {"open", "seasonal"}  # Status::in_service: what mode=road may use by default
MAX_SEGMENT_UNITS = 4_194_302  # OSRM packs a segment's weight into 22 bits (2^22 - 2 usable)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# OSRM from the wheel


def _python_312() -> str | None:
    for name in ("python3.13", "python3.12", "python3"):
        exe = shutil.which(name)
        if not exe:
            continue
        out = subprocess.run(
            [exe, "-c", "import sys; print(sys.version_info >= (3, 12))"],
            capture_output=True,
            text=True,
        )
        if out.returncode == 0 and out.stdout.strip() == "True":
            return exe
    return None


def ensure_osrm(target: Path, version: str) -> Path:
    """The directory holding osrm-extract, osrm-contract and osrm-routed from the wheel."""
    venv = target / "osrm-venv"
    for bindir in sorted(venv.glob("lib/python3.*/site-packages/osrm/bin")):
        if (bindir / "osrm-routed").exists():
            return bindir
    unpacked = target / "osrm-wheel" / version / "osrm" / "bin"
    if (unpacked / "osrm-routed").exists():
        return unpacked
    py = _python_312()
    if py:
        log(f"installing osrm-bindings=={version} into {venv} with {py}")
        subprocess.run([py, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--quiet", "--only-binary=:all:",
             f"osrm-bindings=={version}"],
            check=True,
        )
        for bindir in sorted(venv.glob("lib/python3.*/site-packages/osrm/bin")):
            if (bindir / "osrm-routed").exists():
                return bindir
        raise SystemExit(f"osrm-bindings installed into {venv} but has no osrm/bin/osrm-routed")
    # No Python >= 3.12: the wheel (cp312-abi3) cannot be installed, but its binaries run alone.
    dl = target / "osrm-wheel" / version
    dl.mkdir(parents=True, exist_ok=True)
    log(f"no Python >= 3.12: downloading the osrm-bindings=={version} wheel into {dl}")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         "--python-version", "3.12", "--platform", "manylinux_2_28_x86_64",
         f"osrm-bindings=={version}", "-d", str(dl)],
        check=True,
    )
    wheels = sorted(dl.glob("osrm_bindings-*.whl"))
    if not wheels:
        raise SystemExit(f"pip downloaded no osrm-bindings wheel into {dl}")
    with zipfile.ZipFile(wheels[-1]) as z:
        z.extractall(dl)
    for exe in unpacked.iterdir():
        exe.chmod(0o755)
    return unpacked


# --------------------------------------------------------------------------------------------
# The Corridor network, road links in service


@dataclass
class RoadNet:
    node_ids: list[str] = field(default_factory=list)  # graph nodes used by road links
    node_pos: list[tuple[float, float]] = field(default_factory=list)
    node_ix: dict[str, int] = field(default_factory=dict)
    # per link: id, from ix, to ix, oneway, length_m, time_s, segments, first interior OSM id
    link_id: list[str] = field(default_factory=list)
    link_from: list[int] = field(default_factory=list)
    link_to: list[int] = field(default_factory=list)
    link_oneway: list[bool] = field(default_factory=list)
    link_len_m: list[float] = field(default_factory=list)
    link_time_s: list[float] = field(default_factory=list)
    link_segments: list[int] = field(default_factory=list)
    link_by_id: dict[str, int] = field(default_factory=dict)
    # OSM id of an interior vertex -> link index (interior ids are consecutive per link)
    interior_first: list[int] = field(default_factory=list)
    links_total: int = 0
    nodes_total: int = 0
    interior_base: int = 0  # OSM id of the first interior vertex (graph nodes are 1..n)
    interior_count: int = 0
    # (from, to) graph nodes -> links traversable that way (build_adjacency)
    adj: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    # interior offsets where a link's vertices start, and that link (build_adjacency)
    ifirst: list[int] = field(default_factory=list)
    iowner: list[int] = field(default_factory=list)


def _features(path: Path):
    """Features of a GeoJSON FeatureCollection, one per line when the file is written so (as
    gen_network and geodata/ are: no whole-file tree at 10^6 nodes), else parsed whole."""
    with open(path, encoding="utf-8") as f:
        head = f.readline()
        second = f.readline()
        if head.lstrip().startswith('{"type": "FeatureCollection"') and second.lstrip().startswith(
            '{"type": "Feature"'
        ):
            line = second
            while line:
                s = line.strip()
                if s.startswith("{"):
                    yield json.loads(s.rstrip(",").removesuffix("]}").rstrip(","))
                line = f.readline()
            return
    with open(path, encoding="utf-8") as f:
        yield from json.load(f)["features"]


def haversine_m(coords: list[list[float]]) -> float:
    total = 0.0
    for (x1, y1), (x2, y2) in zip(coords, coords[1:]):
        t1, t2 = math.radians(y1), math.radians(y2)
        dt, dl = math.radians(y2 - y1), math.radians(x2 - x1)
        a = math.sin(dt / 2) ** 2 + math.cos(t1) * math.cos(t2) * math.sin(dl / 2) ** 2
        total += MEAN_EARTH_RADIUS_M * (2 * math.asin(math.sqrt(a)))
    return total


def load_and_write_osm(data: Path, osm_path: Path) -> RoadNet:
    """Reads nodes and links, writes the road links in service as OSM XML (nodes first, then
    ways, ids ascending, as OSM files are sorted), returns what the checks need."""
    positions: dict[str, tuple[float, float]] = {}
    for feat in _features(data / "nodes.geojson"):
        x, y = feat["geometry"]["coordinates"][:2]
        positions[feat["properties"]["id"]] = (x, y)
    net = RoadNet(nodes_total=len(positions))
    ways_tmp = osm_path.with_suffix(".ways")
    interiors_tmp = osm_path.with_suffix(".interior")
    # Graph nodes get OSM ids 1..n in order of first use; interior vertices follow, from a base
    # above any graph node id (known only at the end, so interior ids are written as offsets).
    base = len(positions) + 1
    next_interior = 0
    with open(ways_tmp, "w", encoding="utf-8") as ways, open(
        interiors_tmp, "w", encoding="utf-8"
    ) as interiors:
        for feat in _features(data / "links.geojson"):
            net.links_total += 1
            p = feat["properties"]
            if p.get("mode") != "road" or p.get("status", "open") not in IN_SERVICE:
                continue
            coords = feat["geometry"]["coordinates"]
            length_km = p.get("length_km")
            length_m = length_km * 1000.0 if length_km is not None else haversine_m(coords)
            time_s = (length_m / 1000.0) / p["speed_kmh"] * 3600.0
            if p.get("kind") == "crossing":
                time_s += p.get("dwell_h", 0.0) * 3600.0
            ends = []
            for nid in (p["from"], p["to"]):
                if nid not in net.node_ix:
                    net.node_ix[nid] = len(net.node_ids)
                    net.node_ids.append(nid)
                    net.node_pos.append(positions[nid])
                ends.append(net.node_ix[nid])
            a, b = ends
            interior = coords[1:-1]
            # Geometry runs from -> to in Corridor's data; guard against a reversed one anyway.
            pa, pb = net.node_pos[a], net.node_pos[b]
            if coords and _d2(coords[0], pb) < _d2(coords[0], pa):
                interior = interior[::-1]
            li = len(net.link_id)
            net.link_by_id[p["id"]] = li
            net.link_id.append(p["id"])
            net.link_from.append(a)
            net.link_to.append(b)
            net.link_oneway.append(bool(p.get("oneway", False)))
            net.link_len_m.append(length_m)
            net.link_time_s.append(time_s)
            net.link_segments.append(len(interior) + 1)
            net.interior_first.append(next_interior)
            for x, y in interior:
                interiors.write(f"{x:.7f} {y:.7f}\n")
            refs = [str(a + 1)] + [str(base + next_interior + k) for k in range(len(interior))]
            refs.append(str(b + 1))
            next_interior += len(interior)
            nds = "".join(f'<nd ref="{r}"/>' for r in refs)
            tags = (
                f'<tag k="highway" v="corridor"/><tag k="corridor:id" v="{_xml(p["id"])}"/>'
                f'<tag k="corridor:length_m" v="{length_m!r}"/>'
                f'<tag k="corridor:time_s" v="{time_s!r}"/>'
            )
            if net.link_oneway[li]:
                tags += '<tag k="oneway" v="yes"/>'
            ways.write(f' <way id="{li + 1}" version="1">{nds}{tags}</way>\n')
    with open(osm_path, "w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='UTF-8'?>\n")
        out.write('<osm version="0.6" generator="corridor benches/osrm/compare.py">\n')
        for i, (x, y) in enumerate(net.node_pos):
            out.write(f' <node id="{i + 1}" version="1" lat="{y:.7f}" lon="{x:.7f}"/>\n')
        with open(interiors_tmp, encoding="utf-8") as interiors:
            for k, line in enumerate(interiors):
                x, y = line.split()
                out.write(f' <node id="{base + k}" version="1" lat="{y}" lon="{x}"/>\n')
        with open(ways_tmp, encoding="utf-8") as ways:
            shutil.copyfileobj(ways, out)
        out.write("</osm>\n")
    ways_tmp.unlink()
    interiors_tmp.unlink()
    net.interior_base = base
    net.interior_count = next_interior
    return net


def _d2(c, p) -> float:
    return (c[0] - p[0]) ** 2 + (c[1] - p[1]) ** 2


def _xml(s: str) -> str:
    return s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def largest_component(net: RoadNet) -> list[int]:
    parent = list(range(len(net.node_ids)))

    def find(u: int) -> int:
        while parent[u] != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        return u

    for a, b in zip(net.link_from, net.link_to):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    groups: dict[int, list[int]] = {}
    for u in range(len(parent)):
        groups.setdefault(find(u), []).append(u)
    return max(groups.values(), key=len)


# --------------------------------------------------------------------------------------------
# Processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Servers:
    """Started processes, stopped (TERM, then KILL) by `stop_all`, whatever happened."""

    def __init__(self) -> None:
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], log_path: Path, env=None) -> subprocess.Popen:
        f = open(log_path, "w")
        proc = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
        f.close()
        self.procs[name] = proc
        return proc

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)


def wait_http(host: str, port: int, path: str, proc: subprocess.Popen, log_path: Path,
              timeout_s: float) -> float:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        if proc.poll() is not None:
            raise SystemExit(f"server exited ({proc.returncode}); log {log_path}:\n"
                             + log_path.read_text()[-3000:])
        try:
            c = http.client.HTTPConnection(host, port, timeout=5)
            c.request("GET", path)
            r = c.getresponse()
            r.read()
            c.close()
            if r.status < 500:
                return time.monotonic() - t0
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server not answering {path} after {timeout_s} s; log {log_path}")


def rss_kb(pid: int) -> tuple[int, int]:
    rss = hwm = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return rss, hwm


def run_timed(argv: list[str], log_path: Path, env=None) -> tuple[float, float]:
    """Wall seconds and the child's peak RSS in MB (ru_maxrss of the waited child)."""
    t0 = time.monotonic()
    with open(log_path, "w") as f:
        proc = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT, env=env)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
    wall = time.monotonic() - t0
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code != 0:
        raise SystemExit(f"{argv[0]} failed ({code}); log {log_path}:\n"
                         + log_path.read_text()[-3000:])
    return wall, usage.ru_maxrss / 1024.0


class Client:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def get(self, path: str) -> tuple[int, bytes, float]:
        t0 = time.perf_counter()
        try:
            self.conn.request("GET", path)
            r = self.conn.getresponse()
            body = r.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
            self.conn.request("GET", path)
            r = self.conn.getresponse()
            body = r.read()
        return r.status, body, time.perf_counter() - t0

    def close(self) -> None:
        self.conn.close()


# --------------------------------------------------------------------------------------------
# Requests and the values of paths


def corridor_route_path(net: RoadNet, a: int, b: int, measure: str, avoid: str | None = None) -> str:
    q = {"from": net.node_ids[a], "to": net.node_ids[b], "mode": "road", "optimize": measure}
    if avoid:
        q["avoid_links"] = avoid
    return "/v1/route?" + urllib.parse.urlencode(q)


def lonlat(net: RoadNet, u: int) -> str:
    x, y = net.node_pos[u]
    return f"{x:.6f},{y:.6f}"


def osrm_route_path(net: RoadNet, a: int, b: int, check: bool) -> str:
    opts = ("overview=false&annotations=nodes" if check
            else "overview=full&geometries=geojson")
    return f"/route/v1/driving/{lonlat(net, a)};{lonlat(net, b)}?{opts}&continue_straight=false"


def link_value(net: RoadNet, li: int, measure: str) -> float:
    return net.link_len_m[li] if measure == "distance" else net.link_time_s[li]


def corridor_path_value(net: RoadNet, answer: dict, measure: str) -> tuple[float, list[int]]:
    route = next(f for f in answer["features"] if f["properties"].get("kind") == "route")
    links = [net.link_by_id[i] for i in route["properties"]["links"]]
    return sum(link_value(net, li, measure) for li in links), links


def osrm_path_links(net: RoadNet, nodes: list[int], a: int, b: int,
                    measure: str) -> list[int] | None:
    """OSRM's annotation.nodes (OSM ids) from graph node a to b, mapped back to links: interior
    ids name their link; between two graph nodes with no interior id, the cheapest link in that
    direction. The list also holds the far ends of the segments the two waypoints were snapped
    to (a waypoint on a graph node is the end of a segment of some link there): cut off."""
    base = net.interior_base
    try:
        i = nodes.index(a + 1)
        j = len(nodes) - 1 - nodes[::-1].index(b + 1)
    except ValueError:
        return None
    nodes = nodes[i:j + 1]
    links: list[int] = []
    prev_graph: int | None = None
    pending: int | None = None  # link named by interior ids since prev_graph
    for osm in nodes:
        if osm >= base:
            k = osm - base
            li = _interior_link(net, k)
            if pending is None:
                pending = li
            elif pending != li:
                return None
            continue
        u = osm - 1
        if prev_graph is not None:
            if pending is not None:
                links.append(pending)
            else:
                li = _cheapest_between(net, prev_graph, u, measure)
                if li is None:
                    return None
                links.append(li)
        elif pending is not None:
            # The route starts inside a link (a phantom node away from a graph node).
            return None
        prev_graph, pending = u, None
    if pending is not None:
        return None
    return links


def _cheapest_between(net: RoadNet, a: int, b: int, measure: str) -> int | None:
    best = None
    for li in net.adj.get((a, b), ()):
        if best is None or link_value(net, li, measure) < link_value(net, best, measure):
            best = li
    return best


def build_adjacency(net: RoadNet) -> None:
    adj: dict[tuple[int, int], list[int]] = {}
    for li, (a, b, one) in enumerate(zip(net.link_from, net.link_to, net.link_oneway)):
        adj.setdefault((a, b), []).append(li)
        if not one:
            adj.setdefault((b, a), []).append(li)
    net.adj = adj
    # interior_first repeats a value for links without interior vertices: keep only the links
    # that have some, so _interior_link's bisection lands on the owner.
    firsts, owners = [], []
    for li, (first, segs) in enumerate(zip(net.interior_first, net.link_segments)):
        if segs > 1:
            firsts.append(first)
            owners.append(li)
    net.ifirst, net.iowner = firsts, owners


def _interior_link(net: RoadNet, k: int) -> int:
    """The link owning interior vertex k (offset from the first interior OSM id)."""
    i = bisect.bisect_right(net.ifirst, k) - 1
    return net.iowner[i]


def path_is_valid(net: RoadNet, links: list[int], a: int, b: int) -> bool:
    u = a
    for li in links:
        if net.link_from[li] == u:
            u = net.link_to[li]
        elif net.link_to[li] == u and not net.link_oneway[li]:
            u = net.link_from[li]
        else:
            return False
    return u == b


# --------------------------------------------------------------------------------------------
# Statistics and output


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = (len(s) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def fmt_ms(x: float) -> str:
    if x != x:
        return "—"
    return f"{x:.3f}" if x < 1 else (f"{x:.2f}" if x < 100 else f"{x:.0f}")


def ratio(a: float, b: float) -> str:
    return "—" if not (a == a and b == b) or b == 0 else f"{a / b:.2f}×"


WRK_LUA = r"""
-- cycles through the request paths in REQUESTS_FILE, one per line
local paths = {}
for line in io.lines(os.getenv("REQUESTS_FILE")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f %.3f %d %d %d %d\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
"""


def run_wrk(work: Path, name: str, port: int, paths: list[str], seconds: int, conns: int,
            threads: int) -> dict | None:
    wrk = shutil.which("wrk")
    if not wrk:
        return None
    req_file = work / f"wrk-{name}.txt"
    req_file.write_text("\n".join(paths) + "\n")
    lua = work / "wrk-cycle.lua"
    lua.write_text(WRK_LUA)
    env = dict(os.environ, REQUESTS_FILE=str(req_file))
    out = subprocess.run(
        [wrk, f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "--timeout", "60s", "-s", str(lua),
         f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, env=env, timeout=seconds + 120,
    )
    line = next((l for l in out.stdout.splitlines() if l.startswith("RESULT ")), None)
    if line is None:
        log(f"wrk {name}: no result\n{out.stdout}\n{out.stderr}")
        return None
    n, errors, non2xx, rps, p50, p90, p99, e_conn, e_read, e_write, e_timeout = line.split()[1:]
    return {"requests": int(n), "errors": int(errors), "non2xx": int(non2xx),
            "errors_connect_read_write_timeout": [int(e_conn), int(e_read), int(e_write),
                                                  int(e_timeout)],
            "rps": float(rps), "p50_ms": float(p50), "p90_ms": float(p90), "p99_ms": float(p99)}


# --------------------------------------------------------------------------------------------
# The run


def weight_precision(net: RoadNet, measure: str) -> int:
    """The finest OSRM weight precision (decimal places, at most 2) at which every segment's
    weight fits OSRM's 22-bit segment weights: a longer one would be clamped silently."""
    longest = max(link_value(net, li, measure) / net.link_segments[li]
                  for li in range(len(net.link_id)))
    for p in (2, 1, 0):
        if longest * 10**p < MAX_SEGMENT_UNITS:
            return p
    raise SystemExit(f"a segment of {longest:.0f} ({measure}) exceeds OSRM's segment weight")


def osrm_prepare(bins: Path, pbf: Path, measure: str, work: Path, threads: int,
                 precision: int, algorithm: str) -> dict:
    """osrm-extract, then osrm-contract (CH) or osrm-partition + osrm-customize (MLD)."""
    base_dir = work / f"osrm-{measure}"
    base_dir.mkdir()
    src = base_dir / pbf.name
    try:
        os.link(pbf, src)
    except OSError:
        shutil.copy(pbf, src)
    env = dict(os.environ, CORRIDOR_OSRM_MEASURE=measure,
               CORRIDOR_OSRM_PRECISION=str(precision))
    stem = pbf.name.split(".")[0]
    produced = base_dir / f"{stem}.osrm"
    steps = [("extract", [str(bins / "osrm-extract"), "-p", str(HERE / "corridor.lua"), "-t",
                          str(threads), "--small-component-size", "1", str(src)])]
    if algorithm == "ch":
        steps.append(("contract", [str(bins / "osrm-contract"), "-t", str(threads),
                                   str(produced)]))
    else:
        steps.append(("partition", [str(bins / "osrm-partition"), "-t", str(threads),
                                    str(produced)]))
        steps.append(("customize", [str(bins / "osrm-customize"), "-t", str(threads),
                                    str(produced)]))
    out = {"dir": base_dir, "osrm": produced, "algorithm": algorithm, "steps": {}}
    for name, argv in steps:
        log(f"osrm-{name} ({measure})")
        wall, peak = run_timed(argv, base_dir / f"{name}.log", env=env)
        out["steps"][name] = {"s": wall, "peak_mb": peak}
    src.unlink()
    out["size_mb"] = sum(f.stat().st_size for f in base_dir.iterdir()
                         if f.name.startswith(f"{stem}.osrm")) / 1e6
    return out


def start_osrm(servers: Servers, bins: Path, prep: dict, measure: str) -> tuple[int, float]:
    """osrm-routed on loopback, on the algorithm `prep` was made for."""
    port = free_port()
    log_path = prep["dir"] / "routed.log"
    proc = servers.start(
        f"osrm-{measure}",
        [str(bins / "osrm-routed"), "--algorithm", prep["algorithm"], "--ip", "127.0.0.1", "--port", str(port),
         "--max-table-size", "1000", "--max-viaroute-size", "1000", str(prep["osrm"])],
        log_path,
    )
    ready = wait_http("127.0.0.1", port, "/nearest/v1/driving/0,0", proc, log_path, 300)
    return port, ready


def check_agreement(net: RoadNet, pairs, measure: str, cport: int, oport: int,
                    precision: int) -> dict:
    cc, oc = Client(cport), Client(oport)
    unit = 10.0**-precision
    res = {"pairs": len(pairs), "unit": unit, "exact": 0, "within_rounding": 0, "both_no_route": 0,
           "disagree": [], "osrm_weight_within_bound": 0, "max_abs_diff": 0.0,
           "max_snap_m": 0.0}
    for a, b in pairs:
        cs, cbody, _ = cc.get(corridor_route_path(net, a, b, measure))
        os_, obody, _ = oc.get(osrm_route_path(net, a, b, check=True))
        oj = json.loads(obody)
        c_ok, o_ok = cs == 200, os_ == 200 and oj.get("code") == "Ok"
        if not c_ok and not o_ok:
            res["both_no_route"] += 1
            continue
        if c_ok != o_ok:
            res["disagree"].append((net.node_ids[a], net.node_ids[b],
                                    f"corridor {cs}, osrm {oj.get('code')}"))
            continue
        cval, clinks = corridor_path_value(net, json.loads(cbody), measure)
        route = oj["routes"][0]
        snap = max(w.get("distance", 0.0) for w in oj["waypoints"])
        res["max_snap_m"] = max(res["max_snap_m"], snap)
        olinks = osrm_path_links(net, route["legs"][0]["annotation"]["nodes"], a, b, measure)
        osegs = sum(net.link_segments[li] for li in olinks) if olinks else None
        oval = (sum(link_value(net, li, measure) for li in olinks)
                if olinks and path_is_valid(net, olinks, a, b) else None)
        # OSRM's own reported weight, against the exact value of Corridor's path.
        segs = sum(net.link_segments[li] for li in clinks)
        bound = 0.5 * unit * max(segs, osegs or 0) + unit
        if abs(route["weight"] - cval) <= bound:
            res["osrm_weight_within_bound"] += 1
        if oval is None:
            res["disagree"].append((net.node_ids[a], net.node_ids[b],
                                    "OSRM's path could not be mapped to links "
                                    f"(weight {route['weight']}, Corridor {cval:.3f})"))
            continue
        diff = oval - cval
        res["max_abs_diff"] = max(res["max_abs_diff"], abs(diff))
        if abs(diff) <= 1e-9 * max(1.0, cval):
            res["exact"] += 1
        elif 0 < diff <= 0.5 * unit * (segs + osegs):
            # OSRM's path is cheaper in its rounded weights, dearer in exact ones.
            res["within_rounding"] += 1
        else:
            res["disagree"].append((net.node_ids[a], net.node_ids[b],
                                    f"Corridor {cval:.3f}, OSRM path {oval:.3f} "
                                    f"(weight {route['weight']})"))
    cc.close()
    oc.close()
    return res


def timing(net: RoadNet, pairs, cport: int, oport: int, rounds: int, matrix_n: int,
           matrix_reps: int, work: Path, wrk_s: int, wrk_c: int, wrk_t: int) -> dict:
    cc, oc = Client(cport), Client(oport)
    # The avoided link: the middle link of Corridor's unconstrained best route.
    avoid: list[str | None] = []
    for a, b in pairs:
        s, body, _ = cc.get(corridor_route_path(net, a, b, "time"))
        if s != 200:
            avoid.append(None)
            continue
        route = next(f for f in json.loads(body)["features"]
                     if f["properties"].get("kind") == "route")
        links = route["properties"]["links"]
        avoid.append(links[len(links) // 2] if links else None)
    for a, b in pairs[:20]:  # warm both servers (first requests pay per-thread scratch)
        oc.get(osrm_route_path(net, a, b, check=False))
    t = {"corridor_route": [], "corridor_avoid": [], "osrm_route": [],
         "corridor_avoid_non200": 0, "corridor_non200": 0, "osrm_non200": 0,
         "corridor_bytes": [], "osrm_bytes": []}
    for _ in range(rounds):
        for (a, b), av in zip(pairs, avoid):
            s, body, dt = cc.get(corridor_route_path(net, a, b, "time"))
            t["corridor_route"].append(dt * 1e3)
            t["corridor_bytes"].append(len(body))
            t["corridor_non200"] += s != 200
            if av:
                s, _, dt = cc.get(corridor_route_path(net, a, b, "time", av))
                if s == 200:
                    t["corridor_avoid"].append(dt * 1e3)
                else:
                    t["corridor_avoid_non200"] += 1
            s, body, dt = oc.get(osrm_route_path(net, a, b, check=False))
            t["osrm_route"].append(dt * 1e3)
            t["osrm_bytes"].append(len(body))
            t["osrm_non200"] += s != 200
    # Matrix: the first pairs' origins × their destinations.
    n = min(matrix_n, len(pairs))
    srcs = [a for a, _ in pairs[:n]]
    dsts = [b for _, b in pairs[:n]]
    chunk = n
    while True:
        paths = [
            "/v1/matrix?" + urllib.parse.urlencode({
                "sources": ",".join(net.node_ids[u] for u in srcs[i:i + chunk]),
                "destinations": ",".join(net.node_ids[u] for u in dsts),
                "mode": "road", "optimize": "time"})
            for i in range(0, n, chunk)
        ]
        s, body, _ = cc.get(paths[0])
        if s == 413 and chunk > 1:
            chunk = (chunk + 1) // 2
            continue
        if s != 200:
            raise SystemExit(f"Corridor matrix answered {s}: {body[:500]!r}")
        break
    t["matrix_chunk"] = chunk
    t["matrix_requests"] = len(paths)
    coords = ";".join(lonlat(net, u) for u in srcs + dsts)
    idx_s = ";".join(str(i) for i in range(n))
    idx_d = ";".join(str(i) for i in range(n, 2 * n))
    table_d = f"/table/v1/driving/{coords}?sources={idx_s}&destinations={idx_d}"
    table_dd = table_d + "&annotations=duration,distance"
    # Agreement of the matrices' times: Corridor rounds time_h to 2 decimals (18 s); OSRM's
    # durations carry 0.05 s of rounding a segment (0.1 % is ample for the segments of a route).
    cmat: list[list] = []
    for pth in paths:
        cmat.extend(json.loads(cc.get(pth)[1])["time_h"])
    omat = json.loads(oc.get(table_d)[1])["durations"]
    agree = sum(
        1 for i in range(n) for j in range(n)
        if (cmat[i][j] is None) == (omat[i][j] is None)
        and (cmat[i][j] is None or abs(cmat[i][j] * 3600 - omat[i][j]) <= 18.0 + 1e-3 * omat[i][j])
    )
    t["matrix_cells_agree"] = agree
    t["matrix_cells"] = n * n
    t["corridor_matrix"], t["osrm_table"], t["osrm_table_dd"] = [], [], []
    for _ in range(matrix_reps):
        total = 0.0
        for pth in paths:
            s, _, dt = cc.get(pth)
            total += dt
        t["corridor_matrix"].append(total * 1e3)
        t["osrm_table"].append(oc.get(table_d)[2] * 1e3)
        t["osrm_table_dd"].append(oc.get(table_dd)[2] * 1e3)
    cc.close()
    oc.close()
    # Under concurrency: wrk cycling through the same requests.
    routes_c = [corridor_route_path(net, a, b, "time") for a, b in pairs]
    routes_av = [corridor_route_path(net, a, b, "time", av)
                 for (a, b), av in zip(pairs, avoid) if av]
    routes_o = [osrm_route_path(net, a, b, check=False) for a, b in pairs]
    w = {}
    w["corridor_route"] = run_wrk(work, "c-route", cport, routes_c, wrk_s, wrk_c, wrk_t)
    w["corridor_avoid"] = run_wrk(work, "c-avoid", cport, routes_av, wrk_s, wrk_c, wrk_t)
    w["osrm_route"] = run_wrk(work, "o-route", oport, routes_o, wrk_s, wrk_c, wrk_t)
    mc = max(1, min(wrk_c, 4))
    # Concurrent matrices only where a run of wrk_s seconds holds a few of them per connection.
    slowest = max(pct(t["corridor_matrix"], 0.5), pct(t["osrm_table_dd"], 0.5)) / 1e3
    if slowest * 4 <= wrk_s:
        w["corridor_matrix"] = run_wrk(work, "c-matrix", cport, paths, wrk_s, mc, wrk_t)
        w["osrm_table"] = run_wrk(work, "o-table", oport, [table_d], wrk_s, mc, wrk_t)
        w["osrm_table_dd"] = run_wrk(work, "o-table-dd", oport, [table_dd], wrk_s, mc, wrk_t)
    else:
        log(f"matrices take {slowest:.1f} s: not run under wrk (-d{wrk_s}s)")
    t["wrk"] = w
    t["matrix_conns"] = mc
    return t


def _interrupted(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT / "geodata",
                    help="Corridor data directory (default: geodata/, the embedded network)")
    ap.add_argument("--pairs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--rounds", type=int, default=3,
                    help="sequential passes over the pairs (default 3)")
    ap.add_argument("--matrix", type=int, default=100, help="matrix side (default 100)")
    ap.add_argument("--matrix-reps", type=int, default=10)
    ap.add_argument("--wrk-seconds", type=int, default=10)
    ap.add_argument("--wrk-connections", type=int, default=8)
    ap.add_argument("--wrk-threads", type=int, default=2)
    ap.add_argument("--osrm-threads", type=int, default=2, help="OSRM preprocessing threads")
    ap.add_argument("--distance-algorithm", choices=("mld", "ch"), default="mld",
                    help="OSRM algorithm for the distance agreement check (default mld: the "
                         "answers are the same, and CH contraction of a distance metric on a "
                         "generated grid takes far longer)")
    ap.add_argument("--measures", default="distance,time", choices=("distance,time", "time"),
                    help="profiles to check (time is always the one timed)")
    ap.add_argument("--time-algorithm", choices=("ch", "mld"), default="ch",
                    help="OSRM algorithm for the time profile, which is also the one timed "
                         "(default ch, the issue's reference)")
    ap.add_argument("--compute-timeout-ms", type=int, default=120000,
                    help="corridor serve's compute bound (default 120 s: a benchmark, not a 503)")
    ap.add_argument("--corridor", type=Path, default=ROOT / "target" / "release" / "corridor")
    ap.add_argument("--osrm-version", default=OSRM_BINDINGS_VERSION)
    ap.add_argument("--json-out", type=Path, help="also write every figure as JSON here")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()

    signal.signal(signal.SIGTERM, _interrupted)
    target = ROOT / "target"
    if not args.corridor.exists():
        raise SystemExit(f"{args.corridor} missing: cargo build --release first")
    bins = ensure_osrm(target, args.osrm_version)
    version = subprocess.run([str(bins / "osrm-routed"), "--version"], capture_output=True,
                             text=True).stdout.strip()
    (target / "osrm-bench").mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="run-", dir=target / "osrm-bench"))
    servers = Servers()
    report: dict = {"data": str(args.data), "osrm": version, "pairs": args.pairs,
                    "seed": args.seed, "wrk": (args.wrk_connections, args.wrk_threads),
                    "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                    "loadavg_start": os.getloadavg()}
    try:
        log(f"OSRM {version} from {bins}; work dir {work}")
        t0 = time.monotonic()
        osm = work / "net.osm"
        net = load_and_write_osm(args.data, osm)
        report["convert_s"] = time.monotonic() - t0
        report["road_links"] = len(net.link_id)
        report["road_nodes"] = len(net.node_ids)
        report["nodes_total"], report["links_total"] = net.nodes_total, net.links_total
        log(f"{len(net.link_id)} road links, {len(net.node_ids)} nodes, "
            f"{net.interior_count} interior vertices written in {report['convert_s']:.1f} s")
        build_adjacency(net)
        pbf = osm
        if shutil.which("osmium"):
            pbf = work / "net.osm.pbf"
            subprocess.run(["osmium", "cat", "--overwrite", str(osm), "-o", str(pbf)], check=True)
            osm.unlink()
        report["osm_mb"] = pbf.stat().st_size / 1e6

        comp = largest_component(net)
        rng = random.Random(args.seed)
        pairs = []
        while len(pairs) < args.pairs:
            a, b = rng.choice(comp), rng.choice(comp)
            if a != b:
                pairs.append((a, b))
        report["component_nodes"] = len(comp)

        cport = free_port()
        clog = work / "corridor.log"
        t0 = time.monotonic()
        cproc = servers.start(
            "corridor",
            [str(args.corridor), "serve", "--data", str(args.data), "--bind",
             f"127.0.0.1:{cport}", "--compute-timeout-ms", str(args.compute_timeout_ms)],
            clog, env=dict(os.environ, RUST_LOG="warn"),
        )
        wait_http("127.0.0.1", cport, "/health", cproc, clog, 1800)
        report["corridor_start_s"] = time.monotonic() - t0
        log(f"corridor serving on {cport} after {report['corridor_start_s']:.1f} s")

        for measure in args.measures.split(","):
            precision = weight_precision(net, measure)
            algorithm = args.distance_algorithm if measure == "distance" else args.time_algorithm
            prep = osrm_prepare(bins, pbf, measure, work, args.osrm_threads, precision,
                                algorithm)
            report[f"osrm_prep_{measure}"] = {k: v for k, v in prep.items()
                                              if k not in ("dir", "osrm")}
            oport, ready = start_osrm(servers, bins, prep, measure)
            report[f"osrm_start_{measure}_s"] = ready
            log(f"osrm-routed ({measure}) on {oport}; checking {len(pairs)} pairs")
            agree = check_agreement(net, pairs, measure, cport, oport, precision)
            report[f"agree_{measure}"] = agree
            report[f"osrm_precision_{measure}"] = precision
            log(f"{measure}: exact {agree['exact']}, within rounding {agree['within_rounding']}, "
                f"no route on both {agree['both_no_route']}, disagree {len(agree['disagree'])}")
            if measure == "time":
                log("timing")
                report["timing"] = timing(net, pairs, cport, oport, args.rounds, args.matrix,
                                          args.matrix_reps, work, args.wrk_seconds,
                                          args.wrk_connections, args.wrk_threads)
                report["rss_kb"] = {"corridor": rss_kb(cproc.pid),
                                    "osrm": rss_kb(servers.procs[f"osrm-{measure}"].pid)}
            servers.stop(f"osrm-{measure}")
        report["loadavg_end"] = os.getloadavg()
    finally:
        servers.stop_all()
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=1, default=str))
    print_report(report)
    return 0


def print_report(r: dict) -> None:
    t = r["timing"]
    w = t["wrk"]
    out = []
    out.append(f"## Corridor vs OSRM {r['osrm']} ({r['osrm_prep_time']['algorithm'].upper()} timed),"
               f" {r['data']}, {r['date']}")
    out.append(f"network: {r['nodes_total']} nodes, {r['links_total']} links; road in service: "
               f"{r['road_nodes']} nodes, {r['road_links']} links (largest component "
               f"{r['component_nodes']} nodes); {r['pairs']} pairs, seed {r['seed']}; load "
               f"average {r['loadavg_start'][0]:.1f} at start, {r['loadavg_end'][0]:.1f} at end")
    out.append("")
    out.append("| agreement (mode=road) | exact | within OSRM's rounding | no route on both | "
               "disagree | OSRM weight within bound | largest difference |")
    out.append("|---|---|---|---|---|---|---|")
    measures = [m for m in ("distance", "time") if f"agree_{m}" in r]
    for m, unit in (("distance", "m"), ("time", "s")):
        if m not in measures:
            continue
        a = r[f"agree_{m}"]
        out.append(f"| optimize={m} | {a['exact']} | {a['within_rounding']} | "
                   f"{a['both_no_route']} | {len(a['disagree'])} | "
                   f"{a['osrm_weight_within_bound']} / {a['pairs']} | "
                   f"{a['max_abs_diff']:.3f} {unit} |")
    for m in measures:
        for d in r[f"agree_{m}"]["disagree"][:10]:
            out.append(f"  {m} disagreement: {d[0]} → {d[1]}: {d[2]}")
    out.append("")
    out.append("| request (optimize=time, mode=road) | Corridor p50 / p90 ms | OSRM p50 / p90 ms | "
               "Corridor/OSRM (p50) |")
    out.append("|---|---|---|---|")
    cr, ca, orr = t["corridor_route"], t["corridor_avoid"], t["osrm_route"]
    om = pct(orr, 0.5)
    out.append(f"| route, sequential ({len(cr)}), full geometry | {fmt_ms(pct(cr, .5))} / "
               f"{fmt_ms(pct(cr, .9))} | {fmt_ms(om)} / {fmt_ms(pct(orr, .9))} | "
               f"{ratio(pct(cr, .5), om)} |")
    out.append(f"| route avoiding one link of its best path, sequential ({len(ca)}; "
               f"{t['corridor_avoid_non200']} no route) | {fmt_ms(pct(ca, .5))} / "
               f"{fmt_ms(pct(ca, .9))} | {fmt_ms(om)} / {fmt_ms(pct(orr, .9))} (unconstrained) | "
               f"{ratio(pct(ca, .5), om)} |")
    cm, ot, od = t["corridor_matrix"], t["osrm_table"], t["osrm_table_dd"]
    side = int(math.isqrt(t["matrix_cells"]))
    split = (f", as {t['matrix_requests']} requests of {t['matrix_chunk']} sources"
             if t["matrix_requests"] > 1 else "")
    out.append(f"| matrix {side}×{side}, sequential ({len(cm)}{split}) | {fmt_ms(pct(cm, .5))} / "
               f"{fmt_ms(pct(cm, .9))} | table durations {fmt_ms(pct(ot, .5))} / "
               f"{fmt_ms(pct(ot, .9))}; + distances {fmt_ms(pct(od, .5))} / {fmt_ms(pct(od, .9))} | "
               f"{ratio(pct(cm, .5), pct(ot, .5))} / {ratio(pct(cm, .5), pct(od, .5))} |")
    if w.get("corridor_route"):
        def wl(x):
            return (f"{x['rps']:.0f} req/s, {fmt_ms(x['p50_ms'])} / {fmt_ms(x['p90_ms'])}"
                    + (f" ({x['errors']} errors, {x['non2xx']} non-2xx)"
                       if x["errors"] or x["non2xx"] else ""))
        wc, wa, wo = w["corridor_route"], w["corridor_avoid"], w["osrm_route"]
        out.append(f"| route, wrk -t{r['wrk'][1]} -c{r['wrk'][0]} | {wl(wc)} | {wl(wo)} | "
                   f"{ratio(wc['p50_ms'], wo['p50_ms'])} (throughput Corridor/OSRM "
                   f"{ratio(wc['rps'], wo['rps'])}) |")
        out.append(f"| route avoiding one link, wrk | {wl(wa)} | {wl(wo)} (unconstrained) | "
                   f"{ratio(wa['p50_ms'], wo['p50_ms'])} |")
        mcw, otw, odw = (w.get(k) for k in ("corridor_matrix", "osrm_table", "osrm_table_dd"))
        if mcw and otw and odw:
            out.append(f"| matrix, wrk -c{t['matrix_conns']} (per request{split}) | {wl(mcw)} | "
                       f"durations {wl(otw)}; + distances {wl(odw)} | "
                       f"{ratio(mcw['p50_ms'] * t['matrix_requests'], otw['p50_ms'])} / "
                       f"{ratio(mcw['p50_ms'] * t['matrix_requests'], odw['p50_ms'])} |")
    out.append("")
    out.append(f"matrix cells agreeing (time, within Corridor's 0.01 h rounding): "
               f"{t['matrix_cells_agree']} / {t['matrix_cells']}")
    out.append(f"answer size, route: Corridor median {pct(t['corridor_bytes'], .5) / 1e3:.1f} kB "
               f"(GeoJSON FeatureCollection), OSRM {pct(t['osrm_bytes'], .5) / 1e3:.1f} kB")
    rc, ro = r["rss_kb"]["corridor"], r["rss_kb"]["osrm"]
    out.append(f"RSS after the run: Corridor {rc[0] / 1024:.0f} MB (peak {rc[1] / 1024:.0f} MB), "
               f"osrm-routed {ro[0] / 1024:.0f} MB (peak {ro[1] / 1024:.0f} MB); Corridor "
               f"started in {r['corridor_start_s']:.1f} s (serve --data)")
    for m in measures:
        p = r[f"osrm_prep_{m}"]
        steps = ", ".join(f"{k} {v['s']:.1f} s (peak {v['peak_mb']:.0f} MB)"
                          for k, v in p["steps"].items())
        out.append(f"OSRM preprocessing ({m}, {p['algorithm'].upper()}, weight precision "
                   f"{r[f'osrm_precision_{m}']}): {steps}; files {p['size_mb']:.1f} MB")
    out.append(f"OSM input: {r['osm_mb']:.1f} MB (PBF), written in {r['convert_s']:.1f} s")
    print("\n".join(out))


if __name__ == "__main__":
    sys.exit(main())
