//! The customizable contraction hierarchy (`route::cch`) against plain Dijkstra on the same
//! search graph: on drawn networks, for every measure and random link masks (avoid lists,
//! modes, countries, planned links: each a partial customization over the default metric),
//! the CCH's distance equals Dijkstra's (up to `f64` summation order) and its path is a
//! valid walk of allowed edges from the origin's start state to the destination whose
//! weights add up to that distance. The bucket many-to-many (`Cch::many_to_many`, the
//! matrix on the hierarchy) gives every cell Dijkstra's distance with such a path. Through
//! `plan`, CCH answers equal Dijkstra's under random requests.
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

/// Wider networks (100–128 nodes, over 64 links) for masks past the partial limit.
const WIDE: GenSpec = GenSpec {
    nodes: (100, 128),
    extra_links: 24,
    columns: 12,
    ..NETS
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
        masks: &snap.masks,
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

/// The CCH's answer for `waypoints` against Dijkstra's: same outcome, same value, and the
/// CCH's path a valid layered walk of allowed edges of that value ending at the destination.
#[allow(clippy::too_many_arguments)]
fn check(
    graph: &SearchGraph,
    h: &corridor::route::cch::Cch,
    metric: &corridor::route::cch::CchMetric,
    m: Measure,
    w: &[f64],
    link_ok: &[bool],
    waypoints: &[u32],
    scratch: &mut corridor::route::Scratch,
) -> Result<(), TestCaseError> {
    let problem = SearchProblem {
        graph,
        weights: w,
        link_ok,
        waypoints,
        landmarks: None,
    };
    let want = problem.shortest(scratch);
    let got = h
        .shortest(graph, metric, w, link_ok, &[], waypoints)
        .expect("small networks change few links");
    match (&want, &got) {
        (None, None) => {}
        (Some(d), Some(c)) => {
            prop_assert!(
                close(d.cost, c.cost),
                "{m:?} {waypoints:?}: Dijkstra {} vs CCH {}",
                d.cost,
                c.cost
            );
            let states = graph.state_count() as u32;
            prop_assert_eq!(c.verts[0], graph.start_state(waypoints[0] as usize));
            prop_assert_eq!(c.verts.len(), c.edges.len() + 1);
            let mut sum = 0.0;
            for (i, &e) in c.edges.iter().enumerate() {
                let edge = graph.edge(e as usize);
                prop_assert_eq!(edge.from, c.verts[i] % states);
                prop_assert_eq!(edge.to, c.verts[i + 1] % states);
                prop_assert!(c.verts[i] / states <= c.verts[i + 1] / states);
                prop_assert!(link_ok[edge.link as usize], "masked link used");
                sum += w[e as usize];
            }
            let last = *c.verts.last().unwrap();
            prop_assert_eq!(graph.node_of(last % states), *waypoints.last().unwrap());
            // Every via is passed: the walk ends in the last layer.
            prop_assert_eq!((last / states) as usize, waypoints.len() - 2);
            prop_assert!(close(sum, c.cost));
        }
        _ => prop_assert!(
            false,
            "{m:?} {waypoints:?}: Dijkstra {:?} vs CCH {:?}",
            want.as_ref().map(|p| p.cost),
            got.as_ref().map(|p| p.cost)
        ),
    }
    Ok(())
}

/// One many-to-many cell against Dijkstra's answer for the pair: both empty, or the same
/// value and the cell's path a valid walk of allowed edges from the source's start state to
/// a state of the target (first reached there), whose weights add up to that value.
#[allow(clippy::too_many_arguments)]
fn check_cell(
    graph: &SearchGraph,
    w: &[f64],
    link_ok: &[bool],
    m: Measure,
    source: u32,
    target: u32,
    cell: Option<&Vec<u32>>,
    scratch: &mut corridor::route::Scratch,
) -> Result<(), TestCaseError> {
    let waypoints = [source, target];
    let want = SearchProblem {
        graph,
        weights: w,
        link_ok,
        waypoints: &waypoints,
        landmarks: None,
    }
    .shortest(scratch);
    match (&want, cell) {
        (None, None) => {}
        (Some(d), Some(edges)) => {
            let mut at = graph.start_state(source as usize);
            let mut sum = 0.0;
            for (i, &e) in edges.iter().enumerate() {
                let edge = graph.edge(e as usize);
                prop_assert_eq!(
                    edge.from,
                    at,
                    "{:?} {}→{}: edge {} does not follow",
                    m,
                    source,
                    target,
                    i
                );
                prop_assert!(link_ok[edge.link as usize], "masked link used");
                prop_assert!(w[e as usize].is_finite());
                // A route ends at its first arrival at the target.
                prop_assert!(
                    i + 1 == edges.len() || graph.node_of(edge.to) != target,
                    "passes through the target"
                );
                sum += w[e as usize];
                at = edge.to;
            }
            prop_assert_eq!(graph.node_of(at), target);
            prop_assert!(
                close(d.cost, sum),
                "{m:?} {source}→{target}: Dijkstra {} vs many-to-many {}",
                d.cost,
                sum
            );
        }
        _ => prop_assert!(
            false,
            "{m:?} {source}→{target}: Dijkstra {:?} vs many-to-many {:?}",
            want.as_ref().map(|p| p.cost),
            cell
        ),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, max_shrink_iters: 256, .. ProptestConfig::default() })]

    /// The bucket many-to-many on the hierarchy: for every measure and random masks (each a
    /// partial customization over the default metric), random sources × targets (repeats
    /// and shared places included), every cell is Dijkstra's value with a valid path.
    #[test]
    fn cch_many_to_many_equals_dijkstra(
        g in gen_net(NETS),
        masks in prop::collection::vec(
            (prop::collection::vec(prop::bool::weighted(0.1), 0..140), any::<bool>(), 0usize..3),
            1..4,
        ),
        picks in prop::collection::vec((0usize..64, 0usize..64), 1..12),
    ) {
        let snap = Snapshot::build(g.build());
        let graph = cch_graph(&snap);
        let n = graph.node_count();
        let sources: Vec<u32> = picks.iter().map(|p| (p.0 % n) as u32).collect();
        let targets: Vec<u32> = picks.iter().rev().map(|p| (p.1 % n) as u32).collect();
        let mut scratch = corridor::route::Scratch::default();
        for &m in Measure::ALL.iter() {
            let (h, metric) = graph.cch(m).expect("threshold 0");
            let w = graph.default_weights(m);
            let mut masks_here: Vec<Vec<bool>> = vec![
                snap.network.links().iter().map(|l| l.status.in_service()).collect(),
            ];
            masks_here.extend(masks.iter().map(|(bits, planned, mode)| mask(&g, bits, *planned, *mode)));
            for link_ok in &masks_here {
                let cells = h
                    .many_to_many(&graph, metric, w, link_ok, &sources, &targets, |e| vec![e], |a, b| {
                        let mut ab = a.clone();
                        ab.extend_from_slice(b);
                        ab
                    })
                    .expect("small networks change few links");
                prop_assert_eq!(cells.len(), sources.len() * targets.len());
                for (i, &s) in sources.iter().enumerate() {
                    for (j, &t) in targets.iter().enumerate() {
                        if s == t {
                            continue; // the matrix's diagonal is 0, not searched
                        }
                        let cell = cells[i * targets.len() + j].as_ref();
                        check_cell(&graph, w, link_ok, m, s, t, cell, &mut scratch)?;
                    }
                }
            }
        }
    }

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
                // Every origin, to a spread of destinations, directly and through a via
                // (each query re-customizes).
                for origin in 0..n {
                    for k in 0..8u32 {
                        let goal = (origin * 7 + k * 5 + 1) % n;
                        let via = (origin * 3 + k * 11 + 2) % n;
                        if origin == goal {
                            continue;
                        }
                        let direct = [origin, goal];
                        let through = [origin, via, goal];
                        let cases: &[&[u32]] = if via != origin && via != goal {
                            &[&direct, &through]
                        } else {
                            &[&direct]
                        };
                        for &waypoints in cases {
                            check(&graph, h, metric, m, w, link_ok, waypoints, &mut scratch)?;
                        }
                    }
                }
            }
        }
    }

    /// Through `plan`: the best route with the CCH equals Dijkstra's under random avoid
    /// lists, countries, modes, planned links, cargo and vias, for every measure (the value; the
    /// route the same or of the same value); failures fail the same way; alternatives are
    /// valid walks.
    #[test]
    fn cch_plans_equal_dijkstra(
        g in gen_net(NETS),
        reqs in prop::collection::vec(
            (0usize..128, 0usize..128, 0usize..4, 0usize..3,
             prop::collection::vec(0usize..256, 0..3), prop::option::weighted(0.3, 0usize..3),
             any::<bool>(), prop::bool::weighted(0.2), prop::option::weighted(0.3, 0usize..128)),
            1..8,
        ),
    ) {
        let snap = Snapshot::build(g.build());
        let (cg, pg) = (cch_graph(&snap), plain_graph(&snap));
        let n = g.nodes.len();
        for (from, to, optimize, mode, avoid, country, planned, livestock, via) in reqs {
            if from % n == to % n {
                continue;
            }
            let node = |i: usize| PlaceQuery::Text(format!("n{}", i % n));
            let mut req = RouteRequest::new(node(from), node(to));
            if let Some(v) = via
                && v % n != from % n
                && v % n != to % n
            {
                req.via = vec![node(v)];
            }
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
            req.alternatives = (from + to) % 3;
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
                    // Alternatives (penalised searches on the CCH): valid walks, distinct,
                    // no avoided link, within the count asked.
                    prop_assert!(c.routes.len() <= req.alternatives + 1);
                    let mut seen = std::collections::HashSet::new();
                    for r in &c.routes {
                        let links: Vec<usize> = r.steps.iter().map(|s| s.link_ix).collect();
                        prop_assert!(seen.insert(links), "route repeated");
                        prop_assert_eq!(r.steps[0].from_ix, c.routes[0].steps[0].from_ix);
                        prop_assert_eq!(
                            r.steps.last().unwrap().to_ix,
                            c.routes[0].steps.last().unwrap().to_ix
                        );
                        for w in r.steps.windows(2) {
                            prop_assert_eq!(w[0].to_ix, w[1].from_ix);
                        }
                        for s in &r.steps {
                            let l = &snap.network.links()[s.link_ix];
                            prop_assert!(!req.avoid_links.contains(&l.id.0));
                            prop_assert!(s.forward || !l.oneway);
                        }
                    }
                }
                (Err(ep), Err(ec)) => prop_assert_eq!(ep, ec),
                _ => prop_assert!(false, "{req:?}: Dijkstra {p:?} vs CCH {c:?}"),
            }
        }
    }

    /// A many-to-many whose mask changes more links than a partial customization takes
    /// (most links avoided) is customized in full for the request (it has at least
    /// `CUSTOMIZE_MIN_SEARCHES` sources and targets): every cell is still Dijkstra's value
    /// with a valid path.
    #[test]
    fn cch_many_to_many_customizes_in_full_past_the_partial_limit(
        g in gen_net(WIDE),
        drop in prop::collection::vec(prop::bool::weighted(0.9), 200),
        picks in prop::collection::vec((0usize..128, 0usize..128), 32..40),
        m in prop::sample::select(Measure::ALL.to_vec()),
    ) {
        use corridor::route::cch::{CUSTOMIZE_MIN_SEARCHES, MAX_CHANGED_LINKS};
        let snap = Snapshot::build(g.build());
        let graph = cch_graph(&snap);
        let n = graph.node_count();
        let sources: Vec<u32> = picks.iter().map(|p| (p.0 % n) as u32).collect();
        let mut targets: Vec<u32> = picks.iter().map(|p| (p.1 % n) as u32).collect();
        targets.reverse();
        prop_assert!(sources.len().min(targets.len()) >= CUSTOMIZE_MIN_SEARCHES);
        let (h, metric) = graph.cch(m).expect("threshold 0");
        let w = graph.default_weights(m);
        let links = snap.network.links();
        let link_ok: Vec<bool> = links
            .iter()
            .enumerate()
            .map(|(i, l)| l.status.in_service() && !drop[i % drop.len()])
            .collect();
        let changed = links.iter().enumerate().filter(|&(i, l)| l.status.in_service() && !link_ok[i]).count();
        prop_assert!(changed > MAX_CHANGED_LINKS, "only {} links changed", changed);
        let cells = h
            .many_to_many(&graph, metric, w, &link_ok, &sources, &targets, |e| vec![e], |a, b| {
                let mut ab = a.clone();
                ab.extend_from_slice(b);
                ab
            })
            .expect("customized in full");
        let mut scratch = corridor::route::Scratch::default();
        for (i, &s) in sources.iter().enumerate() {
            for (j, &t) in targets.iter().enumerate() {
                if s != t {
                    let cell = cells[i * targets.len() + j].as_ref();
                    check_cell(&graph, w, &link_ok, m, s, t, cell, &mut scratch)?;
                }
            }
        }
    }
}
