//! The assignment as it was first written, kept as the test oracle of [`super::solve`]: per
//! demand, every link's remaining capacity set again, the whole flow graph cleared, and a
//! min-cost flow by [`crate::capacity::flow::FlowGraph::min_cost_flow`] (fresh scratch per
//! call); its routes read by scanning every link. `tests/capacity_props.rs` checks that
//! [`super::assign`] answers exactly as this does. Not used by the service.

use crate::cost::{Cargo, Constraints, ModeFilter};
use crate::network::Network;

use super::request::AssignQuery;
use super::result::{Assignment, DemandResult, LinkLoad, Route};
use super::solve::with_mode;
use crate::capacity::flow::{EPS_REL, decompose};
use crate::capacity::graph::{CostGraph, cost_graph, link_capacities_directed, usable_states};
use crate::capacity::maxflow::Step;
use crate::capacity::pricing::{link_usd_per_t, transshipment_usd_per_t};

/// Assigns the demands of `req` over `net` as [`super::assign`] does, by the first, simple
/// method (see the module docs).
///
/// # Complexity
/// Per demand, O(V + E) to reset capacities, clear the flow and read the routes, plus one
/// Dijkstra per augmenting path (45 s for 1,000 demands on a 10⁵-node generated network).
pub fn assign_reference(net: &Network, req: &AssignQuery) -> Assignment {
    let caps = link_capacities_directed(net, &req.overrides);
    // Whether a link's two directions have capacities of their own (else they share one).
    let own: Vec<bool> = net
        .links()
        .iter()
        .enumerate()
        .map(|(i, l)| l.capacity_directed.is_some() && !req.overrides.capacity_tpy.contains_key(&i))
        .collect();
    // Tonnes used so far per link, `[from → to, to → from]`.
    let mut used = vec![[0.0f64; 2]; caps.len()];
    let mut loads: Vec<LinkLoad> = (0..caps.len())
        .map(|i| LinkLoad {
            link_ix: i,
            forward_tpy: 0.0,
            backward_tpy: 0.0,
            capacity_tpy: caps[i].map(|[f, b]| f.max(b)),
            capacity_directed_tpy: caps[i].filter(|_| own[i]),
            demand_count: 0,
        })
        .collect();
    let mut transshipments = vec![0.0f64; net.nodes().len()];
    let mut graphs: Vec<((ModeFilter, Cargo), Constraints, CostGraph)> = Vec::new();
    let mut remaining = caps.clone();
    let mut results = Vec::with_capacity(req.demands.len());
    for d in &req.demands {
        crate::cancel::check_now();
        let key = (d.mode, d.cargo);
        let gi = match graphs.iter().position(|(k, _, _)| *k == key) {
            Some(i) => i,
            None => {
                let c = with_mode(&req.constraints, d.mode, d.cargo);
                let g = cost_graph(net, &c);
                graphs.push((key, c, g));
                graphs.len() - 1
            }
        };
        let (_, c, cg) = &mut graphs[gi];
        for (i, r) in remaining.iter_mut().enumerate() {
            let [uf, ub] = used[i];
            *r = caps[i].map(|[cf, cb]| {
                if own[i] {
                    [(cf - uf).max(0.0), (cb - ub).max(0.0)]
                } else {
                    [(cf - uf - ub).max(0.0); 2]
                }
            });
        }
        cg.set_remaining(&remaining);
        let sources: Vec<usize> = d
            .from
            .nodes
            .iter()
            .flat_map(|&n| usable_states(net, n, c))
            .collect();
        let sinks: Vec<usize> =
            d.to.nodes
                .iter()
                .flat_map(|&n| usable_states(net, n, c))
                .collect();
        let sent = cg.graph.min_cost_flow(&sources, &sinks, d.tonnes_per_year);
        let eps = cg.graph.eps().max(EPS_REL * d.tonnes_per_year);
        let routes = record(net, cg, &sources, &sinks, eps, &mut |i, f| {
            used[i][usize::from(f < 0.0)] += f.abs();
            let l = &mut loads[i];
            if f > 0.0 {
                l.forward_tpy += f;
            } else {
                l.backward_tpy -= f;
            }
            l.demand_count += 1;
        });
        for &(n, up, down) in &cg.transshipment_arcs {
            let f = cg.graph.flow(up as usize) - cg.graph.flow(down as usize);
            if f.abs() > eps {
                transshipments[n] += f.abs();
            }
        }
        let served = if d.tonnes_per_year - sent <= eps {
            d.tonnes_per_year
        } else {
            sent
        };
        results.push(DemandResult {
            tonnes_per_year: d.tonnes_per_year,
            served_tpy: served,
            routes,
        });
    }
    Assignment {
        links: loads.into_iter().filter(|l| l.flow_tpy() > 0.0).collect(),
        transshipments: transshipments
            .into_iter()
            .enumerate()
            .filter(|(_, f)| *f > 0.0)
            .collect(),
        demands: results,
    }
}

/// Reads one demand's flow off `cg`: reports each link's net flow to `on_link` and returns
/// the routes (a decomposition of the flow into paths, largest first).
fn record(
    net: &Network,
    cg: &CostGraph,
    sources: &[usize],
    sinks: &[usize],
    eps: f64,
    on_link: &mut dyn FnMut(usize, f64),
) -> Vec<Route> {
    let states = net.nodes().len() * 2;
    let (s, t) = (states, states + 1);
    let mut fg = FlowArcs {
        arcs: Vec::new(),
        flow: Vec::new(),
        labels: Vec::new(),
        excess: vec![0.0; states],
    };
    for (i, la) in cg.link_arcs.iter().enumerate() {
        let Some((fwd, _)) = *la else { continue };
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
        fg.add(u, v, f.abs(), Some(step), link_usd_per_t(&net.links()[i]));
    }
    for &(n, up, down) in &cg.transshipment_arcs {
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
        fg.add(u, v, f.abs(), Some(step), transshipment_usd_per_t());
    }
    for &x in sources {
        let e = fg.excess[x];
        if e > eps {
            fg.add(s, x, e, None, 0.0);
        }
    }
    for &x in sinks {
        let e = fg.excess[x];
        if e < -eps {
            fg.add(x, t, -e, None, 0.0);
        }
    }
    let FlowArcs {
        arcs,
        mut flow,
        labels,
        ..
    } = fg;
    let mut paths = decompose(states + 2, &arcs, &mut flow, s, t, eps);
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

/// The arcs of one demand's flow, for decomposition into routes.
struct FlowArcs {
    arcs: Vec<(usize, usize)>,
    flow: Vec<f64>,
    /// What each arc is, and its cost per tonne.
    labels: Vec<(Option<Step>, f64)>,
    /// Outflow minus inflow per state.
    excess: Vec<f64>,
}

impl FlowArcs {
    fn add(&mut self, u: usize, v: usize, f: f64, step: Option<Step>, cost: f64) {
        self.arcs.push((u, v));
        self.flow.push(f);
        self.labels.push((step, cost));
        if let Some(e) = self.excess.get_mut(u) {
            *e += f;
        }
        if let Some(e) = self.excess.get_mut(v) {
            *e -= f;
        }
    }
}
