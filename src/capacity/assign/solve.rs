//! Solving an assignment: each demand, in order, as a min-cost flow on what earlier demands
//! left (see [`super`] for the method).
//!
//! # Work per demand
//! The answer is that of the first, simple method (kept as [`super::reference`], the test
//! oracle), but no step costs O(network) per demand:
//! - one costed flow graph per (mode, cargo) of the demands, built on first use and kept;
//! - each graph is brought up to date only for the links whose remaining capacity changed
//!   since that graph's last demand (a log of the links each demand loaded), and its largest
//!   finite capacity (the zero tolerance) is kept in a heap instead of rescanned;
//! - the search keeps its arrays between demands ([`MinCostScratch`]), resetting only what it
//!   wrote, and reports the arcs it pushed flow on;
//! - the routes are read, and the flow cleared, on those arcs only.

use std::collections::BinaryHeap;

use crate::cost::{Cargo, Constraints, ModeFilter};
use crate::network::Network;

use super::request::AssignQuery;
use super::result::{Assignment, DemandResult, LinkLoad, Route};
use crate::capacity::flow::{EPS_REL, MinCostScratch, decompose};
use crate::capacity::graph::{CostGraph, cost_graph, link_capacities_directed, usable_states};
use crate::capacity::maxflow::Step;
use crate::capacity::pricing::{link_usd_per_t, transshipment_usd_per_t};

/// Assigns the demands of `req` over `net`, one after another (see the module docs).
///
/// # Complexity
/// O(V + E) once, and once per distinct (mode, cargo) of the demands (its flow graph); then
/// per demand one Dijkstra per augmenting path, stopped at the nearest sink, plus work in the
/// size of the links earlier demands loaded.
pub fn assign(net: &Network, req: &AssignQuery) -> Assignment {
    let mut s = Solver::new(net, req);
    let results = req.demands.iter().map(|d| s.demand(d)).collect();
    s.finish(results)
}

/// The state of an assignment between demands.
struct Solver<'a> {
    net: &'a Network,
    req: &'a AssignQuery,
    /// Per link, its capacity per direction (`None`: unconstrained).
    caps: Vec<Option<[f64; 2]>>,
    /// Whether a link's two directions have capacities of their own (else they share one).
    own: Vec<bool>,
    /// Tonnes used so far per link, `[from → to, to → from]`.
    used: Vec<[f64; 2]>,
    loads: Vec<LinkLoad>,
    transshipments: Vec<f64>,
    /// The links whose `used` changed, in the order the demands loaded them (repeats
    /// allowed): each graph replays what it has not seen.
    changed: Vec<u32>,
    graphs: Vec<Graph>,
    scratch: MinCostScratch,
    /// Per state, its number in the current demand's flow decomposition (`u32::MAX`: none).
    local: Vec<u32>,
    pushed: Vec<u32>,
}

/// One (mode, cargo)'s costed flow graph, kept between the demands that use it.
struct Graph {
    key: (ModeFilter, Cargo),
    constraints: Constraints,
    cg: CostGraph,
    /// How much of [`Solver::changed`] its capacities reflect.
    synced: usize,
    /// Finite capacities above 1 as `(bits, arc)`, stale entries included: the largest valid
    /// one is the largest finite capacity, which sets the zero tolerance.
    largest: BinaryHeap<(u64, u32)>,
    /// Per arc pair (`arc / 2`): the link it belongs to, or `links + i` for the `i`-th
    /// transshipment.
    owner: Vec<u32>,
    /// Every arc that may carry flow costs ≥ 0.
    costs_non_negative: bool,
}

impl<'a> Solver<'a> {
    fn new(net: &'a Network, req: &'a AssignQuery) -> Self {
        let caps = link_capacities_directed(net, &req.overrides);
        let own: Vec<bool> = net
            .links()
            .iter()
            .enumerate()
            .map(|(i, l)| {
                l.capacity_directed.is_some() && !req.overrides.capacity_tpy.contains_key(&i)
            })
            .collect();
        let loads = (0..caps.len())
            .map(|i| LinkLoad {
                link_ix: i,
                forward_tpy: 0.0,
                backward_tpy: 0.0,
                capacity_tpy: caps[i].map(|[f, b]| f.max(b)),
                capacity_directed_tpy: caps[i].filter(|_| own[i]),
                demand_count: 0,
            })
            .collect();
        Self {
            net,
            req,
            used: vec![[0.0f64; 2]; caps.len()],
            caps,
            own,
            loads,
            transshipments: vec![0.0f64; net.nodes().len()],
            changed: Vec::new(),
            graphs: Vec::new(),
            scratch: MinCostScratch::default(),
            local: vec![u32::MAX; net.nodes().len() * 2],
            pushed: Vec::new(),
        }
    }

    /// What is left of link `i`, `[from → to, to → from]` t/yr (`None`: unconstrained).
    fn remaining(&self, i: usize) -> Option<[f64; 2]> {
        let [uf, ub] = self.used[i];
        self.caps[i].map(|[cf, cb]| {
            if self.own[i] {
                [(cf - uf).max(0.0), (cb - ub).max(0.0)]
            } else {
                [(cf - uf - ub).max(0.0); 2]
            }
        })
    }

    /// The graph of `(mode, cargo)`, built on first use, with its capacities brought up to
    /// what earlier demands left.
    fn graph(&mut self, mode: ModeFilter, cargo: Cargo) -> usize {
        let key = (mode, cargo);
        let Some(gi) = self.graphs.iter().position(|g| g.key == key) else {
            let constraints = with_mode(&self.req.constraints, mode, cargo);
            let mut cg = cost_graph(self.net, &constraints);
            let remaining: Vec<_> = (0..self.caps.len()).map(|i| self.remaining(i)).collect();
            cg.set_remaining(&remaining);
            let g = &cg.graph;
            let largest = (0..g.arc_count())
                .filter(|&a| g.capacity(a).is_finite() && g.capacity(a) > 1.0)
                .map(|a| (g.capacity(a).to_bits(), a as u32))
                .collect();
            let links = self.net.links().len() as u32;
            let mut owner = vec![u32::MAX; g.arc_count() / 2];
            for (i, arcs) in cg.link_arcs.iter().enumerate() {
                if let Some((fwd, back)) = *arcs {
                    owner[fwd as usize / 2] = i as u32;
                    if let Some(b) = back {
                        owner[b as usize / 2] = i as u32;
                    }
                }
            }
            for (k, &(_, up, down)) in cg.transshipment_arcs.iter().enumerate() {
                owner[up as usize / 2] = links + k as u32;
                owner[down as usize / 2] = links + k as u32;
            }
            // The graph's pairs are built `(cost ≥ 0 forward, capacity 0 back)`: only the
            // forward arcs (even ids) ever have capacity.
            let costs_non_negative = (0..g.arc_count()).step_by(2).all(|a| g.cost(a) >= 0.0)
                && (1..g.arc_count()).step_by(2).all(|a| g.capacity(a) == 0.0);
            self.graphs.push(Graph {
                key,
                constraints,
                cg,
                synced: self.changed.len(),
                largest,
                owner,
                costs_non_negative,
            });
            return self.graphs.len() - 1;
        };
        let from = self.graphs[gi].synced;
        for k in from..self.changed.len() {
            let i = self.changed[k] as usize;
            let r = self.remaining(i);
            let g = &mut self.graphs[gi];
            let Some((fwd, back)) = g.cg.link_arcs[i] else {
                continue;
            };
            let [cf, cb] = r.unwrap_or([f64::INFINITY; 2]);
            for (a, c) in [(Some(fwd), cf), (back, cb)] {
                let Some(a) = a else { continue };
                let set = g.cg.graph.set_capacity_of(a as usize, c);
                if set.is_finite() && set > 1.0 {
                    g.largest.push((set.to_bits(), a));
                }
            }
        }
        let g = &mut self.graphs[gi];
        g.synced = self.changed.len();
        // Capacities only shrink, so the stale entries are dropped as they surface.
        while let Some(&(bits, a)) = g.largest.peek() {
            if g.cg.graph.capacity(a as usize).to_bits() == bits {
                break;
            }
            g.largest.pop();
        }
        let largest = g
            .largest
            .peek()
            .map_or(1.0, |&(bits, _)| f64::from_bits(bits).max(1.0));
        g.cg.graph.set_eps_from_largest(largest);
        gi
    }

    /// Assigns one demand on what the earlier ones left.
    fn demand(&mut self, d: &super::Demand) -> DemandResult {
        crate::cancel::check_now();
        let gi = self.graph(d.mode, d.cargo);
        let net = self.net;
        let g = &mut self.graphs[gi];
        let states = |places: &[usize]| -> Vec<usize> {
            places
                .iter()
                .flat_map(|&n| usable_states(net, n, &g.constraints))
                .collect()
        };
        let sources = states(&d.from.nodes);
        let sinks = states(&d.to.nodes);
        self.pushed.clear();
        let sent = g.cg.graph.min_cost_flow_reusing(
            &mut self.scratch,
            &sources,
            &sinks,
            d.tonnes_per_year,
            g.costs_non_negative,
            &mut self.pushed,
        );
        let eps = g.cg.graph.eps().max(EPS_REL * d.tonnes_per_year);
        // The links and transshipments that carry flow, in the order of the graph's lists.
        let mut owners: Vec<u32> = self
            .pushed
            .iter()
            .map(|&a| g.owner[a as usize / 2])
            .collect();
        owners.sort_unstable();
        owners.dedup();
        let Self {
            used,
            loads,
            changed,
            local,
            transshipments,
            ..
        } = self;
        let routes = record(
            net,
            &g.cg,
            &owners,
            &sources,
            &sinks,
            eps,
            local,
            &mut |i, f| {
                used[i][usize::from(f < 0.0)] += f.abs();
                changed.push(i as u32);
                let l = &mut loads[i];
                if f > 0.0 {
                    l.forward_tpy += f;
                } else {
                    l.backward_tpy -= f;
                }
                l.demand_count += 1;
            },
        );
        let links = net.links().len();
        for &o in owners.iter().filter(|&&o| o as usize >= links) {
            let (n, up, down) = g.cg.transshipment_arcs[o as usize - links];
            let f = g.cg.graph.flow(up as usize) - g.cg.graph.flow(down as usize);
            if f.abs() > eps {
                transshipments[n] += f.abs();
            }
        }
        g.cg.graph.clear_flow_of(&self.pushed);
        let served = if d.tonnes_per_year - sent <= eps {
            d.tonnes_per_year
        } else {
            sent
        };
        DemandResult {
            tonnes_per_year: d.tonnes_per_year,
            served_tpy: served,
            routes,
        }
    }

    fn finish(self, demands: Vec<DemandResult>) -> Assignment {
        Assignment {
            links: self
                .loads
                .into_iter()
                .filter(|l| l.flow_tpy() > 0.0)
                .collect(),
            transshipments: self
                .transshipments
                .into_iter()
                .enumerate()
                .filter(|(_, f)| *f > 0.0)
                .collect(),
            demands,
        }
    }
}

/// Reads one demand's flow off `cg`: reports each link's net flow to `on_link` and returns
/// the routes (a decomposition of the flow into paths, largest first).
///
/// # Arguments
/// * `owners`: the links (`< links`) and transshipments (`links + i`) that may carry flow,
///   sorted; every other one carries none.
/// * `local`: per state `u32::MAX`, and so again on return (the states are numbered apart
///   for the decomposition, which then costs only the size of the flow).
#[allow(clippy::too_many_arguments)]
fn record(
    net: &Network,
    cg: &CostGraph,
    owners: &[u32],
    sources: &[usize],
    sinks: &[usize],
    eps: f64,
    local: &mut [u32],
    on_link: &mut dyn FnMut(usize, f64),
) -> Vec<Route> {
    // The super-source and super-sink are 0 and 1; states get numbers from 2 as met.
    let (s, t) = (0, 1);
    let mut fg = FlowArcs {
        arcs: Vec::new(),
        flow: Vec::new(),
        labels: Vec::new(),
        excess: vec![0.0; 2],
        states: Vec::new(),
    };
    let links = net.links().len();
    for &o in owners {
        let o = o as usize;
        if o < links {
            let i = o;
            let Some((fwd, _)) = cg.link_arcs[i] else {
                continue;
            };
            let f = cg.link_net_flow(i);
            if f.abs() <= eps {
                continue;
            }
            on_link(i, f);
            let (a, b) = (cg.graph.tail(fwd as usize), cg.graph.head(fwd as usize));
            let (u, v) = if f > 0.0 { (a, b) } else { (b, a) };
            let step = Step::Link {
                link_ix: i,
                forward: f > 0.0,
            };
            let (u, v) = (fg.local(local, u), fg.local(local, v));
            fg.add(u, v, f.abs(), Some(step), link_usd_per_t(&net.links()[i]));
        } else {
            let (n, up, down) = cg.transshipment_arcs[o - links];
            let f = cg.graph.flow(up as usize) - cg.graph.flow(down as usize);
            if f.abs() <= eps {
                continue;
            }
            let (rail, road) = (cg.graph.tail(up as usize), cg.graph.head(up as usize));
            let (u, v) = if f > 0.0 { (rail, road) } else { (road, rail) };
            let step = Step::Transshipment {
                node_ix: n,
                rail_to_road: f > 0.0,
            };
            let (u, v) = (fg.local(local, u), fg.local(local, v));
            fg.add(u, v, f.abs(), Some(step), transshipment_usd_per_t());
        }
    }
    for &x in sources {
        let x = local[x];
        if x == u32::MAX {
            continue;
        }
        let e = fg.excess[x as usize];
        if e > eps {
            fg.add(s, x as usize, e, None, 0.0);
        }
    }
    for &x in sinks {
        let x = local[x];
        if x == u32::MAX {
            continue;
        }
        let e = fg.excess[x as usize];
        if e < -eps {
            fg.add(x as usize, t, -e, None, 0.0);
        }
    }
    for &x in &fg.states {
        local[x] = u32::MAX;
    }
    let FlowArcs {
        arcs,
        mut flow,
        labels,
        excess,
        ..
    } = fg;
    let mut paths = decompose(excess.len(), &arcs, &mut flow, s, t, eps);
    paths.sort_by(|a, b| b.flow.total_cmp(&a.flow));
    paths
        .into_iter()
        .map(|p| Route {
            steps: p
                .arcs
                .iter()
                .filter_map(|&a| labels[a as usize].0)
                .collect(),
            tonnes_per_year: p.flow,
            cost_usd_per_t: p.arcs.iter().map(|&a| labels[a as usize].1).sum(),
        })
        .collect()
}

/// The arcs of one demand's flow, for decomposition into routes, on the demand's own
/// numbering of states.
struct FlowArcs {
    arcs: Vec<(usize, usize)>,
    flow: Vec<f64>,
    /// What each arc is, and its cost per tonne.
    labels: Vec<(Option<Step>, f64)>,
    /// Outflow minus inflow per number (the super-source's and super-sink's unread).
    excess: Vec<f64>,
    /// The states numbered, from number 2 on.
    states: Vec<usize>,
}

impl FlowArcs {
    /// The number of `state`, given it when first met.
    fn local(&mut self, local: &mut [u32], state: usize) -> usize {
        if local[state] == u32::MAX {
            local[state] = self.excess.len() as u32;
            self.excess.push(0.0);
            self.states.push(state);
        }
        local[state] as usize
    }

    fn add(&mut self, u: usize, v: usize, f: f64, step: Option<Step>, cost: f64) {
        self.arcs.push((u, v));
        self.flow.push(f);
        self.labels.push((step, cost));
        self.excess[u] += f;
        self.excess[v] -= f;
    }
}

/// `base` with the mode and cargo of one demand.
pub(super) fn with_mode(base: &Constraints, mode: ModeFilter, cargo: Cargo) -> Constraints {
    Constraints {
        mode,
        cargo,
        ..base.clone()
    }
}
