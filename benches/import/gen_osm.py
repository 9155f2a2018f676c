#!/usr/bin/env python3
"""A large, realistic OSM extract for measuring `corridor import osm` (issue 21).

Not a grid: every way is a random walk with OSM-like node spacing (exponential, mean 45 m on
roads and rail, 12 m on building outlines), smooth turns, and the tag mix of a real extract.
Most nodes belong to ways the importer does not select, as in a Geofabrik file: buildings
(closed 5-node outlines, ~35 % of nodes), residential/service/track/tertiary/secondary roads,
waterways and landuse; about 8 % are on selected ways (railway=rail with usage/gauge/
electrified/maxspeed, sidings with service=*, highway=motorway|trunk|primary and their _links
with ref/maxspeed/oneway). Settlements are clustered around random towns over lon 60..125,
lat 42..56 (Russia, Kazakhstan, Mongolia, China), so ways cross real borders. Ids grow with
random gaps, and each way's nodes are created together (an editing session), so node ids are
spatially clustered runs like real data; later ways start at nodes of earlier ones
(junctions). Nodes carry version/timestamp/changeset metadata, ~2 % carry tags (crossings,
signals, names, stations, border controls, places), and AH route relations exist, so the
PBF's dense nodes, string tables and compression behave as in a real extract.

Usage:
    gen_osm.py NODES OUT_DIR [SEED [MAX_SELECTED_WAY_NODES [SELECTED_REPEAT]]]   # writes OUT_DIR/big.opl
MAX_SELECTED_WAY_NODES (default: 10..200 rail, 10..250 road) bounds the selected ways' length: a small value (e.g. 12)
gives many short ways, hence many junctions and links per selected node (to measure memory
per link apart from memory per node). SELECTED_REPEAT (default 1) writes that many selected
ways each time one is drawn, the later ones starting at a node of the one before (a
connected line of short ways): with short ways it keeps the selected share of the nodes up,
so a selection of Russia's size (millions of selected way nodes, hundreds of thousands of
links) does not need hundreds of millions of nodes in the file.
    osmium cat OUT_DIR/big.opl -o OUT_DIR/big.osm.pbf
e.g. NODES=10500000. Output is synthetic, for measurement only; never commit it.
"""
import math
import os
import random
import sys

target = int(sys.argv[1])
out_dir = sys.argv[2]
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 21)
max_sel = int(sys.argv[4]) if len(sys.argv) > 4 else None
sel_repeat = int(sys.argv[5]) if len(sys.argv) > 5 else 1


def sel_len(lo, hi):
    """Nodes of a selected way: lo..hi by default, 3..MAX_SELECTED_WAY_NODES when given."""
    return rng.randint(3, max_sel) if max_sel else rng.randint(lo, hi)
os.makedirs(out_dir, exist_ok=True)
nodes_f = open(os.path.join(out_dir, "nodes.opl.part"), "w")
ways_f = open(os.path.join(out_dir, "ways.opl.part"), "w")

LON0, LON1, LAT0, LAT1 = 60.0, 125.0, 42.0, 56.0
towns = [(rng.uniform(LON0, LON1), rng.uniform(LAT0, LAT1), rng.choice([0.05, 0.1, 0.2, 0.4]))
         for _ in range(2500)]
node_id = 1_000_000
way_id = 5_000_000
written = 0
junctions = []  # reservoir of (id, lon, lat) of earlier road/rail nodes
ts = 1_300_000_000
NAMES = ["Lenina", "Mira", "Sovetskaya", "Tsentralnaya", "Shkolnaya", "Nauki", "Zhongshan",
         "Renmin", "Jiefang", "Abay", "Chinggis", "Sukhbaatar", "Gagarina", "Pobedy"]
buf = []


def new_node(lon, lat, tags=None):
    global node_id, written, ts
    node_id += rng.choice((1, 1, 1, 2, 3, 7, 40, 300))
    ts += rng.randint(0, 400)
    t = ""
    if tags is None and rng.random() < 0.02:
        tags = rng.choice([
            "highway=crossing", "highway=traffic_signals", "highway=stop",
            "barrier=gate", "crossing=uncontrolled,highway=crossing", "power=tower",
            "amenity=cafe,name=" + rng.choice(NAMES), "shop=convenience",
            "highway=bus_stop,name=" + rng.choice(NAMES), "natural=tree",
        ])
    if tags:
        t = " T" + tags
    buf.append(f"n{node_id} v{rng.randint(1, 9)} dV c{rng.randint(1, 140_000_000)} "
               f"t{ts_iso(ts)} i0 u{t} x{lon:.7f} y{lat:.7f}\n")
    written += 1
    if len(buf) >= 50_000:
        nodes_f.write("".join(buf))
        buf.clear()
    return node_id


def ts_iso(t):
    # A fixed, plausible ISO timestamp per node without calling time.strftime 10 M times.
    y = 2010 + (t // 31_536_000) % 15
    return f"{y}-{1 + t % 12:02d}-{1 + t % 28:02d}T{t % 24:02d}:{t % 60:02d}:{(t // 7) % 60:02d}Z"


def walk(lon, lat, n, step_m, wiggle):
    """n points of a random walk from (lon, lat) with exponential steps of mean step_m."""
    heading = rng.uniform(0, 2 * math.pi)
    pts = [(lon, lat)]
    for _ in range(n - 1):
        heading += rng.gauss(0, wiggle)
        d = rng.expovariate(1 / step_m)
        dlat = d * math.cos(heading) / 111_320
        dlon = d * math.sin(heading) / (111_320 * math.cos(math.radians(lat)))
        lon, lat = lon + dlon, lat + dlat
        pts.append((lon, lat))
    return pts


def near_town():
    tl, ta, r = rng.choice(towns)
    return tl + rng.gauss(0, r), ta + rng.gauss(0, r * 0.6)


def emit_way(refs, tags):
    global way_id
    way_id += rng.choice((1, 1, 2, 5, 30))
    ways_f.write(f"w{way_id} v{rng.randint(1, 12)} dV c{rng.randint(1, 140_000_000)} "
                 f"t2019-05-0{1 + way_id % 9}T10:00:00Z i0 u T{tags} N"
                 + ",".join(f"n{r}" for r in refs) + "\n")
    return way_id


last_way_nodes = []  # (id, lon, lat) of the nodes of the last way written by line_way


def line_way(tags, n, step_m, wiggle, far=False, node_tags=None, start=None):
    """A linear way; starts at `start` (id, lon, lat) when given, else at an earlier junction
    node half of the time."""
    global last_way_nodes
    refs = []
    if start:
        jid, lon, lat = start
        refs.append(jid)
    elif junctions and rng.random() < 0.5:
        jid, lon, lat = rng.choice(junctions)
        refs.append(jid)
    else:
        lon, lat = (rng.uniform(LON0, LON1), rng.uniform(LAT0, LAT1)) if far else near_town()
    pts = walk(lon, lat, n, step_m, wiggle)
    for i, (x, y) in enumerate(pts[len(refs):]):
        tag = node_tags(i) if node_tags else None
        refs.append(new_node(x, y, tag))
    for _ in range(2):
        k = rng.randrange(len(refs))
        if refs[k] > 1_000_000:
            junctions.append((refs[k], *pts[min(k, len(pts) - 1)]))
    if len(junctions) > 200_000:
        del junctions[: len(junctions) // 2]
    last_way_nodes = [(r, x, y) for r, (x, y) in zip(refs, pts)]
    return emit_way(refs, tags)


def building():
    lon, lat = near_town()
    a, b = rng.uniform(6, 25) / 111_320, rng.uniform(6, 25) / 111_320
    k = 1 / math.cos(math.radians(lat))
    corners = [(lon, lat), (lon + a * k, lat), (lon + a * k, lat + b), (lon, lat + b)]
    refs = [new_node(x, y, "") for x, y in corners]
    tags = rng.choice(["building=yes", "building=house", "building=apartments",
                       "building=yes,addr:street=" + rng.choice(NAMES) + ",addr:housenumber="
                       + str(rng.randint(1, 120))])
    emit_way(refs + [refs[0]], tags)


ah_members = []
RAIL = ["railway=rail,usage=main,gauge=1520,electrified=contact_line,maxspeed=120,name=Transsib",
        "railway=rail,usage=main,gauge=1435,electrified=contact_line,maxspeed=160",
        "railway=rail,usage=branch,gauge=1520,electrified=no",
        "railway=rail,gauge=1520",
        "railway=rail,service=siding,gauge=1520", "railway=rail,service=yard,gauge=1520",
        "railway=rail,usage=industrial,gauge=1520"]
ROAD_SEL = ["highway=motorway,ref=M-5,maxspeed=110,lanes=2,surface=asphalt",
            "highway=motorway_link,oneway=yes",
            "highway=trunk,ref=R-258,maxspeed=90,surface=asphalt",
            "highway=trunk,ref=G7,oneway=yes,lanes=2",
            "highway=primary,ref=A-340,surface=asphalt,name=" + NAMES[0],
            "highway=primary,ref=S203", "highway=primary_link"]
ROAD_OTHER = ["highway=residential,name=ulitsa%20%" + NAMES[1], "highway=service",
              "highway=track,tracktype=grade3", "highway=unclassified",
              "highway=tertiary,name=" + NAMES[2], "highway=secondary,ref=22K-001",
              "highway=footway", "highway=residential,surface=unpaved"]
OTHER = ["waterway=stream", "waterway=river,name=Selenga", "natural=coastline",
         "power=line", "landuse=farmland", "landuse=forest", "barrier=fence"]


def station_tags(i):
    if rng.random() < 0.004:
        return "railway=station,name=" + rng.choice(NAMES) + "-" + str(rng.randint(1, 999))
    return None


def border_tags(i):
    return "barrier=border_control" if rng.random() < 0.001 else None


for t in towns:
    new_node(t[0], t[1], "place=" + rng.choice(["city", "town", "town", "village"])
             + ",name=Town" + str(node_id))
while written < target:
    r = rng.random()
    if r < 0.35 / 4 * 1.0:  # buildings carry ~35 % of nodes at 4 nodes each
        for _ in range(8):
            building()
    elif r < 0.60:
        line_way(rng.choice(ROAD_OTHER), rng.randint(4, 60), 45, 0.25)
    elif r < 0.75:
        line_way(rng.choice(OTHER), rng.randint(5, 120), 35, 0.35)
    elif r < 0.80:
        for k in range(sel_repeat):
            start = rng.choice(last_way_nodes) if k else None
            line_way(rng.choice(RAIL), sel_len(10, 200), 55, 0.05, far=True,
                     node_tags=station_tags, start=start)
    elif r < 0.86:
        for k in range(sel_repeat):
            start = rng.choice(last_way_nodes) if k else None
            wid = line_way(rng.choice(ROAD_SEL), sel_len(10, 250), 45, 0.08, far=True,
                           node_tags=border_tags, start=start)
            if rng.random() < 0.1:
                ah_members.append(wid)
    else:
        line_way(rng.choice(ROAD_OTHER), rng.randint(2, 30), 30, 0.3)
nodes_f.write("".join(buf))
nodes_f.close()
ways_f.close()
with open(os.path.join(out_dir, "rels.opl.part"), "w") as f:
    for k in range(0, len(ah_members), 40):
        members = ",".join(f"w{m}@" for m in ah_members[k:k + 40])
        f.write(f"r{90_000_000 + k} v1 dV c1 t2020-01-01T00:00:00Z i0 u "
                f"Ttype=route,route=road,network=AH,ref=AH{3 + k % 60} M{members}\n")
with open(os.path.join(out_dir, "big.opl"), "w") as out:
    for part in ("nodes", "ways", "rels"):
        p = os.path.join(out_dir, f"{part}.opl.part")
        with open(p) as f:
            while chunk := f.read(1 << 24):
                out.write(chunk)
        os.remove(p)
print(f"{written} nodes, {way_id - 5_000_000} way ids used, {len(ah_members)} AH members",
      file=sys.stderr)
