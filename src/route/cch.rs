//! A customizable contraction hierarchy (CCH; Dibbelt, Strasser & Wagner, "Customizable
//! Contraction Hierarchies", 2016; the shape of RoutingKit's
//! `customizable_contraction_hierarchy.cpp`) over the [`SearchGraph`]'s states, for exact
//! best routes on large graphs that stay exact under per-request avoid lists.
//!
//! Three phases:
//! 1. **Order** (metric-independent, once per graph): nested dissection of the *node* graph
//!    by inertial-style bisection on the node coordinates. A set of nodes is split by the
//!    median of its projection on one of four directions (east, north and the two
//!    diagonals; the one cutting fewest links wins); the separator is one end of every cut
//!    link (the smaller of the two sides' sets of ends); both halves are ordered first,
//!    the separator last (ranked highest). A disconnected set is ordered component by
//!    component without a separator. The states of a node take consecutive ranks.
//! 2. **Contraction** (metric-independent): the chordal supergraph of the undirected state
//!    graph in that order (contract each vertex, joining its higher neighbours into a
//!    clique, by merging its upward neighbours into its lowest upward neighbour's, which is
//!    its parent in the elimination tree). Each arc `{x, y}`, `x` ranked below `y`, carries
//!    two weights: `up` (x → y) and `down` (y → x).
//! 3. **Customization** (per measure): each arc's weights start as its cheapest input edge
//!    (∞ if none) and are lowered through every *lower triangle* `{w, x, y}` (`w` below both):
//!    `up(x,y) = min(up(x,y), down(w,x) + up(w,y))`, processing `w` in rank order.
//!
//! `Start` states (one per node, only ever the first state of a route: nothing arrives in
//! them) are left out of the hierarchy; a query seeds the origin's out-edges instead. That
//! took the 10⁵-node generated network from 18.3 M arcs to 5.2 M.
//!
//! # Query
//! The elimination-tree query: walk up the elimination tree from the seeds relaxing upward
//! arcs with `up`, and from every state of the destination node relaxing with `down` (no
//! priority queue: every upward neighbour of a vertex is one of its ancestors); the meeting
//! vertex with the least sum gives the distance (a forward vertex no cheaper than the best
//! meeting so far relaxes nothing). The path is unpacked arc by arc: an input edge of that
//! weight, or a lower triangle whose two arcs add up to it.
//!
//! # Per-request avoid lists: partial customization
//! A request that allows a different set of links than the default constraints (an avoid
//! list, a closure, planned links) changes the weights of those links' edges (to ∞, or from
//! ∞). Only the arcs whose value can depend on them are recomputed, on a per-request
//! *overlay* over the shared metric: the arcs of the changed edges, then, whenever an arc's
//! value changes, every arc above it in a triangle (`{x, z}`'s partner `{y, z}` for each
//! upward neighbour `z` of `x`) when that triangle was tight for it in the shared metric or
//! is now below its value, in arc order (an arc's lower triangles use only arcs with a lower
//! tail, so arc order is a valid order). Each arc is recomputed from scratch (input
//! edges and all its lower triangles under the overlay), so the overlay holds exactly what a
//! full customization of the request's weights would. A request that changes more than
//! [`MAX_CHANGED_LINKS`] links (a whole country, a mode) falls back to ALT or Dijkstra.
//!
//! # Exactness
//! Every arc's value is a minimum over sums of input weights, so the query's distance is the
//! exact shortest distance up to `f64` summation order; the path returned is valued by
//! summing its edges in travel order, as Dijkstra does (`tests/cch_props.rs` compares both).

use std::cell::RefCell;
use std::collections::{BinaryHeap, HashMap};

use super::graph::SearchGraph;
use super::search::Path;

/// Search graphs with fewer states than this keep plain Dijkstra (the same threshold as ALT,
/// so the corridor network's answers stay on their path).
pub const CCH_MIN_STATES: usize = super::landmarks::ALT_MIN_STATES;
/// A request whose allowed links differ from the default constraints' in more links than this
/// is not partially customized (it falls back to ALT or Dijkstra).
pub const MAX_CHANGED_LINKS: usize = 64;
/// At most this many edges with a changed weight (penalised alternatives) are partially
/// customized; more fall back.
pub const MAX_CHANGED_EDGES: usize = 4096;
/// Partial customization gives up (the request falls back) after this many adjacency entries
/// read: on the 10⁵-node network an avoided link on a long route re-customizes so many
/// shortcuts that ALT is faster (≈ 0.4 s unbounded); 2²¹ reads is a few milliseconds.
pub const PARTIAL_BUDGET: usize = 1 << 21;
/// A many-to-many's partial customization may read [`PARTIAL_BUDGET`] adjacency entries per
/// upward search it runs (it is shared by all of them; without it, the matrix falls back to
/// one Dijkstra per source, each far dearer than 2²¹ reads).
pub const PARTIAL_BUDGET_PER_SEARCH: usize = PARTIAL_BUDGET;
/// A many-to-many whose mask a partial customization cannot take is customized in full for
/// the request when it has at least this many sources and targets: a full customization
/// (1.3–3.2 s per measure on the 10⁵-node network) costs about as much as 10–30 Dijkstra
/// searches there, and the matrix would otherwise run one per source or target.
pub const CUSTOMIZE_MIN_SEARCHES: usize = 32;
/// Node sets this small are ordered as they come (no further dissection).
const LEAF_NODES: usize = 8;
const NONE: u32 = u32::MAX;

/// The metric-independent part: the order and the chordal supergraph (see the module docs).
/// Vertices are ranks: vertex `x` is state `state_of[x]`.
#[derive(Debug, Clone)]
pub struct Cch {
    rank: Vec<u32>,
    state_of: Vec<u32>,
    /// Elimination-tree parent of each vertex (its lowest upward neighbour), or `NONE`.
    parent: Vec<u32>,
    /// Upward arcs of `x` are `up_first[x]..up_first[x + 1]`, heads ascending. Arc ids are
    /// positions here, so arcs are ordered by tail.
    up_first: Vec<u32>,
    up_head: Vec<u32>,
    up_tail: Vec<u32>,
    /// Downward arcs into `y`: `down_first[y]..`, tails ascending, with their arc ids.
    down_first: Vec<u32>,
    down_tail: Vec<u32>,
    down_arc: Vec<u32>,
    /// The arc of each search-graph edge (`NONE` for a loop on one state, or an edge out of
    /// a `Start` state: those seed the query instead).
    edge_arc: Vec<u32>,
    /// Input edges of each arc (either direction): `arc_edges[arc_edge_first[a]..]`.
    arc_edge_first: Vec<u32>,
    arc_edges: Vec<u32>,
    /// Edges of each link: `link_edges[link_edge_first[l]..]`.
    link_edge_first: Vec<u32>,
    link_edges: Vec<u32>,
}

/// One measure's customization: `up`/`down` per arc, and the link mask it was made for.
#[derive(Debug, Clone)]
pub struct CchMetric {
    up: Vec<f64>,
    down: Vec<f64>,
    link_ok: Vec<bool>,
}

impl CchMetric {
    /// Bytes held (weights and mask).
    pub fn bytes(&self) -> usize {
        (self.up.len() + self.down.len()) * 8 + self.link_ok.len()
    }
}

/// A multiplicative hash for arc ids (SipHash's DoS resistance buys nothing for keys the
/// server chooses, and it dominated partial customization).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct ArcHash;

/// The hasher of [`ArcHash`] (Fx-style: rotate, xor, multiply).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct ArcHasher(u64);

const HASH_K: u64 = 0x517c_c1b7_2722_0a95;

impl std::hash::Hasher for ArcHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(HASH_K);
        }
    }
    fn write_u32(&mut self, i: u32) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(HASH_K);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(HASH_K);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl std::hash::BuildHasher for ArcHash {
    type Hasher = ArcHasher;
    fn build_hasher(&self) -> ArcHasher {
        ArcHasher(0)
    }
}

/// Per-request arc weights that differ from the shared metric.
#[derive(Debug, Default)]
struct Overlay {
    /// One bit per arc: whether `values` holds it (checked before hashing).
    bits: Vec<u64>,
    values: HashMap<u32, (f64, f64), ArcHash>,
}

impl Overlay {
    fn reset(&mut self, arcs: usize) {
        for &a in self.values.keys() {
            self.bits[a as usize / 64] = 0;
        }
        self.values.clear();
        let words = arcs.div_ceil(64);
        if self.bits.len() != words {
            self.bits = vec![0; words];
        }
    }

    fn get(&self, a: u32) -> Option<(f64, f64)> {
        if self.bits[a as usize / 64] & (1 << (a % 64)) == 0 {
            return None;
        }
        self.values.get(&a).copied()
    }

    fn set(&mut self, a: u32, v: (f64, f64)) {
        self.bits[a as usize / 64] |= 1 << (a % 64);
        self.values.insert(a, v);
    }
}

/// The metric a query reads: the shared customization under a request's overlay.
struct View<'a> {
    metric: &'a CchMetric,
    overlay: &'a Overlay,
}

impl View<'_> {
    #[inline]
    fn arc(&self, a: u32) -> (f64, f64) {
        match self.overlay.get(a) {
            Some(v) => v,
            None => (self.metric.up[a as usize], self.metric.down[a as usize]),
        }
    }
    #[inline]
    fn up(&self, a: u32) -> f64 {
        self.arc(a).0
    }
    #[inline]
    fn down(&self, a: u32) -> f64 {
        self.arc(a).1
    }
}

/// Query buffers, reused per thread.
#[derive(Debug, Default)]
struct QueryScratch {
    fwd: Vec<f64>,
    bwd: Vec<f64>,
    fwd_arc: Vec<u32>,
    bwd_arc: Vec<u32>,
    in_bwd: Vec<bool>,
    in_fwd: Vec<bool>,
    overlay: Overlay,
    queued: std::collections::HashSet<u32, ArcHash>,
}

thread_local! {
    static SCRATCH: RefCell<QueryScratch> = RefCell::new(QueryScratch::default());
}

/// The weight of edge `e` for a request: ∞ when its link is not allowed.
#[inline]
fn edge_weight(graph: &SearchGraph, weights: &[f64], link_ok: &[bool], e: usize) -> f64 {
    let link = graph.edge(e).link as usize;
    let w = weights[e];
    if link_ok.get(link).copied().unwrap_or(false) && w.is_finite() {
        w
    } else {
        f64::INFINITY
    }
}

impl Cch {
    /// Orders and contracts `graph` (node coordinates `coords`, lon/lat).
    ///
    /// # Complexity
    /// Order: O((N + L) log N) over nodes and links; contraction: O(arcs of the chordal
    /// supergraph), which nested dissection keeps near-linear on road-like networks.
    pub fn build(graph: &SearchGraph, coords: &[[f64; 2]]) -> Self {
        let n_nodes = graph.node_count();
        let n = graph.state_count();
        // Undirected node adjacency.
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(2 * graph.edge_count());
        for e in 0..graph.edge_count() {
            let edge = graph.edge(e);
            let (a, b) = (graph.node_of(edge.from), graph.node_of(edge.to));
            if a != b {
                pairs.push((a, b));
                pairs.push((b, a));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let mut adj_first = vec![0u32; n_nodes + 1];
        for &(a, _) in &pairs {
            adj_first[a as usize + 1] += 1;
        }
        for i in 0..n_nodes {
            adj_first[i + 1] += adj_first[i];
        }
        let adj: Vec<u32> = pairs.iter().map(|&(_, b)| b).collect();
        drop(pairs);
        let node_order = dissect(&adj_first, &adj, coords);

        // State ranks: every node's `Start` state first (they only begin routes: the query
        // seeds their out-edges directly, so they take no part in the hierarchy), then the
        // other states of each node consecutively, nodes in order.
        let mut state_of = Vec::with_capacity(n);
        state_of.extend(node_order.iter().map(|&u| graph.start_state(u as usize)));
        for &u in &node_order {
            let first = graph.start_state(u as usize);
            let end = if (u as usize) + 1 < n_nodes {
                graph.start_state(u as usize + 1)
            } else {
                n as u32
            };
            state_of.extend(first + 1..end);
        }
        let mut rank = vec![0u32; n];
        for (r, &s) in state_of.iter().enumerate() {
            rank[s as usize] = r as u32;
        }

        // Contraction (of the edges between non-`Start` states).
        let from_start = |e: usize| {
            let from = graph.edge(e).from;
            graph.start_state(graph.node_of(from) as usize) == from
        };
        let mut up: Vec<Vec<u32>> = vec![Vec::new(); n];
        for e in 0..graph.edge_count() {
            let edge = graph.edge(e);
            let (a, b) = (rank[edge.from as usize], rank[edge.to as usize]);
            if a != b && !from_start(e) {
                up[a.min(b) as usize].push(a.max(b));
            }
        }
        let mut parent = vec![NONE; n];
        let mut merged: Vec<u32> = Vec::new();
        for x in 0..n {
            let mut nx = std::mem::take(&mut up[x]);
            nx.sort_unstable();
            nx.dedup();
            if let Some(&p) = nx.first() {
                parent[x] = p;
                let np = &mut up[p as usize];
                np.sort_unstable();
                np.dedup();
                merged.clear();
                let (mut i, mut j) = (0, 1);
                while i < np.len() || j < nx.len() {
                    let take = match (np.get(i), nx.get(j)) {
                        (Some(&a), Some(&b)) if a == b => {
                            i += 1;
                            j += 1;
                            a
                        }
                        (Some(&a), Some(&b)) if a < b => {
                            i += 1;
                            a
                        }
                        (Some(&a), None) => {
                            i += 1;
                            a
                        }
                        (_, Some(&b)) => {
                            j += 1;
                            b
                        }
                        (None, None) => unreachable!(),
                    };
                    merged.push(take);
                }
                np.clear();
                np.extend_from_slice(&merged);
            }
            up[x] = nx;
        }
        let mut up_first = Vec::with_capacity(n + 1);
        let mut up_head = Vec::new();
        let mut up_tail = Vec::new();
        for (x, heads) in up.iter().enumerate() {
            up_first.push(up_head.len() as u32);
            up_head.extend_from_slice(heads);
            up_tail.extend(std::iter::repeat_n(x as u32, heads.len()));
        }
        up_first.push(up_head.len() as u32);
        drop(up);
        let arcs = up_head.len();

        // Downward adjacency (counting sort by head; tails come out ascending).
        let mut down_first = vec![0u32; n + 1];
        for &h in &up_head {
            down_first[h as usize + 1] += 1;
        }
        for i in 0..n {
            down_first[i + 1] += down_first[i];
        }
        let mut fill = down_first.clone();
        let mut down_tail = vec![0u32; arcs];
        let mut down_arc = vec![0u32; arcs];
        for a in 0..arcs {
            let slot = &mut fill[up_head[a] as usize];
            down_tail[*slot as usize] = up_tail[a];
            down_arc[*slot as usize] = a as u32;
            *slot += 1;
        }

        let mut cch = Self {
            rank,
            state_of,
            parent,
            up_first,
            up_head,
            up_tail,
            down_first,
            down_tail,
            down_arc,
            edge_arc: Vec::new(),
            arc_edge_first: Vec::new(),
            arc_edges: Vec::new(),
            link_edge_first: Vec::new(),
            link_edges: Vec::new(),
        };
        cch.edge_arc = (0..graph.edge_count())
            .map(|e| {
                let edge = graph.edge(e);
                let (a, b) = (cch.rank[edge.from as usize], cch.rank[edge.to as usize]);
                if a == b || from_start(e) {
                    NONE
                } else {
                    cch.find_arc(a.min(b), a.max(b))
                }
            })
            .collect();
        let (first, items) = csr(arcs, cch.edge_arc.iter().copied());
        cch.arc_edge_first = first;
        cch.arc_edges = items;
        let links = (0..graph.edge_count())
            .map(|e| graph.edge(e).link as usize + 1)
            .max()
            .unwrap_or(0);
        let (first, items) = csr(links, (0..graph.edge_count()).map(|e| graph.edge(e).link));
        cch.link_edge_first = first;
        cch.link_edges = items;
        cch
    }

    /// Number of arcs of the chordal supergraph.
    pub fn arc_count(&self) -> usize {
        self.up_head.len()
    }

    /// Bytes held by the order, the supergraph and the edge maps.
    pub fn bytes(&self) -> usize {
        4 * (self.rank.len()
            + self.state_of.len()
            + self.parent.len()
            + self.up_first.len()
            + self.up_head.len()
            + self.up_tail.len()
            + self.down_first.len()
            + self.down_tail.len()
            + self.down_arc.len()
            + self.edge_arc.len()
            + self.arc_edge_first.len()
            + self.arc_edges.len()
            + self.link_edge_first.len()
            + self.link_edges.len())
    }

    /// Height of the elimination tree (vertices on its longest root path).
    pub fn tree_height(&self) -> usize {
        let n = self.parent.len();
        let mut depth = vec![0u32; n];
        let mut best = 0;
        for x in (0..n).rev() {
            let p = self.parent[x];
            depth[x] = if p == NONE { 1 } else { depth[p as usize] + 1 };
            best = best.max(depth[x]);
        }
        best as usize
    }

    /// The arc `{lo, hi}`, `lo` ranked below `hi`; it exists for every pair this is asked for
    /// (chordality).
    fn find_arc(&self, lo: u32, hi: u32) -> u32 {
        let (a, b) = (
            self.up_first[lo as usize] as usize,
            self.up_first[lo as usize + 1] as usize,
        );
        match self.up_head[a..b].binary_search(&hi) {
            Ok(i) => (a + i) as u32,
            Err(_) => NONE,
        }
    }

    fn up_range(&self, x: u32) -> std::ops::Range<usize> {
        self.up_first[x as usize] as usize..self.up_first[x as usize + 1] as usize
    }

    fn down_range(&self, y: u32) -> std::ops::Range<usize> {
        self.down_first[y as usize] as usize..self.down_first[y as usize + 1] as usize
    }

    fn arc_edges(&self, a: u32) -> &[u32] {
        &self.arc_edges
            [self.arc_edge_first[a as usize] as usize..self.arc_edge_first[a as usize + 1] as usize]
    }

    /// Customizes the weights `weights` under the link mask `link_ok` (full customization).
    ///
    /// # Complexity
    /// O(lower triangles of the chordal supergraph).
    pub fn customize(&self, graph: &SearchGraph, weights: &[f64], link_ok: &[bool]) -> CchMetric {
        let arcs = self.arc_count();
        let mut up = vec![f64::INFINITY; arcs];
        let mut down = vec![f64::INFINITY; arcs];
        for e in 0..graph.edge_count() {
            let a = self.edge_arc[e];
            if a == NONE {
                continue;
            }
            let w = edge_weight(graph, weights, link_ok, e);
            let edge = graph.edge(e);
            if self.rank[edge.from as usize] < self.rank[edge.to as usize] {
                up[a as usize] = up[a as usize].min(w);
            } else {
                down[a as usize] = down[a as usize].min(w);
            }
        }
        for x in 0..self.rank.len() as u32 {
            let r = self.up_range(x);
            for i in r.clone() {
                let u = self.up_head[i];
                let (x_u, u_x) = (up[i], down[i]);
                if x_u == f64::INFINITY && u_x == f64::INFINITY {
                    continue;
                }
                let mut p = self.up_first[u as usize] as usize;
                for j in i + 1..r.end {
                    let v = self.up_head[j];
                    while self.up_head[p] != v {
                        p += 1;
                    }
                    // u → x → v and v → x → u.
                    let uv = u_x + up[j];
                    if uv < up[p] {
                        up[p] = uv;
                    }
                    let vu = down[j] + x_u;
                    if vu < down[p] {
                        down[p] = vu;
                    }
                }
            }
        }
        CchMetric {
            up,
            down,
            link_ok: link_ok.to_vec(),
        }
    }

    /// Recomputes arc `a` from its input edges and lower triangles under `view`'s weights.
    fn recompute(
        &self,
        graph: &SearchGraph,
        weights: &[f64],
        link_ok: &[bool],
        view: &View<'_>,
        a: u32,
    ) -> (f64, f64) {
        let (x, y) = (self.up_tail[a as usize], self.up_head[a as usize]);
        let (mut up, mut down) = (f64::INFINITY, f64::INFINITY);
        for &e in self.arc_edges(a) {
            let w = edge_weight(graph, weights, link_ok, e as usize);
            if graph.edge(e as usize).from == self.state_of[x as usize] {
                up = up.min(w);
            } else {
                down = down.min(w);
            }
        }
        let (rx, ry) = (self.down_range(x), self.down_range(y));
        let (mut i, mut j) = (rx.start, ry.start);
        while i < rx.end && j < ry.end {
            let (wi, wj) = (self.down_tail[i], self.down_tail[j]);
            if wi < wj {
                i += 1;
            } else if wj < wi {
                j += 1;
            } else {
                // w below x and y: b = {w, x}, c = {w, y}.
                let (b, c) = (view.arc(self.down_arc[i]), view.arc(self.down_arc[j]));
                up = up.min(b.1 + c.0);
                down = down.min(c.1 + b.0);
                i += 1;
                j += 1;
            }
        }
        (up, down)
    }

    /// Fills `scratch.overlay` with the arcs whose weights differ from `metric`'s under the
    /// request's `weights` and `link_ok`, given every edge whose weight may differ; `false`
    /// when that takes more than `budget` adjacency reads (the overlay is then incomplete).
    #[allow(clippy::too_many_arguments)]
    fn partial(
        &self,
        graph: &SearchGraph,
        metric: &CchMetric,
        weights: &[f64],
        link_ok: &[bool],
        changed_edges: &[u32],
        scratch: &mut QueryScratch,
        budget: usize,
    ) -> bool {
        scratch.overlay.reset(self.arc_count());
        let mut work = 0usize;
        scratch.queued.clear();
        let mut heap: BinaryHeap<std::cmp::Reverse<u32>> = BinaryHeap::new();
        let mut queue: Vec<u32> = Vec::new();
        for &e in changed_edges {
            let a = self.edge_arc[e as usize];
            if a != NONE && scratch.queued.insert(a) {
                heap.push(std::cmp::Reverse(a));
            }
        }
        while let Some(std::cmp::Reverse(a)) = heap.pop() {
            let view = View {
                metric,
                overlay: &scratch.overlay,
            };
            let old = view.arc(a);
            let new = self.recompute(graph, weights, link_ok, &view, a);
            let (x, y) = (self.up_tail[a as usize], self.up_head[a as usize]);
            work += self.down_range(x).len() + self.down_range(y).len() + self.up_range(x).len();
            if work > budget {
                return false;
            }
            if new == old {
                continue;
            }
            scratch.overlay.set(a, new);
            // Arc {x, y} is a lower arc of the triangles {x, y, z}, z another upward
            // neighbour of x, with top arc t = {min(y,z), max(y,z)} and other arc b = {x, z}.
            // t needs recomputing only if the triangle was tight for t in the shared metric
            // (its value may rest on it: the shared metric holds every arc's old value) or is
            // now below t's current value; otherwise t's minimum is untouched. When both a
            // and b change, whichever is processed second sees both new values.
            let view = View {
                metric,
                overlay: &scratch.overlay,
            };
            let base = |arc: u32| (metric.up[arc as usize], metric.down[arc as usize]);
            // (t's up, t's down) through x from the values of a and b.
            let sums = |a: (f64, f64), b: (f64, f64), y_low: bool| {
                if y_low {
                    (a.1 + b.0, b.1 + a.0) // y → x → z, z → x → y
                } else {
                    (b.1 + a.0, a.1 + b.0) // z → x → y, y → x → z
                }
            };
            for k in self.up_range(x) {
                let z = self.up_head[k];
                if z == y {
                    continue;
                }
                let top = self.find_arc(y.min(z), y.max(z));
                debug_assert!(top != NONE, "chordal supergraph misses {{{y}, {z}}}");
                if scratch.queued.contains(&top) {
                    continue;
                }
                let b = k as u32;
                let (t_base, t_now) = (base(top), view.arc(top));
                let old = sums(base(a), base(b), y < z);
                let now = sums(view.arc(a), view.arc(b), y < z);
                let tight = (old.0 == t_base.0 && old.0 != f64::INFINITY)
                    || (old.1 == t_base.1 && old.1 != f64::INFINITY);
                let lower = now.0 < t_now.0 || now.1 < t_now.1;
                if tight || lower {
                    queue.push(top);
                }
            }
            for top in queue.drain(..) {
                if scratch.queued.insert(top) {
                    heap.push(std::cmp::Reverse(top));
                }
            }
        }
        true
    }

    /// Appends the edges of the cheapest way `p` → `q` behind arc `{p, q}` to `out`.
    fn unpack(
        &self,
        req: &Request<'_>,
        view: &View<'_>,
        p: u32,
        q: u32,
        out: &mut Vec<u32>,
    ) -> bool {
        let (graph, weights, link_ok) = (req.graph, req.weights, req.link_ok);
        let mut stack = vec![(p, q)];
        while let Some((p, q)) = stack.pop() {
            let (lo, hi) = (p.min(q), p.max(q));
            let a = self.find_arc(lo, hi);
            if a == NONE {
                return false;
            }
            let w = if p < q { view.up(a) } else { view.down(a) };
            let (sp, sq) = (self.state_of[p as usize], self.state_of[q as usize]);
            if let Some(&e) = self.arc_edges(a).iter().find(|&&e| {
                let edge = graph.edge(e as usize);
                edge.from == sp
                    && edge.to == sq
                    && edge_weight(graph, weights, link_ok, e as usize) == w
            }) {
                out.push(e);
                continue;
            }
            let (rl, rh) = (self.down_range(lo), self.down_range(hi));
            let (mut i, mut j) = (rl.start, rh.start);
            let mut found = None;
            while i < rl.end && j < rh.end {
                let (wi, wj) = (self.down_tail[i], self.down_tail[j]);
                if wi < wj {
                    i += 1;
                } else if wj < wi {
                    j += 1;
                } else {
                    // p → w is the down weight of {w, p}; w → q the up weight of {w, q}.
                    let (arc_p, arc_q) = if p == lo {
                        (self.down_arc[i], self.down_arc[j])
                    } else {
                        (self.down_arc[j], self.down_arc[i])
                    };
                    if view.down(arc_p) + view.up(arc_q) == w {
                        found = Some(wi);
                        break;
                    }
                    i += 1;
                    j += 1;
                }
            }
            let Some(w_mid) = found else { return false };
            // Depth first, p → w before w → q.
            stack.push((w_mid, q));
            stack.push((p, w_mid));
        }
        true
    }

    /// The cheapest route from the first waypoint's start state through the others in order
    /// to any state of the last (node indices), on `weights` under `link_ok`, using `metric`
    /// (customized for the same `weights` and its own mask) with a partial customization for
    /// the links whose permission differs and for `changed_edges` (edges whose weight in
    /// `weights` may differ from the metric's, e.g. penalised ones).
    ///
    /// Vias: a train or truck passes a via in the state it arrived in, so legs are joined by
    /// a small dynamic programme over the via's states (best cost of arriving in each, then
    /// the next leg from each of those), which is the layered search's optimum.
    ///
    /// A request that only removes links first tries the shared metric's route: when it
    /// uses none of them it is the answer (removing links never shortens a route).
    ///
    /// # Returns
    /// `None` (the caller falls back) when the request changes more than
    /// [`MAX_CHANGED_LINKS`] links or [`MAX_CHANGED_EDGES`] edges and the shortcut above does
    /// not apply, when the partial customization exceeds [`PARTIAL_BUDGET`], or when two
    /// consecutive waypoints are equal; `Some(None)` when no route exists; else the path (layered vertices, as
    /// [`super::search::SearchProblem`] numbers them) and its cost summed in travel order.
    ///
    /// # Complexity
    /// The changed arcs' recomputation, then per leg one elimination-tree query per state of
    /// the leg's end (one for the last leg): each O(Σ upward degree along two root paths).
    pub fn shortest(
        &self,
        graph: &SearchGraph,
        metric: &CchMetric,
        weights: &[f64],
        link_ok: &[bool],
        changed_edges: &[u32],
        waypoints: &[u32],
    ) -> Option<Option<Path>> {
        if waypoints.len() < 2
            || waypoints.windows(2).any(|w| w[0] == w[1])
            || link_ok.len() != metric.link_ok.len()
            || changed_edges.len() > MAX_CHANGED_EDGES
            || weights.len() != graph.edge_count()
        {
            return None;
        }
        let mut changed: Vec<u32> = changed_edges.to_vec();
        let mut changed_links = 0;
        // Whether the request only takes links away from the shared metric's mask.
        let mut only_removed = changed_edges.is_empty();
        for (l, (&a, &b)) in link_ok.iter().zip(&metric.link_ok).enumerate() {
            if a != b {
                changed_links += 1;
                only_removed &= b && !a;
                if changed_links <= MAX_CHANGED_LINKS && l + 1 < self.link_edge_first.len() {
                    changed.extend_from_slice(
                        &self.link_edges[self.link_edge_first[l] as usize
                            ..self.link_edge_first[l + 1] as usize],
                    );
                }
            }
        }
        SCRATCH.with(|cell| {
            let scratch = &mut *cell.borrow_mut();
            let req = Request {
                graph,
                metric,
                weights,
                link_ok,
            };
            if only_removed && changed_links > 0 {
                // Removing links never shortens a route: the shared metric's best route is
                // the request's when it uses none of the removed links (and no route there
                // means none here).
                scratch.overlay.reset(self.arc_count());
                let shared = Request {
                    link_ok: &metric.link_ok,
                    ..req
                };
                match self.route(&shared, waypoints, scratch) {
                    None => return Some(None),
                    Some(p)
                        if p.edges
                            .iter()
                            .all(|&e| link_ok[graph.edge(e as usize).link as usize]) =>
                    {
                        return Some(Some(p));
                    }
                    Some(_) => {}
                }
            }
            if changed_links > MAX_CHANGED_LINKS
                || !self.partial(
                    graph,
                    metric,
                    weights,
                    link_ok,
                    &changed,
                    scratch,
                    PARTIAL_BUDGET,
                )
            {
                return None;
            }
            Some(self.route(&req, waypoints, scratch))
        })
    }

    /// The legs' dynamic programme and the layered path (see [`Cch::shortest`]).
    fn route(
        &self,
        req: &Request<'_>,
        waypoints: &[u32],
        scratch: &mut QueryScratch,
    ) -> Option<Path> {
        let graph = req.graph;
        let states_of = |u: u32| {
            let first = graph.start_state(u as usize);
            let end = if (u as usize) + 1 < graph.node_count() {
                graph.start_state(u as usize + 1)
            } else {
                graph.state_count() as u32
            };
            first..end
        };
        let start = graph.start_state(waypoints[0] as usize);
        // The first leg starts along the origin's out-edges (its `Start` state is not in the
        // hierarchy): the cheapest edge to each state.
        let mut first_edges: Vec<(u32, f64, u32)> = graph
            .out_edges(start)
            .map(|e| {
                let w = edge_weight(graph, req.weights, req.link_ok, e);
                (graph.edge(e).to, w, e as u32)
            })
            .filter(|x| x.1.is_finite())
            .collect();
        first_edges.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        first_edges.dedup_by_key(|x| x.0);
        // Per leg: for each state reached at its end, (state, cost, edges of the leg, state
        // the leg left from).
        let mut seeds: Vec<(u32, f64)> = first_edges.iter().map(|x| (x.0, x.1)).collect();
        if seeds.is_empty() {
            return None;
        }
        let mut legs: Vec<Vec<LegEnd>> = Vec::new();
        let last = waypoints.len() - 1;
        for (i, &goal) in waypoints.iter().enumerate().skip(1) {
            let mut reached = Vec::new();
            if i == last {
                let targets: Vec<u32> = states_of(goal).collect();
                if let Some(found) = self.query(req, &seeds, &targets, scratch) {
                    reached.push(found);
                }
            } else {
                for t in states_of(goal) {
                    if let Some(found) = self.query(req, &seeds, &[t], scratch) {
                        reached.push(found);
                    }
                }
            }
            if reached.is_empty() {
                return None;
            }
            seeds = reached.iter().map(|r| (r.0, r.1)).collect();
            legs.push(reached);
        }
        // Back from the best end, leg by leg.
        let mut pieces: Vec<Vec<u32>> = Vec::with_capacity(legs.len());
        let mut want = None;
        for leg in legs.iter().rev() {
            let found = match want {
                None => leg.iter().min_by(|a, b| a.1.total_cmp(&b.1)),
                Some(s) => leg.iter().find(|r| r.0 == s),
            }?;
            pieces.push(found.2.clone());
            want = Some(found.3);
        }
        // The origin's edge to the state the first leg left from.
        let first = want?;
        let first_edge = first_edges.iter().find(|x| x.0 == first)?.2;
        pieces.push(vec![first_edge]);
        let edges: Vec<u32> = pieces.into_iter().rev().flatten().collect();
        // Layered vertices, advancing a layer on reaching the next waypoint (as the layered
        // search does).
        let n = graph.state_count();
        let layers = waypoints.len() - 1;
        let mut layer = 0;
        let mut verts = Vec::with_capacity(edges.len() + 1);
        verts.push(start);
        let mut cost = 0.0;
        for &e in &edges {
            let to = graph.edge(e as usize).to;
            let node = graph.node_of(to);
            while layer + 1 < layers && waypoints[layer + 1] == node {
                layer += 1;
            }
            verts.push((layer * n) as u32 + to);
            cost += req.weights[e as usize];
        }
        Some(Path { edges, verts, cost })
    }

    /// One elimination-tree query from `seeds` (states with starting costs) to the nearest
    /// of `targets` (states): the state reached, its cost, the edges, and the seed left from.
    fn query(
        &self,
        req: &Request<'_>,
        seeds: &[(u32, f64)],
        targets: &[u32],
        scratch: &mut QueryScratch,
    ) -> Option<LegEnd> {
        let n = self.rank.len();
        if scratch.fwd.len() != n {
            scratch.fwd = vec![f64::INFINITY; n];
            scratch.bwd = vec![f64::INFINITY; n];
            scratch.fwd_arc = vec![NONE; n];
            scratch.bwd_arc = vec![NONE; n];
            scratch.in_bwd = vec![false; n];
            scratch.in_fwd = vec![false; n];
        }
        let view = View {
            metric: req.metric,
            overlay: &scratch.overlay,
        };
        let (fwd, bwd) = (&mut scratch.fwd, &mut scratch.bwd);
        let (fwd_arc, bwd_arc) = (&mut scratch.fwd_arc, &mut scratch.bwd_arc);
        let (in_fwd, in_bwd) = (&mut scratch.in_fwd, &mut scratch.in_bwd);
        // The union of root paths of `from`, in rank order.
        let chain = |from: &mut dyn Iterator<Item = u32>, mark: &mut Vec<bool>| {
            let mut out = Vec::new();
            for s in from {
                let mut x = self.rank[s as usize];
                while x != NONE && !mark[x as usize] {
                    mark[x as usize] = true;
                    out.push(x);
                    x = self.parent[x as usize];
                }
            }
            out.sort_unstable();
            out
        };
        let bchain = chain(&mut targets.iter().copied(), in_bwd);
        let fchain = chain(&mut seeds.iter().map(|s| s.0), in_fwd);
        for &t in targets {
            bwd[self.rank[t as usize] as usize] = 0.0;
        }
        for &(s, d) in seeds {
            let x = self.rank[s as usize] as usize;
            fwd[x] = fwd[x].min(d);
        }
        for &x in &bchain {
            let d = bwd[x as usize];
            if d == f64::INFINITY {
                continue;
            }
            for a in self.up_range(x) {
                let nd = d + view.down(a as u32);
                let y = self.up_head[a] as usize;
                if nd < bwd[y] {
                    bwd[y] = nd;
                    bwd_arc[y] = a as u32;
                }
            }
        }
        let mut best = (f64::INFINITY, NONE);
        for &x in &fchain {
            let d = fwd[x as usize];
            if d == f64::INFINITY {
                continue;
            }
            let through = d + bwd[x as usize];
            if through < best.0 {
                best = (through, x);
            }
            if d >= best.0 {
                continue; // nothing above can be reached more cheaply through x
            }
            for a in self.up_range(x) {
                let nd = d + view.up(a as u32);
                let y = self.up_head[a] as usize;
                if nd < fwd[y] {
                    fwd[y] = nd;
                    fwd_arc[y] = a as u32;
                }
            }
        }
        // The path as vertex sequence seed … meet … target, then unpacked.
        let mut result = None;
        if best.1 != NONE {
            let meet = best.1;
            let mut verts = vec![meet];
            let mut v = meet;
            while fwd_arc[v as usize] != NONE {
                v = self.up_tail[fwd_arc[v as usize] as usize];
                verts.push(v);
            }
            verts.reverse();
            let mut v = meet;
            while bwd_arc[v as usize] != NONE {
                v = self.up_tail[bwd_arc[v as usize] as usize];
                verts.push(v);
            }
            let mut edges = Vec::new();
            let ok = verts
                .windows(2)
                .all(|w| self.unpack(req, &view, w[0], w[1], &mut edges));
            debug_assert!(ok, "CCH path does not unpack");
            if ok {
                let first = self.state_of[verts[0] as usize];
                let end = self.state_of[verts[verts.len() - 1] as usize];
                result = Some((end, best.0, edges, first));
            }
        }
        // Reset what was touched (every upward neighbour of a chain vertex is on the chain).
        for &x in &fchain {
            fwd[x as usize] = f64::INFINITY;
            fwd_arc[x as usize] = NONE;
            in_fwd[x as usize] = false;
        }
        for &x in &bchain {
            bwd[x as usize] = f64::INFINITY;
            bwd_arc[x as usize] = NONE;
            in_bwd[x as usize] = false;
        }
        result
    }
}

/// Buffers of one upward search of a many-to-many ([`Cch::many_to_many`]), one per thread.
#[derive(Debug, Default)]
struct UpwardScratch {
    dist: Vec<f64>,
    arc: Vec<u32>,
    mark: Vec<bool>,
}

thread_local! {
    static UPWARD: RefCell<UpwardScratch> = RefCell::new(UpwardScratch::default());
}

/// A bucket entry: (target index, distance from the vertex to the target, the arc the
/// backward search reached the vertex by or `NONE` at a target state).
type BucketEntry = (u32, f64, u32);

impl Cch {
    /// The states of node `u`, its `Start` state first.
    fn states_of(graph: &SearchGraph, u: u32) -> std::ops::Range<u32> {
        let first = graph.start_state(u as usize);
        let end = if (u as usize) + 1 < graph.node_count() {
            graph.start_state(u as usize + 1)
        } else {
            graph.state_count() as u32
        };
        first..end
    }

    /// One upward search (the elimination-tree walk of [`Cch::query`], without pruning) from
    /// `seeds` (states with their costs): afterwards `s.dist`/`s.arc` hold every vertex of the
    /// returned chain (the union of the seeds' root paths, in rank order) — its distance over
    /// `up` weights (forward) or `down` weights (backward: the distance *to* the seeds) and
    /// the arc it was reached by. The caller reads them, then calls [`Cch::clear_upward`].
    fn upward(
        &self,
        view: &View<'_>,
        seeds: &[(u32, f64)],
        forward: bool,
        s: &mut UpwardScratch,
    ) -> Vec<u32> {
        let n = self.rank.len();
        if s.dist.len() != n {
            s.dist = vec![f64::INFINITY; n];
            s.arc = vec![NONE; n];
            s.mark = vec![false; n];
        }
        let mut chain = Vec::new();
        for &(st, _) in seeds {
            let mut x = self.rank[st as usize];
            while x != NONE && !s.mark[x as usize] {
                s.mark[x as usize] = true;
                chain.push(x);
                x = self.parent[x as usize];
            }
        }
        chain.sort_unstable();
        for &(st, d) in seeds {
            let x = self.rank[st as usize] as usize;
            s.dist[x] = s.dist[x].min(d);
        }
        for &x in &chain {
            crate::cancel::checkpoint();
            let d = s.dist[x as usize];
            if d == f64::INFINITY {
                continue;
            }
            for a in self.up_range(x) {
                let w = if forward {
                    view.up(a as u32)
                } else {
                    view.down(a as u32)
                };
                let nd = d + w;
                let y = self.up_head[a] as usize;
                if nd < s.dist[y] {
                    s.dist[y] = nd;
                    s.arc[y] = a as u32;
                }
            }
        }
        chain
    }

    /// Resets what [`Cch::upward`] touched.
    fn clear_upward(chain: &[u32], s: &mut UpwardScratch) {
        for &x in chain {
            s.dist[x as usize] = f64::INFINITY;
            s.arc[x as usize] = NONE;
            s.mark[x as usize] = false;
        }
    }

    /// The overlay of a request's mask over `metric`: empty when the request allows the same
    /// links, a partial customization (see the module docs) when it changes at most
    /// [`MAX_CHANGED_LINKS`] links within `budget` adjacency reads, else `None`.
    fn overlay_for(
        &self,
        graph: &SearchGraph,
        metric: &CchMetric,
        weights: &[f64],
        link_ok: &[bool],
        budget: usize,
    ) -> Option<Overlay> {
        if link_ok.len() != metric.link_ok.len() || weights.len() != graph.edge_count() {
            return None;
        }
        let mut changed: Vec<u32> = Vec::new();
        let mut changed_links = 0;
        for (l, (&a, &b)) in link_ok.iter().zip(&metric.link_ok).enumerate() {
            if a != b {
                changed_links += 1;
                if changed_links > MAX_CHANGED_LINKS {
                    return None;
                }
                if l + 1 < self.link_edge_first.len() {
                    changed.extend_from_slice(
                        &self.link_edges[self.link_edge_first[l] as usize
                            ..self.link_edge_first[l + 1] as usize],
                    );
                }
            }
        }
        SCRATCH.with(|cell| {
            let scratch = &mut *cell.borrow_mut();
            if !self.partial(graph, metric, weights, link_ok, &changed, scratch, budget) {
                return None;
            }
            Some(std::mem::take(&mut scratch.overlay))
        })
    }

    /// The summary of the cheapest way `p` → `q` behind arc `{p, q}` (as [`Cch::unpack`]
    /// finds it): `edge` of its input edge, or `join` of the summaries of the two arcs of
    /// the lower triangle that realizes it, in travel order; memoized in `memo` by `(p, q)`
    /// (valid for one request's view). `None` when the arc does not unpack.
    #[allow(clippy::too_many_arguments)]
    fn summary<T: Clone>(
        &self,
        req: &Request<'_>,
        view: &View<'_>,
        p: u32,
        q: u32,
        memo: &mut HashMap<u64, T, ArcHash>,
        edge: &impl Fn(u32) -> T,
        join: &impl Fn(&T, &T) -> T,
    ) -> Option<T> {
        let key = (u64::from(p) << 32) | u64::from(q);
        if let Some(t) = memo.get(&key) {
            return Some(t.clone());
        }
        let (graph, weights, link_ok) = (req.graph, req.weights, req.link_ok);
        let (lo, hi) = (p.min(q), p.max(q));
        let a = self.find_arc(lo, hi);
        if a == NONE {
            return None;
        }
        let w = if p < q { view.up(a) } else { view.down(a) };
        let (sp, sq) = (self.state_of[p as usize], self.state_of[q as usize]);
        let t = if let Some(&e) = self.arc_edges(a).iter().find(|&&e| {
            let ed = graph.edge(e as usize);
            ed.from == sp && ed.to == sq && edge_weight(graph, weights, link_ok, e as usize) == w
        }) {
            edge(e)
        } else {
            let (rl, rh) = (self.down_range(lo), self.down_range(hi));
            let (mut i, mut j) = (rl.start, rh.start);
            let mut found = None;
            while i < rl.end && j < rh.end {
                let (wi, wj) = (self.down_tail[i], self.down_tail[j]);
                if wi < wj {
                    i += 1;
                } else if wj < wi {
                    j += 1;
                } else {
                    let (arc_p, arc_q) = if p == lo {
                        (self.down_arc[i], self.down_arc[j])
                    } else {
                        (self.down_arc[j], self.down_arc[i])
                    };
                    if view.down(arc_p) + view.up(arc_q) == w {
                        found = Some(wi);
                        break;
                    }
                    i += 1;
                    j += 1;
                }
            }
            let mid = found?;
            let left = self.summary(req, view, p, mid, memo, edge, join)?;
            let right = self.summary(req, view, mid, q, memo, edge, join)?;
            join(&left, &right)
        };
        memo.insert(key, t.clone());
        Some(t)
    }

    /// A many-to-many (bucket) search (Knopp, Sanders, Schultes, Schulz & Wagner, "Computing
    /// Many-to-Many Shortest Paths Using Highway Hierarchies", 2007, on the elimination tree
    /// as in Buchhold, Sanders & Wagner's CCH many-to-many): one backward upward search from
    /// each target fills per-vertex buckets with its distances; one forward upward search
    /// from each source scans the buckets of the vertices it reaches. The cell of source `i`
    /// and target `j` is the least `forward(x) + backward_j(x)` over the vertices `x` both
    /// reach, which is the shortest distance (every shortest path has an up-down form in the
    /// chordal supergraph).
    ///
    /// Each cell's path is summarized rather than listed: `edge` maps an input edge to a
    /// summary, `join` concatenates two summaries in travel order (the cell is
    /// `join(edge(first), …)` over its edges, grouped by the arcs it unpacks through). Arcs'
    /// summaries are memoized per thread for the request, so paths sharing shortcuts (most
    /// of a matrix's, near the top of the hierarchy) unpack them once. With sums (measures)
    /// the grouping changes only the floating-point rounding.
    ///
    /// Sources and targets are node indices: a route starts at the source's `Start` state
    /// (the query seeds its out-edges, as [`Cch::shortest`]) and ends at the first state of
    /// the target it reaches. Targets, then sources, are searched in parallel on rayon's
    /// pool (the request's deadline is carried to its threads).
    ///
    /// # Returns
    /// Cells row-major (`sources × targets`), `None` where there is no route. A `link_ok`
    /// that differs from the metric's mask is a partial customization when it changes at
    /// most [`MAX_CHANGED_LINKS`] links within [`PARTIAL_BUDGET_PER_SEARCH`] reads per upward
    /// search; otherwise, with at least [`CUSTOMIZE_MIN_SEARCHES`] sources and targets, a
    /// full customization for this request (O(lower triangles), about 1–3 s on the 10⁵-node
    /// network); otherwise `None` as a whole (the caller falls back).
    ///
    /// # Complexity
    /// One partial customization, then `sources + targets` upward searches, each
    /// O(Σ upward degree along the root paths of its seeds), plus the bucket scans
    /// (O(targets) per vertex reached) and the unpacking of each distinct arc used.
    #[allow(clippy::too_many_arguments)]
    pub fn many_to_many<T: Clone + Send>(
        &self,
        graph: &SearchGraph,
        metric: &CchMetric,
        weights: &[f64],
        link_ok: &[bool],
        sources: &[u32],
        targets: &[u32],
        edge: impl Fn(u32) -> T + Sync,
        join: impl Fn(&T, &T) -> T + Sync,
    ) -> Option<Vec<Option<T>>> {
        let budget =
            PARTIAL_BUDGET_PER_SEARCH.saturating_mul((sources.len() + targets.len()).max(1));
        match self.overlay_for(graph, metric, weights, link_ok, budget) {
            Some(overlay) => Some(self.buckets(
                graph, metric, &overlay, weights, link_ok, sources, targets, &edge, &join,
            )),
            // Too many links changed (another mode, an avoided country): a full
            // customization of the request's mask, when the Dijkstra searches it saves
            // (one per source or target, whichever fewer) cost more.
            None if sources.len().min(targets.len()) >= CUSTOMIZE_MIN_SEARCHES => {
                let own = self.customize(graph, weights, link_ok);
                let overlay = self.overlay_for(graph, &own, weights, link_ok, 0)?;
                Some(self.buckets(
                    graph, &own, &overlay, weights, link_ok, sources, targets, &edge, &join,
                ))
            }
            None => None,
        }
    }

    /// The buckets and upward searches of [`Cch::many_to_many`] on `metric` under `overlay`.
    #[allow(clippy::too_many_arguments)]
    fn buckets<T: Clone + Send>(
        &self,
        graph: &SearchGraph,
        metric: &CchMetric,
        overlay: &Overlay,
        weights: &[f64],
        link_ok: &[bool],
        sources: &[u32],
        targets: &[u32],
        edge: &(impl Fn(u32) -> T + Sync),
        join: &(impl Fn(&T, &T) -> T + Sync),
    ) -> Vec<Option<T>> {
        use rayon::prelude::*;
        let view = View { metric, overlay };
        let req = Request {
            graph,
            metric,
            weights,
            link_ok,
        };
        let deadline = crate::cancel::current();
        let n = self.rank.len();
        // Backward: per target, (vertex, distance to the target, arc) of its upward search.
        let reached: Vec<Vec<(u32, f64, u32)>> = targets
            .par_iter()
            .map(|&t| {
                crate::cancel::enter(deadline.as_ref(), || {
                    crate::cancel::check_now();
                    UPWARD.with(|cell| {
                        let s = &mut *cell.borrow_mut();
                        let seeds: Vec<(u32, f64)> =
                            Self::states_of(graph, t).map(|st| (st, 0.0)).collect();
                        let chain = self.upward(&view, &seeds, false, s);
                        let out = chain
                            .iter()
                            .filter(|&&x| s.dist[x as usize].is_finite())
                            .map(|&x| (x, s.dist[x as usize], s.arc[x as usize]))
                            .collect();
                        Self::clear_upward(&chain, s);
                        out
                    })
                })
            })
            .collect();
        // Buckets: the entries of every target at each vertex (CSR by vertex).
        let mut bucket_first = vec![0u32; n + 1];
        for list in &reached {
            for &(x, _, _) in list {
                bucket_first[x as usize + 1] += 1;
            }
        }
        for i in 0..n {
            bucket_first[i + 1] += bucket_first[i];
        }
        let mut fill = bucket_first.clone();
        let mut bucket: Vec<BucketEntry> = vec![(0, 0.0, NONE); bucket_first[n] as usize];
        for (j, list) in reached.iter().enumerate() {
            for &(x, d, a) in list {
                let slot = &mut fill[x as usize];
                bucket[*slot as usize] = (j as u32, d, a);
                *slot += 1;
            }
        }
        drop(reached);
        drop(fill);
        let bucket_of = |x: u32| {
            &bucket[bucket_first[x as usize] as usize..bucket_first[x as usize + 1] as usize]
        };
        // Forward: per source, the best meeting vertex of each target, then the paths'
        // summaries (memoized per rayon job, i.e. per thread's share of the sources).
        let rows: Vec<Vec<Option<T>>> = sources
            .par_iter()
            .map_init(HashMap::<u64, T, ArcHash>::default, |memo, &u| {
                crate::cancel::enter(deadline.as_ref(), || {
                    crate::cancel::check_now();
                    let start = graph.start_state(u as usize);
                    let mut first_edges: Vec<(u32, f64, u32)> = graph
                        .out_edges(start)
                        .map(|e| {
                            let w = edge_weight(graph, weights, link_ok, e);
                            (graph.edge(e).to, w, e as u32)
                        })
                        .filter(|x| x.1.is_finite())
                        .collect();
                    first_edges.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
                    first_edges.dedup_by_key(|x| x.0);
                    let seeds: Vec<(u32, f64)> = first_edges.iter().map(|x| (x.0, x.1)).collect();
                    UPWARD.with(|c| {
                        let s = &mut *c.borrow_mut();
                        let chain = self.upward(&view, &seeds, true, s);
                        let mut best = vec![(f64::INFINITY, NONE); targets.len()];
                        for &x in &chain {
                            let d = s.dist[x as usize];
                            if d == f64::INFINITY {
                                continue;
                            }
                            for &(j, bd, _) in bucket_of(x) {
                                let through = d + bd;
                                if through < best[j as usize].0 {
                                    best[j as usize] = (through, x);
                                }
                            }
                        }
                        let mut verts = Vec::new();
                        let row = best
                            .iter()
                            .enumerate()
                            .map(|(j, &(_, meet))| {
                                if meet == NONE {
                                    return None;
                                }
                                verts.clear();
                                let mut v = meet;
                                verts.push(v);
                                while s.arc[v as usize] != NONE {
                                    v = self.up_tail[s.arc[v as usize] as usize];
                                    verts.push(v);
                                }
                                verts.reverse();
                                let mut v = meet;
                                loop {
                                    let arc = bucket_of(v)
                                        .iter()
                                        .find(|e| e.0 as usize == j)
                                        .map_or(NONE, |e| e.2);
                                    if arc == NONE {
                                        break;
                                    }
                                    v = self.up_tail[arc as usize];
                                    verts.push(v);
                                }
                                let first = self.state_of[verts[0] as usize];
                                let first_edge = first_edges.iter().find(|x| x.0 == first)?.2;
                                let mut acc = edge(first_edge);
                                for w in verts.windows(2) {
                                    let piece =
                                        self.summary(&req, &view, w[0], w[1], memo, edge, join);
                                    debug_assert!(
                                        piece.is_some(),
                                        "CCH many-to-many path does not unpack"
                                    );
                                    acc = join(&acc, &piece?);
                                }
                                Some(acc)
                            })
                            .collect();
                        Self::clear_upward(&chain, s);
                        row
                    })
                })
            })
            .collect();
        rows.into_iter().flatten().collect()
    }
}

/// One leg's end: the state reached, its cost from the route's start, the leg's edges, and
/// the state the leg left from.
type LegEnd = (u32, f64, Vec<u32>, u32);

/// What a request searches with: the graph, its metric (under the scratch overlay), and the
/// request's own weights and mask (to value input edges).
struct Request<'a> {
    graph: &'a SearchGraph,
    metric: &'a CchMetric,
    weights: &'a [f64],
    link_ok: &'a [bool],
}

/// CSR of `keys` (each `< len` or `NONE`): first offsets and the item indices per key.
fn csr(len: usize, keys: impl Iterator<Item = u32> + Clone) -> (Vec<u32>, Vec<u32>) {
    let mut first = vec![0u32; len + 1];
    for k in keys.clone() {
        if k != NONE {
            first[k as usize + 1] += 1;
        }
    }
    for i in 0..len {
        first[i + 1] += first[i];
    }
    let mut fill = first.clone();
    let mut items = vec![0u32; first[len] as usize];
    for (i, k) in keys.enumerate() {
        if k != NONE {
            let slot = &mut fill[k as usize];
            items[*slot as usize] = i as u32;
            *slot += 1;
        }
    }
    (first, items)
}

/// Nested dissection order of the nodes (see the module docs), lowest rank first.
fn dissect(adj_first: &[u32], adj: &[u32], coords: &[[f64; 2]]) -> Vec<u32> {
    enum Task {
        Dissect(Vec<u32>),
        Emit(Vec<u32>),
    }
    let n = adj_first.len().saturating_sub(1);
    let neighbours =
        |v: u32| &adj[adj_first[v as usize] as usize..adj_first[v as usize + 1] as usize];
    // Planar coordinates: longitude scaled by the cosine of latitude.
    let xy: Vec<[f64; 2]> = coords
        .iter()
        .map(|&[lon, lat]| [lon * lat.to_radians().cos(), lat])
        .collect();
    let mut order = Vec::with_capacity(n);
    // mark[v] == token: v is in the set being split; side[v]: 0 = A, 1 = B.
    let mut mark = vec![0u32; n];
    let mut side = vec![0u8; n];
    let mut token = 0u32;
    let mut stack = vec![Task::Dissect((0..n as u32).collect())];
    let mut keyed: Vec<(f64, u32)> = Vec::new();
    while let Some(task) = stack.pop() {
        let set = match task {
            Task::Emit(v) => {
                order.extend(v);
                continue;
            }
            Task::Dissect(set) => set,
        };
        if set.len() <= LEAF_NODES {
            order.extend(set);
            continue;
        }
        token += 3;
        let (inside, seen, sep_mark) = (token - 2, token - 1, token);
        for &v in &set {
            mark[v as usize] = inside;
        }
        // Components.
        let mut comps: Vec<Vec<u32>> = Vec::new();
        for &v in &set {
            if mark[v as usize] != inside {
                continue;
            }
            mark[v as usize] = seen;
            let mut comp = vec![v];
            let mut k = 0;
            while k < comp.len() {
                let u = comp[k];
                k += 1;
                for &w in neighbours(u) {
                    if mark[w as usize] == inside {
                        mark[w as usize] = seen;
                        comp.push(w);
                    }
                }
            }
            comps.push(comp);
        }
        if comps.len() > 1 {
            stack.extend(comps.into_iter().map(Task::Dissect));
            continue;
        }
        // Every node of `set` is now marked `seen`. Best of four median splits.
        let mid = set.len() / 2;
        // Sides of a split of `set` at the median of its projection on `dir`.
        let split = |dir: [f64; 2], keyed: &mut Vec<(f64, u32)>, side: &mut [u8]| {
            keyed.clear();
            keyed.extend(
                set.iter()
                    .map(|&v| (xy[v as usize][0] * dir[0] + xy[v as usize][1] * dir[1], v)),
            );
            keyed.select_nth_unstable_by(mid, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for (i, &(_, v)) in keyed.iter().enumerate() {
                side[v as usize] = u8::from(i >= mid);
            }
        };
        let mut best: Option<(usize, [f64; 2])> = None;
        for dir in [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, -1.0]] {
            split(dir, &mut keyed, &mut side);
            let mut cut = 0;
            for &(_, v) in &keyed[..mid] {
                cut += neighbours(v)
                    .iter()
                    .filter(|&&w| mark[w as usize] == seen && side[w as usize] == 1)
                    .count();
            }
            if best.is_none_or(|(c, _)| cut < c) {
                best = Some((cut, dir));
            }
        }
        let dir = best.map_or([1.0, 0.0], |(_, d)| d);
        split(dir, &mut keyed, &mut side);
        // Separator: the cut links' ends on one side (the smaller set).
        let (mut ends_a, mut ends_b) = (Vec::new(), Vec::new());
        for &v in &set {
            let s = side[v as usize];
            if neighbours(v)
                .iter()
                .any(|&w| mark[w as usize] == seen && side[w as usize] != s)
            {
                if s == 0 {
                    ends_a.push(v);
                } else {
                    ends_b.push(v);
                }
            }
        }
        let sep = if ends_a.len() <= ends_b.len() {
            ends_a
        } else {
            ends_b
        };
        // Take the separator out of the set (mark it).
        for &v in &sep {
            mark[v as usize] = sep_mark;
        }
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for &v in &set {
            if mark[v as usize] == sep_mark {
                continue;
            }
            if side[v as usize] == 0 {
                a.push(v);
            } else {
                b.push(v);
            }
        }
        stack.push(Task::Emit(sep));
        stack.push(Task::Dissect(b));
        stack.push(Task::Dissect(a));
    }
    order
}
