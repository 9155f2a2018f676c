//! Route search: shortest paths and alternatives. No HTTP, no JSON.
//!
//! A route request goes parse → resolve → search → summarise, as in OSRM's `viaroute`:
//! - [`request`]: the typed [`RouteRequest`] and its resolution (places to nodes, avoid lists
//!   checked, [`Constraints`] built);
//! - [`graph`]: the [`SearchGraph`] (node × arriving mode × gauge), built once per snapshot;
//! - [`search`]: Dijkstra, A* and Yen's k-shortest loopless paths over it;
//! - this module: [`plan`], which runs them and turns paths into [`Route`]s, and explains
//!   a failure by relaxing one constraint at a time.

pub mod alternatives;
pub mod graph;
pub mod request;
pub mod search;
pub mod timed;

use std::borrow::Cow;
use std::cell::RefCell;

use serde::Serialize;

pub use graph::{Arrival, SearchGraph};
pub use request::{
    MAX_ALTERNATIVES, MAX_SNAP_KM, MAX_VIAS, PlaceQuery, Resolved, RouteOptions, RouteRequest,
    Waypoint, resolve,
};
pub use search::{Path, Scratch, SearchProblem};

use crate::cost::{Cargo, Constraints, Measure, Measures, ModeFilter, Profile, TransshipmentKind};
use crate::index::SpatialIndex;
use crate::network::{LinkKind, Mode, Network, NodeId};

/// What a route search reads: a network, its spatial index (for snapping) and its search
/// graph. A served snapshot lends all three (`From<&Snapshot>`); route code never names the
/// snapshot, which sits above it.
#[derive(Debug, Clone, Copy)]
pub struct RouteData<'a> {
    /// The network.
    pub network: &'a Network,
    /// Its spatial index.
    pub index: &'a SpatialIndex,
    /// Its search graph.
    pub search: &'a SearchGraph,
}

/// Why a route request has no answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RouteError {
    /// Parameters that are well-formed but wrong for this network (unknown link ids,
    /// ambiguous names, …), each named.
    #[error("invalid parameter(s): {}", .0.iter().map(|p| format!("{}: {}", p.field, p.message)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<crate::fields::FieldError>),
    /// A place that matches no node.
    #[error("{field}: no place matches '{query}'")]
    UnknownPlace {
        /// The parameter.
        field: String,
        /// As given.
        query: String,
        /// Up to five close node ids.
        suggestions: Vec<String>,
    },
    /// No route satisfies the request.
    #[error("{detail}")]
    NoRoute {
        /// What was tried and what cut it off.
        detail: String,
        /// The parameter whose constraint cut the route off, when that can be told.
        field: Option<&'static str>,
    },
}

/// A transshipment on a route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transshipment {
    /// Where.
    pub node: NodeId,
    /// Why.
    pub kind: TransshipmentKind,
}

/// One traversal of a link along a route.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Index into [`Network::links`].
    pub link_ix: usize,
    /// Traversed `from` → `to` (else reversed).
    pub forward: bool,
    /// Node left, index into [`Network::nodes`].
    pub from_ix: usize,
    /// Node reached.
    pub to_ix: usize,
    /// Transshipment at `from_ix` before taking this link.
    pub transshipment: Option<TransshipmentKind>,
    /// Measures of this step, transshipment included.
    pub measures: Measures,
}

/// A stretch of a route in one mode, one country and one gauge, or one border crossing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Leg {
    /// Mode.
    pub mode: Mode,
    /// ISO2 code of the country, or `A→B` for a crossing.
    pub country: String,
    /// Gauge (rail), mm.
    pub gauge_mm: Option<u32>,
    /// The crossing link, when this leg is a border crossing.
    pub crossing: Option<String>,
    /// First node.
    pub from: NodeId,
    /// Last node.
    pub to: NodeId,
    /// Every measure, including the transshipment at its start and a crossing's dwell and
    /// fees.
    #[serde(flatten)]
    pub measures: Measures,
}

/// One route found.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// 1 for the best, then 2, 3, … in order of the optimised measure.
    pub rank: usize,
    /// Totals.
    pub measures: Measures,
    /// The links, in travel order.
    pub steps: Vec<Step>,
}

impl Route {
    /// Node indices in travel order (first node of the first step, then each step's end).
    pub fn node_ixs(&self) -> Vec<usize> {
        let mut v: Vec<usize> = self.steps.first().map(|s| s.from_ix).into_iter().collect();
        v.extend(self.steps.iter().map(|s| s.to_ix));
        v
    }

    /// Crossing links used, in order.
    pub fn crossings<'n>(&self, net: &'n Network) -> Vec<&'n str> {
        self.steps
            .iter()
            .map(|s| &net.links()[s.link_ix])
            .filter(|l| l.kind == LinkKind::Crossing)
            .map(|l| l.id.0.as_str())
            .collect()
    }

    /// Countries in the order traversed (each listed again if re-entered).
    pub fn countries(&self, net: &Network) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for ix in self.node_ixs() {
            let c = &net.nodes()[ix].country;
            if out.last() != Some(c) {
                out.push(c.clone());
            }
        }
        out
    }

    /// Transshipments, in order.
    pub fn transshipments(&self, net: &Network) -> Vec<Transshipment> {
        self.steps
            .iter()
            .filter_map(|s| {
                s.transshipment.map(|kind| Transshipment {
                    node: net.nodes()[s.from_ix].id.clone(),
                    kind,
                })
            })
            .collect()
    }

    /// Legs: maximal stretches of one mode, country and gauge; each crossing is a leg of
    /// its own.
    pub fn legs(&self, net: &Network) -> Vec<Leg> {
        let mut legs: Vec<Leg> = Vec::new();
        let mut open = false;
        for s in &self.steps {
            let link = &net.links()[s.link_ix];
            let (a, b) = (&net.nodes()[s.from_ix], &net.nodes()[s.to_ix]);
            let crossing = link.kind == LinkKind::Crossing;
            let country = if crossing {
                format!("{}→{}", a.country, b.country)
            } else {
                a.country.clone()
            };
            let extend = open
                && !crossing
                && s.transshipment.is_none()
                && legs.last().is_some_and(|l| {
                    l.crossing.is_none()
                        && l.mode == link.mode
                        && l.country == country
                        && l.gauge_mm == link.gauge_mm
                });
            match legs.last_mut() {
                Some(leg) if extend => {
                    leg.to = b.id.clone();
                    leg.measures += s.measures;
                }
                _ => legs.push(Leg {
                    mode: link.mode,
                    country,
                    gauge_mm: link.gauge_mm,
                    crossing: crossing.then(|| link.id.0.clone()),
                    from: a.id.clone(),
                    to: b.id.clone(),
                    measures: s.measures,
                }),
            }
            open = !crossing;
        }
        legs
    }
}

/// The normalised request, echoed in the response.
#[derive(Debug, Clone, Serialize)]
pub struct QueryEcho {
    /// Origin node id.
    pub from: NodeId,
    /// Destination node id.
    pub to: NodeId,
    /// Via node ids (consecutive repeats merged).
    pub via: Vec<NodeId>,
    /// Modes allowed.
    pub mode: ModeFilter,
    /// Measure minimised.
    pub optimize: Measure,
    /// Alternatives asked for.
    pub alternatives: usize,
    /// Filters.
    pub constraints: ConstraintsEcho,
    /// Costing figures used.
    pub profile: Profile,
    /// Whether edge weights were recomputed for this request's figures (else precomputed).
    pub weights_recomputed: bool,
}

/// The filters, as echoed (lists sorted).
#[derive(Debug, Clone, Serialize)]
pub struct ConstraintsEcho {
    /// Countries avoided.
    pub avoid_countries: Vec<String>,
    /// Crossings avoided.
    pub avoid_crossings: Vec<String>,
    /// Links avoided.
    pub avoid_links: Vec<String>,
    /// Planned links used.
    pub include_planned: bool,
    /// Cargo kind.
    pub cargo: Cargo,
}

/// The answer to a route request.
#[derive(Debug, Clone)]
pub struct RoutePlan {
    /// The normalised request.
    pub query: QueryEcho,
    /// The resolved waypoints (snap distances for positions).
    pub waypoints: Vec<Waypoint>,
    /// Routes, best first (at least one).
    pub routes: Vec<Route>,
}

thread_local! {
    /// Search buffers reused across requests on the same worker thread.
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

fn sorted(set: &std::collections::HashSet<String>) -> Vec<String> {
    let mut v: Vec<String> = set.iter().cloned().collect();
    v.sort();
    v
}

/// Answers a route request on a snapshot: resolves it, searches, and summarises the routes.
///
/// # Returns
/// The best route and up to `alternatives` more (Yen's loopless k-shortest paths), sorted by
/// the optimised measure.
///
/// # Errors
/// See [`resolve`]; [`RouteError::NoRoute`] when no route satisfies the constraints, naming
/// the constraint that cut it off when relaxing it alone would give a route.
pub fn plan<'a>(
    data: impl Into<RouteData<'a>>,
    req: &RouteRequest,
) -> Result<RoutePlan, RouteError> {
    let snap: RouteData<'a> = data.into();
    let resolved = resolve(snap, req)?;
    let net = snap.network;
    let graph = snap.search;
    let default_profile = Profile::default();
    let weights: Cow<'_, [f64]> = if req.profile.same_weights(&default_profile, req.optimize) {
        Cow::Borrowed(graph.default_weights(req.optimize))
    } else {
        Cow::Owned(graph.weights(net, &req.profile, req.optimize))
    };
    let waypoints: Vec<u32> = resolved
        .waypoints
        .iter()
        .map(|w| w.node_ix as u32)
        .collect();
    let link_ok = link_mask(net, &resolved.constraints);
    let problem = SearchProblem {
        graph,
        weights: &weights,
        link_ok: &link_ok,
        waypoints: &waypoints,
    };
    let paths = SCRATCH.with(|cell| {
        let mut scratch = cell.borrow_mut();
        if req.alternatives == 0 {
            problem
                .shortest(&mut scratch)
                .into_iter()
                .collect::<Vec<_>>()
        } else {
            problem.k_shortest(req.alternatives + 1, &mut scratch)
        }
    });
    if paths.is_empty() {
        return Err(explain_failure(snap, &resolved, &problem));
    }
    let routes = paths
        .iter()
        .enumerate()
        .map(|(i, p)| to_route(net, graph, &problem, &req.profile, p, i + 1))
        .collect();
    let c = &resolved.constraints;
    let ids = |ws: &[Waypoint]| -> Vec<NodeId> {
        ws.iter()
            .map(|w| net.nodes()[w.node_ix].id.clone())
            .collect()
    };
    let all = ids(&resolved.waypoints);
    let query = QueryEcho {
        from: all[0].clone(),
        to: all[all.len() - 1].clone(),
        via: all[1..all.len() - 1].to_vec(),
        mode: req.mode,
        optimize: req.optimize,
        alternatives: req.alternatives,
        constraints: ConstraintsEcho {
            avoid_countries: sorted(&c.avoid_countries),
            avoid_crossings: sorted(&c.avoid_crossings),
            avoid_links: sorted(&c.avoid_links),
            include_planned: c.include_planned,
            cargo: c.cargo,
        },
        profile: req.profile,
        weights_recomputed: matches!(weights, Cow::Owned(_)),
    };
    Ok(RoutePlan {
        query,
        waypoints: resolved.waypoints,
        routes,
    })
}

/// One flag per link: whether the constraints allow it.
pub fn link_mask(net: &Network, c: &Constraints) -> Vec<bool> {
    c.link_refusals(net).iter().map(Option::is_none).collect()
}

fn to_route(
    net: &Network,
    graph: &SearchGraph,
    problem: &SearchProblem<'_>,
    profile: &Profile,
    path: &Path,
    rank: usize,
) -> Route {
    let mut measures = Measures::default();
    let steps = path
        .edges
        .iter()
        .zip(path.verts.windows(2))
        .map(|(&e, w)| {
            let edge = graph.edge(e as usize);
            let link = &net.links()[edge.link as usize];
            let m = profile.step_measures(link, edge.transshipment);
            measures += m;
            Step {
                link_ix: edge.link as usize,
                forward: edge.forward,
                from_ix: problem.layer_node(w[0]).1 as usize,
                to_ix: problem.layer_node(w[1]).1 as usize,
                transshipment: edge.transshipment,
                measures: m,
            }
        })
        .collect();
    Route {
        rank,
        measures,
        steps,
    }
}

/// The constraints relaxable one at a time to explain a failure, with the parameter each
/// belongs to.
fn relaxations(c: &Constraints) -> Vec<(&'static str, Constraints)> {
    let mut out = Vec::new();
    if c.mode != ModeFilter::Any {
        out.push((
            "mode",
            Constraints {
                mode: ModeFilter::Any,
                ..c.clone()
            },
        ));
    }
    if !c.include_planned {
        out.push((
            "include_planned",
            Constraints {
                include_planned: true,
                ..c.clone()
            },
        ));
    }
    if !c.avoid_countries.is_empty() {
        out.push((
            "avoid_countries",
            Constraints {
                avoid_countries: Default::default(),
                ..c.clone()
            },
        ));
    }
    if !c.avoid_crossings.is_empty() {
        out.push((
            "avoid_crossings",
            Constraints {
                avoid_crossings: Default::default(),
                ..c.clone()
            },
        ));
    }
    if !c.avoid_links.is_empty() {
        out.push((
            "avoid_links",
            Constraints {
                avoid_links: Default::default(),
                ..c.clone()
            },
        ));
    }
    if c.cargo == Cargo::Livestock {
        out.push((
            "cargo",
            Constraints {
                cargo: Cargo::General,
                ..c.clone()
            },
        ));
    }
    out
}

/// Tells which constraint cut every route off: re-runs the search with each constraint
/// relaxed alone, then with all relaxed. Runs only on failure.
fn explain_failure(
    snap: RouteData<'_>,
    resolved: &Resolved,
    problem: &SearchProblem<'_>,
) -> RouteError {
    let net = snap.network;
    let names: Vec<String> = resolved
        .waypoints
        .iter()
        .map(|w| format!("'{}'", net.nodes()[w.node_ix].id))
        .collect();
    let route_desc = names.join(" → ");
    let found_with = |c: &Constraints| {
        let mask = link_mask(net, c);
        let s = SearchProblem {
            link_ok: &mask,
            ..*problem
        };
        SCRATCH.with(|cell| s.shortest(&mut cell.borrow_mut()).is_some())
    };
    let relax = relaxations(&resolved.constraints);
    let culprits: Vec<&'static str> = relax
        .iter()
        .filter(|(_, c)| found_with(c))
        .map(|(p, _)| *p)
        .collect();
    if let Some(first) = culprits.first() {
        let list = culprits
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(" or ");
        return RouteError::NoRoute {
            detail: format!(
                "no route {route_desc} satisfies the constraints; relaxing {list} alone would give one"
            ),
            field: Some(first),
        };
    }
    let everything = Constraints {
        mode: ModeFilter::Any,
        include_planned: true,
        cargo: Cargo::General,
        ..Constraints::default()
    };
    if !relax.is_empty() && found_with(&everything) {
        let list = relax
            .iter()
            .map(|(p, _)| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ");
        return RouteError::NoRoute {
            detail: format!(
                "no route {route_desc} satisfies the constraints together ({list}); no single one of them alone cuts it off"
            ),
            field: None,
        };
    }
    RouteError::NoRoute {
        detail: format!("the network does not connect {route_desc}"),
        field: None,
    }
}
