//! Shortest paths over the [`SearchGraph`]: Dijkstra with a binary heap, A* guided by exact
//! backward distances, and Yen's loopless k-shortest paths (with Lawler's saving of not
//! re-spurring before a path's deviation point).
//!
//! # Waypoints as layers
//! A route from `w0` through `w1 … wk-1` to `wk` is searched in one pass over a layered graph:
//! layer `i` holds the states of the stretch towards `w(i+1)`; reaching `w(i+1)` in layer `i`
//! moves to layer `i + 1` in the same state (the train or truck passes through, keeping its
//! mode and gauge). So a via costs nothing by itself and the optimum over the whole route is
//! exact, not a concatenation of per-leg optima. A vertex is `layer × states + state`.
//!
//! # Loops
//! A route is loopless when no node appears twice within one layer (a route may pass a via's
//! node again after visiting it). Yen's spur searches ban the root's nodes, and candidates
//! that still revisit a node (possible only when a rail↔road change is forced to happen at
//! another node and the route comes back) are dropped.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashSet};

use super::graph::SearchGraph;
use super::landmarks::{Landmarks, LayeredBound};

const UNSET: u32 = u32::MAX;

/// One search problem: a graph, the request's weights and link mask, and the waypoints.
#[derive(Debug, Clone, Copy)]
pub struct SearchProblem<'a> {
    /// The state graph.
    pub graph: &'a SearchGraph,
    /// One weight per edge (non-negative, finite).
    pub weights: &'a [f64],
    /// One flag per link of the network: may the request use it.
    pub link_ok: &'a [bool],
    /// Node indices of origin, vias and destination, at least two, no two consecutive equal.
    pub waypoints: &'a [u32],
    /// ALT landmarks whose distances are lower bounds under `weights` (every weight at least
    /// the one the landmarks were computed with); `None`: plain Dijkstra.
    pub landmarks: Option<&'a Landmarks>,
}

/// A path through the layered state graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// Edge indices, in travel order.
    pub edges: Vec<u32>,
    /// Layered vertices: `edges.len() + 1` of them, from the origin's start state.
    pub verts: Vec<u32>,
    /// Sum of the edge weights.
    pub cost: f64,
}

/// A heap entry of the searches here and in the one-to-many search: a min-heap on `key`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Item {
    pub(super) key: f64,
    pub(super) vert: u32,
}
impl Eq for Item {}
impl Ord for Item {
    fn cmp(&self, other: &Self) -> Ordering {
        // Min-heap on key; ties by vertex for determinism.
        other
            .key
            .total_cmp(&self.key)
            .then_with(|| other.vert.cmp(&self.vert))
    }
}
impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Reusable search buffers: distance and predecessor arrays are reset in O(1) by bumping a
/// generation counter, so the dozens of spur searches of Yen's algorithm do not refill them.
#[derive(Debug, Default)]
pub struct Scratch {
    dist: Vec<f64>,
    prev_edge: Vec<u32>,
    prev_vert: Vec<u32>,
    stamp: Vec<u32>,
    generation: u32,
    heap: BinaryHeap<Item>,
    banned: Vec<u32>,
    ban_generation: u32,
}

impl Scratch {
    fn prepare(&mut self, verts: usize, layer_nodes: usize) {
        if self.dist.len() < verts {
            self.dist.resize(verts, f64::INFINITY);
            self.prev_edge.resize(verts, UNSET);
            self.prev_vert.resize(verts, UNSET);
            self.stamp.resize(verts, 0);
        }
        if self.banned.len() < layer_nodes {
            self.banned.resize(layer_nodes, 0);
        }
    }

    fn next_generation(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
        self.heap.clear();
    }

    fn next_ban_generation(&mut self) {
        self.ban_generation = self.ban_generation.wrapping_add(1);
        if self.ban_generation == 0 {
            self.banned.iter_mut().for_each(|s| *s = 0);
            self.ban_generation = 1;
        }
    }

    fn dist(&self, v: u32) -> f64 {
        if self.stamp[v as usize] == self.generation {
            self.dist[v as usize]
        } else {
            f64::INFINITY
        }
    }
}

/// What guides a forward search towards its target.
#[derive(Clone, Copy)]
enum Heuristic<'h> {
    /// Nothing: Dijkstra.
    None,
    /// Exact distances per layered vertex (Yen's spur searches).
    Exact(&'h [f64]),
    /// Landmark lower bounds (ALT).
    Alt(&'h LayeredBound<'h>),
}

impl Heuristic<'_> {
    fn at(&self, v: u32) -> f64 {
        match self {
            Heuristic::None => 0.0,
            Heuristic::Exact(h) => h[v as usize],
            Heuristic::Alt(b) => b.at(v),
        }
    }
}

/// Options of one forward search.
struct Forward<'h> {
    start: u32,
    heuristic: Heuristic<'h>,
    use_bans: bool,
    forbidden_first: &'h [u32],
    /// Time-dependent edge costs: the arrival time at an edge's end given the time at its
    /// start (`None`: not passable then). Replaces `weights` when set.
    timed: Option<&'h dyn Fn(usize, f64) -> Option<f64>>,
}

impl<'a> SearchProblem<'a> {
    fn layers(&self) -> usize {
        self.waypoints.len().saturating_sub(1)
    }

    fn states(&self) -> usize {
        self.graph.state_count()
    }

    /// The layer after arriving at `node` in `layer`.
    fn advance(&self, mut layer: usize, node: u32) -> usize {
        while layer + 1 < self.layers() && self.waypoints[layer + 1] == node {
            layer += 1;
        }
        layer
    }

    fn is_target(&self, layer: usize, node: u32) -> bool {
        layer + 1 == self.layers() && self.waypoints[layer + 1] == node
    }

    /// The layered vertex where every route starts, if the spec is well-formed.
    pub fn start_vertex(&self) -> Option<u32> {
        if self.layers() == 0 || self.waypoints.windows(2).any(|w| w[0] == w[1]) {
            return None;
        }
        let origin = *self.waypoints.first()? as usize;
        (origin < self.graph.node_count()).then(|| self.graph.start_state(origin))
    }

    fn split(&self, v: u32) -> (usize, u32) {
        let s = self.states();
        ((v as usize) / s, (v as usize % s) as u32)
    }

    /// Layer and node of a layered vertex.
    pub fn layer_node(&self, v: u32) -> (usize, u32) {
        let (layer, s) = self.split(v);
        (layer, self.graph.node_of(s))
    }

    /// The state of a layered vertex.
    pub fn state(&self, v: u32) -> u32 {
        self.split(v).1
    }

    fn edge_ok(&self, e: usize) -> bool {
        let link = self.graph.edge(e).link as usize;
        self.link_ok.get(link).copied().unwrap_or(false) && self.weights[e].is_finite()
    }

    /// Dijkstra (or A* when a heuristic is given) from `opts.start`; returns the first target
    /// vertex settled and its distance.
    fn forward(&self, scratch: &mut Scratch, opts: &Forward<'_>) -> Option<(u32, f64)> {
        let s_count = self.states();
        let n_nodes = self.graph.node_count();
        scratch.prepare(self.layers() * s_count, self.layers() * n_nodes);
        scratch.next_generation();
        let h = |v: u32| opts.heuristic.at(v);
        let start = opts.start;
        scratch.dist[start as usize] = 0.0;
        scratch.stamp[start as usize] = scratch.generation;
        scratch.prev_edge[start as usize] = UNSET;
        scratch.prev_vert[start as usize] = UNSET;
        scratch.heap.push(Item {
            key: h(start),
            vert: start,
        });
        while let Some(Item { key, vert }) = scratch.heap.pop() {
            let g = scratch.dist[vert as usize];
            if key > g + h(vert) {
                continue; // stale entry
            }
            let (layer, s) = self.split(vert);
            if vert != start && self.is_target(layer, self.graph.node_of(s)) {
                return Some((vert, g));
            }
            for e in self.graph.out_edges(s) {
                if vert == start && opts.forbidden_first.contains(&(e as u32)) {
                    continue;
                }
                if !self.edge_ok(e) {
                    continue;
                }
                let edge = self.graph.edge(e);
                let t_node = self.graph.node_of(edge.to);
                let t_layer = self.advance(layer, t_node);
                if opts.use_bans
                    && scratch.banned[t_layer * n_nodes + t_node as usize] == scratch.ban_generation
                {
                    continue;
                }
                let t = (t_layer * s_count) as u32 + edge.to;
                let ht = h(t);
                if !ht.is_finite() {
                    continue;
                }
                let nd = match opts.timed {
                    None => g + self.weights[e],
                    Some(arrive) => match arrive(e, g) {
                        Some(at) => at,
                        None => continue,
                    },
                };
                if nd < scratch.dist(t) {
                    scratch.dist[t as usize] = nd;
                    scratch.stamp[t as usize] = scratch.generation;
                    scratch.prev_edge[t as usize] = e as u32;
                    scratch.prev_vert[t as usize] = vert;
                    scratch.heap.push(Item {
                        key: nd + ht,
                        vert: t,
                    });
                }
            }
        }
        None
    }

    /// The landmark bounds of this problem's waypoints, when it has landmarks.
    fn bound(&self) -> Option<LayeredBound<'a>> {
        let lm = self.landmarks?;
        self.start_vertex()?;
        Some(LayeredBound::new(lm, self.graph, self.waypoints))
    }

    /// Whether `path` passes no node twice within one layer (see "Loops").
    pub fn is_loopless(&self, path: &Path, scratch: &mut Scratch) -> bool {
        scratch.prepare(
            self.layers() * self.states(),
            self.layers() * self.graph.node_count(),
        );
        self.loopless(&path.verts, scratch)
    }

    /// Walks predecessors back from `target` to `start`.
    fn trace(&self, scratch: &Scratch, start: u32, target: u32) -> (Vec<u32>, Vec<u32>) {
        let mut edges = Vec::new();
        let mut verts = vec![target];
        let mut v = target;
        while v != start {
            let e = scratch.prev_edge[v as usize];
            let p = scratch.prev_vert[v as usize];
            if e == UNSET || p == UNSET {
                break;
            }
            edges.push(e);
            verts.push(p);
            v = p;
        }
        edges.reverse();
        verts.reverse();
        (edges, verts)
    }

    /// The cheapest route, by Dijkstra with a binary heap.
    ///
    /// # Returns
    /// `None` when no route exists under the mask.
    ///
    /// # Complexity
    /// O((V + E) log V) over the layered state graph, V = layers × states; stops at the
    /// first target settled.
    pub fn shortest(&self, scratch: &mut Scratch) -> Option<Path> {
        let start = self.start_vertex()?;
        let bound = self.bound();
        let opts = Forward {
            start,
            heuristic: bound.as_ref().map_or(Heuristic::None, Heuristic::Alt),
            use_bans: false,
            forbidden_first: &[],
            timed: None,
        };
        let (target, cost) = self.forward(scratch, &opts)?;
        let (edges, verts) = self.trace(scratch, start, target);
        Some(Path { edges, verts, cost })
    }

    /// The earliest-arriving route when edge costs depend on the time they are entered
    /// (time-dependent Dijkstra). `arrive(e, t)` is the time at edge `e`'s end when its start
    /// is reached at `t` (`None`: not passable); the search starts at time 0.
    ///
    /// # Returns
    /// The route and, as its `cost`, the arrival time. Exact when every `arrive(e, ·)` is
    /// non-decreasing (FIFO: starting later never arrives earlier) and `arrive(e, t) >= t`.
    ///
    /// # Complexity
    /// As [`Self::shortest`], with one call of `arrive` per edge relaxed.
    pub fn earliest_arrival(
        &self,
        scratch: &mut Scratch,
        arrive: &dyn Fn(usize, f64) -> Option<f64>,
    ) -> Option<Path> {
        let start = self.start_vertex()?;
        let bound = self.bound();
        let opts = Forward {
            start,
            heuristic: bound.as_ref().map_or(Heuristic::None, Heuristic::Alt),
            use_bans: false,
            forbidden_first: &[],
            timed: Some(arrive),
        };
        let (target, cost) = self.forward(scratch, &opts)?;
        let (edges, verts) = self.trace(scratch, start, target);
        Some(Path { edges, verts, cost })
    }

    /// Exact distances from every layered vertex to the destination (through the remaining
    /// waypoints in order), by one backward Dijkstra per layer, last layer first. A vertex that
    /// cannot reach the destination gets `+∞`. Used as A*'s heuristic in spur searches: it is
    /// exact on the request's graph and a lower bound (consistent) on any subgraph of it.
    pub fn distances_to_target(&self, scratch: &mut Scratch) -> Vec<f64> {
        let s_count = self.states();
        let layers = self.layers();
        let mut h = vec![f64::INFINITY; layers * s_count];
        for layer in (0..layers).rev() {
            let goal = self.waypoints[layer + 1];
            let base = layer * s_count;
            scratch.heap.clear();
            let first = self.graph.start_state(goal as usize);
            let mut s = first;
            while (s as usize) < s_count && self.graph.node_of(s) == goal {
                let seed = if layer + 1 == layers {
                    0.0
                } else {
                    h[base + s_count + s as usize]
                };
                if seed.is_finite() {
                    h[base + s as usize] = seed;
                    scratch.heap.push(Item { key: seed, vert: s });
                }
                s += 1;
            }
            while let Some(Item { key, vert: t }) = scratch.heap.pop() {
                if key > h[base + t as usize] {
                    continue;
                }
                for &e in self.graph.in_edges(t) {
                    let e = e as usize;
                    if !self.edge_ok(e) {
                        continue;
                    }
                    let from = self.graph.edge_source(e);
                    if self.graph.node_of(from) == goal {
                        continue; // reaching the goal ends this layer: never a resting state
                    }
                    let nd = key + self.weights[e];
                    if nd < h[base + from as usize] {
                        h[base + from as usize] = nd;
                        scratch.heap.push(Item {
                            key: nd,
                            vert: from,
                        });
                    }
                }
            }
        }
        h
    }

    fn prefix_costs(&self, path: &Path) -> Vec<f64> {
        let mut acc = Vec::with_capacity(path.edges.len() + 1);
        let mut c = 0.0;
        acc.push(c);
        for &e in &path.edges {
            c += self.weights[e as usize];
            acc.push(c);
        }
        acc
    }

    /// Whether no node repeats within a layer.
    fn loopless(&self, verts: &[u32], scratch: &mut Scratch) -> bool {
        scratch.next_ban_generation();
        let n = self.graph.node_count();
        for &v in verts {
            let (layer, node) = self.layer_node(v);
            let slot = &mut scratch.banned[layer * n + node as usize];
            if *slot == scratch.ban_generation {
                return false;
            }
            *slot = scratch.ban_generation;
        }
        true
    }

    /// Up to `k` loopless routes, cheapest first (Yen's algorithm): the first is the
    /// cheapest route, each next one the cheapest loopless route not yet listed. Ties keep
    /// the order they were found in.
    ///
    /// # Arguments
    /// * `k` — how many routes in all (the best plus `k - 1` alternatives).
    ///
    /// # Complexity
    /// One backward Dijkstra, then per route found O(length) A* spur searches, each guided by
    /// exact distances and so exploring little beyond the spur path itself.
    pub fn k_shortest(&self, k: usize, scratch: &mut Scratch) -> Vec<Path> {
        let Some(start) = self.start_vertex() else {
            return Vec::new();
        };
        if k == 0 {
            return Vec::new();
        }
        let s_count = self.states();
        scratch.prepare(
            self.layers() * s_count,
            self.layers() * self.graph.node_count(),
        );
        let h = self.distances_to_target(scratch);
        if !h[start as usize].is_finite() {
            return Vec::new();
        }
        let first = Forward {
            start,
            heuristic: Heuristic::Exact(&h),
            use_bans: false,
            forbidden_first: &[],
            timed: None,
        };
        let Some((target, cost)) = self.forward(scratch, &first) else {
            return Vec::new();
        };
        let (edges, verts) = self.trace(scratch, start, target);
        let mut found = vec![Path { edges, verts, cost }];
        let mut deviation = vec![0usize];
        let mut seen: HashSet<Vec<u32>> = HashSet::new();
        seen.insert(found[0].edges.clone());
        let mut candidates: Vec<(Path, usize)> = Vec::new();
        let n_nodes = self.graph.node_count();
        let mut forbidden: Vec<u32> = Vec::new();

        while found.len() < k {
            let last = found.len() - 1;
            let prev = found[last].clone();
            let prefix = self.prefix_costs(&prev);
            // Indexing by `i` reads better than zipping: root, spur vertex and prefix cost
            // are all "the first i edges".
            #[allow(clippy::needless_range_loop)]
            for i in deviation[last]..prev.edges.len() {
                let root = &prev.edges[..i];
                forbidden.clear();
                for p in &found {
                    if p.edges.len() > i && p.edges[..i] == *root {
                        forbidden.push(p.edges[i]);
                    }
                }
                scratch.next_ban_generation();
                for &v in &prev.verts[..=i] {
                    let (layer, node) = self.layer_node(v);
                    scratch.banned[layer * n_nodes + node as usize] = scratch.ban_generation;
                }
                let opts = Forward {
                    start: prev.verts[i],
                    heuristic: Heuristic::Exact(&h),
                    use_bans: true,
                    forbidden_first: &forbidden,
                    timed: None,
                };
                let Some((target, spur_cost)) = self.forward(scratch, &opts) else {
                    continue;
                };
                let (spur_edges, spur_verts) = self.trace(scratch, prev.verts[i], target);
                let mut edges = root.to_vec();
                edges.extend_from_slice(&spur_edges);
                if seen.contains(&edges) {
                    continue;
                }
                let mut verts = prev.verts[..i].to_vec();
                verts.extend_from_slice(&spur_verts);
                if !self.loopless(&verts, scratch) {
                    continue;
                }
                seen.insert(edges.clone());
                candidates.push((
                    Path {
                        edges,
                        verts,
                        cost: prefix[i] + spur_cost,
                    },
                    i,
                ));
            }
            let best = candidates
                .iter()
                .enumerate()
                .min_by(|a, b| {
                    a.1.0
                        .cost
                        .total_cmp(&b.1.0.cost)
                        .then(a.1.0.edges.len().cmp(&b.1.0.edges.len()))
                        .then(a.0.cmp(&b.0))
                })
                .map(|(ix, _)| ix);
            let Some(ix) = best else { break };
            let (path, dev) = candidates.remove(ix);
            found.push(path);
            deviation.push(dev);
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{Network, load_from_strs};

    /// ```text
    ///   a ──1── b ──1── c
    ///   └──────5────────┘
    /// ```
    fn triangle() -> Network {
        let node = |id: &str, x: f64| {
            format!(
                r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{x},0]}},"properties":{{"id":"{id}","name":"{id}","country":"AA","kind":"city","modes":["road"],"intermodal":false,"source":"t"}}}}"#
            )
        };
        let link = |id: &str, a: &str, b: &str, xa: f64, xb: f64, km: f64| {
            format!(
                r#"{{"type":"Feature","geometry":{{"type":"LineString","coordinates":[[{xa},0],[{xb},0]]}},"properties":{{"id":"{id}","from":"{a}","to":"{b}","mode":"road","kind":"road","length_km":{km},"speed_kmh":50,"status":"open","source":"t"}}}}"#
            )
        };
        let fc = |f: &[String]| {
            format!(
                r#"{{"type":"FeatureCollection","features":[{}]}}"#,
                f.join(",")
            )
        };
        load_from_strs(
            &fc(&[node("a", 0.0), node("b", 1.0), node("c", 2.0)]),
            &fc(&[
                link("ab", "a", "b", 0.0, 1.0, 1.0),
                link("bc", "b", "c", 1.0, 2.0, 1.0),
                link("ac", "a", "c", 0.0, 2.0, 5.0),
            ]),
        )
        .unwrap()
    }

    fn km_weights(g: &SearchGraph, net: &Network) -> Vec<f64> {
        (0..g.edge_count())
            .map(|e| net.links()[g.edge(e).link as usize].length_km)
            .collect()
    }

    #[test]
    fn shortest_and_alternatives() {
        let net = triangle();
        let g = SearchGraph::build(&net);
        let w = km_weights(&g, &net);
        let ok = vec![true; net.links().len()];
        let spec = SearchProblem {
            graph: &g,
            weights: &w,
            link_ok: &ok,
            waypoints: &[0, 2],
            landmarks: None,
        };
        let mut scratch = Scratch::default();
        assert_eq!(spec.shortest(&mut scratch).unwrap().cost, 2.0);
        let all = spec.k_shortest(5, &mut scratch);
        let costs: Vec<f64> = all.iter().map(|p| p.cost).collect();
        assert_eq!(costs, [2.0, 5.0]);
    }

    #[test]
    fn a_via_may_force_an_out_and_back() {
        let net = triangle();
        let g = SearchGraph::build(&net);
        let w = km_weights(&g, &net);
        let ok = vec![true; net.links().len()];
        // a → c → b: via c, then back to b (the direct a → b is not allowed to skip c).
        let spec = SearchProblem {
            graph: &g,
            weights: &w,
            link_ok: &ok,
            waypoints: &[0, 2, 1],
            landmarks: None,
        };
        let mut scratch = Scratch::default();
        let p = spec.shortest(&mut scratch).unwrap();
        assert_eq!(p.cost, 3.0);
        let h = spec.distances_to_target(&mut scratch);
        assert_eq!(h[spec.start_vertex().unwrap() as usize], 3.0);
        // Round trip a → b → a: node a appears in two layers, which is not a loop.
        let spec = SearchProblem {
            waypoints: &[0, 1, 0],
            ..spec
        };
        let routes = spec.k_shortest(3, &mut scratch);
        assert_eq!(routes[0].cost, 2.0);
        assert!(routes.windows(2).all(|w| w[0].cost <= w[1].cost));
    }

    #[test]
    fn masked_links_are_not_used() {
        let net = triangle();
        let g = SearchGraph::build(&net);
        let w = km_weights(&g, &net);
        let mut scratch = Scratch::default();
        let mut ok = vec![true; net.links().len()];
        ok[net.link_ix("bc").unwrap()] = false;
        let spec = SearchProblem {
            graph: &g,
            weights: &w,
            link_ok: &ok,
            waypoints: &[0, 2],
            landmarks: None,
        };
        assert_eq!(spec.shortest(&mut scratch).unwrap().cost, 5.0);
        let mut none = ok.clone();
        none[net.link_ix("ac").unwrap()] = false;
        let spec = SearchProblem {
            link_ok: &none,
            ..spec
        };
        assert!(spec.shortest(&mut scratch).is_none());
        assert!(spec.k_shortest(3, &mut scratch).is_empty());
    }
}
