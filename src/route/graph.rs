//! The search graph: the network expanded into states (node × arriving mode × gauge), as
//! compact CSR arrays, built once per snapshot.
//!
//! A state is a node together with how it was reached: not at all (the origin, [`Arrival::Start`]),
//! by rail on a given gauge, or by road. An edge leaves a state along one traversal of a link
//! and carries the transshipment that taking this link from this state implies: a break of
//! gauge, or a rail↔road change (only at intermodal nodes; elsewhere the edge does not
//! exist). So the cost of a change is part of the edge, and Dijkstra's optimum over states is
//! the true optimum.
//!
//! ```text
//!   node B (intermodal), reached by rail 1520:  state (B, rail 1520)
//!     ── rail 1520 link ──▶ (C, rail 1520)   no transfer
//!     ── rail 1435 link ──▶ (D, rail 1435)   transfer: gauge 1520→1435
//!     ── road link ───────▶ (E, road)        transfer: rail→road
//! ```
//!
//! Edge weights for the default [`Profile`] are precomputed for each [`Measure`]; a request
//! with overridden figures recomputes one weight array (O(edges), a few microseconds).

use super::cch::{CCH_MIN_STATES, Cch, CchMetric};
use super::landmarks::{ALT_MIN_STATES, LANDMARKS, Landmarks};
use super::lazy::Lazy;
use crate::cost::{Constraints, MEASURE_COUNT, Measure, Profile, TransshipmentKind};
use crate::network::{Link, Mode, Network, Node, Status};

/// How a state was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Arrival {
    /// Not reached by any link: the start of a route.
    Start,
    /// By rail on this gauge, mm.
    Rail(u32),
    /// By road.
    Road,
}

impl Arrival {
    /// The arrival state a traversal of a link of `mode` and `gauge_mm` leads to.
    fn of_link(mode: Mode, gauge_mm: Option<u32>) -> Self {
        match mode {
            Mode::Rail => Arrival::Rail(gauge_mm.unwrap_or(0)),
            Mode::Road => Arrival::Road,
        }
    }
}

/// One traversal of a link out of a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    /// The state left.
    pub from: u32,
    /// The state reached.
    pub to: u32,
    /// Index of the link in [`Network::links`].
    pub link: u32,
    /// Traversed `from` → `to` (else `to` → `from`).
    pub forward: bool,
    /// Transshipment at the start of this edge, if any.
    pub transshipment: Option<TransshipmentKind>,
}

/// The state graph of one network (see the module docs).
#[derive(Clone)]
pub struct SearchGraph {
    /// States of node `u` are `state_first[u]..state_first[u + 1]`; the first is `Start`.
    state_first: Vec<u32>,
    /// Node of each state.
    state_node: Vec<u32>,
    /// Arrival of each state.
    state_arrival: Vec<Arrival>,
    /// Out-edges of state `s` are `edges[edge_first[s]..edge_first[s + 1]]`.
    edge_first: Vec<u32>,
    edges: Vec<Edge>,
    /// In-edges of state `t` are `rev_edges[rev_first[t]..rev_first[t + 1]]` (edge indices).
    rev_first: Vec<u32>,
    rev_edges: Vec<u32>,
    /// Edge weights for the default profile, indexed by [`Measure::index`].
    default_weights: [Vec<f64>; MEASURE_COUNT],
    /// ALT landmarks per measure over the default weights, computed on first use (or by
    /// [`SearchGraph::prepare_landmarks`]); see [`super::landmarks`].
    landmarks: [Lazy<Landmarks>; MEASURE_COUNT],
    /// Below this many states searches use plain Dijkstra ([`ALT_MIN_STATES`] unless set).
    alt_min_states: usize,
    /// Node positions (lon, lat), for the CCH's nested dissection.
    coords: Vec<[f64; 2]>,
    /// Which links the default constraints allow (the mask the CCH metrics are customized
    /// for; a request differing in a few links is partially customized).
    default_link_ok: Vec<bool>,
    /// The contraction hierarchy's order and supergraph, built on first use (or by
    /// [`SearchGraph::prepare_cch`]); see [`super::cch`].
    cch: Lazy<Cch>,
    /// Its customization per measure (default weights, default mask), on first use.
    cch_metrics: [Lazy<CchMetric>; MEASURE_COUNT],
    /// Below this many states the CCH is not used ([`CCH_MIN_STATES`] unless set).
    cch_min_states: usize,
}

/// The graph as searched: states, edges and default weights. What is derived from it and
/// built on demand (landmarks, the CCH and its customizations, the default link mask the CCH
/// is customized for, which a scenario sharing the graph may not match) is left out: two
/// graphs that print alike answer alike.
impl std::fmt::Debug for SearchGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchGraph")
            .field("state_first", &self.state_first)
            .field("state_node", &self.state_node)
            .field("state_arrival", &self.state_arrival)
            .field("edge_first", &self.edge_first)
            .field("edges", &self.edges)
            .field("rev_first", &self.rev_first)
            .field("rev_edges", &self.rev_edges)
            .field("default_weights", &self.default_weights)
            .field("alt_min_states", &self.alt_min_states)
            .field("cch_min_states", &self.cch_min_states)
            .field("coords", &self.coords)
            .finish_non_exhaustive()
    }
}

impl SearchGraph {
    /// Expands `net` into states and edges. Closed links are left out (no request can use
    /// them); every other link is in, and requests mask what they may not use.
    ///
    /// # Complexity
    /// O(states × degree), done once per snapshot.
    pub fn build(net: &Network) -> Self {
        let n = net.nodes().len();
        // Arrival states per node: Start plus one per class of link that can arrive there, in
        // the order the links first arrive. Gathered flat (one allocation) and grouped by node
        // with a stable sort, so the order within a node is the links' order.
        let usable = |s: Status| s != Status::Closed;
        let mut arriving: Vec<(u32, Arrival)> = Vec::with_capacity(2 * net.links().len());
        for l in net.links().iter().filter(|l| usable(l.status)) {
            let a = Arrival::of_link(l.mode, l.gauge_mm);
            arriving.push((l.to_ix as u32, a));
            if !l.oneway {
                arriving.push((l.from_ix as u32, a));
            }
        }
        arriving.sort_by_key(|&(u, _)| u);
        let mut state_first = Vec::with_capacity(n + 1);
        let mut state_node = Vec::with_capacity(n + arriving.len());
        let mut state_arrival = Vec::with_capacity(n + arriving.len());
        let mut next = arriving.iter().peekable();
        for u in 0..n {
            let first = state_node.len();
            state_first.push(first as u32);
            state_node.push(u as u32);
            state_arrival.push(Arrival::Start);
            while let Some(&(_, a)) = next.next_if(|(v, _)| *v as usize == u) {
                if !state_arrival[first..].contains(&a) {
                    state_node.push(u as u32);
                    state_arrival.push(a);
                }
            }
        }
        state_first.push(state_node.len() as u32);
        let state_of = |u: usize, a: Arrival| -> u32 {
            let (first, end) = (state_first[u] as usize, state_first[u + 1] as usize);
            let pos = state_arrival[first..end]
                .iter()
                .position(|x| *x == a)
                .unwrap_or(0);
            (first + pos) as u32
        };

        let mut edge_first = Vec::with_capacity(state_node.len() + 1);
        let mut edges = Vec::new();
        for (s, (&u, &arrival)) in state_node.iter().zip(&state_arrival).enumerate() {
            debug_assert_eq!(edge_first.len(), s);
            edge_first.push(edges.len() as u32);
            let u = u as usize;
            let node = &net.nodes()[u];
            for &li in net.incident(u) {
                let l = &net.links()[li];
                if !usable(l.status) {
                    continue;
                }
                let (forward, v) = if l.from_ix == u {
                    (true, l.to_ix)
                } else if !l.oneway {
                    (false, l.from_ix)
                } else {
                    continue;
                };
                let transfer = match (arrival, l.mode) {
                    (Arrival::Start, _) | (Arrival::Road, Mode::Road) => None,
                    (Arrival::Rail(g), Mode::Rail) => {
                        let to_mm = l.gauge_mm.unwrap_or(0);
                        (g != to_mm).then_some(TransshipmentKind::Gauge { from_mm: g, to_mm })
                    }
                    (Arrival::Rail(_), Mode::Road) | (Arrival::Road, Mode::Rail) => {
                        if !node.intermodal {
                            continue;
                        }
                        let from = if l.mode == Mode::Road {
                            Mode::Rail
                        } else {
                            Mode::Road
                        };
                        Some(TransshipmentKind::Mode { from, to: l.mode })
                    }
                };
                edges.push(Edge {
                    from: s as u32,
                    to: state_of(v, Arrival::of_link(l.mode, l.gauge_mm)),
                    link: li as u32,
                    forward,
                    transshipment: transfer,
                });
            }
        }
        edge_first.push(edges.len() as u32);

        // Reverse adjacency (counting sort by target state).
        let n_states = state_node.len();
        let mut rev_first = vec![0u32; n_states + 1];
        for e in &edges {
            rev_first[e.to as usize + 1] += 1;
        }
        for i in 0..n_states {
            rev_first[i + 1] += rev_first[i];
        }
        let mut fill = rev_first.clone();
        let mut rev_edges = vec![0u32; edges.len()];
        for (ei, e) in edges.iter().enumerate() {
            let slot = &mut fill[e.to as usize];
            rev_edges[*slot as usize] = ei as u32;
            *slot += 1;
        }

        let mut g = Self {
            state_first,
            state_node,
            state_arrival,
            edge_first,
            edges,
            rev_first,
            rev_edges,
            default_weights: std::array::from_fn(|_| Vec::new()),
            landmarks: std::array::from_fn(|_| Lazy::new()),
            alt_min_states: ALT_MIN_STATES,
            coords: net
                .nodes()
                .iter()
                .map(|u| [u.point.x(), u.point.y()])
                .collect(),
            default_link_ok: Constraints::default()
                .link_refusals(net)
                .iter()
                .map(Option::is_none)
                .collect(),
            cch: Lazy::new(),
            cch_metrics: std::array::from_fn(|_| Lazy::new()),
            cch_min_states: CCH_MIN_STATES,
        };
        // The default weights: each link's measures once, then one array per measure (the
        // same sums as `weights`, without evaluating a link once per edge and measure).
        let profile = Profile::default();
        let per_link: Vec<[f64; MEASURE_COUNT]> = net
            .links()
            .iter()
            .map(|l| std::array::from_fn(|i| profile.link_measure(l, Measure::ALL[i])))
            .collect();
        g.default_weights = std::array::from_fn(|i| {
            let transfer = profile.transshipment_measure(Measure::ALL[i]);
            g.edges
                .iter()
                .map(|e| {
                    let link = per_link[e.link as usize][i];
                    match e.transshipment {
                        Some(_) => link + transfer,
                        None => link,
                    }
                })
                .collect()
        });
        g
    }

    /// Whether [`SearchGraph::build`] reads the same from link `new` as from link `old`: its
    /// closedness, mode, gauge, direction, ends, and what the default weights read (length,
    /// speed, border dwell and whether it is a crossing, traction, country). When this holds
    /// for every changed link and [`SearchGraph::same_node_inputs`] for every changed node,
    /// the graph of the changed network is this one (a scenario shares it).
    ///
    /// Keep in step with `build` and `Profile::link_measure`: a scenario test compares the
    /// shared graph with one built anew.
    pub fn same_link_inputs(old: &Link, new: &Link) -> bool {
        let closed = |l: &Link| l.status == Status::Closed;
        closed(old) == closed(new)
            && old.mode == new.mode
            && old.gauge_mm == new.gauge_mm
            && old.oneway == new.oneway
            && (old.from_ix, old.to_ix) == (new.from_ix, new.to_ix)
            && old.length_km == new.length_km
            && old.speed_kmh == new.speed_kmh
            && old.crossing.as_ref().map(|c| c.dwell_h) == new.crossing.as_ref().map(|c| c.dwell_h)
            && old.electrified == new.electrified
            && old.country == new.country
    }

    /// Whether [`SearchGraph::build`] reads the same from node `new` as from node `old` (its
    /// transfers: `intermodal`).
    pub fn same_node_inputs(old: &Node, new: &Node) -> bool {
        old.intermodal == new.intermodal
    }

    /// Number of states.
    pub fn state_count(&self) -> usize {
        self.state_node.len()
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.state_first.len().saturating_sub(1)
    }

    /// The `Start` state of node `u`.
    pub fn start_state(&self, u: usize) -> u32 {
        self.state_first[u]
    }

    /// Node index of state `s`.
    pub fn node_of(&self, s: u32) -> u32 {
        self.state_node[s as usize]
    }

    /// Arrival of state `s`.
    pub fn arrival_of(&self, s: u32) -> Arrival {
        self.state_arrival[s as usize]
    }

    /// Out-edge indices of state `s`.
    pub fn out_edges(&self, s: u32) -> std::ops::Range<usize> {
        self.edge_first[s as usize] as usize..self.edge_first[s as usize + 1] as usize
    }

    /// In-edge indices of state `t` (indices into [`SearchGraph::edge`]).
    pub fn in_edges(&self, t: u32) -> &[u32] {
        &self.rev_edges
            [self.rev_first[t as usize] as usize..self.rev_first[t as usize + 1] as usize]
    }

    /// Edge `e`.
    pub fn edge(&self, e: usize) -> &Edge {
        &self.edges[e]
    }

    /// The state edge `e` leaves.
    pub fn edge_source(&self, e: usize) -> u32 {
        self.edges[e].from
    }

    /// Precomputed weights of the default profile for `measure`.
    pub fn default_weights(&self, measure: Measure) -> &[f64] {
        &self.default_weights[measure.index()]
    }

    /// The ALT landmarks of `measure` (over its default weights), computed on first use;
    /// `None` when the graph is smaller than the ALT threshold (plain Dijkstra is as fast),
    /// and while another thread computes them (the caller searches without: same values).
    pub fn landmarks(&self, measure: Measure) -> Option<&Landmarks> {
        if self.state_count() < self.alt_min_states {
            return None;
        }
        self.landmarks[measure.index()].get_unless_building(|| self.build_landmarks(measure))
    }

    fn build_landmarks(&self, measure: Measure) -> Landmarks {
        {
            let t = std::time::Instant::now();
            let lm = Landmarks::build(self, self.default_weights(measure), LANDMARKS);
            tracing::info!(
                measure = ?measure,
                states = self.state_count(),
                bytes = lm.bytes(),
                ms = t.elapsed().as_secs_f64() * 1e3,
                "ALT landmarks computed"
            );
            lm
        }
    }

    /// Computes the landmarks of every measure now (in parallel) rather than on the first
    /// request that needs them; nothing when the graph is below the ALT threshold.
    pub fn prepare_landmarks(&self) {
        use rayon::prelude::*;
        if self.state_count() < self.alt_min_states {
            return;
        }
        // Claimed before any is built, so that a request meanwhile searches without them
        // rather than building one itself.
        for m in Measure::ALL {
            self.landmarks[m.index()].claim();
        }
        Measure::ALL.par_iter().for_each(|&m| {
            self.landmarks[m.index()].get_or_build(|| self.build_landmarks(m));
        });
    }

    /// Sets the size from which searches use ALT (states); 0 makes every search use it (tests
    /// and benchmarks compare both on the same graph).
    pub fn set_alt_min_states(&mut self, states: usize) {
        self.alt_min_states = states;
    }

    /// The contraction hierarchy and its customization for `measure` (default weights and
    /// constraints), each built on first use; `None` below the CCH threshold.
    pub fn cch(&self, measure: Measure) -> Option<(&Cch, &CchMetric)> {
        if self.state_count() < self.cch_min_states {
            return None;
        }
        // Built by the first request that needs it (or by `prepare_cch`); requests asked
        // while another thread builds it search without it (ALT: the same values).
        let cch = self.cch.get_unless_building(|| self.build_cch())?;
        let metric = self.cch_metrics[measure.index()]
            .get_unless_building(|| self.customize_cch(cch, measure))?;
        Some((cch, metric))
    }

    fn build_cch(&self) -> Cch {
        {
            let t = std::time::Instant::now();
            let cch = Cch::build(self, &self.coords);
            tracing::info!(
                states = self.state_count(),
                arcs = cch.arc_count(),
                height = cch.tree_height(),
                bytes = cch.bytes(),
                ms = t.elapsed().as_secs_f64() * 1e3,
                "CCH order and contraction"
            );
            cch
        }
    }

    fn customize_cch(&self, cch: &Cch, measure: Measure) -> CchMetric {
        {
            let t = std::time::Instant::now();
            let m = cch.customize(self, self.default_weights(measure), &self.default_link_ok);
            tracing::info!(
                measure = ?measure,
                bytes = m.bytes(),
                ms = t.elapsed().as_secs_f64() * 1e3,
                "CCH customized"
            );
            m
        }
    }

    /// Builds the CCH and customizes every measure now rather than on first use; nothing
    /// below the CCH threshold.
    pub fn prepare_cch(&self) {
        self.prepare_cch_of(Measure::ALL);
    }

    /// Builds the hierarchy and the customizations of `measures` now, on this thread;
    /// requests meanwhile search without them. Nothing below the CCH threshold.
    pub fn prepare_cch_of(&self, measures: &[Measure]) {
        if self.state_count() < self.cch_min_states {
            return;
        }
        self.cch.claim();
        for &m in measures {
            self.cch_metrics[m.index()].claim();
        }
        let cch = self.cch.get_or_build(|| self.build_cch());
        for &m in measures {
            self.cch_metrics[m.index()].get_or_build(|| self.customize_cch(cch, m));
        }
    }

    /// Sets the size from which best routes use the CCH (states); 0 makes every search use
    /// it, `usize::MAX` none (tests and benchmarks compare them on the same graph).
    pub fn set_cch_min_states(&mut self, states: usize) {
        self.cch_min_states = states;
    }

    /// Every edge that traverses link `link` (in either direction, from any arrival state of
    /// its ends `a` and `b`).
    pub fn edges_of_link(&self, a: usize, b: usize, link: usize) -> impl Iterator<Item = usize> {
        let states = |u: usize| self.state_first[u]..self.state_first[u + 1];
        states(a)
            .chain(if a == b { 0..0 } else { states(b) })
            .flat_map(move |s| self.out_edges(s))
            .filter(move |&e| self.edges[e].link as usize == link)
    }

    /// Edge weights of `measure` under `profile`, one per edge.
    ///
    /// # Complexity
    /// O(edges).
    pub fn weights(&self, net: &Network, profile: &Profile, measure: Measure) -> Vec<f64> {
        self.edges
            .iter()
            .map(|e| {
                let link = profile.link_measure(&net.links()[e.link as usize], measure);
                match e.transshipment {
                    Some(_) => link + profile.transshipment_measure(measure),
                    None => link,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::load_from_strs;

    const NODES: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","geometry":{"type":"Point","coordinates":[0,0]},"properties":{"id":"a","name":"A","country":"AA","kind":"city","modes":["rail"],"intermodal":false,"source":"t"}},
      {"type":"Feature","geometry":{"type":"Point","coordinates":[1,0]},"properties":{"id":"b","name":"B","country":"AA","kind":"city","modes":["rail","road"],"intermodal":true,"source":"t"}},
      {"type":"Feature","geometry":{"type":"Point","coordinates":[2,0]},"properties":{"id":"c","name":"C","country":"AA","kind":"city","modes":["rail","road"],"intermodal":false,"source":"t"}}
    ]}"#;
    const LINKS: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,0]]},"properties":{"id":"ab","from":"a","to":"b","mode":"rail","kind":"line","gauge_mm":1520,"speed_kmh":50,"status":"open","source":"t"}},
      {"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,0],[2,0]]},"properties":{"id":"bc-rail","from":"b","to":"c","mode":"rail","kind":"line","gauge_mm":1435,"speed_kmh":50,"status":"open","source":"t"}},
      {"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,0],[2,0]]},"properties":{"id":"bc-road","from":"b","to":"c","mode":"road","kind":"road","speed_kmh":50,"status":"open","source":"t"}}
    ]}"#;

    /// The precomputed weights against the README's formulas and default figures written out
    /// here as literals (not read from `Profile`): a changed default, a measure stored under
    /// another's index, a dwell or transshipment left out, or the wrong grid all fail.
    #[test]
    fn default_weights_are_the_readmes_formulas_and_figures() {
        // README "Costing profile": USD/t·km, USD/t, h, kg CO2e.
        const RAIL_USD_PER_TKM: f64 = 0.04;
        const ROAD_USD_PER_TKM: f64 = 0.10;
        const BORDER_USD_PER_T: f64 = 8.0;
        const TRANSSHIPMENT_H: f64 = 24.0;
        const TRANSSHIPMENT_USD_PER_T: f64 = 15.0;
        const TRANSSHIPMENT_KG_PER_T: f64 = 1.5;
        const ROAD_KG_PER_TKM: f64 = 0.125;
        const RAIL_DIESEL_KG_PER_TKM: f64 = 0.023;
        const RAIL_KWH_PER_TKM: f64 = 0.025;
        let grid = |country: &str| match country {
            "RU" => 0.482,
            "MN" => 0.876,
            "CN" => 0.600,
            "KZ" => 0.866,
            _ => 0.509,
        };
        let net = crate::network::Network::embedded().unwrap();
        let g = SearchGraph::build(&net);
        let (mut crossings, mut transfers, mut electric) = (0, 0, 0);
        for e in 0..g.edge_count() {
            let edge = g.edge(e);
            let l = &net.links()[edge.link as usize];
            let rail = l.mode == Mode::Rail;
            let dwell_h = l.crossing.as_ref().map_or(0.0, |c| c.dwell_h);
            let shipped = edge.transshipment.is_some();
            crossings += usize::from(l.crossing.is_some());
            transfers += usize::from(shipped);
            electric += usize::from(l.electrified);
            // The grid is the `from` node's country's (README: the link's `from` country).
            let from_country = net.nodes()[l.from_ix].country.as_str();
            let kg_per_tkm = match (rail, l.electrified) {
                (false, _) => ROAD_KG_PER_TKM,
                (true, false) => RAIL_DIESEL_KG_PER_TKM,
                (true, true) => RAIL_KWH_PER_TKM * grid(from_country),
            };
            let t = if shipped { 1.0 } else { 0.0 };
            let usd_per_tkm = if rail {
                RAIL_USD_PER_TKM
            } else {
                ROAD_USD_PER_TKM
            };
            let border_usd = if l.crossing.is_some() {
                BORDER_USD_PER_T
            } else {
                0.0
            };
            let expected = [
                (Measure::Distance, l.length_km),
                (
                    Measure::Time,
                    l.length_km / l.speed_kmh + dwell_h + t * TRANSSHIPMENT_H,
                ),
                (
                    Measure::Cost,
                    l.length_km * usd_per_tkm + border_usd + t * TRANSSHIPMENT_USD_PER_T,
                ),
                (
                    Measure::Co2,
                    l.length_km * kg_per_tkm + t * TRANSSHIPMENT_KG_PER_T,
                ),
            ];
            for (m, want) in expected {
                let got = g.default_weights(m)[e];
                assert!(
                    (got - want).abs() <= 1e-9 * (1.0 + want.abs()),
                    "{m:?} of edge {e} on {}: {got} ≠ {want}",
                    l.id
                );
            }
        }
        // The data exercises every term.
        assert!(crossings > 0 && transfers > 0 && electric > 0);
    }

    #[test]
    fn states_and_transfers() {
        let net = load_from_strs(NODES, LINKS).unwrap();
        let g = SearchGraph::build(&net);
        // a: start, rail1520; b: start, rail1520, rail1435, road; c: start, rail1435, road.
        assert_eq!(g.state_count(), 2 + 4 + 3);
        let b = net.node_ix("b").unwrap();
        let b_rail = g.start_state(b) + 1;
        assert_eq!(g.arrival_of(b_rail), Arrival::Rail(1520));
        let transfers: Vec<_> = g
            .out_edges(b_rail)
            .map(|e| {
                (
                    net.links()[g.edge(e).link as usize].id.0.as_str(),
                    g.edge(e).transshipment,
                )
            })
            .collect();
        assert!(transfers.contains(&("ab", None)));
        assert!(transfers.contains(&(
            "bc-rail",
            Some(TransshipmentKind::Gauge {
                from_mm: 1520,
                to_mm: 1435
            })
        )));
        assert!(transfers.contains(&(
            "bc-road",
            Some(TransshipmentKind::Mode {
                from: Mode::Rail,
                to: Mode::Road
            })
        )));
        // c is not intermodal: arriving by road, one cannot leave by rail.
        let c = net.node_ix("c").unwrap();
        let c_road = (g.start_state(c)..g.start_state(c) + 3)
            .find(|&s| g.arrival_of(s) == Arrival::Road)
            .unwrap();
        assert!(
            g.out_edges(c_road)
                .all(|e| net.links()[g.edge(e).link as usize].mode == Mode::Road)
        );
        // Reverse adjacency mirrors the forward one.
        let total: usize = (0..g.state_count() as u32)
            .map(|t| g.in_edges(t).len())
            .sum();
        assert_eq!(total, g.edge_count());
    }
}
