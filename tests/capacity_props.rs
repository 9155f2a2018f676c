//! Property tests of max-flow and assignment on random graphs.
//!
//! Oracles: petgraph's `algo::ford_fulkerson` (Edmonds–Karp) for the value; max-flow equals
//! the capacity of the returned cut, and removing the cut disconnects sources from sinks;
//! flow is conserved at every node and no link exceeds its capacity; the first demand of an
//! assignment is served up to the max-flow. Some links carry direction-specific capacities
//! (`capacity_forward` / `capacity_backward`), and an unbounded answer is checked against the
//! reference too: it is unbounded exactly when links without capacity alone join a source to
//! a sink, and its path is such a walk.

mod common;
#[path = "../examples/gen_network.rs"]
#[allow(dead_code)]
mod gen_network;

use std::collections::{HashMap, HashSet, VecDeque};

use common::Draw;
use corridor::Network;
use corridor::capacity::assign::{AssignQuery, Demand, assign};
use corridor::capacity::flow::FlowGraphBuilder;
use corridor::capacity::maxflow::{CapacityQuery, MaxFlowValue, Step, max_flow};
use corridor::capacity::request::{Overrides, resolve_places};
use corridor::cost::{Cargo, Constraints, ModeFilter};
use corridor::network::Mode;
use petgraph::Graph;
use petgraph::algo::ford_fulkerson;
use proptest::prelude::*;

/// Relative tolerance for comparing sums of f64 capacities.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

mod flow_graph {
    use super::*;

    fn arcs() -> impl Strategy<Value = (usize, Vec<(usize, usize, u32, bool)>)> {
        (2usize..10).prop_flat_map(|n| {
            (
                Just(n),
                prop::collection::vec((0..n, 0..n, 0u32..30, any::<bool>()), 0..30),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Dinic agrees with petgraph; the residual cut has the flow's capacity; flow is
        /// conserved and within capacity on every arc.
        #[test]
        fn dinic_matches_ford_fulkerson((n, arcs) in arcs()) {
            let (s, t) = (0, n - 1);
            let mut b = FlowGraphBuilder::new(n);
            let mut reference = Graph::<(), f64>::new();
            let ids: Vec<_> = (0..n).map(|_| reference.add_node(())).collect();
            let mut pairs = Vec::new();
            for &(u, v, c, undirected) in &arcs {
                if u == v {
                    continue;
                }
                let c = f64::from(c);
                let back = if undirected { c } else { 0.0 };
                pairs.push(b.add_pair(u, v, c, back));
                reference.add_edge(ids[u], ids[v], c);
                if undirected {
                    reference.add_edge(ids[v], ids[u], c);
                }
            }
            let mut g = b.build();
            let value = g.max_flow(s, t);
            let (expected, _) = ford_fulkerson(&reference, ids[s], ids[t]);
            prop_assert!(close(value, expected), "dinic {value} vs ford_fulkerson {expected}");

            let side = g.residual_reachable(s);
            prop_assert!(side[s] && !side[t]);
            let cut: f64 = (0..g.arc_count())
                .filter(|&a| side[g.tail(a)] && !side[g.head(a)])
                .map(|a| g.capacity(a))
                .sum();
            prop_assert!(close(cut, value), "cut {cut} vs flow {value}");

            let mut balance = vec![0.0f64; n];
            for &a in &pairs {
                let f = g.flow(a);
                prop_assert!(f <= g.capacity(a) + 1e-9);
                prop_assert!(-f <= g.capacity(a ^ 1) + 1e-9);
                balance[g.tail(a)] -= f;
                balance[g.head(a)] += f;
            }
            for (v, &bal) in balance.iter().enumerate() {
                if v == s {
                    prop_assert!(close(-bal, value));
                } else if v == t {
                    prop_assert!(close(bal, value));
                } else {
                    prop_assert!(bal.abs() < 1e-6, "node {v} unbalanced by {bal}");
                }
            }
        }
    }
}

/// A drawn link: `(a, b, rail, capacity, oneway, per-direction capacities [a → b, b → a])`.
type RandomLink = (usize, usize, bool, Option<u32>, bool, Option<(u32, u32)>);

/// A random corridor: nodes of one country, each serving rail, road or both, some intermodal;
/// links of a mode both ends serve, some without capacity, some one-way.
#[derive(Debug, Clone)]
struct RandomNet {
    modes: Vec<(u8, bool)>,
    links: Vec<RandomLink>,
    sources: Vec<usize>,
    sinks: Vec<usize>,
    mode: ModeFilter,
}

fn random_net() -> impl Strategy<Value = RandomNet> {
    (3usize..9).prop_flat_map(|n| {
        (
            prop::collection::vec((0u8..3, any::<bool>()), n),
            prop::collection::vec(
                (
                    0..n,
                    0..n,
                    any::<bool>(),
                    prop::option::weighted(0.8, 1u32..40),
                    prop::bool::weighted(0.2),
                    prop::option::weighted(0.3, (1u32..40, 1u32..40)),
                ),
                1..24,
            ),
            1..n,
            any::<u16>(),
            any::<u16>(),
        )
            .prop_map(move |(modes, links, k, m1, m2)| {
                let mut sources: Vec<usize> = (0..k).filter(|i| m1 & (1 << i) != 0).collect();
                if sources.is_empty() {
                    sources.push(0);
                }
                let mut sinks: Vec<usize> = (k..n).filter(|i| m2 & (1 << i) != 0).collect();
                if sinks.is_empty() {
                    sinks.push(n - 1);
                }
                RandomNet {
                    modes,
                    links,
                    sources,
                    sinks,
                    mode: ModeFilter::Any,
                }
            })
            .prop_flat_map(|r| {
                prop_oneof![
                    2 => Just(ModeFilter::Any),
                    1 => Just(ModeFilter::Rail),
                    1 => Just(ModeFilter::Road)
                ]
                .prop_map(move |mode| RandomNet { mode, ..r.clone() })
            })
    })
}

fn serves(m: u8) -> &'static [&'static str] {
    match m {
        0 => &["rail"],
        1 => &["road"],
        _ => &["rail", "road"],
    }
}

impl RandomNet {
    fn build(&self) -> Network {
        let mut t = Draw::new();
        for (i, &(m, inter)) in self.modes.iter().enumerate() {
            let x = 100.0 + 0.1 * i as f64;
            let y = 50.0 + 0.05 * (i % 3) as f64;
            t = t
                .node(&format!("n{i}"), "RU", "station", serves(m), [x, y])
                .set("intermodal", inter.into());
        }
        for (j, &(a, b, rail, cap, oneway, directed)) in self.links.iter().enumerate() {
            if a == b {
                continue;
            }
            let want = if rail { "rail" } else { "road" };
            let ok = |i: usize| serves(self.modes[i].0).contains(&want);
            if !ok(a) || !ok(b) {
                continue;
            }
            let kind = if rail { "line" } else { "road" };
            t = t
                .link(
                    &format!("l{j}"),
                    &format!("n{a}"),
                    &format!("n{b}"),
                    want,
                    kind,
                )
                .oneway(oneway);
            match (cap, directed) {
                (Some(_), Some((f, b))) => {
                    t = t
                        .capacity(f64::from(f.max(b)), "t/yr")
                        .set(
                            "capacity_forward",
                            serde_json::json!({"value": f, "unit": "t/yr"}),
                        )
                        .set(
                            "capacity_backward",
                            serde_json::json!({"value": b, "unit": "t/yr"}),
                        )
                        .set("capacity_note", "test: lanes per direction".into());
                }
                (Some(c), None) => t = t.capacity(f64::from(c), "t/yr"),
                (None, _) => {}
            }
        }
        t.network()
    }

    fn query(&self, net: &Network) -> Option<CapacityQuery> {
        let c = Constraints {
            mode: self.mode,
            ..Constraints::default()
        };
        let ids = |v: &[usize]| v.iter().map(|i| format!("n{i}")).collect::<Vec<_>>();
        let from = resolve_places(net, "from", &ids(&self.sources), &c).ok()?;
        let to = resolve_places(net, "to", &ids(&self.sinks), &c).ok()?;
        Some(CapacityQuery {
            from,
            to,
            constraints: c,
            overrides: Overrides::default(),
            transit: Default::default(),
        })
    }
}

/// Usable (node, mode) states of a node, as the model defines them.
fn states(net: &Network, n: usize, mode: ModeFilter) -> Vec<usize> {
    [Mode::Rail, Mode::Road]
        .into_iter()
        .enumerate()
        .filter(|&(_, m)| net.nodes()[n].serves(m) && mode.allows(m))
        .map(|(k, _)| 2 * n + k)
        .collect()
}

fn slot(m: Mode) -> usize {
    match m {
        Mode::Rail => 0,
        Mode::Road => 1,
    }
}

fn transfers(net: &Network, n: usize, mode: ModeFilter) -> bool {
    let node = &net.nodes()[n];
    mode == ModeFilter::Any && node.intermodal && node.serves(Mode::Rail) && node.serves(Mode::Road)
}

/// A link's capacity from `from` to `to` (`forward`) or back, t/yr, read off the data as
/// drawn: the direction's own figure when it has one, else `capacity`.
fn capacity_towards(l: &corridor::network::Link, forward: bool) -> Option<f64> {
    match l.capacity_directed {
        Some(d) if forward => Some(d.forward.value),
        Some(d) => Some(d.backward.value),
        None => l.capacity.map(|c| c.value),
    }
}

/// The reference: the model written out directly as a petgraph graph (states, transfers,
/// super-source and super-sink), solved by petgraph's Ford–Fulkerson.
fn reference_max_flow(net: &Network, q: &CapacityQuery) -> f64 {
    let finite: f64 = net
        .links()
        .iter()
        .filter(|l| q.constraints.mode.allows(l.mode))
        .filter_map(|l| l.capacity.map(|c| 2.0 * c.value))
        .sum();
    let big = 4.0 * finite + 1.0;
    let mut g = Graph::<(), f64>::new();
    let ids: Vec<_> = (0..net.nodes().len() * 2 + 2)
        .map(|_| g.add_node(()))
        .collect();
    let (s, t) = (ids.len() - 2, ids.len() - 1);
    for l in net.links() {
        if !q.constraints.mode.allows(l.mode) {
            continue;
        }
        let (u, v) = (2 * l.from_ix + slot(l.mode), 2 * l.to_ix + slot(l.mode));
        g.add_edge(ids[u], ids[v], capacity_towards(l, true).unwrap_or(big));
        if !l.oneway {
            g.add_edge(ids[v], ids[u], capacity_towards(l, false).unwrap_or(big));
        }
    }
    for n in 0..net.nodes().len() {
        if transfers(net, n, q.constraints.mode) {
            g.add_edge(ids[2 * n], ids[2 * n + 1], big);
            g.add_edge(ids[2 * n + 1], ids[2 * n], big);
        }
    }
    for &n in &q.from.nodes {
        for st in states(net, n, q.constraints.mode) {
            g.add_edge(ids[s], ids[st], big);
        }
    }
    for &n in &q.to.nodes {
        for st in states(net, n, q.constraints.mode) {
            g.add_edge(ids[st], ids[t], big);
        }
    }
    ford_fulkerson(&g, ids[s], ids[t]).0
}

/// Whether a sink state can be reached from a source state without the `removed` links.
fn connected_without(net: &Network, q: &CapacityQuery, removed: &HashSet<usize>) -> bool {
    let mode = q.constraints.mode;
    let mut adj: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, l) in net.links().iter().enumerate() {
        if removed.contains(&i) || !mode.allows(l.mode) {
            continue;
        }
        let (u, v) = (2 * l.from_ix + slot(l.mode), 2 * l.to_ix + slot(l.mode));
        adj.entry(u).or_default().push(v);
        if !l.oneway {
            adj.entry(v).or_default().push(u);
        }
    }
    for n in 0..net.nodes().len() {
        if transfers(net, n, mode) {
            adj.entry(2 * n).or_default().push(2 * n + 1);
            adj.entry(2 * n + 1).or_default().push(2 * n);
        }
    }
    let sinks: HashSet<usize> =
        q.to.nodes
            .iter()
            .flat_map(|&n| states(net, n, mode))
            .collect();
    let mut seen: HashSet<usize> = q
        .from
        .nodes
        .iter()
        .flat_map(|&n| states(net, n, mode))
        .collect();
    let mut queue: VecDeque<usize> = seen.iter().copied().collect();
    while let Some(u) = queue.pop_front() {
        if sinks.contains(&u) {
            return true;
        }
        for &v in adj.get(&u).into_iter().flatten() {
            if seen.insert(v) {
                queue.push_back(v);
            }
        }
    }
    false
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// On random corridors: the value agrees with petgraph on the same model, the cut's
    /// capacities sum to it and removing the cut disconnects sources from sinks, every link
    /// is within capacity, and flow is conserved at every node that is neither source nor
    /// sink. An unbounded answer's path uses only links without capacity.
    #[test]
    fn corridor_max_flow_is_a_max_flow(r in random_net()) {
        let net = r.build();
        let q = r.query(&net);
        prop_assume!(q.is_some());
        let q = q.unwrap();
        let res = max_flow(&net, &q);
        // Unbounded exactly when the links without capacity alone join a source to a sink.
        let capacitated: HashSet<usize> = (0..net.links().len())
            .filter(|&i| net.links()[i].capacity.is_some())
            .collect();
        let unbounded = connected_without(&net, &q, &capacitated);
        prop_assert_eq!(
            matches!(res.value, MaxFlowValue::Unbounded { .. }),
            unbounded,
            "{:?}",
            res.value
        );
        match &res.value {
            MaxFlowValue::Unbounded { path } => {
                // The path is a walk from a source to a sink over usable links without
                // capacity, each taken in a direction it may be, changing mode only where
                // the model allows.
                prop_assert!(!path.is_empty());
                let mut at: Option<usize> = None;
                for s in path {
                    match *s {
                        Step::Link { link_ix, forward } => {
                            let l = &net.links()[link_ix];
                            prop_assert!(l.capacity.is_none(), "{} has a capacity", l.id);
                            prop_assert!(q.constraints.mode.allows(l.mode), "{}", l.id);
                            prop_assert!(forward || !l.oneway, "{} against its one-way", l.id);
                            let (a, b) = if forward { (l.from_ix, l.to_ix) } else { (l.to_ix, l.from_ix) };
                            match at {
                                None => prop_assert!(q.from.nodes.contains(&a), "starts at n{a}"),
                                Some(u) => prop_assert_eq!(u, a, "the path jumps at {}", l.id),
                            }
                            at = Some(b);
                        }
                        Step::Transshipment { node_ix, .. } => {
                            prop_assert!(transfers(&net, node_ix, q.constraints.mode));
                            if let Some(u) = at {
                                prop_assert_eq!(u, node_ix);
                            }
                            at = Some(node_ix);
                        }
                    }
                }
                let end = at.unwrap();
                prop_assert!(q.to.nodes.contains(&end), "ends at n{end}");
            }
            MaxFlowValue::Bounded(value) => {
                let value = *value;
                let expected = reference_max_flow(&net, &q);
                prop_assert!(close(value, expected), "{value} vs reference {expected}");

                let cut: f64 = res.cut.iter().map(|c| c.capacity_tpy).sum();
                prop_assert!(close(cut, value), "cut {cut} vs flow {value}");
                let removed: HashSet<usize> = res.cut.iter().map(|c| c.link_ix).collect();
                prop_assert!(!connected_without(&net, &q, &removed), "the cut does not cut");

                let mut balance = vec![0.0f64; net.nodes().len()];
                for f in &res.flows {
                    let l = &net.links()[f.link_ix];
                    if let Some(c) = capacity_towards(l, f.forward) {
                        prop_assert!(f.flow_tpy <= c * (1.0 + 1e-9), "{} over capacity", l.id);
                    }
                    prop_assert!(!l.oneway || f.forward, "{} against its one-way", l.id);
                    let (a, b) = if f.forward { (l.from_ix, l.to_ix) } else { (l.to_ix, l.from_ix) };
                    balance[a] -= f.flow_tpy;
                    balance[b] += f.flow_tpy;
                }
                let src: HashSet<usize> = q.from.nodes.iter().copied().collect();
                let snk: HashSet<usize> = q.to.nodes.iter().copied().collect();
                for (n, &bal) in balance.iter().enumerate() {
                    if !src.contains(&n) && !snk.contains(&n) {
                        prop_assert!(bal.abs() < 1e-6, "node n{n} unbalanced by {bal}");
                    }
                }
                let out: f64 = src.iter().map(|&n| -balance[n]).sum();
                prop_assert!(close(out, value), "sources emit {out}, flow is {value}");
            }
        }
    }

    /// Assignments stay within capacity, report every tonne as served or unserved, route
    /// tonnes add up to link loads, and the first demand is served up to the max-flow.
    #[test]
    fn assignment_respects_capacity(r in random_net(), amounts in prop::collection::vec(1u32..60, 1..4)) {
        let net = r.build();
        let q = r.query(&net);
        prop_assume!(q.is_some());
        let q = q.unwrap();
        let demands: Vec<Demand> = amounts
            .iter()
            .map(|&t| Demand {
                from: q.from.clone(),
                to: q.to.clone(),
                tonnes_per_year: f64::from(t),
                mode: q.constraints.mode,
                cargo: Cargo::General,
            })
            .collect();
        let req = AssignQuery {
            demands,
            constraints: q.constraints.clone(),
            overrides: Overrides::default(),
        };
        let a = assign(&net, &req);
        let mut per_link = vec![0.0f64; net.links().len()];
        for (d, res) in req.demands.iter().zip(&a.demands) {
            prop_assert!(res.served_tpy <= d.tonnes_per_year * (1.0 + 1e-9));
            prop_assert!(close(res.served_tpy + res.unserved_tpy(), d.tonnes_per_year));
            let routed: f64 = res.routes.iter().map(|r| r.tonnes_per_year).sum();
            prop_assert!(close(routed, res.served_tpy), "routes {routed} vs served {}", res.served_tpy);
            for route in &res.routes {
                for s in &route.steps {
                    if let Step::Link { link_ix, .. } = s {
                        per_link[*link_ix] += route.tonnes_per_year;
                    }
                }
            }
        }
        for l in &a.links {
            if let Some(c) = l.capacity_tpy {
                prop_assert!(l.flow_tpy() <= c * (1.0 + 1e-9) + 1e-9, "{} over capacity", net.links()[l.link_ix].id);
            }
            prop_assert!(close(l.flow_tpy(), per_link[l.link_ix]));
        }
        let first = &a.demands[0];
        match max_flow(&net, &q).value {
            MaxFlowValue::Bounded(v) => {
                prop_assert!(close(first.served_tpy, first.tonnes_per_year.min(v)),
                    "first demand served {} of {}, max flow {v}", first.served_tpy, first.tonnes_per_year);
            }
            MaxFlowValue::Unbounded { .. } => prop_assert!(close(first.served_tpy, first.tonnes_per_year)),
        }
    }
}

/// The assignment solver ([`assign`]) answers exactly, to the last bit, as the first, simple
/// one kept as its oracle ([`assign_reference`]: every capacity reset, the whole flow graph
/// cleared and its routes read off every link per demand): on drawn corridors, on the curated
/// network and on a generated one, over random demand lists long enough to saturate links
/// (so that demands split over several paths and reroute earlier tonnes).
mod assign_oracle {
    use super::*;
    use corridor::capacity::assign::reference::assign_reference;
    use std::sync::OnceLock;

    const MODES: [ModeFilter; 3] = [ModeFilter::Rail, ModeFilter::Road, ModeFilter::Any];
    const CARGO: [Cargo; 4] = [
        Cargo::General,
        Cargo::Container,
        Cargo::Bulk,
        Cargo::Livestock,
    ];

    /// One drawn demand: origin and destination (a node, or with `country` its country),
    /// mode, cargo and tonnes.
    type DemandDraw = (usize, usize, bool, usize, usize, u32);

    fn draws(max: usize) -> impl Strategy<Value = Vec<DemandDraw>> {
        prop::collection::vec(
            (
                any::<usize>(),
                any::<usize>(),
                prop::bool::weighted(0.15),
                0..3usize,
                0..4usize,
                1u32..400,
            ),
            1..max,
        )
    }

    /// The demands of `draws` on `net` (those that resolve), `scale` t/yr per drawn unit.
    fn demands(net: &Network, draws: &[DemandDraw], scale: f64) -> Vec<Demand> {
        let n = net.nodes().len();
        draws
            .iter()
            .filter_map(|&(a, b, country, m, k, t)| {
                let (a, b) = (&net.nodes()[a % n], &net.nodes()[b % n]);
                let place = |x: &corridor::network::Node| {
                    if country {
                        x.country.clone()
                    } else {
                        x.id.0.clone()
                    }
                };
                let (from, to) = (place(a), place(b));
                if from == to {
                    return None;
                }
                let c = Constraints {
                    mode: MODES[m],
                    ..Constraints::default()
                };
                Some(Demand {
                    from: resolve_places(net, "from", &[from], &c).ok()?,
                    to: resolve_places(net, "to", &[to], &c).ok()?,
                    tonnes_per_year: f64::from(t) * scale,
                    mode: MODES[m],
                    cargo: CARGO[k],
                })
            })
            .collect()
    }

    fn same_as_reference(
        net: &Network,
        demands: Vec<Demand>,
        planned: bool,
    ) -> Result<(), TestCaseError> {
        let req = AssignQuery {
            demands,
            constraints: Constraints {
                include_planned: planned,
                ..Constraints::default()
            },
            overrides: Overrides::default(),
        };
        let (fast, slow) = (assign(net, &req), assign_reference(net, &req));
        let split = slow.demands.iter().filter(|d| d.routes.len() > 1).count();
        prop_assert!(
            fast == slow,
            "{} demands ({split} split): the answers differ",
            req.demands.len()
        );
        Ok(())
    }

    fn curated() -> &'static Network {
        static NET: OnceLock<Network> = OnceLock::new();
        NET.get_or_init(|| Network::embedded().expect("embedded network"))
    }

    /// A 3,000-node network drawn by `examples/gen_network.rs`, read as the service reads it.
    fn generated() -> &'static Network {
        static NET: OnceLock<Network> = OnceLock::new();
        NET.get_or_init(|| {
            let tmp = common::TempDir::new("assign-oracle");
            let dir = tmp.path().join("data");
            super::gen_network::generate(&super::gen_network::Args {
                nodes: 3000,
                seed: 11,
                out: dir.clone(),
                vertices: 3.0,
                demands: 0,
            })
            .expect("generator writes its files");
            corridor::network::Source::Dir(dir)
                .load()
                .expect("generated network loads")
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn on_drawn_corridors(r in random_net(), amounts in prop::collection::vec(1u32..60, 1..12), planned in any::<bool>()) {
            let net = r.build();
            let Some(q) = r.query(&net) else { return Ok(()) };
            let demands = amounts
                .iter()
                .enumerate()
                .map(|(i, &t)| Demand {
                    from: q.from.clone(),
                    to: q.to.clone(),
                    tonnes_per_year: f64::from(t),
                    mode: MODES[i % 3],
                    cargo: Cargo::General,
                })
                .collect();
            same_as_reference(&net, demands, planned)?;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn on_the_curated_network(d in draws(120), planned in any::<bool>()) {
            let net = curated();
            same_as_reference(net, demands(net, &d, 50_000.0), planned)?;
        }

        #[test]
        fn on_a_generated_network(d in draws(80)) {
            let net = generated();
            same_as_reference(net, demands(net, &d, 20_000.0), false)?;
        }
    }
}
