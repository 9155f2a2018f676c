//! Properties of reachability, against `route::plan` as the oracle, on random drawn networks
//! and on the embedded corridor network:
//! - every reached node's `value` equals the route from (or to) the origin in that measure;
//! - a node is reached iff its route's value ≤ the largest budget;
//! - every budget's polygon holds the nodes (and link vertices, cut points) of its budget;
//! - a cut link's cut point lies on the link's geometry, at the fraction of its length the
//!   budget leaves, and never beyond what the entry node's value leaves.

use corridor::Snapshot;
use corridor::cost::{ConstraintInput, Constraints, Measure, ModeFilter};
use corridor::network::{Network, load_from_strs};
use corridor::route::many::{Costing, Direction, running_measure};
use corridor::route::reach::{Reach, line_piece, reach};
use corridor::route::{PlaceQuery, RouteError, RouteRequest, plan};
use geo::{Coord, Distance, Haversine, Intersects, Point};
use proptest::prelude::*;

const COUNTRIES: [&str; 2] = ["AA", "BB"];

/// A drawn link: a, b, rail, wide gauge, length km, speed km/h, oneway, dwell h, bent.
type GenLink = (usize, usize, bool, bool, f64, f64, bool, f64, bool);

#[derive(Debug, Clone)]
struct GenNet {
    nodes: Vec<(usize, bool)>,
    links: Vec<GenLink>,
}

fn gen_net() -> impl Strategy<Value = GenNet> {
    (3usize..=9).prop_flat_map(|n| {
        let nodes = prop::collection::vec((0..COUNTRIES.len(), any::<bool>()), n);
        let links = prop::collection::vec(
            (
                0..n,
                1..n,
                any::<bool>(),
                any::<bool>(),
                10.0f64..400.0,
                10.0f64..90.0,
                prop::bool::weighted(0.1),
                0.0f64..12.0,
                any::<bool>(),
            )
                .prop_map(
                    move |(a, k, rail, wide, len, speed, oneway, dwell, bend)| {
                        (
                            a,
                            (a + k) % n,
                            rail,
                            wide,
                            len.round(),
                            speed.round(),
                            oneway,
                            dwell.round(),
                            bend,
                        )
                    },
                ),
            n..=2 * n + 3,
        );
        (nodes, links).prop_map(|(nodes, links)| GenNet { nodes, links })
    })
}

fn pos(i: usize) -> (f64, f64) {
    (100.0 + (i % 3) as f64 * 0.7, 45.0 + (i / 3) as f64 * 0.6)
}

fn build(g: &GenNet) -> Network {
    let nodes: Vec<serde_json::Value> = g
        .nodes
        .iter()
        .enumerate()
        .map(|(i, &(country, intermodal))| {
            let mut modes: Vec<&str> = ["rail", "road"]
                .into_iter()
                .filter(|m| {
                    g.links
                        .iter()
                        .any(|l| (l.0 == i || l.1 == i) && l.2 == (*m == "rail"))
                })
                .collect();
            if modes.is_empty() {
                modes.push("road");
            }
            let (x, y) = pos(i);
            serde_json::json!({"type": "Feature",
                "geometry": {"type": "Point", "coordinates": [x, y]},
                "properties": {"id": format!("n{i}"), "name": format!("Node {i}"),
                    "country": COUNTRIES[country], "kind": "border_point", "modes": modes,
                    "intermodal": intermodal, "source": "test"}})
        })
        .collect();
    let links: Vec<serde_json::Value> = g
        .links
        .iter()
        .enumerate()
        .map(|(j, l)| {
            let (ca, cb) = (g.nodes[l.0].0, g.nodes[l.1].0);
            let crossing = ca != cb;
            let mut p = serde_json::json!({"id": format!("l{j}"), "from": format!("n{}", l.0),
                "to": format!("n{}", l.1), "mode": if l.2 { "rail" } else { "road" },
                "kind": if crossing { "crossing" } else if l.2 { "line" } else { "road" },
                "length_km": l.4, "speed_kmh": l.5, "status": "open", "oneway": l.6,
                "source": "test"});
            if l.2 {
                p["gauge_mm"] = (if l.3 { 1520 } else { 1435 }).into();
            }
            if crossing {
                p["countries"] = serde_json::json!([COUNTRIES[ca], COUNTRIES[cb]]);
                p["name"] = format!("X{j}").into();
                p["dwell_h"] = l.7.into();
                p["hours"] = "24/7".into();
                p["veterinary"] = true.into();
            }
            let (a, b) = (pos(l.0), pos(l.1));
            // A bent link passes through a vertex off the straight line.
            let coords = if l.8 {
                serde_json::json!([
                    [a.0, a.1],
                    [(a.0 + b.0) / 2.0 + 0.1, (a.1 + b.1) / 2.0 - 0.15],
                    [b.0, b.1]
                ])
            } else {
                serde_json::json!([[a.0, a.1], [b.0, b.1]])
            };
            serde_json::json!({"type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords}, "properties": p})
        })
        .collect();
    let fc = |f: Vec<serde_json::Value>| {
        serde_json::json!({"type": "FeatureCollection", "features": f}).to_string()
    };
    load_from_strs(&fc(nodes), &fc(links)).expect("generated network validates")
}

/// Runs a reach with default profile and the given mode.
fn run(
    snap: &Snapshot,
    origin: usize,
    direction: Direction,
    measure: Measure,
    mode: ModeFilter,
    contours: &[f64],
) -> Reach {
    let net = &snap.network;
    let c = Constraints::resolve(
        net,
        &ConstraintInput {
            mode,
            ..Default::default()
        },
        "",
    )
    .expect("valid");
    let costing = Costing::new(net, &snap.search, &c, Default::default(), measure);
    reach(
        &costing.spec(net, &snap.search),
        origin,
        direction,
        measure,
        contours,
    )
}

/// The route's value between the origin and `node` in the reach's direction, `None` when
/// the route is refused as having none (422).
fn route_value(
    snap: &Snapshot,
    origin: usize,
    node: usize,
    direction: Direction,
    measure: Measure,
    mode: ModeFilter,
) -> Result<Option<f64>, TestCaseError> {
    let id = |i: usize| PlaceQuery::Text(snap.network.nodes()[i].id.0.clone());
    let (a, b) = match direction {
        Direction::From => (origin, node),
        Direction::To => (node, origin),
    };
    let mut req = RouteRequest::new(id(a), id(b));
    req.optimize = measure;
    req.mode = mode;
    match plan(snap, &req) {
        Ok(p) => Ok(Some(p.routes[0].measures.get(measure))),
        Err(RouteError::NoRoute { .. }) => Ok(None),
        Err(e) => Err(TestCaseError::fail(format!("{a}→{b}: {e}"))),
    }
}

/// Where `p` lies along `line`, as a fraction of its haversine length; `None` when it is not
/// on any segment.
fn fraction_along(line: &[Coord<f64>], p: Coord<f64>) -> Option<f64> {
    let total: f64 = line
        .windows(2)
        .map(|w| Haversine::distance(Point(w[0]), Point(w[1])))
        .sum();
    let mut acc = 0.0;
    for w in line.windows(2) {
        let (a, b) = (w[0], w[1]);
        let cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
        let within = p.x >= a.x.min(b.x) - 1e-12
            && p.x <= a.x.max(b.x) + 1e-12
            && p.y >= a.y.min(b.y) - 1e-12
            && p.y <= a.y.max(b.y) + 1e-12;
        if cross.abs() < 1e-10 && within {
            return Some((acc + Haversine::distance(Point(a), Point(p))) / total);
        }
        acc += Haversine::distance(Point(a), Point(b));
    }
    None
}

/// Checks every property of one reach; `mode` and `measure` as run.
fn check(
    snap: &Snapshot,
    r: &Reach,
    mode: ModeFilter,
    contours: &[f64],
) -> Result<(), TestCaseError> {
    let net = &snap.network;
    let measure = r.measure;
    let tol = |x: f64| 1e-9 * x.abs().max(1.0);
    let exact_expected = r.direction == Direction::From;
    // Values equal routes; reached iff within the largest budget.
    let largest = *contours.last().unwrap();
    for u in 0..net.nodes().len() {
        let found = r.nodes.iter().find(|n| n.node_ix == u);
        if u == r.origin {
            prop_assert_eq!(found.map(|n| n.value), Some(0.0));
            continue;
        }
        let route = route_value(snap, r.origin, u, r.direction, measure, mode)?;
        match (found, route) {
            (Some(n), Some(v)) => {
                if exact_expected {
                    prop_assert_eq!(n.value, v, "node {}", u);
                } else {
                    prop_assert!(
                        (n.value - v).abs() <= tol(v),
                        "node {}: {} vs {}",
                        u,
                        n.value,
                        v
                    );
                }
                prop_assert!(n.value <= contours[n.contour]);
                prop_assert!(n.contour == 0 || n.value > contours[n.contour - 1]);
            }
            (None, Some(v)) => prop_assert!(
                v > largest - tol(largest),
                "node {} has route value {} ≤ {} but is not reached",
                u,
                v,
                largest
            ),
            (Some(n), None) => {
                return Err(TestCaseError::fail(format!(
                    "node {u} reached at {} but no route",
                    n.value
                )));
            }
            (None, None) => {}
        }
    }
    // Polygons hold their nodes and link pieces' vertices.
    for (k, c) in r.contours.iter().enumerate() {
        prop_assert_eq!(c.budget, contours[k]);
        for n in r.nodes.iter().filter(|n| n.contour <= k) {
            let p = net.nodes()[n.node_ix].point;
            prop_assert!(
                c.polygon.intersects(&p),
                "budget {}: node {} outside its polygon ({:?})",
                c.budget,
                n.node_ix,
                c.hull
            );
        }
        for piece in r.links.iter().filter(|p| p.contour == k && p.cut) {
            let g = line_piece(
                &net.links()[piece.link_ix].geometry,
                piece.from_fraction,
                piece.to_fraction,
            );
            let cut = if piece.from_fraction > 0.0 {
                g.0[0]
            } else {
                g.0[g.0.len() - 1]
            };
            prop_assert!(
                c.polygon.intersects(&cut),
                "budget {}: cut point outside",
                c.budget
            );
        }
    }
    // Cut points on the geometry at the fraction, within what the entry node leaves.
    let value_of = |u: usize| r.nodes.iter().find(|n| n.node_ix == u).map(|n| n.value);
    for piece in r.links.iter().filter(|p| p.cut) {
        let link = &net.links()[piece.link_ix];
        let budget = contours[piece.contour];
        let geom = line_piece(&link.geometry, piece.from_fraction, piece.to_fraction);
        prop_assert!(piece.from_fraction < piece.to_fraction);
        prop_assert!(piece.from_fraction == 0.0 || piece.to_fraction == 1.0);
        let (cut_at, cut_point, entry) = if piece.from_fraction == 0.0 {
            (piece.to_fraction, *geom.0.last().unwrap(), link.from_ix)
        } else {
            (piece.from_fraction, geom.0[0], link.to_ix)
        };
        let along = fraction_along(&link.geometry.0, cut_point);
        prop_assert!(along.is_some(), "cut point of {} off its geometry", link.id);
        prop_assert!(
            (along.unwrap() - cut_at).abs() < 1e-7,
            "cut point of {} at {} of the length, said {}",
            link.id,
            along.unwrap(),
            cut_at
        );
        let depth = if piece.from_fraction == 0.0 {
            piece.to_fraction
        } else {
            1.0 - piece.from_fraction
        };
        let entry_value = value_of(entry);
        prop_assert!(
            entry_value.is_some(),
            "a cut piece enters from a reached node"
        );
        let run = running_measure(&Default::default(), link, measure);
        let most = (budget - entry_value.unwrap()) / run;
        prop_assert!(
            depth <= most + 1e-9,
            "{}: depth {} > {}",
            link.id,
            depth,
            most
        );
        // With one mode and distance there are no fixed parts and no arrival rules: exact.
        if mode != ModeFilter::Any && measure == Measure::Distance {
            prop_assert!(
                (depth - most).abs() < 1e-9,
                "{}: depth {} ≠ {}",
                link.id,
                depth,
                most
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn reach_agrees_with_routes(
        g in gen_net(),
        origin in 0usize..16,
        to in any::<bool>(),
        measure in prop::sample::select(Measure::ALL.to_vec()),
        mode in prop::sample::select(vec![ModeFilter::Any, ModeFilter::Rail, ModeFilter::Road]),
        first in 0.05f64..0.6,
        steps in prop::collection::vec(0.1f64..0.8, 0..4),
    ) {
        let snap = Snapshot::build(build(&g));
        let origin = origin % snap.network.nodes().len();
        // Budgets scaled to the measure: a drawn link is 10–400 km, 0.1–40 h, 1–40 USD/t.
        let scale = match measure {
            Measure::Distance => 1000.0,
            Measure::Time => 40.0,
            Measure::Cost => 60.0,
            // Road ≈ 0.065 kg CO2e/t·km, rail less: a drawn link emits up to ~26 kg/t.
            Measure::Co2 => 50.0,
        };
        let mut contours = vec![first * scale];
        for s in steps {
            let last = *contours.last().unwrap();
            contours.push(last + s * scale);
        }
        let direction = if to { Direction::To } else { Direction::From };
        let r = run(&snap, origin, direction, measure, mode, &contours);
        check(&snap, &r, mode, &contours)?;
    }
}

#[test]
fn on_the_corridor_network_reach_agrees_with_routes() {
    let snap = Snapshot::embedded().expect("embedded network");
    let net = &snap.network;
    let mut concave = 0;
    let mut total = 0;
    let mut cut = 0;
    for origin in ["mn-ulaanbaatar", "ru-kyakhta-terminal", "kz-almaty"] {
        let o = net.node_ix(origin).expect("origin in the data");
        for direction in [Direction::From, Direction::To] {
            for (measure, contours) in [
                (Measure::Time, vec![24.0, 48.0, 72.0]),
                (Measure::Distance, vec![300.0, 1000.0]),
                (Measure::Cost, vec![20.0, 60.0, 100.0]),
            ] {
                for mode in [ModeFilter::Any, ModeFilter::Road] {
                    let r = run(&snap, o, direction, measure, mode, &contours);
                    check(&snap, &r, mode, &contours)
                        .unwrap_or_else(|e| panic!("{origin} {direction:?} {measure:?}: {e}"));
                    total += r.contours.len();
                    concave += r
                        .contours
                        .iter()
                        .filter(|c| c.hull == corridor::route::reach::HullKind::Concave)
                        .count();
                    cut += r.links.iter().filter(|p| p.cut).count();
                }
            }
        }
    }
    eprintln!("corridor reach: {concave} of {total} polygons concave, {cut} cut link pieces");
    assert!(cut > 0, "some budget runs out part-way along a link");
    assert!(concave * 2 > total, "most polygons are concave hulls");
}
