//! A large synthetic network in the geodata format, for benchmarks and scale tests.
//!
//! ```sh
//! cargo run --release --example gen_network -- --nodes 100000 --seed 7 --out /tmp/net
//! corridor validate --data /tmp/net
//! ```
//!
//! Deterministic by seed: the same `--nodes`, `--seed` and `--vertices` give the same bytes.
//! Writes `nodes.geojson`, `links.geojson`, `scenarios/gen-*.json` and `demand/gen-flows.json`.
//!
//! # What it models (synthetic, not real data: every feature's `source` says so)
//! - **Places** on a jittered grid over 50–130° E, 36–56° N, split into four countries by
//!   wavy borders: RU north of ~51° N, KZ west of ~85° E, MN between 88° and 118° E north of
//!   ~43.5° N, CN the rest (so KZ and MN share no border, as in reality).
//! - **Links** between grid neighbours (east, north, and a north-east diagonal on half the
//!   places): about 2.5 links per node, the ratio of the issue's measured 10⁵-node /
//!   212,000-link network and of its 10⁶-node / ~2.5·10⁶-link target. Rail runs along every
//!   4th row and 6th column (~17% of links); the rest are roads by class (motorway every 20th
//!   row / 30th column, as two oneway carriageways; trunk, primary, secondary; diagonals are
//!   secondary roads or seasonal tracks).
//! - **Borders**: grid links between two countries are dropped except about 300 evenly spaced
//!   ones, which become `crossing` links between `border_point` places, with dwell, hours,
//!   veterinary control, and on ~60% an `opening_hours` schedule in the forms the curated data
//!   uses (`24/7`, `09:00-18:00; PH off`, …) with the from-side's IANA zone and both
//!   countries' holiday calendars.
//! - **Gauge**: 1435 mm in CN, 1520 mm elsewhere; rail crossings carry 1520 mm (some 1435 mm
//!   into CN), so the CN-side (or 1520-side) border point is a break of gauge.
//! - **Geometry**: each link a wiggly line with `2 + Exp(mean − 2)` vertices (mean
//!   `--vertices`, default 24, capped at 8× the mean). The mean is an assumption for
//!   OSM-derived links ("tens of vertices" per link, as the issue puts it), not a figure
//!   measured from an extract here.
//! - **Attributes**: capacities on ~90% of links (trains/day, vehicles/day by road class, t/yr
//!   at rail crossings; a few directed ones with their note), electrification on rail rows
//!   and columns (~45% of rail), ~2% planned / under construction / closed, seasonal tracks,
//!   names, refs, free-text notes on ~5% of features, `length_km` given on half the links (the
//!   validator derives the rest from the geometry).

use std::f64::consts::PI;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use serde_json::json;

/// West, east, south, north edges of the region, degrees.
const LON0: f64 = 50.0;
const LON1: f64 = 130.0;
const LAT0: f64 = 36.0;
const LAT1: f64 = 56.0;
/// Crossings kept along all borders together (about; fewer on tiny networks).
const CROSSINGS: usize = 300;

/// SplitMix64: small, fast, deterministic; good enough for drawing synthetic data.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn f(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f()
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Country {
    Ru,
    Kz,
    Mn,
    Cn,
}

impl Country {
    fn code(self) -> &'static str {
        match self {
            Country::Ru => "RU",
            Country::Kz => "KZ",
            Country::Mn => "MN",
            Country::Cn => "CN",
        }
    }
    fn slug(self) -> &'static str {
        match self {
            Country::Ru => "ru",
            Country::Kz => "kz",
            Country::Mn => "mn",
            Country::Cn => "cn",
        }
    }
    fn gauge(self) -> u32 {
        if self == Country::Cn { 1435 } else { 1520 }
    }
    fn at(lon: f64, lat: f64) -> Country {
        if lat >= 51.0 + 0.8 * (lon * 0.21).sin() {
            Country::Ru
        } else if lon < 85.0 + (lat * 0.5).sin() {
            Country::Kz
        } else if (88.0..118.0).contains(&lon) && lat >= 43.5 + 0.7 * (lon * 0.3).sin() {
            Country::Mn
        } else {
            Country::Cn
        }
    }
    /// The IANA zone of a place in this country at `lon`.
    fn timezone(self, lon: f64) -> &'static str {
        match self {
            Country::Ru if lon < 63.0 => "Asia/Yekaterinburg",
            Country::Ru if lon < 75.0 => "Asia/Omsk",
            Country::Ru if lon < 88.0 => "Asia/Barnaul",
            Country::Ru if lon < 106.0 => "Asia/Krasnoyarsk",
            Country::Ru if lon < 114.0 => "Asia/Irkutsk",
            Country::Ru if lon < 127.0 => "Asia/Chita",
            Country::Ru => "Asia/Vladivostok",
            Country::Kz => "Asia/Almaty",
            Country::Mn if lon < 100.0 => "Asia/Hovd",
            Country::Mn => "Asia/Ulaanbaatar",
            Country::Cn if lon < 90.0 => "Asia/Urumqi",
            Country::Cn => "Asia/Shanghai",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RoadClass {
    Motorway,
    Trunk,
    Primary,
    Secondary,
    Track,
}

impl RoadClass {
    fn as_str(self) -> &'static str {
        match self {
            RoadClass::Motorway => "motorway",
            RoadClass::Trunk => "trunk",
            RoadClass::Primary => "primary",
            RoadClass::Secondary => "secondary",
            RoadClass::Track => "track",
        }
    }
    fn speed_kmh(self) -> f64 {
        match self {
            RoadClass::Motorway => 80.0,
            RoadClass::Trunk => 70.0,
            RoadClass::Primary => 60.0,
            RoadClass::Secondary => 50.0,
            RoadClass::Track => 25.0,
        }
    }
    fn vehicles_per_day(self) -> f64 {
        match self {
            RoadClass::Motorway => 40000.0,
            RoadClass::Trunk => 15000.0,
            RoadClass::Primary => 8000.0,
            RoadClass::Secondary => 3000.0,
            RoadClass::Track => 300.0,
        }
    }
}

/// A grid edge before attributes.
#[derive(Clone, Copy)]
struct Edge {
    a: u32,
    b: u32,
    rail: bool,
    class: Option<RoadClass>,
    crossing: bool,
}

/// What to generate (the command line's flags). Tests include this file as a module and call
/// [`generate`] directly.
pub struct Args {
    /// Nodes (`--nodes`).
    pub nodes: usize,
    /// Seed (`--seed`, default 7).
    pub seed: u64,
    /// Output directory (`--out`).
    pub out: PathBuf,
    /// Mean vertices per link (`--vertices`, default 24).
    pub vertices: f64,
    /// Demand lines in `demand/gen-flows.json` (`--demands`, default 1000).
    pub demands: usize,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        nodes: 10_000,
        seed: 7,
        out: PathBuf::from("gen-network"),
        vertices: 24.0,
        demands: 1000,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--nodes" => a.nodes = val()?.parse().map_err(|e| format!("--nodes: {e}"))?,
            "--seed" => a.seed = val()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--out" => a.out = PathBuf::from(val()?),
            "--vertices" => a.vertices = val()?.parse().map_err(|e| format!("--vertices: {e}"))?,
            "--demands" => a.demands = val()?.parse().map_err(|e| format!("--demands: {e}"))?,
            "-h" | "--help" => {
                return Err("usage: gen_network --nodes N [--seed S] [--out DIR] \
                            [--vertices MEAN (default 24)] [--demands D (default 1000)]"
                    .into());
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if a.nodes < 16 {
        return Err("--nodes must be at least 16".into());
    }
    if a.vertices.is_nan() || a.vertices < 2.0 {
        return Err("--vertices must be at least 2".into());
    }
    Ok(a)
}

fn main() {
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = generate(&args) {
        eprintln!("gen_network: {e}");
        std::process::exit(1);
    }
}

/// Great-circle distance, km.
fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, la2) = (a.1.to_radians(), b.1.to_radians());
    let dla = la2 - la1;
    let dlo = (b.0 - a.0).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin() / 1000.0
}

struct Net {
    pos: Vec<(f64, f64)>,
    country: Vec<Country>,
    edges: Vec<Edge>,
    /// Per node: bit 0 rail, bit 1 road, bit 2 border point.
    flags: Vec<u8>,
    /// Per node: gauge of its rail links (0 none, u32::MAX mixed).
    gauge: Vec<u32>,
}

const RAIL: u8 = 1;
const ROAD: u8 = 2;
const BORDER: u8 = 4;

fn rail_gauge(net: &Net, e: &Edge, k: usize) -> u32 {
    let (ca, cb) = (net.country[e.a as usize], net.country[e.b as usize]);
    if e.crossing {
        // Most crossings carry the 1520 mm side's track; every third one into China is
        // 1435 mm (dual-gauge crossings such as Khorgos/Altynkol have both).
        if (ca == Country::Cn || cb == Country::Cn) && k.is_multiple_of(3) {
            1435
        } else {
            1520
        }
    } else {
        ca.gauge()
    }
}

fn build(args: &Args) -> Net {
    let n = args.nodes;
    let mut rng = Rng(args.seed ^ 0x00C0_FFEE);
    let aspect = (LON1 - LON0) * (46f64).to_radians().cos() / (LAT1 - LAT0);
    let cols = ((n as f64 * aspect).sqrt().round() as usize).max(2);
    let rows = n.div_ceil(cols);
    let (dx, dy) = ((LON1 - LON0) / cols as f64, (LAT1 - LAT0) / rows as f64);
    let mut pos = Vec::with_capacity(n);
    let mut country = Vec::with_capacity(n);
    for i in 0..n {
        let (c, r) = (i % cols, i / cols);
        let lon = LON0 + (c as f64 + 0.5 + rng.range(-0.3, 0.3)) * dx;
        let lat = LAT0 + (r as f64 + 0.5 + rng.range(-0.3, 0.3)) * dy;
        pos.push((lon, lat));
        country.push(Country::at(lon, lat));
    }
    let mut edges = Vec::with_capacity(n * 5 / 2 + n / 10);
    let mut candidates = Vec::new();
    let road_class = |rng: &mut Rng, line: usize, motorway_every: usize, trunk_every: usize| {
        if line.is_multiple_of(motorway_every) {
            RoadClass::Motorway
        } else if line.is_multiple_of(trunk_every) {
            RoadClass::Trunk
        } else if rng.chance(0.5) {
            RoadClass::Primary
        } else {
            RoadClass::Secondary
        }
    };
    for i in 0..n {
        let (c, r) = (i % cols, i / cols);
        let mut push = |j: usize, rail: bool, class: Option<RoadClass>| {
            let e = Edge {
                a: i as u32,
                b: j as u32,
                rail,
                class,
                crossing: false,
            };
            if country[i] != country[j] {
                candidates.push(e);
            } else {
                edges.push(e);
            }
        };
        if c + 1 < cols && i + 1 < n {
            let rail = r.is_multiple_of(4);
            let class = (!rail).then(|| road_class(&mut rng, r, 20, 5));
            push(i + 1, rail, class);
        }
        if i + cols < n {
            let rail = c.is_multiple_of(6);
            let class = (!rail).then(|| road_class(&mut rng, c, 30, 7));
            push(i + cols, rail, class);
        }
        if c + 1 < cols && i + cols + 1 < n && rng.chance(0.5) {
            let class = if rng.chance(0.7) {
                RoadClass::Secondary
            } else {
                RoadClass::Track
            };
            // A diagonal between two countries is never a crossing (crossings are the
            // evenly spaced east/north links below).
            if country[i] == country[i + cols + 1] {
                edges.push(Edge {
                    a: i as u32,
                    b: (i + cols + 1) as u32,
                    rail: false,
                    class: Some(class),
                    crossing: false,
                });
            }
        }
    }
    // About CROSSINGS evenly spaced border links become crossings; the others are dropped.
    let stride = (candidates.len() / CROSSINGS).max(1);
    for (k, mut e) in candidates.into_iter().enumerate() {
        if k % stride == stride / 2 {
            e.crossing = true;
            if e.class == Some(RoadClass::Motorway) {
                e.class = Some(RoadClass::Trunk);
            }
            edges.push(e);
        }
    }
    let mut flags = vec![0u8; n];
    let mut gauge = vec![0u32; n];
    let tmp = Net {
        pos,
        country,
        edges,
        flags: Vec::new(),
        gauge: Vec::new(),
    };
    for (k, e) in tmp.edges.iter().enumerate() {
        let bit = if e.rail { RAIL } else { ROAD };
        let border = if e.crossing { BORDER } else { 0 };
        for v in [e.a as usize, e.b as usize] {
            flags[v] |= bit | border;
            if e.rail {
                let g = rail_gauge(&tmp, e, k);
                gauge[v] = match gauge[v] {
                    0 => g,
                    old if old == g => g,
                    _ => u32::MAX,
                };
            }
        }
    }
    Net {
        flags,
        gauge,
        ..tmp
    }
}

/// Writes the network, scenarios and demand set of `args` into `args.out`.
pub fn generate(args: &Args) -> std::io::Result<()> {
    let net = build(args);
    fs::create_dir_all(args.out.join("scenarios"))?;
    fs::create_dir_all(args.out.join("demand"))?;
    let source = format!(
        "generated by examples/gen_network.rs (seed {}): synthetic data for scale tests, not a real network",
        args.seed
    );
    let kinds = write_nodes(args, &net, &source)?;
    let crossings = write_links(args, &net, &source)?;
    write_scenarios(args, &crossings)?;
    write_demand(args, &net, &kinds)?;
    let rail = net.edges.iter().filter(|e| e.rail).count();
    eprintln!(
        "gen_network: {} nodes, {} links ({} rail, {} crossings, motorways as two oneway links) in {}",
        net.pos.len(),
        net.edges.len()
            + net
                .edges
                .iter()
                .filter(|e| e.class == Some(RoadClass::Motorway))
                .count(),
        rail,
        crossings.len(),
        args.out.display()
    );
    Ok(())
}

fn node_id(net: &Net, i: usize) -> String {
    format!("{}-n{i}", net.country[i].slug())
}

/// Writes the nodes; returns each node's kind.
fn write_nodes(args: &Args, net: &Net, source: &str) -> std::io::Result<Vec<&'static str>> {
    let mut rng = Rng(args.seed ^ 0x0000_0DE5);
    let mut w = BufWriter::with_capacity(1 << 20, File::create(args.out.join("nodes.geojson"))?);
    writeln!(
        w,
        "{{\"type\": \"FeatureCollection\", \"name\": \"nodes\", \"features\": ["
    )?;
    let mut kinds = Vec::with_capacity(net.pos.len());
    for i in 0..net.pos.len() {
        let f = net.flags[i];
        let (rail, road) = (f & RAIL != 0, f & ROAD != 0 || f & RAIL == 0);
        let u = rng.f();
        let kind = if f & BORDER != 0 {
            "border_point"
        } else if u < 0.02 {
            "city"
        } else if rail && road && u < 0.06 {
            "terminal"
        } else if rail && road && u < 0.0605 {
            "port"
        } else if rail {
            "station"
        } else {
            "junction"
        };
        kinds.push(kind);
        let intermodal = rail
            && road
            && (matches!(kind, "terminal" | "port" | "city")
                || (kind == "border_point" && u < 0.5));
        let modes = match (rail, road) {
            (true, true) => "[\"rail\", \"road\"]",
            (true, false) => "[\"rail\"]",
            _ => "[\"road\"]",
        };
        let (lon, lat) = net.pos[i];
        let c = net.country[i];
        if i > 0 {
            w.write_all(b",\n")?;
        }
        write!(
            w,
            "{{\"type\": \"Feature\", \"properties\": {{\"id\": \"{}\", \"name\": \"{} {} {i}\"",
            node_id(net, i),
            c.code(),
            kind.replace('_', " "),
        )?;
        if u < 0.3 {
            write!(w, ", \"name_local\": \"{}-{i}\"", local_word(c))?;
        }
        write!(
            w,
            ", \"country\": \"{}\", \"kind\": \"{kind}\", \"modes\": {modes}, \"intermodal\": {intermodal}",
            c.code()
        )?;
        let g = net.gauge[i];
        if g != 0 && g != u32::MAX && f & BORDER == 0 && i.is_multiple_of(3) {
            write!(w, ", \"gauge_mm\": {g}")?;
        }
        write!(w, ", \"source\": \"{source}\"")?;
        if rng.chance(0.05) {
            write!(
                w,
                ", \"notes\": \"generated place {i}: a {} in {} at {lon:.3} E {lat:.3} N (position synthetic)\"",
                kind.replace('_', " "),
                c.code()
            )?;
        }
        write!(
            w,
            "}}, \"geometry\": {{\"type\": \"Point\", \"coordinates\": [{lon:.5}, {lat:.5}]}}}}"
        )?;
    }
    writeln!(w, "\n]}}")?;
    w.flush()?;
    Ok(kinds)
}

fn local_word(c: Country) -> &'static str {
    match c {
        Country::Ru => "Посёлок",
        Country::Kz => "Ауыл",
        Country::Mn => "Сум",
        Country::Cn => "镇",
    }
}

/// A crossing written, for the scenarios.
struct CrossingOut {
    id: String,
    rail: bool,
    countries: (Country, Country),
}

/// The vertices of a link from `a` to `b`: a bend and a wiggle off the straight line,
/// `2 + Exp(mean − 2)` positions, ends exactly at the nodes.
fn geometry(rng: &mut Rng, a: (f64, f64), b: (f64, f64), mean: f64) -> Vec<(f64, f64)> {
    let extra = (-(1.0 - rng.f()).ln() * (mean - 2.0)).min(mean * 8.0) as usize;
    let k = 2 + extra;
    let (vx, vy) = (b.0 - a.0, b.1 - a.1);
    let (px, py) = (-vy, vx); // perpendicular, same length as the link
    let bend = rng.range(-0.12, 0.12);
    let wiggle = rng.range(0.0, 0.02);
    let freq = rng.range(1.0, 4.0);
    let phase = rng.range(0.0, 2.0 * PI);
    (0..k)
        .map(|j| {
            let t = j as f64 / (k - 1) as f64;
            if j == 0 {
                return a;
            }
            if j == k - 1 {
                return b;
            }
            let off = bend * (PI * t).sin() + wiggle * (2.0 * PI * freq * t + phase).sin();
            (a.0 + vx * t + px * off, a.1 + vy * t + py * off)
        })
        .collect()
}

fn write_links(args: &Args, net: &Net, source: &str) -> std::io::Result<Vec<CrossingOut>> {
    let mut rng = Rng(args.seed ^ 0x0001_1475);
    let mut w = BufWriter::with_capacity(1 << 20, File::create(args.out.join("links.geojson"))?);
    writeln!(
        w,
        "{{\"type\": \"FeatureCollection\", \"name\": \"links\", \"features\": ["
    )?;
    let mut first = true;
    let mut crossings = Vec::new();
    let mut line = String::with_capacity(4096);
    for (k, e) in net.edges.iter().enumerate() {
        let (a, b) = (e.a as usize, e.b as usize);
        let geom = geometry(&mut rng, net.pos[a], net.pos[b], args.vertices);
        let directions: &[bool] = if e.class == Some(RoadClass::Motorway) {
            &[true, false] // two carriageways, each oneway
        } else {
            &[true]
        };
        for &forward in directions {
            line.clear();
            let (from, to) = if forward { (a, b) } else { (b, a) };
            link_feature(
                &mut line, &mut rng, net, e, k, from, to, &geom, forward, source,
            );
            if e.crossing {
                crossings.push(CrossingOut {
                    id: link_id(e, k, forward),
                    rail: e.rail,
                    countries: (net.country[from], net.country[to]),
                });
            }
            if !first {
                w.write_all(b",\n")?;
            }
            first = false;
            w.write_all(line.as_bytes())?;
        }
    }
    writeln!(w, "\n]}}")?;
    w.flush()?;
    Ok(crossings)
}

fn link_id(e: &Edge, k: usize, forward: bool) -> String {
    let prefix = match (e.crossing, e.rail) {
        (true, true) => "xr",
        (true, false) => "xd",
        (false, true) => "rail",
        (false, false) => "road",
    };
    if forward {
        format!("{prefix}-{k}")
    } else {
        format!("{prefix}-{k}-b")
    }
}

#[allow(clippy::too_many_arguments)]
fn link_feature(
    s: &mut String,
    rng: &mut Rng,
    net: &Net,
    e: &Edge,
    k: usize,
    from: usize,
    to: usize,
    geom: &[(f64, f64)],
    forward: bool,
    source: &str,
) {
    use std::fmt::Write as _;
    let (ca, cb) = (net.country[from], net.country[to]);
    let mode = if e.rail { "rail" } else { "road" };
    let kind = match (e.crossing, e.rail) {
        (true, _) => "crossing",
        (false, true) => "line",
        (false, false) => "road",
    };
    let _ = write!(
        s,
        "{{\"type\": \"Feature\", \"properties\": {{\"id\": \"{}\", \"from\": \"{}\", \"to\": \"{}\", \"mode\": \"{mode}\", \"kind\": \"{kind}\"",
        link_id(e, k, forward),
        node_id(net, from),
        node_id(net, to)
    );
    let speed;
    if e.rail {
        let g = rail_gauge(net, e, k);
        speed = if e.crossing {
            20.0
        } else {
            40.0 + 5.0 * rng.below(5) as f64
        };
        let _ = write!(s, ", \"gauge_mm\": {g}");
        if !e.crossing {
            let _ = write!(s, ", \"name\": \"{} line {}\"", ca.code(), k % 997);
        }
    } else {
        let class = e.class.unwrap_or(RoadClass::Secondary);
        speed = if e.crossing { 20.0 } else { class.speed_kmh() };
        let _ = write!(s, ", \"road_class\": \"{}\"", class.as_str());
        if matches!(class, RoadClass::Motorway | RoadClass::Trunk) && !e.crossing {
            let _ = write!(s, ", \"ref\": \"{}-{}\"", ca.code(), 1 + k % 97);
        }
        if class == RoadClass::Motorway {
            let _ = write!(s, ", \"oneway\": true");
        } else if class == RoadClass::Secondary && rng.chance(0.01) {
            // A short one-way pair in a town: one direction only.
            let _ = write!(s, ", \"oneway\": true");
        }
    }
    let _ = write!(s, ", \"speed_kmh\": {speed}");
    if e.crossing {
        let dwell = if e.rail {
            4 + rng.below(9)
        } else {
            1 + rng.below(6)
        };
        let (oh, hours) = match rng.below(10) {
            0..=3 => (
                None,
                if e.rail {
                    "24/7"
                } else {
                    "09:00–18:00 (approx.)"
                },
            ),
            4..=5 => (Some("24/7"), "24/7"),
            6 => (Some("09:00-18:00; PH off"), "09:00–18:00 (approx.)"),
            7 => (
                Some("Mo-Fr 09:00-18:00; PH off"),
                "09:00–18:00 weekdays (approx.)",
            ),
            8 => (Some("08:00-20:00; PH off"), "08:00–20:00 daily (approx.)"),
            _ => (
                Some("May-Oct Mo-Fr 09:00-18:00; PH off"),
                "seasonal, weekdays (approx.)",
            ),
        };
        let _ = write!(
            s,
            ", \"name\": \"{}–{} crossing {k}\", \"countries\": [\"{}\", \"{}\"], \"dwell_h\": {dwell}, \"hours\": \"{hours}\", \"veterinary\": {}",
            ca.code(),
            cb.code(),
            ca.code(),
            cb.code(),
            rng.chance(0.3)
        );
        if let Some(oh) = oh {
            let _ = write!(
                s,
                ", \"opening_hours\": \"{oh}\", \"timezone\": \"{}\", \"holidays\": [\"{}\", \"{}\"], \"schedule_source\": \"assumed (generated network): hours drawn from the forms the curated data uses\"",
                ca.timezone(net.pos[from].0),
                ca.code(),
                cb.code()
            );
        }
    }
    // Capacity.
    let class = e.class;
    let has_capacity = !((class == Some(RoadClass::Track) && rng.chance(0.5)) || rng.chance(0.05));
    if has_capacity {
        let (value, unit) = if e.crossing && e.rail {
            (1_000_000.0 * (2 + rng.below(19)) as f64, "t/yr")
        } else if e.crossing {
            (100.0 * (1 + rng.below(10)) as f64, "vehicles/day")
        } else if e.rail {
            (6.0 * (4 + rng.below(17)) as f64, "trains/day")
        } else {
            let v = class.unwrap_or(RoadClass::Secondary).vehicles_per_day();
            ((v * rng.range(0.7, 1.3)).round(), "vehicles/day")
        };
        let _ = write!(
            s,
            ", \"capacity\": {{\"value\": {value}, \"unit\": \"{unit}\"}}, \"capacity_basis\": \"estimate\""
        );
        if e.crossing && !e.rail && rng.chance(0.1) {
            let back = (value * 0.6).round();
            let _ = write!(
                s,
                ", \"capacity_forward\": {{\"value\": {value}, \"unit\": \"{unit}\"}}, \"capacity_backward\": {{\"value\": {back}, \"unit\": \"{unit}\"}}, \"capacity_note\": \"estimate (generated): export lanes outnumber import lanes, backward = 60% of forward\""
            );
        } else if rng.chance(0.05) {
            let _ = write!(
                s,
                ", \"capacity_note\": \"estimate (generated): {value} {unit} drawn for a {} {kind} of this class; no published figure\"",
                ca.code()
            );
        }
    }
    let status = match rng.below(1000) {
        0..=9 => "planned",
        10..=14 => "under_construction",
        15..=19 if !e.crossing => "closed",
        _ if class == Some(RoadClass::Track) && rng.chance(0.2) => "seasonal",
        _ => "open",
    };
    let _ = write!(s, ", \"status\": \"{status}\", \"source\": \"{source}\"");
    if e.rail && !e.crossing {
        let (c, r) = (from, to);
        let electrified =
            (net.pos[c].1 * 10.0) as i64 % 2 == 0 || (net.pos[r].0 * 10.0) as i64 % 5 == 0;
        if electrified {
            let _ = write!(
                s,
                ", \"electrified\": true, \"electrified_source\": \"assumed (generated network)\""
            );
        }
    }
    if rng.chance(0.05) {
        let _ = write!(
            s,
            ", \"notes\": \"generated {kind} {k} in {}: alignment, speed and capacity are synthetic\"",
            ca.code()
        );
    }
    let oriented: Vec<(f64, f64)> = if forward {
        geom.to_vec()
    } else {
        geom.iter().rev().copied().collect()
    };
    if rng.chance(0.5) {
        let km: f64 = oriented.windows(2).map(|p| haversine_km(p[0], p[1])).sum();
        let _ = write!(
            s,
            ", \"length_km\": {:.1}",
            (km * 10.0).round().max(1.0) / 10.0
        );
    }
    s.push_str("}, \"geometry\": {\"type\": \"LineString\", \"coordinates\": [");
    for (j, (x, y)) in oriented.iter().enumerate() {
        if j > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "[{x:.5}, {y:.5}]");
    }
    s.push_str("]}}");
}

fn write_scenarios(args: &Args, crossings: &[CrossingOut]) -> std::io::Result<()> {
    let rail = crossings.iter().find(|c| c.rail);
    let mut closed = Vec::new();
    if let Some(c) = rail {
        closed.push(json!({"link": c.id, "set": {"status": "closed"},
            "source": "hypothetical what-if on the generated network", "estimate": false,
            "note": "status only"}));
    }
    let closed = json!({"name": "gen-crossing-closed",
        "title": "The first generated rail crossing shut",
        "description": "What-if on the generated network: one rail crossing is closed.",
        "source": "hypothetical what-if on the generated network (examples/gen_network.rs)",
        "changes": closed});
    let upgrades: Vec<_> = crossings
        .iter()
        .filter(|c| !c.rail && (c.countries.0 == Country::Ru || c.countries.1 == Country::Ru))
        .take(20)
        .map(|c| {
            json!({"link": c.id,
                "set": {"capacity": {"value": 1500, "unit": "vehicles/day"},
                        "capacity_basis": "estimate",
                        "capacity_note": "estimate (generated): a modernised road checkpoint taken to reach 1,500 vehicles/day"},
                "source": "hypothetical what-if on the generated network", "estimate": true,
                "note": "1,500 vehicles/day: a round figure above every drawn road-crossing capacity (100-1,000), not derived from any real checkpoint"})
        })
        .collect();
    let upgrade = json!({"name": "gen-border-upgrade",
        "title": "Russian road checkpoints modernised (generated)",
        "description": "What-if on the generated network: up to 20 road crossings of Russia get a higher capacity.",
        "source": "hypothetical what-if on the generated network (examples/gen_network.rs)",
        "changes": upgrades});
    for (name, doc) in [
        ("gen-crossing-closed", closed),
        ("gen-border-upgrade", upgrade),
    ] {
        let path = args.out.join("scenarios").join(format!("{name}.json"));
        fs::write(path, serde_json::to_string_pretty(&doc)? + "\n")?;
    }
    Ok(())
}

fn write_demand(args: &Args, net: &Net, kinds: &[&str]) -> std::io::Result<()> {
    let mut rng = Rng(args.seed ^ 0x0000_DE4A);
    let cities: Vec<usize> = (0..net.pos.len())
        .filter(|&i| matches!(kinds[i], "city" | "terminal"))
        .collect();
    let commodities = [
        ("coal", 80.0, "bulk", "rail"),
        ("copper concentrate", 2000.0, "bulk", "rail"),
        ("containers", 4000.0, "container", "any"),
        ("food products", 1000.0, "general", "any"),
        ("livestock", 2500.0, "livestock", "road"),
    ];
    let mut demands = Vec::with_capacity(args.demands);
    // Bounded draws: a tiny network may have its cities in one country only.
    for _ in 0..args.demands.saturating_mul(100) {
        if demands.len() >= args.demands || cities.len() < 2 {
            break;
        }
        let a = cities[rng.below(cities.len() as u64) as usize];
        let b = cities[rng.below(cities.len() as u64) as usize];
        if net.country[a] == net.country[b] {
            continue;
        }
        let (commodity, usd_per_t, cargo, mode) =
            commodities[rng.below(commodities.len() as u64) as usize];
        // A rail (road) flow starts and ends at a place with a rail (road) link: the service
        // refuses one that does not ("node … serves no rail link").
        let serves = |i: usize| match mode {
            "rail" => net.flags[i] & RAIL != 0,
            "road" => net.flags[i] & ROAD != 0,
            _ => true,
        };
        if !(serves(a) && serves(b)) {
            continue;
        }
        let t = 10_000.0 * (1 + rng.below(100)) as f64;
        demands.push(json!({"from": node_id(net, a), "to": node_id(net, b),
            "commodity": commodity, "cargo": cargo, "mode": mode, "tonnes_per_year": t,
            "usd_per_year": t * usd_per_t, "usd_per_t": usd_per_t, "estimate": true,
            "source": "generated (examples/gen_network.rs): synthetic flow",
            "derivation": format!("drawn: {t} t/yr between two generated places in different countries")}));
    }
    let densities: Vec<_> = commodities
        .iter()
        .map(|(c, usd, _, _)| {
            json!({"commodity": c, "usd_per_t": usd, "estimate": true,
            "basis": "round figure for the generated network (synthetic)"})
        })
        .collect();
    let doc = json!({"name": "gen-flows", "title": "Synthetic flows on the generated network",
        "description": format!("{} origin-destination flows between generated cities and terminals in different countries.", demands.len()),
        "source": "generated (examples/gen_network.rs)",
        "value_densities": densities, "demands": demands});
    fs::write(
        args.out.join("demand").join("gen-flows.json"),
        serde_json::to_string_pretty(&doc)? + "\n",
    )?;
    Ok(())
}
