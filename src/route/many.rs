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
//! # With a departure (`depart`)
//! A [`Timed`] spec times every edge through the crossings' schedules
//! ([`EdgeClock`], the same step timing as the timed route). Optimising time, the keys are
//! arrival hours after departure: a time-dependent Dijkstra, exact because every step's
//! arrival is non-decreasing in its start (FIFO), relaxing edges exactly as
//! `SearchProblem::earliest_arrival` does, so a node's first settled state is its earliest
//! arrival. Optimising another measure, the keys stay the weights and each state also
//! carries the clock along its path, as the route's timing simulates its chosen route. A
//! crossing reached outside the calendar's years cannot be timed; its earliest reach is
//! kept ([`ManyScratch::calendar_failure`]) so a caller can tell which answers it leaves
//! uncertain (see [`matrix`]).
//!
//! # With an arrival deadline (latest departures)
//! Backward with a [`Timed`] spec optimising time, the clock's instant is a deadline at the
//! target, and the keys are hours before it: a state's key is how early it must be left at
//! the latest. Over an in-edge `e` of a state that must be left `k` hours before the
//! deadline, the latest start is [`EdgeClock::latest_start`]`(e, −k, …)`: the step's timing
//! inverted (to the second) through its FIFO arrival. The latest-start function of each edge
//! is non-decreasing in its deadline and never later than it, so the backward Dijkstra on
//! these keys is exact, as the earliest-arrival one is forward:
//!
//! ```text
//!   latest start at s = max over out-edges e = (s → t) of latest_start(e, latest start at t)
//!   target: 0 h before the deadline         s ──e──▶ t ──▶ … ──▶ target (by the deadline)
//! ```
//!
//! The start found is never later than the true latest one, and at most a second earlier per
//! crossing waited for on the way.
//!
//! # Tall matrices: backward
//! With many more sources than destinations ([`TALL_RATIO`]; no departure), [`matrix`] runs one
//! backward search per destination instead of one forward search per source. The backward
//! search records each state's successor edge; a source's route is the successor chain from
//! its `Start` state to the destination, and its measures are summed along that chain in
//! travel order, as the forward search and `route::plan` sum theirs. Oneway links and
//! direction-dependent costs are honoured because the backward search walks the same edges
//! (in-edges of the state graph) with the same weights. Among routes of exactly equal
//! optimised weight the two directions may pick different ones.
//!
//! # On the contraction hierarchy
//! On graphs with a hierarchy (≥ [`super::cch::CCH_MIN_STATES`] states), a matrix with the
//! default weights and no departure is a bucket many-to-many on it
//! ([`matrix_on_hierarchy`], [`Cch::many_to_many`]): one backward upward search per
//! distinct destination, one forward upward search per distinct source, both far smaller
//! than a Dijkstra over the graph. Each cell is a route of least optimised weight (exact:
//! `tests/cch_props.rs`, `tests/matrix_props.rs`), its other measures summed along it
//! grouped by shortcuts, so they equal the route's up to floating-point rounding; among
//! routes of exactly equal weight the hierarchy may pick another. An avoid list is a partial
//! customization shared by all the searches; a mask that changes too many links (another
//! mode, an avoided country) is a full customization for the request when the matrix has at
//! least [`super::cch::CUSTOMIZE_MIN_SEARCHES`] sources and destinations, else falls back
//! to the searches above. Smaller graphs (the corridor
//! network, the golden set) never use it.
//!
//! # Buffers
//! Per-state arrays live in a [`ManyScratch`] kept per thread (the HTTP workers and the
//! matrix's thread pool each keep one) and are reset in O(1) by a generation stamp, so a
//! search allocates nothing the size of the graph.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use super::cch::{Cch, CchMetric};
use super::graph::SearchGraph;
pub use super::timed::EdgeClock;
// The heap entry is search's, so both searches settle states in the same order.
use super::search::Item;
use crate::cost::schedule::OutsideCalendar;
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
    /// A departure: every edge is timed through the crossings' schedules (`None`: timeless).
    pub timed: Option<Timed<'a>>,
}

/// A departure for a one-to-many search, or (backward) an arrival deadline at its target
/// (see the module docs).
#[derive(Debug, Clone, Copy)]
pub struct Timed<'a> {
    /// Times each edge for the departure: hours count from `clock.depart_s`, the departure
    /// (forward searches) or the arrival deadline (backward searches).
    pub clock: EdgeClock<'a>,
    /// Whether the search's keys are arrival hours (optimising time: the earliest arrival)
    /// rather than the request's weights (another measure, its routes timed as found).
    pub by_arrival: bool,
}

/// The weights and link mask of one request, as `route::plan` builds them: the precomputed
/// weights when the profile leaves them unchanged, else recomputed (O(edges)).
#[derive(Debug, Clone)]
pub struct Costing<'g> {
    /// One weight per edge, of the optimised measure.
    pub weights: Cow<'g, [f64]>,
    /// One flag per link.
    pub link_ok: super::LinkMask,
    /// The costing figures.
    pub profile: Profile,
}

impl<'g> Costing<'g> {
    /// The costing of `optimize` under `profile` and `constraints` (its own link mask).
    pub fn new(
        net: &Network,
        graph: &'g SearchGraph,
        constraints: &Constraints,
        profile: Profile,
        optimize: Measure,
    ) -> Self {
        let link_ok = super::LinkMask::Own(super::link_mask(net, constraints));
        Self::with_mask(net, graph, link_ok, profile, optimize)
    }

    /// [`Costing::new`] taking the link mask from `masks` (the network's cache: shared when
    /// the constraints have no avoid list or closure).
    pub fn cached(
        net: &Network,
        graph: &'g SearchGraph,
        masks: &super::MaskCache,
        constraints: &Constraints,
        profile: Profile,
        optimize: Measure,
    ) -> Self {
        let link_ok = masks.mask(net, constraints);
        Self::with_mask(net, graph, link_ok, profile, optimize)
    }

    fn with_mask(
        net: &Network,
        graph: &'g SearchGraph,
        link_ok: super::LinkMask,
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
            link_ok,
            profile,
        }
    }

    /// Whether the weights are the graph's own (the profile leaves them unchanged): then the
    /// contraction hierarchy's customization of the measure applies.
    pub fn default_weights(&self) -> bool {
        matches!(self.weights, Cow::Borrowed(_))
    }

    /// The search spec over this costing.
    pub fn spec<'a>(&'a self, net: &'a Network, graph: &'a SearchGraph) -> ManySpec<'a> {
        ManySpec {
            net,
            graph,
            weights: &self.weights,
            link_ok: &self.link_ok,
            profile: &self.profile,
            timed: None,
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
    /// With a departure, the time includes the waits at closed crossings.
    pub measures: Measures,
    /// Border crossings on the route.
    pub crossings: u32,
    /// With a departure: when the route arrives and how long it waits at crossings.
    pub timing: Option<CellTiming>,
}

/// The timing of a route found with a departure.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CellTiming {
    /// Arrival, hours after departure (`+∞` when a crossing on the route could not be timed).
    pub arrive_h: f64,
    /// Hours spent waiting for crossings to open.
    pub wait_h: f64,
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
    /// With a departure: clock (hours after departure) and waits on the path to each state.
    clock_h: Vec<f64>,
    wait_h: Vec<f64>,
    /// Successor edge of each state towards the target (backward searches).
    succ: Vec<u32>,
    /// Whether the last search was timed.
    timed: bool,
    /// The earliest clock at which the last timed search met a crossing it could not time.
    failed: Option<(f64, OutsideCalendar)>,
    stamp: Vec<u32>,
    /// `== generation` once a state is settled.
    settled: Vec<u32>,
    /// The states settled by the last search, in settling order.
    order: Vec<u32>,
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
            self.clock_h.resize(states, 0.0);
            self.wait_h.resize(states, 0.0);
            self.succ.resize(states, UNSET);
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
        self.order.clear();
        self.timed = false;
        self.failed = None;
    }

    /// The earliest clock (hours after departure) at which the last timed search met a
    /// crossing it could not time (reached outside the calendar's years), and why. An
    /// earliest-arrival answer later than that clock is uncertain: the untimeable crossing
    /// might have led to an earlier arrival.
    pub fn calendar_failure(&self) -> Option<(f64, OutsideCalendar)> {
        self.failed
    }

    fn record_failure(&mut self, at_h: f64, e: OutsideCalendar) {
        if self.failed.is_none_or(|(h, _)| at_h < h) {
            self.failed = Some((at_h, e));
        }
    }

    /// The states the last search settled, in settling order (a bounded search settles only
    /// what lies within its bound, so callers walk these rather than the whole graph).
    pub fn settled_states(&self) -> &[u32] {
        &self.order
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
        self.best_state(node).map(|s| {
            let s = s as usize;
            let mut measures = self.measures[s];
            let timing = self.timed.then(|| {
                measures[Measure::Time] += self.wait_h[s];
                CellTiming {
                    arrive_h: self.clock_h[s],
                    wait_h: self.wait_h[s],
                }
            });
            Reached {
                measures,
                crossings: self.crossings[s],
                timing,
            }
        })
    }

    /// Hours after departure at which the last timed search first reached `node` (its
    /// first settled state): `+∞` when not reached or not timeable.
    pub fn clock_at(&self, node: usize) -> f64 {
        match self.best_state(node) {
            Some(s) if self.timed => self.clock_h[s as usize],
            _ => f64::INFINITY,
        }
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
        scratch.clock_h[start as usize] = 0.0;
        scratch.wait_h[start as usize] = 0.0;
        scratch.timed = self.timed.is_some();
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
            scratch.order.push(vert);
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
            let (c_here, w_here) = (
                scratch.clock_h[vert as usize],
                scratch.wait_h[vert as usize],
            );
            for e in graph.out_edges(vert) {
                if !self.edge_ok(e) {
                    continue;
                }
                let edge = graph.edge(e);
                let t = edge.to;
                // With a departure: the step's timing from the clock here (`None` when the
                // clock is unknown or the crossing cannot be timed).
                let timing = match self.timed {
                    Some(timed) if c_here.is_finite() => match timed.clock.edge(e, c_here) {
                        Ok(x) => Some(x),
                        Err(err) => {
                            scratch.record_failure(c_here, err);
                            None
                        }
                    },
                    _ => None,
                };
                let nd = match self.timed {
                    // As the timed route search: the arrival is the key; an edge that
                    // cannot be timed is not taken.
                    Some(Timed {
                        by_arrival: true, ..
                    }) => match timing {
                        Some(x) => x.arrive_h,
                        None => continue,
                    },
                    _ => g + self.weights[e],
                };
                if nd < scratch.tentative(t) {
                    if self.timed.is_some() {
                        let (c, w) = timing.map_or((f64::INFINITY, f64::INFINITY), |x| {
                            (x.arrive_h, w_here + x.wait_h)
                        });
                        scratch.clock_h[t as usize] = c;
                        scratch.wait_h[t as usize] = w;
                    }
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
    /// Each settled state also gets its successor edge towards `target`
    /// ([`ManySpec::walk`] follows them).
    ///
    /// With a [`Timed`] spec optimising time (`by_arrival`), the clock's instant is an
    /// **arrival deadline** at `target` and the search finds latest departures: a state's
    /// value is how many hours before the deadline it must be left at the latest to arrive
    /// in time, waits at closed crossings included (see the module docs). A crossing that
    /// cannot be timed is recorded ([`ManyScratch::calendar_failure`], at the hours before
    /// the deadline it was needed) and not taken. A timed spec of another measure is ignored
    /// (its values would not be hours).
    ///
    /// # Arguments
    /// * `sources` — when non-empty, stop once the `Start` state of every one of these nodes
    ///   is settled (their values and successor chains are final then).
    /// * `max_key` — stop once the smallest tentative distance exceeds it.
    pub fn backward(
        &self,
        scratch: &mut ManyScratch,
        target: usize,
        sources: &[usize],
        max_key: f64,
    ) {
        let graph = self.graph;
        scratch.prepare(graph.state_count(), graph.node_count());
        if target >= graph.node_count() {
            return;
        }
        let generation = scratch.generation;
        let mut remaining = 0usize;
        for &u in sources {
            if u < graph.node_count() && scratch.target[u] != generation {
                scratch.target[u] = generation;
                remaining += 1;
            }
        }
        let bounded = !sources.is_empty();
        // With an arrival deadline: a latest-departure search (see the module docs).
        let latest = self.timed.filter(|t| t.by_arrival).map(|t| t.clock);
        let horizon_h = if max_key.is_finite() {
            max_key
        } else {
            LATEST_HORIZON_H
        };
        let goal = target as u32;
        let first = graph.start_state(target);
        let mut s = first;
        while (s as usize) < graph.state_count() && graph.node_of(s) == goal {
            scratch.dist[s as usize] = 0.0;
            scratch.stamp[s as usize] = generation;
            scratch.succ[s as usize] = UNSET;
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
            scratch.order.push(t);
            if bounded {
                let node = graph.node_of(t) as usize;
                if scratch.target[node] == generation && graph.start_state(node) == t {
                    remaining -= 1;
                    if remaining == 0 {
                        break;
                    }
                }
            }
            for &e in graph.in_edges(t) {
                let e = e as usize;
                if !self.edge_ok(e) {
                    continue;
                }
                let from = graph.edge_source(e);
                if graph.node_of(from) == goal {
                    continue; // a route ends at its first arrival: it never leaves the goal
                }
                let nd = match latest {
                    // Hours before the deadline of the latest start over `e` that is at
                    // `t` by its own latest time (`key` hours before the deadline).
                    Some(clock) => match clock.latest_start(e, -key, -horizon_h) {
                        Ok(Some(start_h)) => -start_h,
                        Ok(None) => continue,
                        Err(err) => {
                            scratch.record_failure(key, err);
                            continue;
                        }
                    },
                    None => key + self.weights[e],
                };
                if nd < scratch.tentative(from) {
                    scratch.dist[from as usize] = nd;
                    scratch.stamp[from as usize] = generation;
                    scratch.succ[from as usize] = e as u32;
                    scratch.heap.push(Item {
                        key: nd,
                        vert: from,
                    });
                }
            }
        }
    }
    /// After a [`ManySpec::backward`] search towards `target`: the route from `source`, its
    /// measures summed in travel order along the successor chain from its `Start` state
    /// (as the forward search sums them), `None` when it cannot reach `target`.
    ///
    /// # Complexity
    /// O(edges of the route).
    pub fn walk(&self, scratch: &ManyScratch, source: usize, target: usize) -> Option<Reached> {
        let graph = self.graph;
        if source >= graph.node_count() || target >= graph.node_count() {
            return None;
        }
        let mut s = graph.start_state(source);
        if !scratch.settled_dist(s).is_finite() {
            return None;
        }
        let links = self.net.links();
        let mut measures = Measures::default();
        let mut crossings = 0u32;
        // A successor chain ends at the target (settled states point at states settled
        // before them); the bound only guards against a corrupted scratch.
        for _ in 0..graph.state_count() {
            if graph.node_of(s) as usize == target {
                return Some(Reached {
                    measures,
                    crossings,
                    timing: None,
                });
            }
            let e = scratch.succ[s as usize];
            if e == UNSET {
                return None;
            }
            let edge = graph.edge(e as usize);
            let link = &links[edge.link as usize];
            measures += self.profile.step_measures(link, edge.transshipment);
            crossings += u32::from(link.kind == LinkKind::Crossing);
            s = edge.to;
        }
        None
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
    /// With a departure: set when some cell's answer is uncertain because its search met a
    /// crossing it could not time (reached outside the calendar's years) — its earliest
    /// arrival or its route's timing is not known. Callers refuse the matrix then, as a
    /// route is refused.
    pub outside_calendar: Option<OutsideCalendar>,
    /// Which way the cells were searched.
    pub search: MatrixSearch,
    /// The departure the cells' timings count from (set by the planner; `None`: timeless).
    pub depart: Option<chrono::DateTime<chrono::FixedOffset>>,
}

/// How a matrix's cells are searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatrixSearch {
    /// One forward search per source.
    Forward,
    /// One backward search per destination (tall matrices without a departure).
    Backward,
    /// A bucket many-to-many on the contraction hierarchy ([`matrix_on_hierarchy`]).
    Hierarchy,
}

impl MatrixCells {
    /// The cell of source `i` and destination `j`.
    pub fn get(&self, i: usize, j: usize) -> Option<&Reached> {
        self.cells.get(i * self.cols + j).and_then(Option::as_ref)
    }
}

/// How far back (hours before the deadline) a latest-departure search looks for a start
/// over a closed crossing when it has no budget of its own: 60 days.
pub const LATEST_HORIZON_H: f64 = 60.0 * 24.0;

/// A matrix is searched backward (one search per destination) when it has at least this
/// many times as many distinct sources as distinct destinations (and no departure). A
/// backward search that must settle every source costs about twice a forward one that stops
/// at its destinations (`benches/matrix.rs`: 100 × 100 on the curated network, 10.6 ms
/// backward against 5.1 ms forward), so below that ratio forward is as fast or faster.
pub const TALL_RATIO: usize = 3;

/// How many upward searches of a hierarchy matrix count as one one-to-many search against
/// the work cap ([`MatrixSearch::searches`]). Measured on the 10⁵-node generated network
/// (`benches/matrix.rs` `large`, one contended run): 20 Dijkstra searches 3.19 s against
/// 120 upward searches (20 × 100 on the hierarchy, cells unpacked) 0.55 s, about 35 upward
/// searches per Dijkstra; half that leaves room for the unpacking that grows with the cells.
pub const HIERARCHY_SEARCHES_PER_SEARCH: usize = 16;

/// Distances, times, costs and crossings from every source to every destination, sources
/// or destinations in parallel on rayon's pool: one forward search per source (stopping once
/// all destinations are settled), or, for a tall matrix ([`TALL_RATIO`] times as many
/// distinct sources as destinations) without a departure, one backward search per
/// destination (stopping once every source is settled; see the module docs).
///
/// # Arguments
/// * `sources`, `destinations` — node indices; `None` marks a place that cannot start or end
///   a route under the request's constraints (its whole row or column is `None`).
///
/// # Returns
/// Cells row-major. A source equal to its destination gets all-zero measures (`route::plan`
/// refuses such a pair as having no extent; a matrix's diagonal is 0, as in OSRM's `table`).
/// With a departure, [`MatrixCells::outside_calendar`] is set when a cell is uncertain: an
/// earliest arrival later than (or no arrival after) the clock at which its search met an
/// untimeable crossing, or a route whose own crossings cannot be timed.
///
/// # Complexity
/// `min(sources, destinations)` one-to-many searches, O((S + E) log S) each, divided among
/// the pool's threads; backward adds O(route edges) per cell.
pub fn matrix(
    spec: &ManySpec<'_>,
    sources: &[Option<usize>],
    destinations: &[Option<usize>],
) -> MatrixCells {
    matrix_by(
        spec,
        sources,
        destinations,
        matrix_search(spec, sources, destinations),
    )
}

/// The way [`matrix`] searches these cells: backward for a tall matrix ([`TALL_RATIO`] times
/// as many distinct sources as destinations) without a departure, else forward.
pub fn matrix_search(
    spec: &ManySpec<'_>,
    sources: &[Option<usize>],
    destinations: &[Option<usize>],
) -> MatrixSearch {
    let distinct = |v: &[Option<usize>]| {
        let mut d: Vec<usize> = v.iter().flatten().copied().collect();
        d.sort_unstable();
        d.dedup();
        d.len()
    };
    if spec.timed.is_none() && TALL_RATIO * distinct(destinations) <= distinct(sources) {
        MatrixSearch::Backward
    } else {
        MatrixSearch::Forward
    }
}

impl MatrixSearch {
    /// How many one-to-many searches [`matrix_by`] runs this way: one per usable source
    /// (forward) or destination (backward), repeats included.
    pub fn searches(self, sources: &[Option<usize>], destinations: &[Option<usize>]) -> usize {
        match self {
            MatrixSearch::Forward if destinations.is_empty() => 0,
            MatrixSearch::Forward => sources.iter().flatten().count(),
            MatrixSearch::Backward => destinations.iter().flatten().count(),
            // One upward search per place, each far smaller than a one-to-many search:
            // counted as one search per [`HIERARCHY_SEARCHES_PER_SEARCH`] of them.
            MatrixSearch::Hierarchy => (sources.iter().flatten().count()
                + destinations.iter().flatten().count())
            .div_ceil(HIERARCHY_SEARCHES_PER_SEARCH),
        }
    }
}

/// [`matrix`] with the search direction chosen by the caller (a departure always searches
/// forward: the backward search is timeless).
pub fn matrix_by(
    spec: &ManySpec<'_>,
    sources: &[Option<usize>],
    destinations: &[Option<usize>],
    search: MatrixSearch,
) -> MatrixCells {
    let search = match search {
        _ if spec.timed.is_some() => MatrixSearch::Forward,
        // Without the hierarchy at hand: the one-to-many searches (the caller that has one
        // calls [`matrix_on_hierarchy`]).
        MatrixSearch::Hierarchy => matrix_search(spec, sources, destinations),
        other => other,
    };
    let (rows, cols) = (sources.len(), destinations.len());
    let mut cells = vec![None; rows * cols];
    // The request's deadline travels to rayon's threads, so each search stops too.
    let deadline = crate::cancel::current();
    let mut outside_calendar = None;
    match search {
        MatrixSearch::Forward if cols > 0 => {
            let targets: Vec<usize> = destinations.iter().flatten().copied().collect();
            let failures: Vec<Option<OutsideCalendar>> = cells
                .par_chunks_mut(cols)
                .zip(sources.par_iter())
                .map(|(row, source)| {
                    let source = (*source)?;
                    crate::cancel::enter(deadline.as_ref(), || {
                        crate::cancel::check_now();
                        with_scratch(|scratch| {
                            spec.forward(scratch, source, &targets, f64::INFINITY);
                            forward_row(spec, scratch, source, destinations, row)
                        })
                    })
                })
                .collect();
            outside_calendar = failures.into_iter().flatten().next();
        }
        MatrixSearch::Forward | MatrixSearch::Hierarchy => {}
        MatrixSearch::Backward => {
            let from: Vec<usize> = sources.iter().flatten().copied().collect();
            let columns: Vec<Vec<Option<Reached>>> = destinations
                .par_iter()
                .map(|dest| {
                    let Some(d) = *dest else {
                        return vec![None; rows];
                    };
                    crate::cancel::enter(deadline.as_ref(), || {
                        crate::cancel::check_now();
                        with_scratch(|scratch| {
                            spec.backward(scratch, d, &from, f64::INFINITY);
                            sources
                                .iter()
                                .map(|s| match *s {
                                    Some(s) if s == d => Some(Reached::default()),
                                    Some(s) => spec.walk(scratch, s, d),
                                    None => None,
                                })
                                .collect()
                        })
                    })
                })
                .collect();
            for (j, column) in columns.into_iter().enumerate() {
                for (i, cell) in column.into_iter().enumerate() {
                    cells[i * cols + j] = cell;
                }
            }
        }
    }
    MatrixCells {
        rows,
        cols,
        cells,
        outside_calendar,
        search,
        depart: None,
    }
}

/// [`matrix`] on a contraction hierarchy ([`Cch::many_to_many`]: one backward upward search
/// per destination filling buckets, one forward upward search per source scanning them),
/// for a timeless spec whose weights are those `metric` was customized with. Each cell's
/// measures and crossings are those of one route of least optimised weight, summed over its
/// edges grouped by the hierarchy's shortcuts (memoized across the matrix's cells), so they
/// equal the Dijkstra matrix's up to floating-point rounding, not bit for bit; among routes
/// of exactly equal weight it may pick another than the Dijkstra matrix.
///
/// # Returns
/// `None` (the caller searches without the hierarchy) with a departure, or when the spec's
/// link mask differs from the metric's in more links than a partial customization takes.
/// Repeated places are searched once.
///
/// # Complexity
/// See [`Cch::many_to_many`]: distinct sources + distinct destinations upward searches.
pub fn matrix_on_hierarchy(
    spec: &ManySpec<'_>,
    cch: &Cch,
    metric: &CchMetric,
    sources: &[Option<usize>],
    destinations: &[Option<usize>],
) -> Option<MatrixCells> {
    if spec.timed.is_some() {
        return None;
    }
    let distinct = |v: &[Option<usize>]| {
        let mut d: Vec<u32> = v.iter().flatten().map(|&u| u as u32).collect();
        d.sort_unstable();
        d.dedup();
        d
    };
    let (from, to) = (distinct(sources), distinct(destinations));
    let (rows, cols) = (sources.len(), destinations.len());
    let links = spec.net.links();
    let found = if from.is_empty() || to.is_empty() {
        Vec::new()
    } else {
        cch.many_to_many(
            spec.graph,
            metric,
            spec.weights,
            spec.link_ok,
            &from,
            &to,
            |e| {
                let edge = spec.graph.edge(e as usize);
                let link = &links[edge.link as usize];
                Reached {
                    measures: spec.profile.step_measures(link, edge.transshipment),
                    crossings: u32::from(link.kind == LinkKind::Crossing),
                    timing: None,
                }
            },
            |a, b| {
                let mut measures = a.measures;
                measures += b.measures;
                Reached {
                    measures,
                    crossings: a.crossings + b.crossings,
                    timing: None,
                }
            },
        )?
    };
    let mut cells = vec![None; rows * cols];
    for (i, s) in sources.iter().enumerate() {
        let Some(s) = *s else { continue };
        let fi = from.binary_search(&(s as u32)).ok();
        for (j, d) in destinations.iter().enumerate() {
            let Some(d) = *d else { continue };
            cells[i * cols + j] = if s == d {
                Some(Reached::default())
            } else {
                let tj = to.binary_search(&(d as u32)).ok();
                fi.zip(tj).and_then(|(fi, tj)| found[fi * to.len() + tj])
            };
        }
    }
    Some(MatrixCells {
        rows,
        cols,
        cells,
        outside_calendar: None,
        search: MatrixSearch::Hierarchy,
        depart: None,
    })
}

/// Fills one row after a forward search from `source`; with a departure, returns why a cell
/// of it is uncertain, if one is.
fn forward_row(
    spec: &ManySpec<'_>,
    scratch: &ManyScratch,
    source: usize,
    destinations: &[Option<usize>],
    row: &mut [Option<Reached>],
) -> Option<OutsideCalendar> {
    let mut uncertain = None;
    for (cell, dest) in row.iter_mut().zip(destinations) {
        *cell = match *dest {
            Some(d) if d == source => Some(Reached {
                timing: spec.timed.map(|_| CellTiming::default()),
                ..Reached::default()
            }),
            Some(d) => scratch.reached(d),
            None => None,
        };
        let (Some(timed), Some(_)) = (spec.timed, dest) else {
            continue;
        };
        let arrive_h = cell
            .as_ref()
            .and_then(|c| c.timing)
            .map_or(f64::INFINITY, |t| t.arrive_h);
        let certain = match (timed.by_arrival, scratch.calendar_failure()) {
            // Earliest arrival: certain when no untimeable crossing was met before it.
            (true, Some((failed_h, _))) => arrive_h <= failed_h,
            (true, None) => true,
            // Another measure: the route is the timeless one; only its own timing counts.
            (false, _) => cell.is_none() || arrive_h.is_finite(),
        };
        if !certain {
            uncertain = uncertain.or(scratch.calendar_failure().map(|f| f.1));
        }
    }
    uncertain
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
        pub(crate) masks: crate::route::MaskCache,
    }

    impl Snapshot {
        pub(crate) fn build(network: Network) -> Self {
            Self {
                index: SpatialIndex::build(&network),
                search: SearchGraph::build(&network),
                schedules: ScheduleTable::default(),
                masks: Default::default(),
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
                masks: &s.masks,
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
                timed: None,
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
            timed: None,
        };
        for target in 0..4 {
            let back: Vec<f64> = with_scratch(|sc| {
                spec.backward(sc, target, &[], f64::INFINITY);
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
            timed: None,
        };
        let m = matrix(&spec, &[Some(0), None], &[Some(1), Some(3)]);
        assert_eq!(m.cells, vec![None, None, None, None]);
        let m = matrix(&spec, &[Some(1)], &[Some(3), Some(0)]);
        assert!(m.cells[0].is_some() && m.cells[1].is_none());
        assert_eq!(m.cells[0].unwrap().crossings, 1);
    }
}
