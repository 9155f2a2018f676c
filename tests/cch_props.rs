//! The customizable contraction hierarchy (`route::cch`) against plain Dijkstra on the same
//! search graph: on drawn networks, for every measure and random link masks (avoid lists,
//! modes, countries, planned links: each a partial customization over the default metric),
//! the CCH's distance equals Dijkstra's (up to `f64` summation order) and its path is a
//! valid walk of allowed edges from the origin's start state to the destination whose
//! weights add up to that distance. Through `plan`, CCH answers equal Dijkstra's under
//! random requests.
//!
//! The CCH threshold is lowered to 0 (and ALT switched off) on a copy of each snapshot's
//! graph, so small networks are searched both ways.

mod common;

use common::gen_net::{GenNet, GenSpec, gen_net};
use corridor::Snapshot;
use corridor::cost::{Cargo, Measure, ModeFilter, Optimize};
use corridor::route::{PlaceQuery, RouteData, RouteRequest, SearchGraph, SearchProblem, plan};
use proptest::prelude::*;

/// 4–48 nodes in three countries, some planned and oneway links, rail and road.
const NETS: GenSpec = GenSpec {
    countries: &["AA", "BB", "CC"],
    nodes: (4, 48),
    extra_links: 12,
    origin: (100.0, 45.0),
    columns: 7,
    step: (0.7, 0.6),
    length_km: (5.0, 400.0),
    length_decimals: 1,
    speed_kmh: (10.0, 90.0),
    planned: 0.15,
    oneway: 0.2,
    dwell_h: (0.0, 12.0),
    veterinary: 0.7,
    bent: 0.0,
};

/// The snapshot's graph with the CCH on from the first state and ALT off.
fn cch_graph(snap: &Snapshot) -> SearchGraph {
    let mut g = (*snap.search).clone();
    g.set_alt_min_states(usize::MAX);
    g.set_cch_min_states(0);
    g
}

/// The snapshot's graph with both off: plain Dijkstra.
fn plain_graph(snap: &Snapshot) -> SearchGraph {
    let mut g = (*snap.search).clone();
    g.set_alt_min_states(usize::MAX);
    g.set_cch_min_states(usize::MAX);
    g
}

fn data<'a>(snap: &'a Snapshot, g: &'a SearchGraph) -> RouteData<'a> {
    RouteData {
        network: &snap.network,
        index: &snap.index,
        search: g,
        schedules: &snap.schedules,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// A link mask drawn from `bits` (one bit per link: avoided) on top of the default
/// constraints (in-service links only, or every one with `planned`), optionally one mode.
fn mask(g: &GenNet, bits: &[bool], planned: bool, mode: usize) -> Vec<bool> {
    g.links
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let status_ok = planned || !l.planned;
            let mode_ok = match mode {
                1 => l.rail,
                2 => !l.rail,
                _ => true,
            };
            status_ok && mode_ok && !bits.get(i).copied().unwrap_or(false)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, max_shrink_iters: 256, .. ProptestConfig::default() })]

    /// For every measure, random masks and many pairs of nodes: the CCH's distance is
    /// Dijkstra's, and its path is a valid allowed walk of that weight.
    #[test]
    fn cch_distances_equal_dijkstra(
        g in gen_net(NETS),
        masks in prop::collection::vec(
            (prop::collection::vec(prop::bool::weighted(0.1), 0..140), any::<bool>(), 0usize..3),
            1..4,
        ),
    ) {
        let net = g.build();
        let snap = Snapshot::build(net);
        let graph = cch_graph(&snap);
        let n = graph.node_count() as u32;
        let mut scratch = corridor::route::Scratch::default();
        for &m in Measure::ALL.iter() {
            let (h, metric) = graph.cch(m).expect("threshold 0");
            let w = graph.default_weights(m);
            let mut masks_here: Vec<Vec<bool>> = vec![
                (0..snap.network.links().len()).map(|i| {
                    let l = &snap.network.links()[i];
                    l.status.in_service()
                }).collect(),
            ];
            masks_here.extend(masks.iter().map(|(bits, planned, mode)| mask(&g, bits, *planned, *mode)));
            for link_ok in &masks_here {
                // Every origin, to a spread of destinations (each query re-customizes).
                for origin in 0..n {
                    for goal in (0..8).map(|k| (origin * 7 + k * 5 + 1) % n) {
                        if origin == goal {
                            continue;
                        }
                        let waypoints = [origin, goal];
                        let problem = SearchProblem {
                            graph: &graph,
                            weights: w,
                            link_ok,
                            waypoints: &waypoints,
                            landmarks: None,
                        };
                        let want = problem.shortest(&mut scratch);
                        let got = h
                            .shortest(&graph, metric, w, link_ok, origin, goal)
                            .expect("small networks change few links");
                        match (&want, &got) {
                            (None, None) => {}
                            (Some(d), Some(c)) => {
                                prop_assert!(
                                    close(d.cost, c.cost),
                                    "{m:?} {origin}→{goal}: Dijkstra {} vs CCH {}", d.cost, c.cost
                                );
                                // A valid walk of allowed edges, origin's start state to goal.
                                prop_assert_eq!(c.verts[0], graph.start_state(origin as usize));
                                prop_assert_eq!(c.verts.len(), c.edges.len() + 1);
                                let mut sum = 0.0;
                                for (i, &e) in c.edges.iter().enumerate() {
                                    let edge = graph.edge(e as usize);
                                    prop_assert_eq!(edge.from, c.verts[i]);
                                    prop_assert_eq!(edge.to, c.verts[i + 1]);
                                    prop_assert!(link_ok[edge.link as usize], "masked link used");
                                    sum += w[e as usize];
                                }
                                prop_assert_eq!(graph.node_of(*c.verts.last().unwrap()), goal);
                                prop_assert!(close(sum, c.cost));
                            }
                            _ => prop_assert!(
                                false,
                                "{m:?} {origin}→{goal}: Dijkstra {:?} vs CCH {:?}",
                                want.as_ref().map(|p| p.cost),
                                got.as_ref().map(|p| p.cost)
                            ),
                        }
                    }
                }
            }
        }
    }

    /// Through `plan`: the best route with the CCH equals Dijkstra's under random avoid
    /// lists, countries, modes, planned links and cargo, for every measure (the value; the
    /// route the same or of the same value); failures fail the same way.
    #[test]
    fn cch_plans_equal_dijkstra(
        g in gen_net(NETS),
        reqs in prop::collection::vec(
            (0usize..128, 0usize..128, 0usize..4, 0usize..3,
             prop::collection::vec(0usize..256, 0..3), prop::option::weighted(0.3, 0usize..3),
             any::<bool>(), prop::bool::weighted(0.2)),
            1..8,
        ),
    ) {
        let snap = Snapshot::build(g.build());
        let (cg, pg) = (cch_graph(&snap), plain_graph(&snap));
        let n = g.nodes.len();
        for (from, to, optimize, mode, avoid, country, planned, livestock) in reqs {
            if from % n == to % n {
                continue;
            }
            let node = |i: usize| PlaceQuery::Text(format!("n{}", i % n));
            let mut req = RouteRequest::new(node(from), node(to));
            req.optimize = Optimize::ALL[optimize % Optimize::ALL.len()];
            req.mode = [ModeFilter::Any, ModeFilter::Rail, ModeFilter::Road][mode];
            if !g.links.is_empty() {
                let mut a: Vec<String> =
                    avoid.iter().map(|l| format!("l{}", l % g.links.len())).collect();
                a.sort();
                a.dedup();
                req.avoid_links = a;
            }
            if let Some(c) = country {
                let c = NETS.countries[c].to_string();
                if [from % n, to % n].iter().all(|&e| g.country(e) != c.as_str()) {
                    req.avoid_countries = vec![c];
                }
            }
            req.include_planned = planned;
            if livestock {
                req.cargo = Cargo::Livestock;
            }
            let (p, c) = (plan(data(&snap, &pg), &req), plan(data(&snap, &cg), &req));
            match (&p, &c) {
                (Ok(p), Ok(c)) => {
                    let (vp, vc) = (
                        p.routes[0].measures.get(req.optimize),
                        c.routes[0].measures.get(req.optimize),
                    );
                    prop_assert!(close(vp, vc), "{req:?}: Dijkstra {vp} vs CCH {vc}");
                }
                (Err(ep), Err(ec)) => prop_assert_eq!(ep, ec),
                _ => prop_assert!(false, "{req:?}: Dijkstra {p:?} vs CCH {c:?}"),
            }
        }
    }
}
