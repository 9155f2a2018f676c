//! ALT: A* with landmarks and the triangle inequality (Goldberg & Harrelson; GraphHopper's
//! "LM"). A few *landmark* nodes are chosen per snapshot and measure, and the distance from
//! every state to each landmark and from each landmark to every state is computed once on
//! the whole search graph with the default weights. For a target set `T` (the states of the
//! destination node) and any state `v`:
//!
//! ```text
//!   d(v, T) ≥ d(v, L) − max_{t∈T} d(t, L)        (v → t → L is a way from v to L)
//!   d(v, T) ≥ min_{t∈T} d(L, t) − d(L, v)        (L → v → t is a way from L to t)
//! ```
//!
//! and the largest of these over the landmarks is a lower bound that guides A*.
//!
//! # Why it stays exact under per-request constraints
//! A request can only *remove* edges (avoid lists, closures, countries, modes, cargo) or, with
//! a departure, *wait* at crossings: removing edges never shortens a distance and FIFO
//! arrival never beats the static travel time, so the bounds computed on the whole graph stay
//! lower bounds for every such request. A request may make edges *cheaper* only through
//! profile overrides; then [`crate::cost::Profile::weights_at_least`] says whether every edge
//! is still at least its default weight, and if not the search falls back to plain Dijkstra.
//! A scenario that changes what the weights read gets its own search graph (and so its own
//! landmarks); one that does not shares them.
//!
//! # Rounding
//! Distances are stored as `f32` (8 bytes per state and landmark, forward and backward). Each
//! bound is reduced by `2⁻²⁰ × (|a| + |b|)` of the two distances it subtracts, well above
//! `f32` rounding (2⁻²⁴ relative per value) and `f64` summation-order differences, so the
//! bound stays admissible; the forward search re-opens a vertex found cheaper later, so an
//! admissible bound is enough for the first target settled to be optimal.

use std::collections::BinaryHeap;

use super::graph::SearchGraph;
use super::search::Item;

/// Landmarks per measure.
pub const LANDMARKS: usize = 8;
/// Search graphs with fewer states than this search with plain Dijkstra: on the corridor
/// network (≈ 500 states) a Dijkstra is a few microseconds and ALT's bookkeeping does not pay.
pub const ALT_MIN_STATES: usize = 20_000;
/// Relative slack taken off each bound (see "Rounding").
const SLACK: f64 = 1.0 / (1u64 << 20) as f64;

/// Distances between every state and a few landmark nodes, for one measure: plain flat
/// arrays (a prepared file can store them as they are).
#[derive(Debug, Clone, PartialEq)]
pub struct Landmarks {
    /// Landmark node indices.
    nodes: Vec<u32>,
    /// `to[s × k + i]`: distance from state `s` to (any state of) landmark `i`, `+∞` if none.
    to: Vec<f32>,
    /// `from[s × k + i]`: distance from landmark `i`'s start state to state `s`, `+∞` if none.
    from: Vec<f32>,
}

/// Plain Dijkstra over the whole graph from `seeds` (each at distance 0), forward along
/// out-edges or backward along in-edges. Non-finite weights are skipped.
fn sweep(graph: &SearchGraph, weights: &[f64], seeds: &[u32], forward: bool) -> Vec<f64> {
    let mut dist = vec![f64::INFINITY; graph.state_count()];
    let mut heap = BinaryHeap::new();
    for &s in seeds {
        dist[s as usize] = 0.0;
        heap.push(Item { key: 0.0, vert: s });
    }
    while let Some(Item { key, vert }) = heap.pop() {
        if key > dist[vert as usize] {
            continue;
        }
        let mut relax = |e: usize, next: u32| {
            let w = weights[e];
            if !w.is_finite() {
                return;
            }
            let nd = key + w;
            if nd < dist[next as usize] {
                dist[next as usize] = nd;
                heap.push(Item {
                    key: nd,
                    vert: next,
                });
            }
        };
        if forward {
            for e in graph.out_edges(vert) {
                relax(e, graph.edge(e).to);
            }
        } else {
            for &e in graph.in_edges(vert) {
                relax(e as usize, graph.edge_source(e as usize));
            }
        }
    }
    dist
}

fn states_of(graph: &SearchGraph, node: u32) -> std::ops::Range<u32> {
    let first = graph.start_state(node as usize);
    let end = if (node as usize) + 1 < graph.node_count() {
        graph.start_state(node as usize + 1)
    } else {
        graph.state_count() as u32
    };
    first..end
}

impl Landmarks {
    /// Chooses up to `k` landmarks by the farthest heuristic (each next landmark is the node
    /// whose start state is farthest, by `weights`, from the landmarks already chosen; nodes
    /// not reached at all come first, so every component gets one) and computes the distances.
    ///
    /// # Complexity
    /// `2k` Dijkstra sweeps over the whole graph; `8k` bytes per state.
    pub fn build(graph: &SearchGraph, weights: &[f64], k: usize) -> Self {
        let n_states = graph.state_count();
        let n_nodes = graph.node_count();
        // Only nodes with a link can guide anything.
        let linked: Vec<bool> = (0..n_nodes as u32)
            .map(|u| {
                states_of(graph, u)
                    .any(|s| !graph.out_edges(s).is_empty() || !graph.in_edges(s).is_empty())
            })
            .collect();
        let mut nodes: Vec<u32> = Vec::new();
        let mut from_all: Vec<Vec<f64>> = Vec::new();
        // Nearest chosen landmark's distance to each node's start state (∞: none reaches it).
        let mut nearest = vec![f64::INFINITY; n_nodes];
        // The first landmark is the farthest node from the first linked node.
        let Some(first) = (0..n_nodes).find(|&u| linked[u]) else {
            return Self {
                nodes,
                to: Vec::new(),
                from: Vec::new(),
            };
        };
        let probe = sweep(graph, weights, &[graph.start_state(first)], true);
        let mut pick = farthest(graph, &probe, &linked).unwrap_or(first as u32);
        while nodes.len() < k {
            nodes.push(pick);
            let d = sweep(graph, weights, &[graph.start_state(pick as usize)], true);
            for (u, slot) in nearest.iter_mut().enumerate() {
                *slot = slot.min(d[graph.start_state(u) as usize]);
            }
            from_all.push(d);
            match farthest_node(&nearest, &linked, &nodes) {
                Some(u) => pick = u,
                None => break,
            }
        }
        let to_all: Vec<Vec<f64>> = {
            use rayon::prelude::*;
            nodes
                .par_iter()
                .map(|&l| {
                    let seeds: Vec<u32> = states_of(graph, l).collect();
                    sweep(graph, weights, &seeds, false)
                })
                .collect()
        };
        let k = nodes.len();
        let mut to = vec![f32::INFINITY; n_states * k];
        let mut from = vec![f32::INFINITY; n_states * k];
        for i in 0..k {
            for s in 0..n_states {
                to[s * k + i] = to_all[i][s] as f32;
                from[s * k + i] = from_all[i][s] as f32;
            }
        }
        Self { nodes, to, from }
    }

    /// Landmark node indices.
    pub fn nodes(&self) -> &[u32] {
        &self.nodes
    }

    /// Bytes held by the distance arrays.
    pub fn bytes(&self) -> usize {
        (self.to.len() + self.from.len()) * std::mem::size_of::<f32>() + self.nodes.len() * 4
    }

    fn k(&self) -> usize {
        self.nodes.len()
    }

    /// What a target node contributes to every bound: per landmark, the largest distance
    /// from one of its states to the landmark and the smallest from the landmark to one of
    /// them.
    pub fn target(&self, graph: &SearchGraph, node: u32) -> Target {
        let k = self.k();
        let mut to_max = vec![f32::NEG_INFINITY; k];
        let mut from_min = vec![f32::INFINITY; k];
        for s in states_of(graph, node) {
            for i in 0..k {
                to_max[i] = to_max[i].max(self.to[s as usize * k + i]);
                from_min[i] = from_min[i].min(self.from[s as usize * k + i]);
            }
        }
        Target { to_max, from_min }
    }

    /// A lower bound on the distance from state `s` to `target`'s node (`+∞`: it cannot be
    /// reached at all, on any subgraph).
    pub fn bound(&self, s: u32, target: &Target) -> f64 {
        let k = self.k();
        let base = s as usize * k;
        let mut best = 0.0f64;
        for i in 0..k {
            let (a, b) = (self.to[base + i], target.to_max[i]);
            if a.is_infinite() {
                if b.is_finite() {
                    return f64::INFINITY; // v reaches no state that reaches L, but T does
                }
            } else if b.is_finite() {
                let (a, b) = (a as f64, b as f64);
                best = best.max(a - b - SLACK * (a.abs() + b.abs()));
            }
            let (c, d) = (target.from_min[i], self.from[base + i]);
            if d.is_finite() {
                if c.is_infinite() {
                    return f64::INFINITY; // L reaches v but no state of T
                }
                let (c, d) = (c as f64, d as f64);
                best = best.max(c - d - SLACK * (c.abs() + d.abs()));
            }
        }
        best
    }
}

/// Per-landmark figures of one target node (see [`Landmarks::target`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    to_max: Vec<f32>,
    from_min: Vec<f32>,
}

/// The linked node whose start state is farthest by `dist` (finite only).
fn farthest(graph: &SearchGraph, dist: &[f64], linked: &[bool]) -> Option<u32> {
    let mut best: Option<(f64, u32)> = None;
    for u in 0..graph.node_count() {
        if !linked[u] {
            continue;
        }
        let d = dist[graph.start_state(u) as usize];
        if d.is_finite() && best.is_none_or(|(b, _)| d > b) {
            best = Some((d, u as u32));
        }
    }
    best.map(|(_, u)| u)
}

/// The linked node farthest from its nearest landmark (an unreached one first), not chosen.
fn farthest_node(nearest: &[f64], linked: &[bool], chosen: &[u32]) -> Option<u32> {
    let mut best: Option<(f64, u32)> = None;
    for (u, &d) in nearest.iter().enumerate() {
        if !linked[u] || chosen.contains(&(u as u32)) {
            continue;
        }
        if best.is_none_or(|(b, _)| d > b) {
            best = Some((d, u as u32));
        }
    }
    best.filter(|(d, _)| *d > 0.0).map(|(_, u)| u)
}

/// The bounds of one layered search problem: per layer, the target of that layer's stretch
/// and a constant, the least distance still to go over the later stretches (so the bound of a
/// vertex is its bound to the next waypoint plus that constant, consistent across layers).
#[derive(Debug, Clone)]
pub struct LayeredBound<'a> {
    landmarks: &'a Landmarks,
    states: usize,
    layers: Vec<(Target, f64)>,
}

impl<'a> LayeredBound<'a> {
    /// The bound for the route through `waypoints` (node indices, at least two).
    pub fn new(landmarks: &'a Landmarks, graph: &SearchGraph, waypoints: &[u32]) -> Self {
        let layers = waypoints.len().saturating_sub(1);
        let mut out: Vec<(Target, f64)> = Vec::with_capacity(layers);
        let mut after = 0.0;
        // Last layer first: each layer's constant is the least bound from a state of its
        // goal to the next goal, plus the next layer's constant.
        for layer in (0..layers).rev() {
            let target = landmarks.target(graph, waypoints[layer + 1]);
            out.push((target, after));
            if layer > 0 {
                let (t, c) = out.last().expect("just pushed");
                let least = states_of(graph, waypoints[layer])
                    .map(|s| landmarks.bound(s, t))
                    .fold(f64::INFINITY, f64::min);
                after = least + c;
            }
        }
        out.reverse();
        Self {
            landmarks,
            states: graph.state_count(),
            layers: out,
        }
    }

    /// The bound of layered vertex `v`.
    pub fn at(&self, v: u32) -> f64 {
        let (layer, s) = ((v as usize) / self.states, (v as usize) % self.states);
        let (target, after) = &self.layers[layer];
        self.landmarks.bound(s as u32, target) + after
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::Measure;
    use crate::network::Network;

    /// On the corridor network every bound is at most the exact distance (from a backward
    /// sweep), for every measure, state and target node; and some bound is positive.
    #[test]
    fn bounds_never_exceed_distances() {
        let net = Network::embedded().unwrap();
        let g = SearchGraph::build(&net);
        for &m in Measure::ALL.iter() {
            let w = g.default_weights(m);
            let lm = Landmarks::build(&g, w, LANDMARKS);
            assert_eq!(lm.nodes().len(), LANDMARKS);
            let mut positive = 0;
            for t in (0..g.node_count() as u32).step_by(7) {
                let seeds: Vec<u32> = states_of(&g, t).collect();
                let exact = sweep(&g, w, &seeds, false);
                let target = lm.target(&g, t);
                for s in 0..g.state_count() as u32 {
                    let b = lm.bound(s, &target);
                    let d = exact[s as usize];
                    assert!(
                        b <= d,
                        "{m:?}: bound {b} > distance {d} (state {s}, node {t})"
                    );
                    if b > 0.0 && b.is_finite() {
                        positive += 1;
                    }
                }
            }
            assert!(positive > 0, "{m:?}: no bound above 0");
        }
    }
}
