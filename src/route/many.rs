//! One-to-many search over the [`SearchGraph`]: from one place, settle every node (forward,
//! "where can I get"), or towards one place, from every node (backward, "who can reach
//! me"). The distance matrix runs one forward search per source, sources in parallel; the
//! reachability of [`super::reach`] runs one search in either direction.
//!
//! # Same answer as a route
//! A matrix cell must equal what `route::plan` answers for that pair with the same options,
//! in every measure, not just in the optimised one. Among routes of equal optimised cost the
//! other measures may differ, so the forward search here is *the same* Dijkstra as the route
//! search ([`super::search`]): the same heap order (key, then vertex), the same edge order,
//! the same strict improvement test, and each state's measures accumulated in travel order
//! from the origin as `route::plan` sums its steps. A route search stops at the first state
//! of its destination it settles; here a node's answer is the first of its states settled,
//! which is the same state with the same predecessors, so the measures agree bit for bit.
//!
//! ```text
//!   source s ──▶ Dijkstra over states (node × arrival) ──▶ first settled state per node
//!                 measures[t] = measures[s] + step(e)    ──▶ cell (s, node): distance,
//!                 crossings[t] = crossings[s] + [crossing]     time, cost, crossings
//! ```
//!
//! The backward search seeds every state of the target at 0 and walks in-edges, skipping
//! edges that leave a state of the target (a route ends when it first reaches its
//! destination, so it never passes through it). A node's value is the distance of its
//! `Start` state, as a route from it starts there. Its sum runs from the far end, so it
//! equals the route's figure up to floating-point rounding (about 1e-12 relative), not bit for
//! bit.
//!
//! # Buffers
//! Per-state arrays live in a [`ManyScratch`] kept per thread (the HTTP workers and the
//! matrix's thread pool each keep one) and are reset in O(1) by a generation stamp, so a
//! search allocates nothing the size of the graph.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use super::graph::SearchGraph;
// The heap entry is search's, so both searches settle states in the same order.
use super::search::Item;
use crate::cost::{Constraints, Measure, Measures, Profile};
use crate::fields::str_enum;
use crate::network::{LinkKind, Network};

str_enum!(
    /// Which way a one-to-many search runs.
    #[derive(Default)]
    Direction {
        /// From the place outwards: where can I get (default).
        #[default]
        From = "from",
        /// Towards the place: who can reach me (a catchment).
        To = "to",
    }
);

/// What a one-to-many search reads: the network, its state graph, the request's weights and
/// link mask, and the costing profile (for the measures not optimised).
#[derive(Debug, Clone, Copy)]
pub struct ManySpec<'a> {
    /// The network.
    pub net: &'a Network,
    /// Its state graph.
    pub graph: &'a SearchGraph,
    /// One weight per edge of `graph`, of the optimised measure (non-negative).
    pub weights: &'a [f64],
    /// One flag per link: may the request use it.
    pub link_ok: &'a [bool],
    /// Costing figures, the same the weights were computed with.
    pub profile: &'a Profile,
}

/// The weights and link mask of one request, as `route::plan` builds them: the precomputed
/// weights when the profile leaves them unchanged, else recomputed (O(edges)).
#[derive(Debug, Clone)]
pub struct Costing<'g> {
    /// One weight per edge, of the optimised measure.
    pub weights: Cow<'g, [f64]>,
    /// One flag per link.
    pub link_ok: Vec<bool>,
    /// The costing figures.
    pub profile: Profile,
}

impl<'g> Costing<'g> {
    /// The costing of `optimize` under `profile` and `constraints`.
    pub fn new(
        net: &Network,
        graph: &'g SearchGraph,
        constraints: &Constraints,
        profile: Profile,
        optimize: Measure,
    ) -> Self {
        let weights = if profile.same_weights(&Profile::default(), optimize) {
            Cow::Borrowed(graph.default_weights(optimize))
        } else {
            Cow::Owned(graph.weights(net, &profile, optimize))
        };
        Self {
            weights,
            link_ok: super::link_mask(net, constraints),
            profile,
        }
    }

    /// The search spec over this costing.
    pub fn spec<'a>(&'a self, net: &'a Network, graph: &'a SearchGraph) -> ManySpec<'a> {
        ManySpec {
            net,
            graph,
            weights: &self.weights,
            link_ok: &self.link_ok,
            profile: &self.profile,
        }
    }
}

/// Whether node `ix` may start or end a route under `c`: not in an avoided country, and
/// serving an allowed mode (the checks `route::resolve` makes of every waypoint; where they
/// fail a route request is refused as having no route, and a matrix's row or column for
/// that place is empty).
pub fn usable(net: &Network, c: &Constraints, ix: usize) -> bool {
    let node = &net.nodes()[ix];
    c.allows_node(node) && node.modes.iter().any(|m| c.mode.allows(*m))
}

/// The measures of the route chosen from one place to another.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Reached {
    /// Distance, time and cost of the route (the optimised one and the others of that route).
    pub measures: Measures,
    /// Border crossings on the route.
    pub crossings: u32,
}

const UNSET: u32 = u32::MAX;

/// Reusable per-state and per-node buffers of one-to-many searches, reset in O(1) by a
/// generation stamp. One per thread (see [`with_scratch`]).
#[derive(Debug, Default)]
pub struct ManyScratch {
    /// Best known distance per state (valid where `stamp == generation`).
    dist: Vec<f64>,
    /// Measures of the path to each state (forward searches).
    measures: Vec<Measures>,
    /// Crossings on the path to each state (forward searches).
    crossings: Vec<u32>,
    stamp: Vec<u32>,
    /// `== generation` once a state is settled.
    settled: Vec<u32>,
    /// First settled state of each node (valid where `node_stamp == generation`).
    node_best: Vec<u32>,
    node_stamp: Vec<u32>,
    /// Marks target nodes of a matrix row (`== generation`).
    target: Vec<u32>,
    generation: u32,
    heap: BinaryHeap<Item>,
}

impl ManyScratch {
    fn prepare(&mut self, states: usize, nodes: usize) {
        if self.dist.len() < states {
            self.dist.resize(states, f64::INFINITY);
            self.measures.resize(states, Measures::default());
            self.crossings.resize(states, 0);
            self.stamp.resize(states, 0);
            self.settled.resize(states, 0);
        }
        if self.node_best.len() < nodes {
            self.node_best.resize(nodes, UNSET);
            self.node_stamp.resize(nodes, 0);
            self.target.resize(nodes, 0);
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            for v in [
                &mut self.stamp,
                &mut self.settled,
                &mut self.node_stamp,
                &mut self.target,
            ] {
                v.iter_mut().for_each(|s| *s = 0);
            }
            self.generation = 1;
        }
        self.heap.clear();
    }

    /// Final distance of state `s` after a search: `+∞` when not settled.
    pub fn settled_dist(&self, s: u32) -> f64 {
        if self.settled[s as usize] == self.generation {
            self.dist[s as usize]
        } else {
            f64::INFINITY
        }
    }

    fn tentative(&self, s: u32) -> f64 {
        if self.stamp[s as usize] == self.generation {
            self.dist[s as usize]
        } else {
            f64::INFINITY
        }
    }

    /// The first settled state of `node` after a forward search.
    pub fn best_state(&self, node: usize) -> Option<u32> {
        (self.node_stamp[node] == self.generation).then(|| self.node_best[node])
    }

    /// The answer for `node` after a forward search: the measures and crossings of the path
    /// to its first settled state.
    pub fn reached(&self, node: usize) -> Option<Reached> {
        self.best_state(node).map(|s| Reached {
            measures: self.measures[s as usize],
            crossings: self.crossings[s as usize],
        })
    }
}

thread_local! {
    static SCRATCH: RefCell<ManyScratch> = RefCell::new(ManyScratch::default());
}

/// Runs `f` with this thread's pooled [`ManyScratch`].
pub fn with_scratch<T>(f: impl FnOnce(&mut ManyScratch) -> T) -> T {
    SCRATCH.with(|cell| f(&mut cell.borrow_mut()))
}

impl ManySpec<'_> {
    fn edge_ok(&self, e: usize) -> bool {
        let link = self.graph.edge(e).link as usize;
        self.link_ok.get(link).copied().unwrap_or(false) && self.weights[e].is_finite()
    }

    /// Forward Dijkstra from the `Start` state of `source`, recording per state the measures
    /// of the path and per node its first settled state.
    ///
    /// # Arguments
    /// * `targets` — when non-empty, stop once every one of these nodes is settled (their
    ///   answers are final then); when empty, settle everything.
    /// * `max_key` — stop once the smallest tentative distance exceeds it (`+∞`: no bound).
    ///
    /// # Complexity
    /// O((S + E) log S) over states and edges, less with early stops.
    pub fn forward(
        &self,
        scratch: &mut ManyScratch,
        source: usize,
        targets: &[usize],
        max_key: f64,
    ) {
        let graph = self.graph;
        scratch.prepare(graph.state_count(), graph.node_count());
        if source >= graph.node_count() {
            return;
        }
        let generation = scratch.generation;
        let mut remaining = 0usize;
        for &t in targets {
            if t < graph.node_count() && scratch.target[t] != generation {
                scratch.target[t] = generation;
                remaining += 1;
            }
        }
        let bounded = !targets.is_empty();
        let start = graph.start_state(source);
        scratch.dist[start as usize] = 0.0;
        scratch.stamp[start as usize] = generation;
        scratch.measures[start as usize] = Measures::default();
        scratch.crossings[start as usize] = 0;
        scratch.heap.push(Item {
            key: 0.0,
            vert: start,
        });
        let links = self.net.links();
        while let Some(Item { key, vert }) = scratch.heap.pop() {
            crate::cancel::checkpoint();
            let g = scratch.dist[vert as usize];
            if key > g {
                continue; // stale entry
            }
            if key > max_key {
                break;
            }
            if scratch.settled[vert as usize] == generation {
                continue; // a duplicate entry of equal key
            }
            scratch.settled[vert as usize] = generation;
            let node = graph.node_of(vert) as usize;
            if scratch.node_stamp[node] != generation {
                scratch.node_stamp[node] = generation;
                scratch.node_best[node] = vert;
                if bounded && scratch.target[node] == generation {
                    remaining -= 1;
                    if remaining == 0 {
                        break;
                    }
                }
            }
            let (m_here, x_here) = (
                scratch.measures[vert as usize],
                scratch.crossings[vert as usize],
            );
            for e in graph.out_edges(vert) {
                if !self.edge_ok(e) {
                    continue;
                }
                let edge = graph.edge(e);
                let t = edge.to;
                let nd = g + self.weights[e];
                if nd < scratch.tentative(t) {
                    let link = &links[edge.link as usize];
                    let mut m = m_here;
                    m += self.profile.step_measures(link, edge.transshipment);
                    scratch.dist[t as usize] = nd;
                    scratch.stamp[t as usize] = generation;
                    scratch.measures[t as usize] = m;
                    scratch.crossings[t as usize] =
                        x_here + u32::from(link.kind == LinkKind::Crossing);
                    scratch.heap.push(Item { key: nd, vert: t });
                }
            }
        }
    }

    /// Backward Dijkstra towards `target`: afterwards [`ManyScratch::settled_dist`] of a
    /// state is the least weight of a route from it to `target` (ending there at first
    /// arrival), and the value of a node is that of its `Start` state.
    ///
    /// # Arguments
    /// * `max_key` — stop once the smallest tentative distance exceeds it.
    pub fn backward(&self, scratch: &mut ManyScratch, target: usize, max_key: f64) {
        let graph = self.graph;
        scratch.prepare(graph.state_count(), graph.node_count());
        if target >= graph.node_count() {
            return;
        }
        let generation = scratch.generation;
        let goal = target as u32;
        let first = graph.start_state(target);
        let mut s = first;
        while (s as usize) < graph.state_count() && graph.node_of(s) == goal {
            scratch.dist[s as usize] = 0.0;
            scratch.stamp[s as usize] = generation;
            scratch.heap.push(Item { key: 0.0, vert: s });
            s += 1;
        }
        while let Some(Item { key, vert: t }) = scratch.heap.pop() {
            crate::cancel::checkpoint();
            if key > scratch.dist[t as usize] {
                continue;
            }
            if key > max_key {
                break;
            }
            if scratch.settled[t as usize] == generation {
                continue;
            }
            scratch.settled[t as usize] = generation;
            for &e in graph.in_edges(t) {
                let e = e as usize;
                if !self.edge_ok(e) {
                    continue;
                }
                let from = graph.edge_source(e);
                if graph.node_of(from) == goal {
                    continue; // a route ends at its first arrival: it never leaves the goal
                }
                let nd = key + self.weights[e];
                if nd < scratch.tentative(from) {
                    scratch.dist[from as usize] = nd;
                    scratch.stamp[from as usize] = generation;
                    scratch.heap.push(Item {
                        key: nd,
                        vert: from,
                    });
                }
            }
        }
    }
}

/// The answers of a distance matrix, row-major (`sources × destinations`).
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixCells {
    /// Number of sources (rows).
    pub rows: usize,
    /// Number of destinations (columns).
    pub cols: usize,
    /// `cells[i * cols + j]`: the route from source `i` to destination `j`, `None` where
    /// there is none.
    pub cells: Vec<Option<Reached>>,
}

impl MatrixCells {
    /// The cell of source `i` and destination `j`.
    pub fn get(&self, i: usize, j: usize) -> Option<&Reached> {
        self.cells.get(i * self.cols + j).and_then(Option::as_ref)
    }
}

/// Distances, times, costs and crossings from every source to every destination: one
/// forward search per source (stopping once all destinations are settled), sources in
/// parallel on rayon's pool.
///
/// # Arguments
/// * `sources`, `destinations` — node indices; `None` marks a place that cannot start or end
///   a route under the request's constraints (its whole row or column is `None`).
///
/// # Returns
/// Cells row-major. A source equal to its destination gets all-zero measures (`route::plan`
/// refuses such a pair as having no extent; a matrix's diagonal is 0, as in OSRM's `table`).
///
/// # Complexity
/// `sources` one-to-many searches, O((S + E) log S) each, divided among the pool's threads.
pub fn matrix(
    spec: &ManySpec<'_>,
    sources: &[Option<usize>],
    destinations: &[Option<usize>],
) -> MatrixCells {
    let cols = destinations.len();
    let targets: Vec<usize> = destinations.iter().flatten().copied().collect();
    let mut cells = vec![None; sources.len() * cols];
    // The request's deadline travels to rayon's threads, so each row's search stops too.
    let deadline = crate::cancel::current();
    if cols > 0 {
        cells
            .par_chunks_mut(cols)
            .zip(sources.par_iter())
            .for_each(|(row, source)| {
                let Some(source) = *source else { return };
                crate::cancel::enter(deadline.as_ref(), || {
                    crate::cancel::check_now();
                    with_scratch(|scratch| {
                        spec.forward(scratch, source, &targets, f64::INFINITY);
                        for (cell, dest) in row.iter_mut().zip(destinations) {
                            *cell = match *dest {
                                Some(d) if d == source => Some(Reached::default()),
                                Some(d) => scratch.reached(d),
                                None => None,
                            };
                        }
                    });
                });
            });
    }
    MatrixCells {
        rows: sources.len(),
        cols,
        cells,
    }
}

/// The running part of a link's measure: the part that accrues along its geometry (length,
/// length / speed, length × haulage rate), without a crossing's dwell or fee and without a
/// transshipment, which happen at a point.
pub fn running_measure(profile: &Profile, link: &crate::network::Link, measure: Measure) -> f64 {
    match measure {
        Measure::Distance => link.length_km,
        Measure::Time => link.length_km / link.speed_kmh,
        Measure::Cost => link.length_km * profile.rate_usd_per_tkm(link.mode),
        // Emissions accrue wholly along the link (no point part at a crossing).
        Measure::Co2 => profile.link_measure(link, Measure::Co2),
    }
}

/// Test support: the parts a search reads, owned (route code never names the snapshot,
/// which sits above it).
#[cfg(test)]
pub(crate) mod test_data {
    use super::super::{RouteData, SearchGraph};
    use crate::cost::schedule::ScheduleTable;
    use crate::index::SpatialIndex;
    use crate::network::Network;

    /// A network with its index and search graph.
    pub(crate) struct Snapshot {
        pub(crate) network: Network,
        pub(crate) index: SpatialIndex,
        pub(crate) search: SearchGraph,
        pub(crate) schedules: ScheduleTable,
    }

    impl Snapshot {
        pub(crate) fn build(network: Network) -> Self {
            Self {
                index: SpatialIndex::build(&network),
                search: SearchGraph::build(&network),
                schedules: ScheduleTable::default(),
                network,
            }
        }
    }

    impl<'a> From<&'a Snapshot> for RouteData<'a> {
        fn from(s: &'a Snapshot) -> Self {
            RouteData {
                network: &s.network,
                index: &s.index,
                search: &s.search,
                schedules: &s.schedules,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_data::Snapshot;
    use super::*;
    use crate::cost::Constraints;
    use crate::network::load_from_strs;
    use crate::route::{PlaceQuery, RouteRequest, link_mask, plan};

    /// ```text
    ///   a ──rail 1520── b ══crossing══ c ──rail 1435── d
    ///   └─────────────road (long)──────────────────────┘
    /// ```
    fn snap() -> Snapshot {
        let node = |id: &str, x: f64, country: &str| {
            format!(
                r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{x},0]}},"properties":{{"id":"{id}","name":"{id}","country":"{country}","kind":"border_point","modes":["rail","road"],"intermodal":true,"source":"t"}}}}"#
            )
        };
        let link = |id: &str, a: &str, b: &str, xa: f64, xb: f64, extra: &str| {
            format!(
                r#"{{"type":"Feature","geometry":{{"type":"LineString","coordinates":[[{xa},0],[{xb},0]]}},"properties":{{"id":"{id}","from":"{a}","to":"{b}",{extra},"speed_kmh":50,"status":"open","source":"t"}}}}"#
            )
        };
        let fc = |f: &[String]| {
            format!(
                r#"{{"type":"FeatureCollection","features":[{}]}}"#,
                f.join(",")
            )
        };
        let nodes = [
            node("a", 0.0, "AA"),
            node("b", 1.0, "AA"),
            node("c", 2.0, "BB"),
            node("d", 3.0, "BB"),
        ];
        let links = [
            link(
                "ab",
                "a",
                "b",
                0.0,
                1.0,
                r#""mode":"rail","kind":"line","gauge_mm":1520"#,
            ),
            link(
                "bc",
                "b",
                "c",
                1.0,
                2.0,
                r#""mode":"rail","kind":"crossing","gauge_mm":1520,"countries":["AA","BB"],"name":"X","dwell_h":6,"hours":"24/7","veterinary":true"#,
            ),
            link(
                "cd",
                "c",
                "d",
                2.0,
                3.0,
                r#""mode":"rail","kind":"line","gauge_mm":1435"#,
            ),
            link(
                "ad",
                "a",
                "d",
                0.0,
                3.0,
                r#""mode":"road","kind":"crossing","countries":["AA","BB"],"name":"Y","dwell_h":2,"hours":"24/7","veterinary":true,"length_km":900"#,
            ),
        ];
        Snapshot::build(load_from_strs(&fc(&nodes), &fc(&links)).unwrap())
    }

    fn spec_parts(s: &Snapshot, optimize: Measure) -> (Vec<f64>, Vec<bool>) {
        let p = Profile::default();
        (
            s.search.weights(&s.network, &p, optimize),
            link_mask(&s.network, &Constraints::default()),
        )
    }

    #[test]
    fn matrix_cells_equal_routes_in_every_measure() {
        let s = snap();
        let profile = Profile::default();
        for &optimize in Measure::ALL {
            let (w, ok) = spec_parts(&s, optimize);
            let spec = ManySpec {
                net: &s.network,
                graph: &s.search,
                weights: &w,
                link_ok: &ok,
                profile: &profile,
            };
            let all: Vec<Option<usize>> = (0..4).map(Some).collect();
            let m = matrix(&spec, &all, &all);
            for i in 0..4 {
                for j in 0..4 {
                    let cell = m.get(i, j).copied();
                    if i == j {
                        assert_eq!(cell, Some(Reached::default()));
                        continue;
                    }
                    let ids = |k: usize| PlaceQuery::Text(s.network.nodes()[k].id.0.clone());
                    let mut req = RouteRequest::new(ids(i), ids(j));
                    req.optimize = optimize;
                    let r = &plan(&s, &req).unwrap().routes[0];
                    let cell = cell.unwrap();
                    assert_eq!(cell.measures, r.measures, "{optimize:?} {i}→{j}");
                    assert_eq!(cell.crossings as usize, r.crossings(&s.network).len());
                }
            }
        }
    }

    #[test]
    fn backward_values_equal_forward_ones() {
        let s = snap();
        let profile = Profile::default();
        let (w, ok) = spec_parts(&s, Measure::Time);
        let spec = ManySpec {
            net: &s.network,
            graph: &s.search,
            weights: &w,
            link_ok: &ok,
            profile: &profile,
        };
        for target in 0..4 {
            let back: Vec<f64> = with_scratch(|sc| {
                spec.backward(sc, target, f64::INFINITY);
                (0..4)
                    .map(|u| sc.settled_dist(s.search.start_state(u)))
                    .collect()
            });
            for (u, b) in back.iter().enumerate() {
                let f = with_scratch(|sc| {
                    spec.forward(sc, u, &[target], f64::INFINITY);
                    sc.reached(target).map(|r| r.measures.get(Measure::Time))
                });
                if u == target {
                    assert_eq!(*b, 0.0);
                } else {
                    assert!((f.unwrap() - b).abs() < 1e-9, "{u}→{target}");
                }
            }
        }
    }

    #[test]
    fn a_masked_link_leaves_cells_empty() {
        let s = snap();
        let profile = Profile::default();
        let (w, _) = spec_parts(&s, Measure::Distance);
        let mut ok = vec![true; s.network.links().len()];
        ok[s.network.link_ix("ab").unwrap()] = false;
        ok[s.network.link_ix("ad").unwrap()] = false;
        let spec = ManySpec {
            net: &s.network,
            graph: &s.search,
            weights: &w,
            link_ok: &ok,
            profile: &profile,
        };
        let m = matrix(&spec, &[Some(0), None], &[Some(1), Some(3)]);
        assert_eq!(m.cells, vec![None, None, None, None]);
        let m = matrix(&spec, &[Some(1)], &[Some(3), Some(0)]);
        assert!(m.cells[0].is_some() && m.cells[1].is_none());
        assert_eq!(m.cells[0].unwrap().crossings, 1);
    }
}
