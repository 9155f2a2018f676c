//! A compact flow network (CSR arrays, `f64` capacities) with Dinic's max-flow, the residual
//! min-cut, successive-shortest-path min-cost flow and flow decomposition.
//!
//! Arcs come in pairs: arc `a` and its partner `a ^ 1` run in opposite directions, and pushing
//! `x` along `a` takes `x` from `a`'s residual and gives it to the partner's. An undirected
//! link of capacity `c` is one pair with capacity `c` both ways (its net flow is bounded by
//! `c` in either direction); a one-way arc is a pair `(c, 0)`. The flow on an arc is
//! `capacity - residual`, antisymmetric within a pair.
//!
//! Nothing here knows about the corridor network: see [`super::graph`] for how links, modes and
//! transfers become arcs.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Marks a node the BFS has not reached (or a dead end pruned from the level graph).
const UNSEEN: u32 = u32::MAX;

/// Relative tolerance: residuals at most `EPS_REL × max(1, largest finite capacity)` count as
/// zero. f64 carries ~16 significant digits, so 1e-12 leaves room for the rounding of many
/// augmentations while staying far below a tonne for any real capacity.
pub const EPS_REL: f64 = 1e-12;

/// Collects arcs, then freezes them into a [`FlowGraph`].
#[derive(Debug, Clone, Default)]
pub struct FlowGraphBuilder {
    nodes: usize,
    head: Vec<u32>,
    cap: Vec<f64>,
    cost: Vec<f64>,
}

impl FlowGraphBuilder {
    /// A builder for a graph of `nodes` nodes (numbered `0..nodes`) and no arcs.
    pub fn new(nodes: usize) -> Self {
        Self {
            nodes,
            ..Self::default()
        }
    }

    /// Adds a node and returns its number.
    pub fn add_node(&mut self) -> usize {
        self.nodes += 1;
        self.nodes - 1
    }

    /// Adds arc `u → v` with capacity `cap_uv` and its partner `v → u` with capacity `cap_vu`,
    /// both free. Returns the id of `u → v`; its partner is `id ^ 1`.
    ///
    /// Capacities must be finite and non-negative for [`FlowGraph::max_flow`]; the min-cost
    /// search ([`FlowGraph::min_cost_flow`]) also accepts `f64::INFINITY`.
    pub fn add_pair(&mut self, u: usize, v: usize, cap_uv: f64, cap_vu: f64) -> usize {
        self.add_pair_with_cost(u, v, cap_uv, cap_vu, 0.0)
    }

    /// As [`FlowGraphBuilder::add_pair`], with a cost per unit of flow on `u → v`; the partner
    /// costs `-cost` (pushing back refunds). Use a pair `(c, 0)` for a costed one-way arc.
    pub fn add_pair_with_cost(
        &mut self,
        u: usize,
        v: usize,
        cap_uv: f64,
        cap_vu: f64,
        cost: f64,
    ) -> usize {
        let id = self.head.len();
        self.head.push(v as u32);
        self.head.push(u as u32);
        self.cap.push(cap_uv.max(0.0));
        self.cap.push(cap_vu.max(0.0));
        self.cost.push(cost);
        self.cost.push(-cost);
        id
    }

    /// Freezes the arcs into adjacency arrays (counting sort by tail).
    pub fn build(self) -> FlowGraph {
        let n = self.nodes;
        let m = self.head.len();
        let mut start = vec![0u32; n + 1];
        for a in 0..m {
            let tail = self.head[a ^ 1] as usize;
            start[tail + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut adj = vec![0u32; m];
        for a in 0..m {
            let tail = self.head[a ^ 1] as usize;
            adj[fill[tail] as usize] = a as u32;
            fill[tail] += 1;
        }
        let largest = largest_finite(&self.cap);
        FlowGraph {
            res: self.cap.clone(),
            head: self.head,
            cap: self.cap,
            cost: self.cost,
            start,
            adj,
            eps: EPS_REL * largest,
        }
    }
}

/// A flow network on compact arrays. Node numbers are `0..node_count()`, arc ids
/// `0..arc_count()`.
#[derive(Debug, Clone)]
pub struct FlowGraph {
    head: Vec<u32>,
    cap: Vec<f64>,
    res: Vec<f64>,
    cost: Vec<f64>,
    start: Vec<u32>,
    adj: Vec<u32>,
    eps: f64,
}

fn largest_finite(caps: &[f64]) -> f64 {
    caps.iter()
        .copied()
        .filter(|c| c.is_finite())
        .fold(1.0f64, f64::max)
}

/// The arrays of the Dijkstra searches of [`FlowGraph::min_cost_flow_reusing`], kept between
/// calls: allocated once for the largest graph searched, and left after each call as they
/// were before it (every distance infinite, no predecessor, nothing settled, no sink, every
/// potential zero), by resetting only the entries the call wrote.
#[derive(Debug, Default)]
pub struct MinCostScratch {
    is_sink: Vec<bool>,
    pot: Vec<f64>,
    dist: Vec<f64>,
    pred: Vec<u32>,
    settled: Vec<bool>,
    /// Nodes given a distance by the last search.
    reached: Vec<usize>,
    /// Nodes settled by the last search, in order.
    order: Vec<usize>,
    /// Nodes whose potential the call changed (repeats allowed).
    potted: Vec<usize>,
    /// Distances are never negative, so their bit patterns order as the numbers do.
    heap: BinaryHeap<Reverse<(u64, u32)>>,
}

impl MinCostScratch {
    /// Grows the arrays to `n` nodes.
    fn fit(&mut self, n: usize) {
        if self.dist.len() < n {
            self.is_sink.resize(n, false);
            self.pot.resize(n, 0.0);
            self.dist.resize(n, f64::INFINITY);
            self.pred.resize(n, u32::MAX);
            self.settled.resize(n, false);
        }
    }

    /// Back to the state between calls.
    fn clear(&mut self, sinks: &[usize]) {
        for &v in &self.reached {
            self.dist[v] = f64::INFINITY;
            self.pred[v] = u32::MAX;
            self.settled[v] = false;
        }
        for &v in &self.potted {
            self.pot[v] = 0.0;
        }
        for &t in sinks {
            self.is_sink[t] = false;
        }
        self.reached.clear();
        self.order.clear();
        self.potted.clear();
        self.heap.clear();
    }
}

/// One path of a flow decomposition: its arcs in order and the flow it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct PathFlow {
    /// Arc ids from source to sink.
    pub arcs: Vec<u32>,
    /// Flow carried, > 0.
    pub flow: f64,
}

impl FlowGraph {
    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.start.len() - 1
    }

    /// Number of arcs (twice the number of pairs).
    pub fn arc_count(&self) -> usize {
        self.head.len()
    }

    /// Head (target) of arc `a`.
    pub fn head(&self, a: usize) -> usize {
        self.head[a] as usize
    }

    /// Tail (origin) of arc `a`.
    pub fn tail(&self, a: usize) -> usize {
        self.head[a ^ 1] as usize
    }

    /// Capacity of arc `a`.
    pub fn capacity(&self, a: usize) -> f64 {
        self.cap[a]
    }

    /// Residual capacity of arc `a`.
    pub fn residual(&self, a: usize) -> f64 {
        self.res[a]
    }

    /// Cost per unit of flow on arc `a`.
    pub fn cost(&self, a: usize) -> f64 {
        self.cost[a]
    }

    /// Flow on arc `a` (`capacity - residual`; negative when the partner carries it).
    pub fn flow(&self, a: usize) -> f64 {
        if self.cap[a].is_infinite() {
            // An infinite arc's residual stays infinite; read the flow off the partner.
            return self.res[a ^ 1] - self.cap[a ^ 1];
        }
        self.cap[a] - self.res[a]
    }

    /// The tolerance below which a residual or flow counts as zero.
    pub fn eps(&self) -> f64 {
        self.eps
    }

    /// Arcs leaving `u`.
    pub fn out_arcs(&self, u: usize) -> &[u32] {
        &self.adj[self.start[u] as usize..self.start[u + 1] as usize]
    }

    /// Sets the capacity of arc `a` and clears its pair's flow.
    pub fn set_capacity(&mut self, a: usize, cap: f64) {
        self.cap[a] = cap.max(0.0);
        self.res[a] = self.cap[a];
        self.res[a ^ 1] = self.cap[a ^ 1];
    }

    /// Removes all flow.
    pub fn clear_flow(&mut self) {
        self.res.copy_from_slice(&self.cap);
    }

    /// Recomputes the zero tolerance from the current finite capacities (after
    /// [`FlowGraph::set_capacity`] changed them).
    pub fn rescale_eps(&mut self) {
        self.eps = EPS_REL * largest_finite(&self.cap);
    }

    fn push(&mut self, a: usize, x: f64) {
        self.res[a] -= x;
        self.res[a ^ 1] += x;
    }

    /// Dinic's algorithm: adds a maximum flow from `s` to `t` to the current flow and returns
    /// the amount added.
    ///
    /// # Arguments
    /// * `s`, `t`: distinct node numbers.
    ///
    /// # Returns
    /// The flow value added. Afterwards [`FlowGraph::flow`] gives each arc's flow and
    /// [`FlowGraph::residual_reachable`] the source side of a minimum cut.
    ///
    /// # Complexity
    /// O(V² E) in general, O(E √V) on unit networks; BFS levels and blocking flows with
    /// current-arc pointers, both iterative (no recursion depth to worry about).
    ///
    /// # Example
    /// ```
    /// use corridor::capacity::flow::FlowGraphBuilder;
    /// //      4       3
    /// //  0 ----> 1 ----> 3
    /// //   \             ^
    /// //    `---> 2 ----'
    /// //      2       5
    /// let mut b = FlowGraphBuilder::new(4);
    /// b.add_pair(0, 1, 4.0, 0.0);
    /// b.add_pair(1, 3, 3.0, 0.0);
    /// b.add_pair(0, 2, 2.0, 0.0);
    /// b.add_pair(2, 3, 5.0, 0.0);
    /// let mut g = b.build();
    /// assert_eq!(g.max_flow(0, 3), 5.0);
    /// ```
    pub fn max_flow(&mut self, s: usize, t: usize) -> f64 {
        if s == t {
            return 0.0;
        }
        let n = self.node_count();
        let mut level = vec![UNSEEN; n];
        let mut it = vec![0u32; n];
        let mut queue = VecDeque::with_capacity(n);
        let mut path: Vec<u32> = Vec::with_capacity(n);
        let mut total = 0.0;
        while self.levels(s, t, &mut level, &mut queue) {
            it.copy_from_slice(&self.start[..n]);
            let pushed = self.blocking_flow(s, t, &mut level, &mut it, &mut path);
            if pushed <= self.eps {
                // Only rounding residue is left to push: the flow is maximal within tolerance.
                break;
            }
            total += pushed;
        }
        total
    }

    /// BFS levels over arcs with residual; whether `t` was reached.
    fn levels(&self, s: usize, t: usize, level: &mut [u32], queue: &mut VecDeque<usize>) -> bool {
        level.fill(UNSEEN);
        queue.clear();
        level[s] = 0;
        queue.push_back(s);
        while let Some(u) = queue.pop_front() {
            crate::cancel::checkpoint();
            for &a in self.out_arcs(u) {
                let v = self.head[a as usize] as usize;
                if level[v] == UNSEEN && self.res[a as usize] > self.eps {
                    level[v] = level[u] + 1;
                    queue.push_back(v);
                }
            }
        }
        level[t] != UNSEEN
    }

    /// One blocking flow in the level graph, by iterative DFS with current-arc pointers.
    fn blocking_flow(
        &mut self,
        s: usize,
        t: usize,
        level: &mut [u32],
        it: &mut [u32],
        path: &mut Vec<u32>,
    ) -> f64 {
        let mut total = 0.0;
        path.clear();
        let mut u = s;
        loop {
            if u == t {
                let b = path
                    .iter()
                    .map(|&a| self.res[a as usize])
                    .fold(f64::INFINITY, f64::min);
                for &a in path.iter() {
                    self.push(a as usize, b);
                }
                total += b;
                // Retreat to the tail of the first arc this saturated.
                let k = path
                    .iter()
                    .position(|&a| self.res[a as usize] <= self.eps)
                    .unwrap_or(0);
                path.truncate(k);
                u = path.last().map_or(s, |&a| self.head[a as usize] as usize);
                continue;
            }
            let end = self.start[u + 1];
            let mut next = None;
            while it[u] < end {
                let a = self.adj[it[u] as usize] as usize;
                let v = self.head[a] as usize;
                if self.res[a] > self.eps && level[v] != UNSEEN && level[v] == level[u] + 1 {
                    next = Some(a);
                    break;
                }
                it[u] += 1;
            }
            match next {
                Some(a) => {
                    path.push(a as u32);
                    u = self.head[a] as usize;
                }
                None => {
                    if u == s {
                        return total;
                    }
                    // Dead end: prune it from the level graph and back up.
                    level[u] = UNSEEN;
                    let Some(a) = path.pop() else { return total };
                    u = self.tail(a as usize);
                    it[u] += 1;
                }
            }
        }
    }

    /// Nodes reachable from `s` over arcs with residual capacity: after a maximum flow, the
    /// source side of a minimum cut (the one closest to the source).
    pub fn residual_reachable(&self, s: usize) -> Vec<bool> {
        let mut seen = vec![false; self.node_count()];
        let mut stack = vec![s];
        seen[s] = true;
        while let Some(u) = stack.pop() {
            for &a in self.out_arcs(u) {
                let v = self.head[a as usize] as usize;
                if !seen[v] && self.res[a as usize] > self.eps {
                    seen[v] = true;
                    stack.push(v);
                }
            }
        }
        seen
    }

    /// Successive shortest paths: sends up to `amount` from any node of `sources` to any node
    /// of `sinks` at least total cost, on top of the current flow, and returns the amount
    /// sent (less than `amount` when the residual network runs out).
    ///
    /// Many sources and sinks are handled as a zero-cost super-source and super-sink would
    /// be: every source starts at distance 0 and the search stops at the nearest sink.
    ///
    /// # Complexity
    /// When every arc with residual capacity has a non-negative cost (always so on a graph
    /// without flow, as the assignment's is at each demand): per augmenting path, one Dijkstra
    /// on reduced costs (Johnson potentials, kept across the paths of the call) that stops at
    /// the nearest sink, O((V' + E') log V') for the V' nodes nearer than that sink.
    /// Otherwise (a graph already carrying flow, whose reverse arcs have negative costs):
    /// O(P · V · E) worst case, P the number of augmenting paths, each found by a queue-based
    /// Bellman–Ford.
    pub fn min_cost_flow(&mut self, sources: &[usize], sinks: &[usize], amount: f64) -> f64 {
        let eps = self.eps.max(EPS_REL * amount);
        let non_negative = (0..self.arc_count()).all(|a| self.res[a] <= eps || self.cost[a] >= 0.0);
        if non_negative {
            self.min_cost_flow_dijkstra(sources, sinks, amount)
        } else {
            self.min_cost_flow_bellman_ford(sources, sinks, amount)
        }
    }

    /// [`FlowGraph::min_cost_flow`] when every residual arc has a non-negative cost: the
    /// potentials start at zero. After a search that settled the nearest sink `t` at
    /// distance `D`, each settled node's potential grows by its distance and every other
    /// node's by `D` (kept implicit: the settled ones grow by `dist − D` instead, and a common
    /// term cancels out of every reduced cost), so every residual arc, the new reverse arcs of
    /// the augmented path among them, keeps a non-negative reduced cost.
    fn min_cost_flow_dijkstra(&mut self, sources: &[usize], sinks: &[usize], amount: f64) -> f64 {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let n = self.node_count();
        let mut is_sink = vec![false; n];
        for &t in sinks {
            is_sink[t] = true;
        }
        let mut pot = vec![0.0f64; n];
        let mut dist = vec![f64::INFINITY; n];
        let mut pred = vec![u32::MAX; n];
        let mut settled = vec![false; n];
        // Nodes given a distance in this search (to reset) and those settled (in order).
        let mut reached: Vec<usize> = Vec::new();
        let mut order: Vec<usize> = Vec::new();
        // Distances are never negative, so their bit patterns order as the numbers do.
        let mut heap: BinaryHeap<Reverse<(u64, u32)>> = BinaryHeap::new();
        let mut sent = 0.0;
        let eps = self.eps.max(EPS_REL * amount);
        while amount - sent > eps {
            for &v in &reached {
                dist[v] = f64::INFINITY;
                pred[v] = u32::MAX;
                settled[v] = false;
            }
            reached.clear();
            order.clear();
            heap.clear();
            for &s in sources {
                if dist[s] != 0.0 {
                    dist[s] = 0.0;
                    reached.push(s);
                    heap.push(Reverse((0f64.to_bits(), s as u32)));
                }
            }
            let mut found = None;
            while let Some(Reverse((bits, u))) = heap.pop() {
                let u = u as usize;
                let d = f64::from_bits(bits);
                if settled[u] || d > dist[u] {
                    continue;
                }
                settled[u] = true;
                order.push(u);
                if is_sink[u] {
                    found = Some(u);
                    break;
                }
                for &a in self.out_arcs(u) {
                    let a = a as usize;
                    if self.res[a] <= eps {
                        continue;
                    }
                    let v = self.head[a] as usize;
                    if settled[v] {
                        continue;
                    }
                    // Rounding may leave a reduced cost a hair below zero: it is zero.
                    let reduced = (self.cost[a] + pot[u] - pot[v]).max(0.0);
                    let nd = d + reduced;
                    if nd < dist[v] {
                        if dist[v].is_infinite() {
                            reached.push(v);
                        }
                        dist[v] = nd;
                        pred[v] = a as u32;
                        heap.push(Reverse((nd.to_bits(), v as u32)));
                    }
                }
            }
            let Some(t) = found else {
                break;
            };
            let dt = dist[t];
            for &v in &order {
                pot[v] += dist[v] - dt;
            }
            let Some(b) = self.augment_path(&pred, t, amount - sent, eps) else {
                break;
            };
            sent += b;
        }
        sent
    }

    /// Sends up to `limit` along the path that `pred` (the arc into each node) leads back from
    /// `t`, and returns the amount sent: `None` when the path carries nothing above `eps`, or
    /// is longer than the graph has nodes (a cycle left by rounding), and nothing is sent.
    fn augment_path(&mut self, pred: &[u32], t: usize, limit: f64, eps: f64) -> Option<f64> {
        let n = self.node_count();
        let (mut b, mut v, mut steps) = (limit, t, 0);
        while pred[v] != u32::MAX && steps <= n {
            let a = pred[v] as usize;
            b = b.min(self.res[a]);
            v = self.tail(a);
            steps += 1;
        }
        if b <= eps || steps > n {
            return None;
        }
        let mut v = t;
        while pred[v] != u32::MAX {
            let a = pred[v] as usize;
            self.push(a, b);
            v = self.tail(a);
        }
        Some(b)
    }

    /// As [`FlowGraph::min_cost_flow`] on a graph without flow (the state the assignment
    /// leaves each demand's graph in), with the same answer to the last bit, but with the
    /// search's arrays kept in `scratch` across calls and the arcs it pushes flow on
    /// reported: each pushed arc's pair (its even id, `a & !1`) is appended to `pushed`, once
    /// per push (so possibly more than once).
    ///
    /// # Arguments
    /// * `costs_non_negative`: the caller knows that every arc with residual capacity costs
    ///   ≥ 0 (no flow, and every arc that may carry any costs ≥ 0). Then the O(E) check
    ///   [`FlowGraph::min_cost_flow`] makes first is skipped; otherwise it is made, and a
    ///   graph that fails it is solved by its Bellman–Ford search, `pushed` then listing
    ///   every pair whose flow changed (O(E)).
    ///
    /// # Complexity
    /// Per augmenting path, the Dijkstra of [`FlowGraph::min_cost_flow`]:
    /// O((V' + E') log V') for the V' nodes nearer than the sink it stops at, with nothing
    /// proportional to the whole graph (`scratch` is reset where it was written).
    pub fn min_cost_flow_reusing(
        &mut self,
        scratch: &mut MinCostScratch,
        sources: &[usize],
        sinks: &[usize],
        amount: f64,
        costs_non_negative: bool,
        pushed: &mut Vec<u32>,
    ) -> f64 {
        let eps = self.eps.max(EPS_REL * amount);
        if !costs_non_negative
            && !(0..self.arc_count()).all(|a| self.res[a] <= eps || self.cost[a] >= 0.0)
        {
            let sent = self.min_cost_flow_bellman_ford(sources, sinks, amount);
            pushed.extend(
                (0..self.arc_count())
                    .step_by(2)
                    .filter(|&a| self.res[a] != self.cap[a] || self.res[a ^ 1] != self.cap[a ^ 1])
                    .map(|a| a as u32),
            );
            return sent;
        }
        scratch.fit(self.node_count());
        for &t in sinks {
            scratch.is_sink[t] = true;
        }
        let mut sent = 0.0;
        while amount - sent > eps {
            let Some(t) = self.nearest_sink(scratch, sources, eps) else {
                break;
            };
            let MinCostScratch {
                pot,
                dist,
                order,
                potted,
                ..
            } = scratch;
            let dt = dist[t];
            for &v in order.iter() {
                pot[v] += dist[v] - dt;
            }
            potted.extend_from_slice(order);
            let Some(b) = self.augment_path(&scratch.pred, t, amount - sent, eps) else {
                break;
            };
            let mut v = t;
            while scratch.pred[v] != u32::MAX {
                let a = scratch.pred[v];
                pushed.push(a & !1);
                v = self.tail(a as usize);
            }
            sent += b;
        }
        scratch.clear(sinks);
        sent
    }

    /// One Dijkstra of [`FlowGraph::min_cost_flow_reusing`] on reduced costs from `sources`
    /// to the nearest sink, which it returns (`None`: no sink is reachable); afterwards
    /// `scratch` holds the distances and predecessor arcs of the nodes reached and, in
    /// `order`, the nodes settled, in the order settled. Exactly the search of
    /// [`FlowGraph::min_cost_flow`]'s Dijkstra: the same keys, the same tie-breaking.
    fn nearest_sink(&self, s: &mut MinCostScratch, sources: &[usize], eps: f64) -> Option<usize> {
        for &v in &s.reached {
            s.dist[v] = f64::INFINITY;
            s.pred[v] = u32::MAX;
            s.settled[v] = false;
        }
        s.reached.clear();
        s.order.clear();
        s.heap.clear();
        for &x in sources {
            if s.dist[x] != 0.0 {
                s.dist[x] = 0.0;
                s.reached.push(x);
                s.heap.push(Reverse((0f64.to_bits(), x as u32)));
            }
        }
        while let Some(Reverse((bits, u))) = s.heap.pop() {
            let u = u as usize;
            let d = f64::from_bits(bits);
            if s.settled[u] || d > s.dist[u] {
                continue;
            }
            s.settled[u] = true;
            s.order.push(u);
            if s.is_sink[u] {
                return Some(u);
            }
            let pu = s.pot[u];
            for &a in self.out_arcs(u) {
                let a = a as usize;
                if self.res[a] <= eps {
                    continue;
                }
                let v = self.head[a] as usize;
                if s.settled[v] {
                    continue;
                }
                // Rounding may leave a reduced cost a hair below zero: it is zero.
                let reduced = (self.cost[a] + pu - s.pot[v]).max(0.0);
                let nd = d + reduced;
                if nd < s.dist[v] {
                    if s.dist[v].is_infinite() {
                        s.reached.push(v);
                    }
                    s.dist[v] = nd;
                    s.pred[v] = a as u32;
                    s.heap.push(Reverse((nd.to_bits(), v as u32)));
                }
            }
        }
        None
    }

    /// Gives back the flow of the arc pairs `pairs` (even arc ids, repeats allowed): each
    /// arc's residual is its capacity again. After a [`FlowGraph::min_cost_flow_reusing`]
    /// whose `pushed` is `pairs`, the graph is without flow again, in O(|pairs|).
    pub fn clear_flow_of(&mut self, pairs: &[u32]) {
        for &a in pairs {
            let a = a as usize;
            self.res[a] = self.cap[a];
            self.res[a ^ 1] = self.cap[a ^ 1];
        }
    }

    /// Sets the capacity of arc `a` as [`FlowGraph::set_capacity`] does, and returns the
    /// value set.
    pub fn set_capacity_of(&mut self, a: usize, cap: f64) -> f64 {
        self.set_capacity(a, cap);
        self.cap[a]
    }

    /// Sets the zero tolerance from `largest`, the largest finite capacity of the graph (what
    /// [`FlowGraph::rescale_eps`] computes, for a caller that keeps it up to date).
    pub fn set_eps_from_largest(&mut self, largest: f64) {
        self.eps = EPS_REL * largest;
    }

    /// [`FlowGraph::min_cost_flow`] on a graph whose residual arcs may have negative costs.
    fn min_cost_flow_bellman_ford(
        &mut self,
        sources: &[usize],
        sinks: &[usize],
        amount: f64,
    ) -> f64 {
        let n = self.node_count();
        let mut is_sink = vec![false; n];
        for &t in sinks {
            is_sink[t] = true;
        }
        let mut dist = vec![f64::INFINITY; n];
        let mut pred = vec![u32::MAX; n];
        let mut in_queue = vec![false; n];
        let mut queue = VecDeque::with_capacity(n);
        let mut sent = 0.0;
        let eps = self.eps.max(EPS_REL * amount);
        while amount - sent > eps {
            dist.fill(f64::INFINITY);
            pred.fill(u32::MAX);
            for &s in sources {
                dist[s] = 0.0;
                if !in_queue[s] {
                    in_queue[s] = true;
                    queue.push_back(s);
                }
            }
            // Relaxations are bounded so that a negative cycle left by rounding cannot loop.
            let mut budget = (n as u64 + 1) * (self.arc_count() as u64 + 1);
            while let Some(u) = queue.pop_front() {
                in_queue[u] = false;
                for &a in self.out_arcs(u) {
                    let a = a as usize;
                    if self.res[a] <= eps {
                        continue;
                    }
                    let v = self.head[a] as usize;
                    let d = dist[u] + self.cost[a];
                    if d < dist[v] - 1e-9 * (1.0 + d.abs()) {
                        dist[v] = d;
                        pred[v] = a as u32;
                        if !in_queue[v] {
                            in_queue[v] = true;
                            queue.push_back(v);
                        }
                    }
                }
                budget = budget.saturating_sub(1);
                if budget == 0 {
                    queue.clear();
                    in_queue.fill(false);
                    break;
                }
            }
            let Some(t) = (0..n)
                .filter(|&v| is_sink[v] && dist[v].is_finite())
                .min_by(|&a, &b| dist[a].total_cmp(&dist[b]))
            else {
                break;
            };
            let Some(b) = self.augment_path(&pred, t, amount - sent, eps) else {
                break;
            };
            sent += b;
        }
        sent
    }
}

/// Splits a flow into source–sink paths, cancelling any cycles it contains.
///
/// # Arguments
/// * `nodes`: number of nodes.
/// * `arcs`: `(tail, head)` of each arc.
/// * `flow`: non-negative flow on each arc; the paths' flow is taken out of it, and what is
///   left over (cycles no path met) is not part of any path.
/// * `s`, `t`: source and sink.
/// * `eps`: flows at most this are treated as zero.
///
/// # Returns
/// Paths (arc indices into `arcs`) with the flow each carries, in the order found. Their flows
/// sum to the flow out of `s`, less any cycle through `s`.
///
/// # Complexity
/// O(E · (V + E)): each path or cycle found zeroes at least one arc.
pub fn decompose(
    nodes: usize,
    arcs: &[(usize, usize)],
    flow: &mut [f64],
    s: usize,
    t: usize,
    eps: f64,
) -> Vec<PathFlow> {
    const NONE: u32 = u32::MAX;
    let mut start = vec![0usize; nodes + 1];
    for &(u, _) in arcs {
        start[u + 1] += 1;
    }
    for i in 0..nodes {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut adj = vec![0usize; arcs.len()];
    for (a, &(u, _)) in arcs.iter().enumerate() {
        adj[fill[u]] = a;
        fill[u] += 1;
    }
    let mut ptr = start.clone();
    let mut pos = vec![NONE; nodes];
    let mut path: Vec<usize> = Vec::new();
    let mut paths = Vec::new();
    'walks: loop {
        crate::cancel::checkpoint();
        for &a in &path {
            pos[arcs[a].1] = NONE;
        }
        path.clear();
        pos[s] = 0;
        let mut u = s;
        loop {
            if u == t && u != s {
                let b = path.iter().map(|&a| flow[a]).fold(f64::INFINITY, f64::min);
                for &a in &path {
                    flow[a] -= b;
                    if flow[a] <= eps {
                        flow[a] = 0.0;
                    }
                }
                paths.push(PathFlow {
                    arcs: path.iter().map(|&a| a as u32).collect(),
                    flow: b,
                });
                continue 'walks;
            }
            while ptr[u] < start[u + 1] && flow[adj[ptr[u]]] <= eps {
                ptr[u] += 1;
            }
            if ptr[u] == start[u + 1] {
                if u == s {
                    break 'walks;
                }
                // A dead end can only be rounding residue: drop the arc into it.
                pos[u] = NONE;
                let Some(a) = path.pop() else { break 'walks };
                flow[a] = 0.0;
                u = arcs[a].0;
                continue;
            }
            let a = adj[ptr[u]];
            let v = arcs[a].1;
            if pos[v] != NONE {
                // A cycle: cancel it, it carries nothing from s to t.
                let k = pos[v] as usize;
                let b = path[k..]
                    .iter()
                    .chain(std::iter::once(&a))
                    .map(|&c| flow[c])
                    .fold(f64::INFINITY, f64::min);
                for &c in path[k..].iter().chain(std::iter::once(&a)) {
                    flow[c] -= b;
                    if flow[c] <= eps {
                        flow[c] = 0.0;
                    }
                }
                for &c in &path[k..] {
                    pos[arcs[c].1] = NONE;
                }
                path.truncate(k);
                pos[v] = k as u32;
                u = v;
                continue;
            }
            path.push(a);
            pos[v] = path.len() as u32;
            u = v;
        }
    }
    pos[s] = NONE;
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(n: usize, arcs: &[(usize, usize, f64)]) -> FlowGraph {
        let mut b = FlowGraphBuilder::new(n);
        for &(u, v, c) in arcs {
            b.add_pair(u, v, c, 0.0);
        }
        b.build()
    }

    mod max_flow {
        use super::*;

        #[test]
        fn clrs_example() {
            let mut g = graph(
                6,
                &[
                    (0, 1, 16.0),
                    (0, 2, 13.0),
                    (1, 2, 10.0),
                    (1, 3, 12.0),
                    (2, 1, 4.0),
                    (2, 4, 14.0),
                    (3, 2, 9.0),
                    (3, 5, 20.0),
                    (4, 3, 7.0),
                    (4, 5, 4.0),
                ],
            );
            assert_eq!(g.max_flow(0, 5), 23.0);
        }

        #[test]
        fn undirected_pair_carries_either_way() {
            let mut b = FlowGraphBuilder::new(3);
            b.add_pair(1, 0, 5.0, 5.0); // stored 1→0, used 0→1
            b.add_pair(1, 2, 3.0, 3.0);
            let mut g = b.build();
            assert_eq!(g.max_flow(0, 2), 3.0);
            assert_eq!(g.flow(0), -3.0);
            assert_eq!(g.flow(1), 3.0);
        }

        #[test]
        fn disconnected_is_zero() {
            let mut g = graph(3, &[(0, 1, 1.0)]);
            assert_eq!(g.max_flow(0, 2), 0.0);
            assert!(!g.residual_reachable(0)[2]);
        }

        #[test]
        fn min_cut_is_the_narrow_arc() {
            let mut g = graph(4, &[(0, 1, 10.0), (1, 2, 1.5), (2, 3, 10.0)]);
            assert_eq!(g.max_flow(0, 3), 1.5);
            assert_eq!(g.residual_reachable(0), vec![true, true, false, false]);
        }
    }

    mod min_cost {
        use super::*;

        #[test]
        fn prefers_cheap_then_spills() {
            // two parallel routes 0→1→3 (cost 2, cap 4) and 0→2→3 (cost 10, cap 10)
            let mut b = FlowGraphBuilder::new(4);
            let cheap = b.add_pair_with_cost(0, 1, 4.0, 0.0, 1.0);
            b.add_pair_with_cost(1, 3, f64::INFINITY, 0.0, 1.0);
            let dear = b.add_pair_with_cost(0, 2, 10.0, 0.0, 5.0);
            b.add_pair_with_cost(2, 3, f64::INFINITY, 0.0, 5.0);
            let mut g = b.build();
            assert_eq!(g.min_cost_flow(&[0], &[3], 6.0), 6.0);
            assert_eq!(g.flow(cheap), 4.0);
            assert_eq!(g.flow(dear), 2.0);
            assert_eq!(g.min_cost_flow(&[0], &[3], 100.0), 8.0);
        }

        #[test]
        fn reroutes_through_reverse_arcs() {
            // The classic trap: the cheapest first path blocks the second unless undone.
            //   0→1 (1), 0→2 (5), 1→2 (1), 1→3 (5), 2→3 (1), all cap 1
            let mut b = FlowGraphBuilder::new(4);
            for (u, v, c) in [
                (0, 1, 1.0),
                (0, 2, 5.0),
                (1, 2, 1.0),
                (1, 3, 5.0),
                (2, 3, 1.0),
            ] {
                b.add_pair_with_cost(u, v, 1.0, 0.0, c);
            }
            let mut g = b.build();
            assert_eq!(g.min_cost_flow(&[0], &[3], 2.0), 2.0);
            assert_eq!(g.flow(4), 0.0, "1→2 is cancelled");
        }

        /// The Dijkstra search with potentials sends as much as the Bellman–Ford one, at the
        /// same total cost, on drawn graphs (several sources and sinks, zero-cost arcs and
        /// ties, infinite arcs, parallel arcs, amounts the network cannot carry).
        #[test]
        fn dijkstra_with_potentials_matches_bellman_ford() {
            let mut seed = 0x9E37_79B9_7F4A_7C15u64;
            let mut next = move |m: u64| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed % m
            };
            let total_cost = |g: &FlowGraph, arcs: &[usize]| -> f64 {
                arcs.iter().map(|&a| g.flow(a) * g.cost(a)).sum()
            };
            for case in 0..400 {
                let n = 3 + next(20) as usize;
                let mut b = FlowGraphBuilder::new(n);
                let mut arcs = Vec::new();
                for _ in 0..(n * (1 + next(4) as usize)) {
                    let (u, v) = (next(n as u64) as usize, next(n as u64) as usize);
                    if u == v {
                        continue;
                    }
                    let cap = if next(5) == 0 {
                        f64::INFINITY
                    } else {
                        (1 + next(9)) as f64
                    };
                    let cost = next(6) as f64 * 0.5;
                    arcs.push(b.add_pair_with_cost(u, v, cap, 0.0, cost));
                }
                let g = b.build();
                let sources: Vec<usize> =
                    (0..1 + next(2)).map(|_| next(n as u64) as usize).collect();
                let sinks: Vec<usize> = (0..1 + next(2))
                    .map(|_| next(n as u64) as usize)
                    .filter(|t| !sources.contains(t))
                    .collect();
                let amount = (1 + next(30)) as f64;
                let (mut d, mut f) = (g.clone(), g);
                let sent_d = d.min_cost_flow_dijkstra(&sources, &sinks, amount);
                let sent_f = f.min_cost_flow_bellman_ford(&sources, &sinks, amount);
                assert!(
                    (sent_d - sent_f).abs() < 1e-9,
                    "case {case}: sent {sent_d} vs {sent_f}"
                );
                let (cd, cf) = (total_cost(&d, &arcs), total_cost(&f, &arcs));
                assert!((cd - cf).abs() < 1e-9, "case {case}: cost {cd} vs {cf}");
            }
        }

        #[test]
        fn infinite_arcs_report_their_flow() {
            let mut b = FlowGraphBuilder::new(2);
            let a = b.add_pair_with_cost(0, 1, f64::INFINITY, 0.0, 1.0);
            let mut g = b.build();
            assert_eq!(g.min_cost_flow(&[0], &[1], 7.0), 7.0);
            assert_eq!(g.flow(a), 7.0);
        }
    }

    mod decomposition {
        use super::*;

        #[test]
        fn cycles_are_cancelled() {
            // 0→1→3 carries 2; 1→2→1 is a cycle of 1
            let arcs = [(0, 1), (1, 3), (1, 2), (2, 1)];
            let mut flow = [2.0, 2.0, 1.0, 1.0];
            let paths = decompose(4, &arcs, &mut flow, 0, 3, 1e-9);
            assert_eq!(
                paths,
                vec![PathFlow {
                    arcs: vec![0, 1],
                    flow: 2.0
                }]
            );
            assert_eq!(flow[..2], [0.0, 0.0]);
        }

        #[test]
        fn splits_into_paths() {
            let arcs = [(0, 1), (0, 2), (1, 3), (2, 3)];
            let mut flow = [1.0, 2.0, 1.0, 2.0];
            let paths = decompose(4, &arcs, &mut flow, 0, 3, 1e-9);
            assert_eq!(paths.len(), 2);
            assert_eq!(paths.iter().map(|p| p.flow).sum::<f64>(), 3.0);
        }
    }
}
