//! How the corridor network becomes a flow network.
//!
//! Every node has a rail side and a road side (its *states*, `2·node + mode`); a link joins
//! the states of its mode at its two ends. Only at an `intermodal` node that serves both
//! modes, and only when the request allows both, an unconstrained transshipment pair joins the two
//! sides, the same rule routing applies to mode changes. Links, nodes and modes are filtered
//! by the shared [`Constraints`].
//!
//! ```text
//!   rail side:  A.rail ==rail link== B.rail
//!                                      ‖  transshipment (B intermodal)
//!   road side:  A.road --road link-- B.road
//! ```

use crate::cost::Constraints;
use crate::network::{Mode, Network};

use super::flow::{FlowGraph, FlowGraphBuilder};
use super::pricing::{link_usd_per_t, transshipment_usd_per_t};
use super::request::{MAX_CAPACITY_TPY, Overrides};

/// The state (flow-network node) of `node_ix` on its `mode` side.
pub fn state(node_ix: usize, mode: Mode) -> usize {
    node_ix * 2 + slot(mode)
}

fn slot(mode: Mode) -> usize {
    match mode {
        Mode::Rail => 0,
        Mode::Road => 1,
    }
}

/// Each link's capacity in t/yr under the overrides (`None`: unconstrained), clamped to
/// [`MAX_CAPACITY_TPY`].
pub fn link_capacities(net: &Network, overrides: &Overrides) -> Vec<Option<f64>> {
    net.links()
        .iter()
        .enumerate()
        .map(|(i, l)| {
            overrides
                .capacity_tpy
                .get(&i)
                .copied()
                .or_else(|| l.capacity_tpy(&overrides.conversion))
                .map(|c| c.clamp(0.0, MAX_CAPACITY_TPY))
        })
        .collect()
}

/// The states of `node_ix` a request may use: the modes it serves and the request allows,
/// if the node itself is allowed.
pub fn usable_states(net: &Network, node_ix: usize, c: &Constraints) -> Vec<usize> {
    let n = &net.nodes()[node_ix];
    if !c.allows_node(n) {
        return Vec::new();
    }
    n.modes
        .iter()
        .filter(|&&m| c.mode.allows(m))
        .map(|&m| state(node_ix, m))
        .collect()
}

/// Intermodal nodes where the request may change mode.
fn transshipment_nodes<'a>(
    net: &'a Network,
    c: &'a Constraints,
) -> impl Iterator<Item = usize> + 'a {
    net.nodes().iter().enumerate().filter_map(move |(i, n)| {
        (n.intermodal
            && c.allows_node(n)
            && n.serves(Mode::Rail)
            && n.serves(Mode::Road)
            && c.mode.allows(Mode::Rail)
            && c.mode.allows(Mode::Road))
        .then_some(i)
    })
}

/// The flow network of a max-flow question.
#[derive(Debug, Clone)]
pub struct MaxFlowGraph {
    /// The arcs; states `0..2n`, then the super-source and super-sink.
    pub graph: FlowGraph,
    /// Super-source.
    pub source: usize,
    /// Super-sink.
    pub sink: usize,
    /// Per link: the arc `from → to` of its pair, when the request may use it.
    pub link_arc: Vec<Option<u32>>,
    /// Per link: its capacity, t/yr (`None`: unconstrained).
    pub link_capacity: Vec<Option<f64>>,
    /// Transshipment pairs: node index and the arc `rail → road`.
    pub transshipment_arc: Vec<(usize, u32)>,
    /// Per arc: whether it is unconstrained (sentinel capacity).
    pub unconstrained: Vec<bool>,
    /// The finite sentinel standing for "unconstrained": more than every finite capacity
    /// together, so it is never part of a minimum cut unless the flow is unbounded.
    pub sentinel: f64,
}

/// Builds the flow network of a max-flow question: each usable link a pair (its capacity
/// both ways, or one way when `oneway`), transshipment pairs, and super-source/super-sink arcs to
/// every usable state of the sources and sinks.
pub fn max_flow_graph(
    net: &Network,
    c: &Constraints,
    overrides: &Overrides,
    sources: &[usize],
    sinks: &[usize],
) -> MaxFlowGraph {
    let caps = link_capacities(net, overrides);
    let usable: Vec<bool> = net.links().iter().map(|l| c.allows_link(net, l)).collect();
    let finite: f64 = caps
        .iter()
        .zip(&usable)
        .filter_map(|(cap, &u)| if u { *cap } else { None })
        .sum();
    let sentinel = 4.0 * finite + 1.0;
    let mut b = FlowGraphBuilder::new(net.nodes().len() * 2);
    let source = b.add_node();
    let sink = b.add_node();
    let mut unconstrained = Vec::new();
    let mut link_arc = vec![None; net.links().len()];
    for (i, l) in net.links().iter().enumerate() {
        if !usable[i] {
            continue;
        }
        let cap = caps[i].unwrap_or(sentinel);
        let back = if l.oneway { 0.0 } else { cap };
        let a = b.add_pair(state(l.from_ix, l.mode), state(l.to_ix, l.mode), cap, back);
        link_arc[i] = Some(a as u32);
        unconstrained.extend([caps[i].is_none(); 2]);
    }
    let mut transshipment_arc = Vec::new();
    for n in transshipment_nodes(net, c) {
        let a = b.add_pair(
            state(n, Mode::Rail),
            state(n, Mode::Road),
            sentinel,
            sentinel,
        );
        transshipment_arc.push((n, a as u32));
        unconstrained.extend([true; 2]);
    }
    for &n in sources {
        for s in usable_states(net, n, c) {
            b.add_pair(source, s, sentinel, 0.0);
            unconstrained.extend([true; 2]);
        }
    }
    for &n in sinks {
        for s in usable_states(net, n, c) {
            b.add_pair(s, sink, sentinel, 0.0);
            unconstrained.extend([true; 2]);
        }
    }
    MaxFlowGraph {
        graph: b.build(),
        source,
        sink,
        link_arc,
        link_capacity: caps,
        transshipment_arc,
        unconstrained,
        sentinel,
    }
}

/// The flow network of an assignment under one set of constraints: costed, with two one-way
/// pairs per undirected link (so that either direction costs the same) and capacities set
/// per demand from what earlier demands left.
#[derive(Debug, Clone)]
pub struct CostGraph {
    /// The arcs; states `0..2n`.
    pub graph: FlowGraph,
    /// Per link: the arcs `from → to` and (unless one-way) `to → from`, when usable.
    pub link_arcs: Vec<Option<(u32, Option<u32>)>>,
    /// Transshipment arcs: node index, arc `rail → road`, arc `road → rail`.
    pub transshipment_arcs: Vec<(usize, u32, u32)>,
}

/// Builds the costed flow network of an assignment (capacities all infinite until
/// [`CostGraph::set_remaining`]).
pub fn cost_graph(net: &Network, c: &Constraints) -> CostGraph {
    let mut b = FlowGraphBuilder::new(net.nodes().len() * 2);
    let mut link_arcs = vec![None; net.links().len()];
    for (i, l) in net.links().iter().enumerate() {
        if !c.allows_link(net, l) {
            continue;
        }
        let cost = link_usd_per_t(l);
        let (u, v) = (state(l.from_ix, l.mode), state(l.to_ix, l.mode));
        let fwd = b.add_pair_with_cost(u, v, f64::INFINITY, 0.0, cost) as u32;
        let back = (!l.oneway).then(|| b.add_pair_with_cost(v, u, f64::INFINITY, 0.0, cost) as u32);
        link_arcs[i] = Some((fwd, back));
    }
    let mut transshipment_arcs = Vec::new();
    for n in transshipment_nodes(net, c) {
        let (rail, road) = (state(n, Mode::Rail), state(n, Mode::Road));
        let up = b.add_pair_with_cost(rail, road, f64::INFINITY, 0.0, transshipment_usd_per_t());
        let down = b.add_pair_with_cost(road, rail, f64::INFINITY, 0.0, transshipment_usd_per_t());
        transshipment_arcs.push((n, up as u32, down as u32));
    }
    CostGraph {
        graph: b.build(),
        link_arcs,
        transshipment_arcs,
    }
}

impl CostGraph {
    /// Clears all flow and sets each usable link's capacity (both directions) to what is
    /// left of it, `remaining[link]` t/yr (`None`: unconstrained).
    pub fn set_remaining(&mut self, remaining: &[Option<f64>]) {
        for (i, arcs) in self.link_arcs.iter().enumerate() {
            let Some((fwd, back)) = *arcs else { continue };
            let cap = remaining[i].unwrap_or(f64::INFINITY);
            self.graph.set_capacity(fwd as usize, cap);
            if let Some(back) = back {
                self.graph.set_capacity(back as usize, cap);
            }
        }
        self.graph.clear_flow();
        self.graph.rescale_eps();
    }

    /// Net flow on link `i` from its `from` to its `to` (negative: the other way).
    pub fn link_net_flow(&self, i: usize) -> f64 {
        match self.link_arcs[i] {
            Some((fwd, back)) => {
                self.graph.flow(fwd as usize) - back.map_or(0.0, |b| self.graph.flow(b as usize))
            }
            None => 0.0,
        }
    }
}
