//! Geometric quality of the shipped network data in `geodata/`.
//!
//! Reads the GeoJSON files directly with `serde_json` (not through the crate's loader) and
//! checks them against the Natural Earth country polygons in `geodata/boundaries/`:
//!
//! - every node lies inside its own country;
//! - every `border_point` lies within 25 km of its country's boundary;
//! - every vertex of a non-crossing link lies inside its country (or within 5 km of it,
//!   allowing for the 10m-scale boundary generalisation);
//! - consecutive vertices of a link are at most 60 km apart;
//! - every feature carries a non-empty `source`;
//! - crossing links start in one country and end in the other.
//!
//! Every failure message names the feature id; all failures of one kind are gathered and
//! reported together.

use geo::{Contains, Coord, Distance, Haversine, LineString, MultiPolygon, Point, Polygon};
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;

const BORDER_POINT_MAX_KM: f64 = 25.0;
const VERTEX_OUTSIDE_TOLERANCE_KM: f64 = 5.0;
const MAX_VERTEX_SPACING_KM: f64 = 60.0;
const KM_PER_DEG: f64 = 111.195;

fn geodata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("geodata")
}

fn read_json(rel: &str) -> Value {
    let path = geodata().join(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn features(v: &Value) -> &Vec<Value> {
    v["features"]
        .as_array()
        .expect("FeatureCollection without features")
}

fn prop<'a>(f: &'a Value, key: &str) -> &'a Value {
    &f["properties"][key]
}

fn id(f: &Value) -> String {
    prop(f, "id").as_str().unwrap_or("<no id>").to_string()
}

fn coord(v: &Value) -> Coord<f64> {
    let a = v.as_array().expect("coordinate is not an array");
    Coord {
        x: a[0].as_f64().expect("lon"),
        y: a[1].as_f64().expect("lat"),
    }
}

fn ring(v: &Value) -> LineString<f64> {
    LineString::from(
        v.as_array()
            .expect("ring")
            .iter()
            .map(coord)
            .collect::<Vec<_>>(),
    )
}

fn polygon(v: &Value) -> Polygon<f64> {
    let rings = v.as_array().expect("polygon");
    Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect())
}

/// Country polygons keyed by ISO 3166-1 alpha-2.
fn countries() -> HashMap<String, MultiPolygon<f64>> {
    let v = read_json("boundaries/countries.geojson");
    let mut out = HashMap::new();
    for f in features(&v) {
        let iso = prop(f, "iso_a2").as_str().expect("iso_a2").to_string();
        let g = &f["geometry"];
        let mp = match g["type"].as_str() {
            Some("Polygon") => MultiPolygon::new(vec![polygon(&g["coordinates"])]),
            Some("MultiPolygon") => MultiPolygon::new(
                g["coordinates"]
                    .as_array()
                    .expect("multipolygon")
                    .iter()
                    .map(polygon)
                    .collect(),
            ),
            other => panic!("unexpected boundary geometry {other:?} for {iso}"),
        };
        out.insert(iso, mp);
    }
    out
}

/// Approximate distance in km from `p` to the boundary of `mp` (any ring).
///
/// Each boundary segment near `p` is projected onto a local equirectangular plane centred on
/// `p` (x scaled by cos(latitude)), which is accurate to well under 1% at the distances that
/// matter here (< 100 km). Segments further than ~2° away are skipped; if none is near, the
/// result is `f64::INFINITY`.
fn distance_to_boundary_km(p: Coord<f64>, mp: &MultiPolygon<f64>) -> f64 {
    let kx = KM_PER_DEG * p.y.to_radians().cos();
    let ky = KM_PER_DEG;
    let mut best = f64::INFINITY;
    let rings =
        mp.0.iter()
            .flat_map(|poly| std::iter::once(poly.exterior()).chain(poly.interiors()));
    for r in rings {
        for seg in r.lines() {
            let (a, b) = (seg.start, seg.end);
            if (a.x - p.x).abs() > 2.5 && (b.x - p.x).abs() > 2.5 {
                continue;
            }
            if (a.y - p.y).abs() > 2.0 && (b.y - p.y).abs() > 2.0 {
                continue;
            }
            let (ax, ay) = ((a.x - p.x) * kx, (a.y - p.y) * ky);
            let (bx, by) = ((b.x - p.x) * kx, (b.y - p.y) * ky);
            let (dx, dy) = (bx - ax, by - ay);
            let len2 = dx * dx + dy * dy;
            let t = if len2 == 0.0 {
                0.0
            } else {
                (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
            };
            let (cx, cy) = (ax + t * dx, ay + t * dy);
            best = best.min((cx * cx + cy * cy).sqrt());
        }
    }
    best
}

fn haversine_km(a: Coord<f64>, b: Coord<f64>) -> f64 {
    Haversine::distance(Point::from(a), Point::from(b)) / 1000.0
}

struct Data {
    countries: HashMap<String, MultiPolygon<f64>>,
    nodes: Vec<Value>,
    links: Vec<Value>,
}

fn data() -> Data {
    Data {
        countries: countries(),
        nodes: features(&read_json("nodes.geojson")).clone(),
        links: features(&read_json("links.geojson")).clone(),
    }
}

fn node_country(d: &Data) -> HashMap<String, String> {
    d.nodes
        .iter()
        .map(|n| (id(n), prop(n, "country").as_str().unwrap_or("").to_string()))
        .collect()
}

fn report(what: &str, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{what}: {} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

#[test]
fn boundaries_cover_the_four_countries() {
    let c = countries();
    for iso in ["RU", "MN", "CN", "KZ"] {
        assert!(
            c.contains_key(iso),
            "boundary for {iso} missing from geodata/boundaries/countries.geojson"
        );
    }
}

#[test]
fn every_node_lies_inside_its_own_country() {
    let d = data();
    let mut problems = Vec::new();
    for n in &d.nodes {
        let cc = prop(n, "country").as_str().unwrap_or("");
        let Some(poly) = d.countries.get(cc) else {
            problems.push(format!("{}: unknown country {cc:?}", id(n)));
            continue;
        };
        let p = coord(&n["geometry"]["coordinates"]);
        if !poly.contains(&Point::from(p)) {
            let inside: Vec<&String> = d
                .countries
                .iter()
                .filter(|(_, g)| g.contains(&Point::from(p)))
                .map(|(k, _)| k)
                .collect();
            problems.push(format!(
                "{}: ({:.4}, {:.4}) is not inside {cc} (inside {inside:?})",
                id(n),
                p.x,
                p.y
            ));
        }
    }
    report("nodes outside their country", problems);
}

#[test]
fn border_points_lie_near_their_border() {
    let d = data();
    let mut problems = Vec::new();
    let mut count = 0;
    for n in d
        .nodes
        .iter()
        .filter(|n| prop(n, "kind").as_str() == Some("border_point"))
    {
        count += 1;
        let cc = prop(n, "country").as_str().unwrap_or("");
        let Some(poly) = d.countries.get(cc) else {
            continue;
        };
        let km = distance_to_boundary_km(coord(&n["geometry"]["coordinates"]), poly);
        if km > BORDER_POINT_MAX_KM {
            problems.push(format!(
                "{}: {km:.1} km from the {cc} boundary (max {BORDER_POINT_MAX_KM})",
                id(n)
            ));
        }
    }
    assert!(
        count > 40,
        "expected many border_point nodes, found {count}"
    );
    report("border points far from the border", problems);
}

#[test]
fn non_crossing_link_vertices_stay_in_their_country() {
    let d = data();
    let cc_of = node_country(&d);
    let mut problems = Vec::new();
    for l in d
        .links
        .iter()
        .filter(|l| prop(l, "kind").as_str() != Some("crossing"))
    {
        let from = prop(l, "from").as_str().unwrap_or("");
        let Some(cc) = cc_of.get(from) else {
            problems.push(format!("{}: unknown from node {from}", id(l)));
            continue;
        };
        let Some(poly) = d.countries.get(cc) else {
            continue;
        };
        for (i, v) in l["geometry"]["coordinates"]
            .as_array()
            .expect("coordinates")
            .iter()
            .enumerate()
        {
            let c = coord(v);
            if poly.contains(&Point::from(c)) {
                continue;
            }
            let km = distance_to_boundary_km(c, poly);
            if km > VERTEX_OUTSIDE_TOLERANCE_KM {
                problems.push(format!(
                    "{}: vertex {i} ({:.4}, {:.4}) is {km:.1} km outside {cc}",
                    id(l),
                    c.x,
                    c.y
                ));
            }
        }
    }
    report("link vertices outside their country", problems);
}

#[test]
fn crossing_links_run_from_one_country_into_the_other() {
    let d = data();
    let cc_of = node_country(&d);
    let mut problems = Vec::new();
    for l in d
        .links
        .iter()
        .filter(|l| prop(l, "kind").as_str() == Some("crossing"))
    {
        let coords = l["geometry"]["coordinates"]
            .as_array()
            .expect("coordinates");
        let (first, last) = (coord(&coords[0]), coord(coords.last().expect("vertex")));
        for (end, c) in [("from", first), ("to", last)] {
            let node = prop(l, end).as_str().unwrap_or("");
            let cc = cc_of.get(node).cloned().unwrap_or_default();
            match d.countries.get(&cc) {
                Some(poly) if poly.contains(&Point::from(c)) => {}
                _ => problems.push(format!(
                    "{}: {end} end ({:.4}, {:.4}) is not inside {cc}",
                    id(l),
                    c.x,
                    c.y
                )),
            }
        }
    }
    report("crossings that do not cross", problems);
}

#[test]
fn link_vertices_are_at_most_60_km_apart() {
    let d = data();
    let mut problems = Vec::new();
    for l in &d.links {
        let coords: Vec<Coord<f64>> = l["geometry"]["coordinates"]
            .as_array()
            .expect("coordinates")
            .iter()
            .map(coord)
            .collect();
        if coords.len() < 2 {
            problems.push(format!("{}: fewer than two vertices", id(l)));
        }
        for (i, w) in coords.windows(2).enumerate() {
            let km = haversine_km(w[0], w[1]);
            if km > MAX_VERTEX_SPACING_KM {
                problems.push(format!(
                    "{}: vertices {i}–{} are {km:.0} km apart",
                    id(l),
                    i + 1
                ));
            }
        }
    }
    report("sparse link geometry", problems);
}

#[test]
fn every_feature_has_a_source() {
    let d = data();
    let problems: Vec<String> = d
        .nodes
        .iter()
        .chain(d.links.iter())
        .filter(|f| {
            prop(f, "source")
                .as_str()
                .is_none_or(|s| s.trim().is_empty())
        })
        .map(|f| format!("{}: missing or empty source", id(f)))
        .collect();
    report("features without a source", problems);
}

#[test]
fn distance_to_boundary_is_sane() {
    // A unit square degree box near the equator: the centre is ~55.6 km from every edge.
    let sq = MultiPolygon::new(vec![Polygon::new(
        LineString::from(vec![
            (0.0, 0.0),
            (1.0, 0.0),
            (1.0, 1.0),
            (0.0, 1.0),
            (0.0, 0.0),
        ]),
        vec![],
    )]);
    let km = distance_to_boundary_km(Coord { x: 0.5, y: 0.5 }, &sq);
    assert!((km - 55.6).abs() < 1.0, "got {km}");
    let km = haversine_km(Coord { x: 0.0, y: 0.0 }, Coord { x: 1.0, y: 0.0 });
    assert!((km - 111.2).abs() < 0.5, "got {km}");
}
