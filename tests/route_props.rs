//! Property tests of the route search on random small networks, against independent oracles:
//! petgraph's Dijkstra on an explicitly expanded (layer × node × arrival) graph, and brute
//! force over every simple path on tiny networks. Also: alternatives are loopless, distinct
//! and sorted, and every avoid constraint holds on every route returned.

use std::collections::{HashMap, HashSet};

mod common;

use common::Draw;
use corridor::Snapshot;
use corridor::cost::{Cargo, ModeFilter, Optimize, Profile};
use corridor::network::{LinkKind, Mode, Network, Status};
use corridor::route::{PlaceQuery, Route, RouteError, RouteRequest, plan};
use petgraph::algo::dijkstra;
use petgraph::graph::{DiGraph, NodeIndex};
use proptest::prelude::*;

const COUNTRIES: [&str; 3] = ["AA", "BB", "CC"];

#[derive(Debug, Clone)]
struct GenNode {
    country: usize,
    intermodal: bool,
}

#[derive(Debug, Clone)]
struct GenLink {
    a: usize,
    b: usize,
    rail: bool,
    wide_gauge: bool,
    length_km: f64,
    speed_kmh: f64,
    planned: bool,
    oneway: bool,
    dwell_h: f64,
    veterinary: bool,
}

#[derive(Debug, Clone)]
struct GenNet {
    nodes: Vec<GenNode>,
    links: Vec<GenLink>,
}

fn gen_net(max_nodes: usize, max_links: usize) -> impl Strategy<Value = GenNet> {
    (3..=max_nodes).prop_flat_map(move |n| {
        let nodes = prop::collection::vec(
            (0..COUNTRIES.len(), any::<bool>()).prop_map(|(country, intermodal)| GenNode {
                country,
                intermodal,
            }),
            n,
        );
        let links = prop::collection::vec(
            (
                0..n,
                1..n,
                any::<bool>(),
                any::<bool>(),
                1.0f64..500.0,
                10.0f64..100.0,
                prop::bool::weighted(0.15),
                prop::bool::weighted(0.1),
                0.0f64..24.0,
                prop::bool::weighted(0.7),
            )
                .prop_map(
                    move |(a, k, rail, wide, len, speed, planned, oneway, dwell, vet)| GenLink {
                        a,
                        b: (a + k) % n,
                        rail,
                        wide_gauge: wide,
                        length_km: (len * 10.0).round() / 10.0,
                        speed_kmh: speed.round(),
                        planned,
                        oneway,
                        dwell_h: dwell.round(),
                        veterinary: vet,
                    },
                ),
            n..=max_links,
        );
        (nodes, links).prop_map(|(nodes, links)| GenNet { nodes, links })
    })
}

fn pos(i: usize) -> (f64, f64) {
    (100.0 + (i % 4) as f64 * 0.5, 40.0 + (i / 4) as f64 * 0.5)
}

/// Draws the network as GeoJSON and loads it through the validating loader.
fn build(g: &GenNet) -> Network {
    let mut d = Draw::new();
    for (i, n) in g.nodes.iter().enumerate() {
        let mut modes = Vec::new();
        for m in ["rail", "road"] {
            if g.links
                .iter()
                .any(|l| (l.a == i || l.b == i) && (l.rail == (m == "rail")))
            {
                modes.push(m);
            }
        }
        if modes.is_empty() {
            modes.push("road");
        }
        let (x, y) = pos(i);
        d = d
            .node(
                &format!("n{i}"),
                COUNTRIES[n.country],
                "border_point",
                &modes,
                [x, y],
            )
            .name(&format!("Node {i}"))
            .set("intermodal", n.intermodal.into());
    }
    for (j, l) in g.links.iter().enumerate() {
        let (ca, cb) = (g.nodes[l.a].country, g.nodes[l.b].country);
        let crossing = ca != cb;
        let (id, from, to) = (format!("l{j}"), format!("n{}", l.a), format!("n{}", l.b));
        let mode = if l.rail { "rail" } else { "road" };
        d = if crossing {
            d.crossing(&id, &from, &to, mode, [COUNTRIES[ca], COUNTRIES[cb]])
                .name(&format!("X{j}"))
                .dwell(l.dwell_h)
                .veterinary(l.veterinary)
        } else {
            d.link(&id, &from, &to, mode, if l.rail { "line" } else { "road" })
        };
        d = d
            .length(l.length_km)
            .speed(l.speed_kmh)
            .status(if l.planned { "planned" } else { "open" })
            .oneway(l.oneway);
        if l.rail {
            d = d.gauge(if l.wide_gauge { 1520 } else { 1435 });
        }
    }
    d.network()
}

/// The request options drawn for one case.
#[derive(Debug, Clone)]
struct GenReq {
    from: usize,
    to: usize,
    via: Option<usize>,
    mode: ModeFilter,
    optimize: Optimize,
    include_planned: bool,
    livestock: bool,
    avoid_country: Option<usize>,
    avoid_links: Vec<usize>,
    transshipment_h: f64,
}

fn gen_req() -> impl Strategy<Value = GenReq> {
    (
        (
            0usize..64,
            0usize..64,
            prop::option::weighted(0.3, 0usize..64),
        ),
        prop::sample::select(vec![ModeFilter::Any, ModeFilter::Rail, ModeFilter::Road]),
        prop::sample::select(Optimize::ALL.to_vec()),
        any::<bool>(),
        prop::bool::weighted(0.2),
        prop::option::weighted(0.3, 0..COUNTRIES.len()),
        prop::collection::vec(0usize..64, 0..3),
        prop::sample::select(vec![24.0, 0.0, 5.0]),
    )
        .prop_map(
            |(
                (from, to, via),
                mode,
                optimize,
                include_planned,
                livestock,
                avoid_country,
                avoid_links,
                th,
            )| {
                GenReq {
                    from,
                    to,
                    via,
                    mode,
                    optimize,
                    include_planned,
                    livestock,
                    avoid_country,
                    avoid_links,
                    transshipment_h: th,
                }
            },
        )
}

/// Resolves the drawn indices against the network; `None` when origin, via and destination
/// are not distinct.
fn request(net: &Network, r: &GenReq) -> Option<RouteRequest> {
    let n = net.nodes().len();
    let (from, to) = (r.from % n, r.to % n);
    let via = r.via.map(|v| v % n);
    if from == to || via == Some(from) || via == Some(to) {
        return None;
    }
    let id = |i: usize| PlaceQuery::Text(format!("n{i}"));
    let mut req = RouteRequest::new(id(from), id(to));
    req.via = via.map(id).into_iter().collect();
    req.mode = r.mode;
    req.optimize = r.optimize;
    req.include_planned = r.include_planned;
    if r.livestock {
        req.cargo = Cargo::Livestock;
    }
    req.avoid_countries = r
        .avoid_country
        .filter(|&c| net.nodes().iter().any(|x| x.country == COUNTRIES[c]))
        .map(|c| COUNTRIES[c].to_string())
        .into_iter()
        .collect();
    let m = net.links().len();
    let mut avoid: Vec<String> = r
        .avoid_links
        .iter()
        .map(|&j| format!("l{}", j % m))
        .collect();
    avoid.sort();
    avoid.dedup();
    req.avoid_links = avoid;
    req.profile.transshipment_h = r.transshipment_h;
    Some(req)
}

/// The oracle's own reading of the rules (not the crate's `Constraints`).
fn link_allowed(net: &Network, req: &RouteRequest, j: usize) -> bool {
    let l = &net.links()[j];
    let mode_ok = match req.mode {
        ModeFilter::Any => true,
        ModeFilter::Rail => l.mode == Mode::Rail,
        ModeFilter::Road => l.mode == Mode::Road,
    };
    let status_ok =
        l.status == Status::Open || (req.include_planned && l.status == Status::Planned);
    let countries_ok = [l.from_ix, l.to_ix]
        .iter()
        .all(|&i| !req.avoid_countries.contains(&net.nodes()[i].country));
    let cargo_ok = req.cargo != Cargo::Livestock
        || l.kind != LinkKind::Crossing
        || l.crossing.as_ref().is_some_and(|c| c.veterinary);
    mode_ok && status_ok && countries_ok && cargo_ok && !req.avoid_links.contains(&l.id.0)
}

/// Arrival classes: 0 start, 1 rail 1520, 2 rail 1435, 3 road.
fn class_of(net: &Network, j: usize) -> usize {
    let l = &net.links()[j];
    match (l.mode, l.gauge_mm) {
        (Mode::Road, _) => 3,
        (Mode::Rail, Some(1520)) => 1,
        _ => 2,
    }
}

/// The cost of taking link `j` from `u` after arriving in class `a`, or `None` if not allowed.
fn step_cost(
    net: &Network,
    p: &Profile,
    opt: Optimize,
    u: usize,
    a: usize,
    j: usize,
) -> Option<f64> {
    let l = &net.links()[j];
    let c = class_of(net, j);
    let transfer = match (a, c) {
        (0, _) => false,
        (x, y) if x == y => false,
        (1 | 2, 1 | 2) => true,
        _ => {
            if !net.nodes()[u].intermodal {
                return None;
            }
            true
        }
    };
    let crossing = l.kind == LinkKind::Crossing;
    let dwell = l.crossing.as_ref().map_or(0.0, |c| c.dwell_h);
    let rate = if l.mode == Mode::Rail {
        p.rail_usd_per_tkm
    } else {
        p.road_usd_per_tkm
    };
    Some(match opt {
        Optimize::Distance => l.length_km,
        Optimize::Time => {
            l.length_km / l.speed_kmh
                + if crossing { dwell * p.dwell_scale } else { 0.0 }
                + if transfer { p.transshipment_h } else { 0.0 }
        }
        Optimize::Cost => {
            l.length_km * rate
                + if crossing { p.border_usd_per_t } else { 0.0 }
                + if transfer {
                    p.transshipment_usd_per_t
                } else {
                    0.0
                }
        }
    })
}

/// Traversals of link `j` out of node `u`: the other end, if it may be taken that way.
fn other_end(net: &Network, j: usize, u: usize) -> Option<usize> {
    let l = &net.links()[j];
    if l.from_ix == u {
        Some(l.to_ix)
    } else if l.to_ix == u && !l.oneway {
        Some(l.from_ix)
    } else {
        None
    }
}

/// Oracle 1: petgraph's Dijkstra on the explicit (layer, node, class) graph plus a sink.
fn reference_cost(net: &Network, req: &RouteRequest, waypoints: &[usize]) -> Option<f64> {
    let n = net.nodes().len();
    let layers = waypoints.len() - 1;
    let mut g: DiGraph<(), f64> = DiGraph::new();
    let vx: Vec<NodeIndex> = (0..layers * n * 4).map(|_| g.add_node(())).collect();
    let sink = g.add_node(());
    let id = |layer: usize, u: usize, a: usize| vx[(layer * n + u) * 4 + a];
    for layer in 0..layers {
        for u in 0..n {
            if u == waypoints[layer + 1] {
                continue; // reaching the goal ends the layer
            }
            for a in 0..4 {
                for j in 0..net.links().len() {
                    if !link_allowed(net, req, j) {
                        continue;
                    }
                    let Some(v) = other_end(net, j, u) else {
                        continue;
                    };
                    let Some(w) = step_cost(net, &req.profile, req.optimize, u, a, j) else {
                        continue;
                    };
                    let next = if v == waypoints[layer + 1] && layer + 1 < layers {
                        layer + 1
                    } else {
                        layer
                    };
                    g.add_edge(id(layer, u, a), id(next, v, class_of(net, j)), w);
                }
            }
        }
    }
    for a in 0..4 {
        g.add_edge(id(layers - 1, waypoints[layers], a), sink, 0.0);
    }
    let d = dijkstra(&g, id(0, waypoints[0], 0), Some(sink), |e| *e.weight());
    d.get(&sink).copied()
}

fn link_ixs(net: &Network, r: &Route) -> Vec<usize> {
    let _ = net;
    r.steps.iter().map(|s| s.link_ix).collect()
}

/// Checks every structural property of a plan's routes.
fn check_routes(net: &Network, req: &RouteRequest, waypoints: &[usize], routes: &[Route]) {
    let mut seen = HashSet::new();
    for (i, r) in routes.iter().enumerate() {
        assert_eq!(r.rank, i + 1);
        let nodes = r.node_ixs();
        assert_eq!(nodes.first(), Some(&waypoints[0]));
        assert_eq!(nodes.last(), waypoints.last());
        // Consecutive steps join, and each link is allowed.
        for s in &r.steps {
            let l = &net.links()[s.link_ix];
            let (a, b) = if s.forward {
                (l.from_ix, l.to_ix)
            } else {
                (l.to_ix, l.from_ix)
            };
            assert_eq!((a, b), (s.from_ix, s.to_ix));
            assert!(s.forward || !l.oneway, "oneway link used backwards");
            assert!(
                link_allowed(net, req, s.link_ix),
                "route uses a refused link {}",
                l.id
            );
            if req.cargo == Cargo::Livestock && l.kind == LinkKind::Crossing {
                assert!(l.crossing.as_ref().unwrap().veterinary);
            }
            assert!(!req.avoid_links.contains(&l.id.0));
        }
        for c in r.countries(net) {
            assert!(!req.avoid_countries.contains(&c));
        }
        // Waypoints visited in order; no node repeats within a stretch between waypoints,
        // except on the best route when a rail↔road change can only happen at another node
        // and the route comes back through a non-intermodal node on the other mode (the true
        // optimum over states; alternatives never do this).
        let mut next_wp = 1;
        let mut stretch: HashMap<usize, Option<Mode>> = HashMap::from([(nodes[0], None)]);
        for (k, &u) in nodes[1..].iter().enumerate() {
            let arrival = Some(net.links()[r.steps[k].link_ix].mode);
            if let Some(before) = stretch.insert(u, arrival) {
                assert!(
                    r.rank == 1 && !net.nodes()[u].intermodal && before != arrival,
                    "route {} revisits node n{u}: {nodes:?}",
                    r.rank
                );
            }
            if next_wp < waypoints.len() && u == waypoints[next_wp] {
                next_wp += 1;
                stretch = HashMap::from([(u, arrival)]);
            }
        }
        assert_eq!(
            next_wp,
            waypoints.len(),
            "waypoints not all visited in order"
        );
        assert!(seen.insert(link_ixs(net, r)), "route repeated");
        if i > 0 {
            let (prev, cur) = (
                routes[i - 1].measures.get(req.optimize),
                r.measures.get(req.optimize),
            );
            assert!(
                prev <= cur + 1e-9 * cur.abs().max(1.0),
                "not sorted: {prev} > {cur}"
            );
        }
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    /// The best route's cost equals the explicit state-graph Dijkstra; alternatives are
    /// loopless, distinct and sorted; every constraint holds on every route.
    #[test]
    fn best_route_matches_state_graph_dijkstra(g in gen_net(8, 16), r in gen_req(), alternatives in 0usize..4) {
        let net = build(&g);
        let Some(mut req) = request(&net, &r) else { return Ok(()) };
        req.alternatives = alternatives;
        let waypoints: Vec<usize> = std::iter::once(&req.from)
            .chain(req.via.iter())
            .chain(std::iter::once(&req.to))
            .map(|p| match p { PlaceQuery::Text(s) => net.node_ix(s).unwrap(), _ => unreachable!() })
            .collect();
        let expected = reference_cost(&net, &req, &waypoints);
        let snap = Snapshot::build(net);
        match (plan(&snap, &req), expected) {
            (Ok(p), Some(cost)) => {
                let got = p.routes[0].measures.get(req.optimize);
                prop_assert!(close(got, cost), "best {got} vs reference {cost}");
                prop_assert!(p.routes.len() <= alternatives + 1);
                check_routes(&snap.network, &req, &waypoints, &p.routes);
            }
            (Err(RouteError::NoRoute { .. }), None) => {}
            (got, expected) => prop_assert!(false, "plan {got:?} but reference {expected:?}"),
        }
    }
}

/// Every simple path (no repeated node) from `from` to `to`, by depth-first search, with its
/// cost; the oracle for Yen's algorithm on tiny networks.
fn all_simple_path_costs(net: &Network, req: &RouteRequest, from: usize, to: usize) -> Vec<f64> {
    struct Walk<'a> {
        net: &'a Network,
        req: &'a RouteRequest,
        to: usize,
        visited: Vec<bool>,
        out: Vec<f64>,
    }
    impl Walk<'_> {
        fn dfs(&mut self, u: usize, arrival: usize, cost: f64) {
            if u == self.to {
                self.out.push(cost);
                return;
            }
            for j in 0..self.net.links().len() {
                if !link_allowed(self.net, self.req, j) {
                    continue;
                }
                let Some(v) = other_end(self.net, j, u) else {
                    continue;
                };
                if self.visited[v] {
                    continue;
                }
                let Some(w) = step_cost(
                    self.net,
                    &self.req.profile,
                    self.req.optimize,
                    u,
                    arrival,
                    j,
                ) else {
                    continue;
                };
                self.visited[v] = true;
                self.dfs(v, class_of(self.net, j), cost + w);
                self.visited[v] = false;
            }
        }
    }
    let mut walk = Walk {
        net,
        req,
        to,
        visited: vec![false; net.nodes().len()],
        out: Vec::new(),
    };
    walk.visited[from] = true;
    walk.dfs(from, 0, 0.0);
    walk.out.sort_by(f64::total_cmp);
    walk.out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    /// On tiny networks where every node serving both modes is intermodal (so the cheapest
    /// way on is always a simple path), Yen's k routes have exactly the k smallest costs
    /// among all simple paths.
    #[test]
    fn alternatives_are_the_k_cheapest_simple_paths(mut g in gen_net(6, 12), r in gen_req(), k in 1usize..6) {
        for n in &mut g.nodes {
            n.intermodal = true;
        }
        let net = build(&g);
        let Some(mut req) = request(&net, &r) else { return Ok(()) };
        req.via.clear();
        req.alternatives = k;
        let from = net.node_ix(&format!("n{}", r.from % net.nodes().len())).unwrap();
        let to = net.node_ix(&format!("n{}", r.to % net.nodes().len())).unwrap();
        let expected = all_simple_path_costs(&net, &req, from, to);
        let snap = Snapshot::build(net);
        match plan(&snap, &req) {
            Ok(p) => {
                let got: Vec<f64> = p.routes.iter().map(|r| r.measures.get(req.optimize)).collect();
                prop_assert_eq!(got.len(), expected.len().min(k + 1));
                for (a, b) in got.iter().zip(&expected) {
                    prop_assert!(close(*a, *b), "costs {got:?} vs simple paths {expected:?}");
                }
                check_routes(&snap.network, &req, &[from, to], &p.routes);
            }
            Err(RouteError::NoRoute { .. }) => prop_assert!(expected.is_empty()),
            Err(e) => prop_assert!(false, "{e}"),
        }
    }
}
