//! "How much can go?": the maximum flow between two sets of places and a minimum cut, the
//! links that limit it.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::cost::Constraints;
use crate::network::Network;

use super::flow::decompose;
use super::graph::{MaxFlowGraph, max_flow_graph};
use super::request::{Overrides, PlaceSet};

/// A checked max-flow question.
#[derive(Debug, Clone)]
pub struct CapacityQuery {
    /// Where flow starts.
    pub from: PlaceSet,
    /// Where flow ends (disjoint from `from`).
    pub to: PlaceSet,
    /// Which links and nodes may be used (the same filter routing uses).
    pub constraints: Constraints,
    /// Capacity overrides and conversion constants.
    pub overrides: Overrides,
    /// Whether flow may pass through countries other than the sources' and sinks'.
    pub transit: Transit,
}

crate::fields::str_enum!(
    /// Which countries a max flow may pass through (`transit=`).
    #[derive(Default)]
    Transit {
        /// Any country the constraints allow; third countries' links are assumed fully
        /// available to this flow.
        #[default]
        Any = "any",
        /// Only the sources' and sinks' countries (their own links and the crossings between
        /// them).
        Direct = "direct",
    }
);

/// The assumption a max flow through third countries rests on, stated in every answer.
pub const TRANSIT_ASSUMPTION: &str = "links and crossings in third countries (neither a source's nor a sink's) are assumed fully available to this flow, as if no other traffic used them; transit=direct answers without them";

/// Flow along one corridor (ordered country sequence) in a decomposition of the max flow.
#[derive(Debug, Clone, PartialEq)]
pub struct CorridorFlow {
    /// Label, e.g. `KZ-RU-CN`.
    pub corridor: String,
    /// Tonnes a year.
    pub flow_tpy: f64,
    /// Countries passed that are neither a source's nor a sink's, in order.
    pub transit: Vec<String>,
}

/// Flow through one border crossing.
#[derive(Debug, Clone, PartialEq)]
pub struct CrossingFlow {
    /// Index into [`Network::links`].
    pub link_ix: usize,
    /// Tonnes a year.
    pub flow_tpy: f64,
    /// Countries in the direction of flow, `[from, to]`.
    pub countries: [String; 2],
    /// Whether either side is a third country (the crossing carries transit).
    pub transit: bool,
}

/// One step of a path through the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Along link `link_ix`, `from → to` when `forward`.
    Link {
        /// Index into [`Network::links`].
        link_ix: usize,
        /// Whether the step runs the way the link is drawn.
        forward: bool,
    },
    /// A change of mode at an intermodal node.
    Transshipment {
        /// Index into [`Network::nodes`].
        node_ix: usize,
        /// Rail to road (else road to rail).
        rail_to_road: bool,
    },
}

/// Flow on one link.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkFlow {
    /// Index into [`Network::links`].
    pub link_ix: usize,
    /// Tonnes a year carried, > 0.
    pub flow_tpy: f64,
    /// Whether the flow runs `from → to` as the link is drawn.
    pub forward: bool,
    /// The capacity used, t/yr; `None` when the link is unconstrained.
    pub capacity_tpy: Option<f64>,
}

/// A link of the minimum cut.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CutLink {
    /// Index into [`Network::links`].
    pub link_ix: usize,
    /// Its capacity, t/yr, fully used by the maximum flow.
    pub capacity_tpy: f64,
    /// Whether the cut is crossed `from → to` as the link is drawn.
    pub forward: bool,
}

/// Flow changing mode at an intermodal node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TransshipmentFlow {
    /// Index into [`Network::nodes`].
    pub node_ix: usize,
    /// Tonnes a year, > 0.
    pub flow_tpy: f64,
    /// Rail to road (else road to rail).
    pub rail_to_road: bool,
}

/// The value of a maximum flow.
#[derive(Debug, Clone, PartialEq)]
pub enum MaxFlowValue {
    /// A finite maximum, t/yr.
    Bounded(f64),
    /// A path of links without capacity joins a source to a sink: nothing in the data bounds
    /// the flow.
    Unbounded {
        /// One such path.
        path: Vec<Step>,
    },
}

/// The answer to a [`CapacityQuery`].
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityResult {
    /// The maximum flow.
    pub value: MaxFlowValue,
    /// Links carrying flow (cycles cancelled), by link index.
    pub flows: Vec<LinkFlow>,
    /// The minimum cut closest to the sources; capacities sum to the maximum flow.
    pub cut: Vec<CutLink>,
    /// Mode changes carrying flow.
    pub transshipments: Vec<TransshipmentFlow>,
    /// Usable links without a capacity.
    pub unconstrained_usable: usize,
    /// Links without a capacity that carry flow: the answer depends on their being ample.
    pub unconstrained_with_flow: usize,
    /// Source and sink nodes after filtering.
    pub source_count: usize,
    /// Sink nodes after filtering.
    pub sink_count: usize,
    /// The sources' and sinks' countries, sorted.
    pub end_countries: Vec<String>,
    /// The max flow by corridor, largest first: one decomposition of the flow into paths
    /// (another maximum flow of the same value may split differently).
    pub corridors: Vec<CorridorFlow>,
    /// The max flow by border crossing, largest first.
    pub crossings: Vec<CrossingFlow>,
    /// The max flow without third countries (`transit=direct`), t/yr; `None` when unbounded.
    pub direct_tpy: Option<f64>,
}

impl CapacityResult {
    /// The maximum flow in t/yr, `None` when unbounded.
    pub fn max_flow_tpy(&self) -> Option<f64> {
        match self.value {
            MaxFlowValue::Bounded(v) => Some(v),
            MaxFlowValue::Unbounded { .. } => None,
        }
    }

    /// The part of the flow in [`CapacityResult::corridors`] that transits a third country,
    /// t/yr.
    pub fn transit_flow_tpy(&self) -> f64 {
        self.corridors
            .iter()
            .filter(|c| !c.transit.is_empty())
            .map(|c| c.flow_tpy)
            .sum()
    }
}

/// Computes the maximum flow from `q.from` to `q.to` and a minimum cut.
///
/// Each usable link carries flow either way up to its capacity in that direction (one way
/// when `oneway`; `capacity_forward` / `capacity_backward` where the directions differ);
/// links without a capacity are unconstrained, modelled by a finite sentinel larger than all
/// finite capacities together. When a path of unconstrained links alone joins a source to a
/// sink the flow is [`MaxFlowValue::Unbounded`] and that path is returned.
///
/// # Complexity
/// Dinic's O(V² E) bound; the corridor network (hundreds of links) answers in well under a
/// millisecond.
pub fn max_flow(net: &Network, q: &CapacityQuery) -> CapacityResult {
    let ends = end_countries(net, q);
    let direct = direct_constraints(net, &q.constraints, &ends);
    let constraints = match q.transit {
        Transit::Any => &q.constraints,
        Transit::Direct => &direct,
    };
    let (mut result, paths) = solve(net, q, constraints);
    result.end_countries = ends.iter().cloned().collect();
    let (corridors, crossings) = breakdown(net, &ends, &paths, &result.flows);
    let any_transit = corridors.iter().any(|c| !c.transit.is_empty());
    result.corridors = corridors;
    result.crossings = crossings;
    result.direct_tpy = match (q.transit, result.max_flow_tpy()) {
        (_, None) => None,
        // No path of the flow leaves the end countries: it is a direct flow as it stands.
        (Transit::Direct, v) => v,
        (Transit::Any, v) if !any_transit => v,
        (Transit::Any, Some(_)) => solve(net, q, &direct).0.max_flow_tpy(),
    };
    result
}

/// The sources' and sinks' countries.
fn end_countries(net: &Network, q: &CapacityQuery) -> BTreeSet<String> {
    q.from
        .nodes
        .iter()
        .chain(&q.to.nodes)
        .map(|&i| net.nodes()[i].country.clone())
        .collect()
}

/// `c` with every country but `ends` avoided.
fn direct_constraints(net: &Network, c: &Constraints, ends: &BTreeSet<String>) -> Constraints {
    let mut d = c.clone();
    d.avoid_countries.extend(
        net.countries()
            .iter()
            .filter(|k| !ends.contains(*k))
            .cloned(),
    );
    d
}

/// One path of the decomposed flow: link steps `(link_ix, forward)` in order, and its flow.
type LinkPath = (Vec<(usize, bool)>, f64);

/// The flow by corridor and by crossing, largest first (ties by label).
fn breakdown(
    net: &Network,
    ends: &BTreeSet<String>,
    paths: &[LinkPath],
    flows: &[LinkFlow],
) -> (Vec<CorridorFlow>, Vec<CrossingFlow>) {
    let mut by_corridor: BTreeMap<Vec<String>, f64> = BTreeMap::new();
    for (steps, flow) in paths {
        let mut countries: Vec<String> = Vec::new();
        for &(l, forward) in steps {
            let link = &net.links()[l];
            let (a, b) = if forward {
                (link.from_ix, link.to_ix)
            } else {
                (link.to_ix, link.from_ix)
            };
            for ix in [a, b] {
                let c = &net.nodes()[ix].country;
                if countries.last() != Some(c) {
                    countries.push(c.clone());
                }
            }
        }
        if !countries.is_empty() {
            *by_corridor.entry(countries).or_default() += flow;
        }
    }
    let mut corridors: Vec<CorridorFlow> = by_corridor
        .into_iter()
        .map(|(countries, flow_tpy)| {
            let mut seen = BTreeSet::new();
            CorridorFlow {
                corridor: countries.join("-"),
                flow_tpy,
                transit: countries
                    .iter()
                    .filter(|c| !ends.contains(*c) && seen.insert((*c).clone()))
                    .cloned()
                    .collect(),
            }
        })
        .collect();
    corridors.sort_by(|a, b| {
        b.flow_tpy
            .total_cmp(&a.flow_tpy)
            .then_with(|| a.corridor.cmp(&b.corridor))
    });
    let mut crossings: Vec<CrossingFlow> = flows
        .iter()
        .filter(|f| net.links()[f.link_ix].kind == crate::network::LinkKind::Crossing)
        .map(|f| {
            let link = &net.links()[f.link_ix];
            let (a, b) = if f.forward {
                (link.from_ix, link.to_ix)
            } else {
                (link.to_ix, link.from_ix)
            };
            let countries = [
                net.nodes()[a].country.clone(),
                net.nodes()[b].country.clone(),
            ];
            let transit = countries.iter().any(|c| !ends.contains(c));
            CrossingFlow {
                link_ix: f.link_ix,
                flow_tpy: f.flow_tpy,
                countries,
                transit,
            }
        })
        .collect();
    crossings.sort_by(|a, b| {
        b.flow_tpy
            .total_cmp(&a.flow_tpy)
            .then_with(|| a.link_ix.cmp(&b.link_ix))
    });
    (corridors, crossings)
}

/// The max flow under `constraints`, and its decomposition into link paths.
fn solve(
    net: &Network,
    q: &CapacityQuery,
    constraints: &Constraints,
) -> (CapacityResult, Vec<LinkPath>) {
    let mut g = max_flow_graph(net, constraints, &q.overrides, &q.from.nodes, &q.to.nodes);
    let unconstrained_usable = g
        .link_arc
        .iter()
        .zip(&g.link_capacity)
        .filter(|(a, c)| a.is_some() && c.is_none())
        .count();
    let mut result = CapacityResult {
        value: MaxFlowValue::Bounded(0.0),
        flows: Vec::new(),
        cut: Vec::new(),
        transshipments: Vec::new(),
        unconstrained_usable,
        unconstrained_with_flow: 0,
        source_count: q.from.nodes.len(),
        sink_count: q.to.nodes.len(),
        end_countries: Vec::new(),
        corridors: Vec::new(),
        crossings: Vec::new(),
        direct_tpy: None,
    };
    if let Some(path) = unconstrained_path(&g) {
        result.value = MaxFlowValue::Unbounded {
            path: steps(&g, &path),
        };
        return (result, Vec::new());
    }
    let (s, t) = (g.source, g.sink);
    let value = g.graph.max_flow(s, t);
    result.value = MaxFlowValue::Bounded(value);
    result.cut = min_cut(&g);
    let (clean, arc_paths) = acyclic_flows(&g);
    for (i, arc) in g.link_arc.iter().enumerate() {
        let Some(a) = *arc else { continue };
        let f = clean[a as usize] - clean[a as usize ^ 1];
        if f.abs() > g.graph.eps() {
            result.flows.push(LinkFlow {
                link_ix: i,
                flow_tpy: f.abs(),
                forward: f > 0.0,
                capacity_tpy: g.link_capacity_directed[i]
                    .map(|[cf, cb]| if f > 0.0 { cf } else { cb }),
            });
        }
    }
    result.unconstrained_with_flow = result
        .flows
        .iter()
        .filter(|f| f.capacity_tpy.is_none())
        .count();
    for &(n, a) in &g.transshipment_arc {
        let f = clean[a as usize] - clean[a as usize ^ 1];
        if f.abs() > g.graph.eps() {
            result.transshipments.push(TransshipmentFlow {
                node_ix: n,
                flow_tpy: f.abs(),
                rail_to_road: f > 0.0,
            });
        }
    }
    let mut arc_link: Vec<Option<(usize, bool)>> = vec![None; g.graph.arc_count()];
    for (i, arc) in g.link_arc.iter().enumerate() {
        if let Some(a) = *arc {
            arc_link[a as usize] = Some((i, true));
            arc_link[a as usize ^ 1] = Some((i, false));
        }
    }
    let paths = arc_paths
        .into_iter()
        .map(|p| {
            let steps = p
                .arcs
                .iter()
                .filter_map(|&a| arc_link[a as usize])
                .collect();
            (steps, p.flow)
        })
        .collect();
    (result, paths)
}

/// Links from the source side of the residual graph to the sink side.
fn min_cut(g: &MaxFlowGraph) -> Vec<CutLink> {
    let side = g.graph.residual_reachable(g.source);
    let mut cut = Vec::new();
    for (i, arc) in g.link_arc.iter().enumerate() {
        let Some(a) = *arc else { continue };
        for (arc, forward) in [(a as usize, true), (a as usize ^ 1, false)] {
            let (u, v) = (g.graph.tail(arc), g.graph.head(arc));
            let cap = g.graph.capacity(arc);
            if side[u] && !side[v] && cap > 0.0 {
                cut.push(CutLink {
                    link_ix: i,
                    capacity_tpy: cap,
                    forward,
                });
            }
        }
    }
    cut
}

/// Arc flows with every cycle cancelled (Dinic may leave circulations that carry nothing
/// from source to sink but would colour a map).
fn acyclic_flows(g: &MaxFlowGraph) -> (Vec<f64>, Vec<super::flow::PathFlow>) {
    let m = g.graph.arc_count();
    let arcs: Vec<(usize, usize)> = (0..m).map(|a| (g.graph.tail(a), g.graph.head(a))).collect();
    let mut flow: Vec<f64> = (0..m).map(|a| g.graph.flow(a).max(0.0)).collect();
    let paths = decompose(
        g.graph.node_count(),
        &arcs,
        &mut flow,
        g.source,
        g.sink,
        g.graph.eps(),
    );
    let mut clean = vec![0.0; m];
    for p in &paths {
        for &a in &p.arcs {
            clean[a as usize] += p.flow;
        }
    }
    (clean, paths)
}

/// A source–sink path over unconstrained arcs only (BFS), as arc ids.
fn unconstrained_path(g: &MaxFlowGraph) -> Option<Vec<usize>> {
    let n = g.graph.node_count();
    let mut pred = vec![usize::MAX; n];
    let mut seen = vec![false; n];
    let mut queue = VecDeque::from([g.source]);
    seen[g.source] = true;
    while let Some(u) = queue.pop_front() {
        if u == g.sink {
            let mut path = Vec::new();
            let mut v = u;
            while v != g.source {
                let a = pred[v];
                path.push(a);
                v = g.graph.tail(a);
            }
            path.reverse();
            return Some(path);
        }
        for &a in g.graph.out_arcs(u) {
            let a = a as usize;
            let v = g.graph.head(a);
            if !seen[v] && g.unconstrained[a] && g.graph.capacity(a) > 0.0 {
                seen[v] = true;
                pred[v] = a;
                queue.push_back(v);
            }
        }
    }
    None
}

/// Arc ids to steps (super-source and super-sink arcs dropped).
fn steps(g: &MaxFlowGraph, arcs: &[usize]) -> Vec<Step> {
    let mut out = Vec::new();
    for &a in arcs {
        let pair = a & !1;
        if let Some(i) = g.link_arc.iter().position(|&x| x == Some(pair as u32)) {
            out.push(Step::Link {
                link_ix: i,
                forward: a == pair,
            });
        } else if let Some(&(n, _)) = g
            .transshipment_arc
            .iter()
            .find(|&&(_, x)| x as usize == pair)
        {
            out.push(Step::Transshipment {
                node_ix: n,
                rail_to_road: a == pair,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capacity::request::resolve_places;
    use crate::cost::ModeFilter;
    use crate::network::load_from_strs;

    /// A tiny corridor drawn as GeoJSON:
    ///
    /// ```text
    ///   a ==10== b ==4== d
    ///    \              /
    ///     `==3== c ==?=´     (c–d has no capacity)
    /// ```
    fn diamond(cd_capacity: Option<f64>) -> Network {
        let node = |id: &str, x: f64| {
            format!(
                r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{x},50]}},"properties":{{"id":"{id}","name":"{id}","country":"RU","kind":"station","modes":["rail"],"intermodal":false,"source":"t"}}}}"#
            )
        };
        let link = |id: &str, a: &str, b: &str, xa: f64, xb: f64, cap: Option<f64>| {
            let cap = cap
                .map(|c| format!(r#","capacity":{{"value":{c},"unit":"t/yr"}}"#))
                .unwrap_or_default();
            format!(
                r#"{{"type":"Feature","geometry":{{"type":"LineString","coordinates":[[{xa},50],[{xb},50]]}},"properties":{{"id":"{id}","from":"{a}","to":"{b}","mode":"rail","kind":"line","gauge_mm":1520,"speed_kmh":50,"status":"open","source":"t"{cap}}}}}"#
            )
        };
        let nodes = format!(
            r#"{{"type":"FeatureCollection","features":[{},{},{},{}]}}"#,
            node("a", 100.0),
            node("b", 100.1),
            node("c", 100.2),
            node("d", 100.3)
        );
        let links = format!(
            r#"{{"type":"FeatureCollection","features":[{},{},{},{}]}}"#,
            link("ab", "a", "b", 100.0, 100.1, Some(10.0)),
            link("bd", "b", "d", 100.1, 100.3, Some(4.0)),
            link("ac", "a", "c", 100.0, 100.2, Some(3.0)),
            link("cd", "c", "d", 100.2, 100.3, cd_capacity)
        );
        load_from_strs(&nodes, &links).unwrap()
    }

    fn query(net: &Network, from: &str, to: &str) -> CapacityQuery {
        let c = Constraints {
            mode: ModeFilter::Rail,
            ..Constraints::default()
        };
        CapacityQuery {
            from: resolve_places(net, "from", &[from.into()], &c).unwrap(),
            to: resolve_places(net, "to", &[to.into()], &c).unwrap(),
            constraints: c,
            overrides: Overrides::default(),
            transit: Transit::Any,
        }
    }

    #[test]
    fn cut_names_the_narrow_links() {
        let net = diamond(None);
        let r = max_flow(&net, &query(&net, "a", "d"));
        assert_eq!(r.max_flow_tpy(), Some(7.0));
        let mut cut: Vec<&str> = r
            .cut
            .iter()
            .map(|c| net.links()[c.link_ix].id.0.as_str())
            .collect();
        cut.sort();
        assert_eq!(cut, vec!["ac", "bd"]);
        assert_eq!(r.unconstrained_with_flow, 1);
    }

    #[test]
    fn flow_runs_against_the_drawing() {
        let net = diamond(Some(1.0));
        let r = max_flow(&net, &query(&net, "d", "a"));
        assert_eq!(r.max_flow_tpy(), Some(5.0));
        assert!(r.flows.iter().all(|f| !f.forward));
    }

    #[test]
    fn closing_a_link_reroutes() {
        let net = diamond(Some(100.0));
        let mut q = query(&net, "a", "d");
        q.constraints.close.insert("bd".into());
        let r = max_flow(&net, &q);
        assert_eq!(r.max_flow_tpy(), Some(3.0));
    }

    #[test]
    fn unconstrained_path_is_unbounded() {
        let net = diamond(None);
        let r = max_flow(&net, &query(&net, "c", "d"));
        match r.value {
            MaxFlowValue::Unbounded { path } => assert_eq!(path.len(), 1),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn override_replaces_capacity() {
        let net = diamond(Some(100.0));
        let mut q = query(&net, "a", "d");
        q.overrides
            .capacity_tpy
            .insert(net.link_ix("bd").unwrap(), 0.0);
        let r = max_flow(&net, &q);
        assert_eq!(r.max_flow_tpy(), Some(3.0));
        assert_eq!(r.cut.len(), 1);
    }
}
