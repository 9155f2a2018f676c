//! Route search: shortest paths and alternatives. No HTTP, no JSON.
//!
//! A route request goes parse → resolve → search → summarise, as in OSRM's `viaroute`:
//! - [`request`]: the typed [`RouteRequest`] and its resolution (places to nodes, avoid lists
//!   checked, [`Constraints`] built);
//! - [`graph`]: the [`SearchGraph`] (node × arriving mode × gauge), built once per snapshot;
//! - [`search`]: Dijkstra, A* (exact backward distances, or ALT [`landmarks`] on large
//!   graphs) and Yen's k-shortest loopless paths over it;
//! - this module: [`plan`], which runs them and turns paths into [`Route`]s, and explains
//!   a failure by relaxing one constraint at a time.

pub mod alternatives;
pub mod cch;
pub mod corridors;
pub mod graph;
pub mod landmarks;
pub mod lazy;
pub mod many;
pub mod matrix;
pub mod reach;
pub mod request;
pub mod search;
pub mod timed;

use std::borrow::Cow;
use std::cell::RefCell;

use chrono::{DateTime, FixedOffset};

use serde::Serialize;

pub use alternatives::Limits;
pub use graph::{Arrival, SearchGraph};
pub use request::{
    AlternativesBy, MAX_ALTERNATIVES, MAX_SNAP_KM, MAX_VIAS, PlaceQuery, Resolved, RouteOptions,
    RouteRequest, UnknownPlace, Waypoint, resolve,
};
pub use search::{Path, Scratch, SearchProblem};
use timed::StepTime;

use crate::cost::schedule::{OutsideCalendar, ScheduleTable, UnixSeconds};
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
    /// Its crossings' schedules.
    pub schedules: &'a ScheduleTable,
    /// Its link masks for requests without avoid lists, kept across requests.
    pub masks: &'a MaskCache,
}

/// The link masks ([`link_mask`]) of one network for constraints without any avoid list or
/// closure: such a mask depends only on the mode filter, `include_planned`,
/// `include_unverified` and the cargo, so
/// it is computed once per network and shared (an O(links) pass that was about a quarter of
/// a route on a 10⁵-node network). Masks with avoid lists are computed per request. Belongs
/// to one network: a scenario's snapshot (whose statuses differ) has its own.
#[derive(Debug, Default)]
pub struct MaskCache(std::sync::Mutex<Vec<(MaskKey, std::sync::Arc<[bool]>)>>);

/// What a mask without avoid lists depends on: modes, `include_planned`,
/// `include_unverified`, cargo.
type MaskKey = (ModeFilter, bool, bool, Cargo);

/// A link mask: shared from a [`MaskCache`] or made for one request.
#[derive(Debug, Clone)]
pub enum LinkMask {
    /// From the network's cache.
    Shared(std::sync::Arc<[bool]>),
    /// This request's own.
    Own(Vec<bool>),
}

impl std::ops::Deref for LinkMask {
    type Target = [bool];
    fn deref(&self) -> &[bool] {
        match self {
            LinkMask::Shared(m) => m,
            LinkMask::Own(m) => m,
        }
    }
}

impl MaskCache {
    /// The mask of `c` on `net` (the network this cache belongs to).
    pub fn mask(&self, net: &Network, c: &Constraints) -> LinkMask {
        let plain = c.avoid_countries.is_empty()
            && c.avoid_crossings.is_empty()
            && c.avoid_links.is_empty()
            && c.close.is_empty();
        if !plain {
            return LinkMask::Own(link_mask(net, c));
        }
        let key = (c.mode, c.include_planned, c.include_unverified, c.cargo);
        let found = {
            let kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
            kept.iter()
                .find(|(k, _)| *k == key)
                .map(|(_, m)| std::sync::Arc::clone(m))
        };
        if let Some(m) = found {
            return LinkMask::Shared(m);
        }
        let m: std::sync::Arc<[bool]> = link_mask(net, c).into();
        let mut kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if !kept.iter().any(|(k, _)| *k == key) {
            kept.push((key, std::sync::Arc::clone(&m)));
        }
        LinkMask::Shared(m)
    }
}

/// Why a route request has no answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RouteError {
    /// A departure (or a crossing reached after it) outside the years the holiday calendar
    /// covers: schedules are not known there.
    #[error("{field}: outside the years the border schedules cover ({first_year}–{last_year})")]
    OutsideCalendar {
        /// The parameter (`depart`).
        field: &'static str,
        /// First covered year.
        first_year: i32,
        /// Last covered year.
        last_year: i32,
    },
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
    /// Places that name no single node, every one of the request's listed at once: unknown
    /// (with close names) or ambiguous (with every candidate's id, country and kind). A
    /// request with one unknown place and nothing else wrong gets [`RouteError::UnknownPlace`].
    #[error("{}", .0.iter().map(|p| format!("{}: {}", p.field, p.detail)).collect::<Vec<_>>().join("; "))]
    Places(Vec<UnknownPlace>),
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
    /// Its corridor label (e.g. `KZ-RU-MN`), with `alternatives_by=corridor`.
    pub corridor: Option<String>,
    /// Its times, when the request has a departure.
    pub timing: Option<Timing>,
}

/// The times of a route with a departure.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// Departure, in the offset it was given in.
    pub depart: DateTime<FixedOffset>,
    /// Arrival, in the same offset.
    pub arrive: DateTime<FixedOffset>,
    /// Total waiting at closed crossings, hours.
    pub wait_h: f64,
    /// Each crossing in travel order.
    pub border_times: Vec<BorderTime>,
}

/// When a route reaches, waits at and leaves one crossing.
#[derive(Debug, Clone, PartialEq)]
pub struct BorderTime {
    /// The crossing link id.
    pub crossing: String,
    /// Arrival at the crossing (after any transshipment before it).
    pub arrive: DateTime<FixedOffset>,
    /// Departure from its far side (after the wait and the dwell).
    pub depart: DateTime<FixedOffset>,
    /// Waiting for it to open, hours.
    pub wait_h: f64,
    /// Border clearance, hours.
    pub dwell_h: f64,
    /// Running over the crossing link itself (its length at its speed), hours: `arrive` →
    /// `depart` spans `wait_h + dwell_h + travel_h`.
    pub travel_h: f64,
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
    /// How alternatives were chosen.
    pub alternatives_by: AlternativesBy,
    /// Sharing limit applied to alternatives.
    pub max_sharing: f64,
    /// Stretch limit applied to alternatives.
    pub max_stretch: f64,
    /// Departure (RFC 3339), when given.
    pub depart: Option<String>,
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
    /// Unverified links used.
    pub include_unverified: bool,
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
    /// How many alternatives were found (fewer than asked is a correct answer).
    pub alternatives_found: usize,
    /// With `alternatives_by=corridor`: every corridor that exists for the request, best
    /// first, each shown or cut (by the stretch limit or the count asked).
    pub corridors: Vec<corridors::CorridorSummary>,
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
/// The best route and up to `alternatives` more, sorted by the optimised measure:
/// - `alternatives_by=route`: routes from the penalty method (Yen's loopless k-shortest paths
///   when the request sets no sharing limit), keeping those that pass the request's sharing
///   and stretch [`Limits`] ([`alternatives::select_alternatives`]);
/// - `alternatives_by=corridor`: the best route of each distinct transit corridor
///   ([`corridors::explore`]: one search per feasible country sequence), each labelled with
///   its corridor; [`RoutePlan::corridors`] lists every corridor found and why it is or is
///   not shown.
///
/// With `depart`, each route is timed through the crossings' schedules (cargo waits at a
/// closed crossing) and, when optimising time, the best route is the earliest-arriving one
/// (time-dependent Dijkstra, [`SearchProblem::earliest_arrival`]).
///
/// # Errors
/// See [`resolve`]; [`RouteError::NoRoute`] when no route satisfies the constraints, naming
/// the constraint that cut it off when relaxing it alone would give a route;
/// [`RouteError::OutsideCalendar`] when `depart` (or a crossing reached) lies outside the
/// years the holiday calendar covers.
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
    let link_ok = snap.masks.mask(net, &resolved.constraints);
    // ALT when the request's weights are at least the landmarks' (avoid lists, closures and
    // countries only remove links; a departure only adds waits); else plain Dijkstra.
    let landmarks = if req.profile.weights_at_least(&default_profile, req.optimize) {
        graph.landmarks(req.optimize)
    } else {
        None
    };
    let problem = SearchProblem {
        graph,
        weights: &weights,
        link_ok: &link_ok,
        waypoints: &waypoints,
        landmarks,
    };
    let clock = match req.depart {
        Some(d) => Some(Clock::new(snap, &req.profile, d)?),
        None => None,
    };
    let timed_search = clock.as_ref().filter(|_| req.optimize == Measure::Time);
    // The CCH for a best route on the default weights without a timed search (its metric is
    // customized for those weights; avoid lists are a partial customization, see
    // [`cch`]); it declines requests that change too many links, which go on to ALT.
    let hierarchy = match (&weights, timed_search) {
        (Cow::Borrowed(_), None) => graph.cch(req.optimize),
        _ => None,
    };
    let best_of = |p: &SearchProblem<'_>| {
        if let Some((h, metric)) = hierarchy
            && let Some(found) = h.shortest(graph, metric, p.weights, p.link_ok, &[], p.waypoints)
        {
            return found;
        }
        SCRATCH.with(|cell| {
            let mut scratch = cell.borrow_mut();
            match timed_search {
                Some(c) => p.earliest_arrival(&mut scratch, &|e, t| c.arrive(e, t)),
                None => p.shortest(&mut scratch),
            }
        })
    };
    // Every corridor found, with `alternatives_by=corridor`.
    let mut corridor_list = Vec::new();
    // (path, corridor label) pairs, best first.
    let mut found: Vec<(Path, Option<String>)> = match req.alternatives_by {
        AlternativesBy::Corridor => {
            let ends = (
                &net.nodes()[resolved.waypoints[0].node_ix].country,
                &net.nodes()[resolved.waypoints[resolved.waypoints.len() - 1].node_ix].country,
            );
            let sequences = corridors::country_sequences(net, &link_ok, ends.0, ends.1);
            let explored = corridors::explore(
                &sequences,
                req.alternatives + 1,
                req.limits.max_stretch,
                |seq| {
                    let mask = match seq {
                        None => Cow::Borrowed(&link_ok[..]),
                        Some(seq) => Cow::Owned(corridors::sequence_mask(net, &link_ok, seq)),
                    };
                    let p = SearchProblem {
                        link_ok: &mask,
                        ..problem
                    };
                    let path = best_of(&p)?;
                    let route = to_route(net, graph, &p, &req.profile, &path, 0);
                    let value = path.cost;
                    Some((path, value, route.countries(net)))
                },
            );
            corridor_list = explored.corridors;
            explored
                .shown
                .into_iter()
                .map(|(path, c)| (path, Some(c)))
                .collect()
        }
        AlternativesBy::Route => select_routes(
            net,
            graph,
            &problem,
            req,
            clock.as_ref(),
            hierarchy,
            &best_of,
        )
        .into_iter()
        .map(|p| (p, None))
        .collect(),
    };
    // A timed search that met a crossing it could not time (reached after the calendar's
    // end) does not know the earliest arrival: a route through another crossing may only
    // look earliest because the faster one was skipped. Refuse rather than guess.
    if let Some(c) = &clock {
        let uncertain = match (found.first(), timed_search) {
            (None, _) => c.failure(),
            (Some((best, _)), Some(_)) if !c.failed.borrow().is_empty() => {
                // Lower bounds on the hours left from each state to the destination, in any
                // layer (the untimed search's exact distances; waits only add).
                let h = SCRATCH.with(|cell| problem.distances_to_target(&mut cell.borrow_mut()));
                let states = graph.state_count();
                c.failure_before(best.cost, |e| {
                    let to = graph.edge(e).to as usize;
                    h.iter()
                        .skip(to)
                        .step_by(states)
                        .copied()
                        .fold(f64::INFINITY, f64::min)
                })
            }
            _ => None,
        };
        if let Some(e) = uncertain {
            return Err(e);
        }
    }
    if found.is_empty() {
        return Err(explain_failure(snap, &resolved, &problem));
    }
    let mut routes = Vec::with_capacity(found.len());
    for (i, (path, corridor)) in found.drain(..).enumerate() {
        let mut route = to_route(net, graph, &problem, &req.profile, &path, routes.len() + 1);
        if let Some(c) = &clock {
            match c.time(net, &mut route) {
                Ok(()) => {}
                // The best route must be timed; an alternative that cannot be (it crosses
                // after the calendar's end) is left out rather than failing the answer.
                Err(e) if i == 0 => return Err(e),
                Err(_) => continue,
            }
        }
        route.corridor = corridor;
        routes.push(route);
    }
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
            include_unverified: c.include_unverified,
            cargo: c.cargo,
        },
        profile: req.profile,
        weights_recomputed: matches!(weights, Cow::Owned(_)),
        alternatives_by: req.alternatives_by,
        max_sharing: req.limits.max_sharing,
        max_stretch: req.limits.max_stretch,
        depart: req.depart.map(|d| d.to_rfc3339()),
    };
    Ok(RoutePlan {
        query,
        waypoints: resolved.waypoints,
        alternatives_found: routes.len() - 1,
        routes,
        corridors: corridor_list,
    })
}

/// The routes of `alternatives_by=route`, best first: the best route (with a departure and
/// `optimize=time`, the earliest-arriving one), then alternatives valued on the optimised
/// measure and filtered by the request's sharing and stretch limits:
/// - with a sharing limit (`max_sharing < 1`, the default): the penalty method
///   ([`penalty_routes`]), a few searches in all;
/// - without one (`max_sharing = 1`): Yen's loopless k-shortest paths as such.
fn select_routes(
    net: &Network,
    graph: &SearchGraph,
    problem: &SearchProblem<'_>,
    req: &RouteRequest,
    clock: Option<&Clock<'_>>,
    hierarchy: Option<(&cch::Cch, &cch::CchMetric)>,
    best_of: &dyn Fn(&SearchProblem<'_>) -> Option<Path>,
) -> Vec<Path> {
    let Some(best) = best_of(problem) else {
        return Vec::new();
    };
    if req.alternatives == 0 {
        return vec![best];
    }
    if req.limits.max_sharing < 1.0 {
        return penalty_routes(net, graph, problem, req, clock, hierarchy, best);
    }
    yen_routes(net, graph, problem, req, clock, best)
}

/// The links of a path, in travel order.
fn path_links(graph: &SearchGraph, path: &Path) -> Vec<usize> {
    path.edges
        .iter()
        .map(|&e| graph.edge(e as usize).link as usize)
        .collect()
}

/// Sorts the valued paths by value (stable: the best stays first among equals) and picks
/// those the request's limits allow, best first: indices into `valued`.
fn pick_by_limits(
    net: &Network,
    req: &RouteRequest,
    valued: &[(f64, Path, Vec<usize>)],
) -> Vec<usize> {
    let mut order: Vec<usize> = (0..valued.len()).collect();
    order.sort_by(|&a, &b| valued[a].0.total_cmp(&valued[b].0));
    let cands: Vec<alternatives::Candidate<'_>> = order
        .iter()
        .map(|&i| alternatives::Candidate {
            links: &valued[i].2,
            value: valued[i].0,
        })
        .collect();
    alternatives::select_alternatives(
        &cands,
        |l| net.links()[l].length_km,
        req.limits,
        req.alternatives,
    )
    .into_iter()
    .map(|k| order[k])
    .collect()
}

/// The paths `pick_by_limits` keeps, best first.
fn keep_by_limits(
    net: &Network,
    req: &RouteRequest,
    valued: Vec<(f64, Path, Vec<usize>)>,
) -> Vec<Path> {
    let keep = pick_by_limits(net, req, &valued);
    let mut valued: Vec<Option<Path>> = valued.into_iter().map(|v| Some(v.1)).collect();
    keep.into_iter().filter_map(|i| valued[i].take()).collect()
}

/// Alternatives by the penalty method: after each route found, the weights of every edge on
/// its links are multiplied by [`alternatives::PENALTY_FACTOR`] and the search runs again on
/// the penalised weights (with a departure, the penalty is added to the timed arrival, which
/// keeps it FIFO). Each new loopless route is valued on the request's own weights (or timed)
/// and offered to the limits. Stops when enough pass, or after
/// [`alternatives::PENALTY_ROUNDS_PER_ALTERNATIVE`] searches per alternative asked.
///
/// Penalties only raise weights, so the landmark bounds of `problem` stay valid and each
/// search is ALT-guided as the best route's was. With a `hierarchy` (untimed searches on the
/// default weights), each search is a CCH query with the penalised edges partially
/// customized ([`cch::Cch::shortest`]), falling back to ALT when too many are.
fn penalty_routes(
    net: &Network,
    graph: &SearchGraph,
    problem: &SearchProblem<'_>,
    req: &RouteRequest,
    clock: Option<&Clock<'_>>,
    hierarchy: Option<(&cch::Cch, &cch::CchMetric)>,
    best: Path,
) -> Vec<Path> {
    let timed = clock.filter(|_| req.optimize == Measure::Time);
    let mut weights: Vec<f64> = problem.weights.to_vec();
    let mut seen: std::collections::HashSet<Vec<usize>> = std::collections::HashSet::new();
    seen.insert(path_links(graph, &best));
    let mut penalise = path_links(graph, &best);
    let best_value = path_value(net, graph, problem, req, clock, &best);
    let mut valued = vec![(best_value, best, penalise.clone())];
    let rounds = alternatives::PENALTY_ROUNDS_PER_ALTERNATIVE * req.alternatives;
    // Every edge penalised so far (what the CCH re-customizes).
    let mut penalised: Vec<u32> = Vec::new();
    let mut cch_on = hierarchy.is_some();
    let mut is_penalised = vec![
        false;
        if hierarchy.is_some() {
            weights.len()
        } else {
            0
        }
    ];
    for _ in 0..rounds {
        for &l in &penalise {
            let link = &net.links()[l];
            for e in graph.edges_of_link(link.from_ix, link.to_ix, l) {
                weights[e] *= alternatives::PENALTY_FACTOR;
                if let Some(seen) = is_penalised.get_mut(e)
                    && !*seen
                {
                    *seen = true;
                    penalised.push(e as u32);
                }
            }
        }
        let p = SearchProblem {
            weights: &weights,
            ..*problem
        };
        let by_hierarchy = match (hierarchy, timed) {
            (Some((h, metric)), None) if cch_on => {
                h.shortest(graph, metric, &weights, p.link_ok, &penalised, p.waypoints)
            }
            _ => None,
        };
        // Declined once (too much to re-customize), declined for every later round: the
        // penalised set only grows.
        cch_on &= by_hierarchy.is_some();
        let found = SCRATCH.with(|cell| {
            let mut scratch = cell.borrow_mut();
            let path = match (by_hierarchy, timed) {
                (Some(found), _) => found,
                (None, timed) => match timed {
                    Some(c) => p.earliest_arrival(&mut scratch, &|e, t| {
                        c.arrive(e, t)
                            .map(|a| a + (weights[e] - problem.weights[e]))
                    }),
                    None => p.shortest(&mut scratch),
                },
            }?;
            let loopless = problem.is_loopless(&path, &mut scratch);
            Some((path, loopless))
        });
        let Some((mut path, loopless)) = found else {
            break;
        };
        penalise = path_links(graph, &path);
        if !loopless || !seen.insert(penalise.clone()) {
            continue;
        }
        path.cost = path
            .edges
            .iter()
            .map(|&e| problem.weights[e as usize])
            .sum();
        let value = path_value(net, graph, problem, req, clock, &path);
        valued.push((value, path, penalise.clone()));
        if pick_by_limits(net, req, &valued).len() > req.alternatives {
            break;
        }
    }
    keep_by_limits(net, req, valued)
}

/// Alternatives without a sharing limit: Yen's loopless k-shortest paths (with a departure
/// and `optimize=time`, the earliest-arriving path first), valued on the optimised measure
/// and cut by the stretch limit. Asks Yen's algorithm for more paths, doubling, while the
/// limits leave fewer than wanted, up to [`alternatives::CANDIDATES_PER_ALTERNATIVE`] per
/// route wanted.
fn yen_routes(
    net: &Network,
    graph: &SearchGraph,
    problem: &SearchProblem<'_>,
    req: &RouteRequest,
    clock: Option<&Clock<'_>>,
    best: Path,
) -> Vec<Path> {
    let cap = (req.alternatives + 1) * alternatives::CANDIDATES_PER_ALTERNATIVE;
    let mut k = req.alternatives + 1;
    loop {
        crate::cancel::check_now();
        let yen = SCRATCH.with(|cell| problem.k_shortest(k, &mut cell.borrow_mut()));
        let exhausted = yen.len() < k;
        // Dijkstra's best and Yen's first may differ on a tie: the same links twice are one
        // route.
        let mut seen = std::collections::HashSet::new();
        let mut paths = Vec::new();
        for p in std::iter::once(best.clone()).chain(yen) {
            if seen.insert(path_links(graph, &p)) {
                paths.push(p);
            }
        }
        let valued: Vec<(f64, Path, Vec<usize>)> = paths
            .into_iter()
            .map(|p| {
                let links = path_links(graph, &p);
                (path_value(net, graph, problem, req, clock, &p), p, links)
            })
            .collect();
        let keep = keep_by_limits(net, req, valued);
        if keep.len() > req.alternatives || exhausted || k >= cap {
            return keep;
        }
        k = (k * 2).min(cap);
    }
}

/// The value of the optimised measure of a path: its weight sum, or with a departure and
/// `optimize=time` its timed arrival (hours after departure; infinite when it cannot be timed).
fn path_value(
    net: &Network,
    graph: &SearchGraph,
    problem: &SearchProblem<'_>,
    req: &RouteRequest,
    clock: Option<&Clock<'_>>,
    path: &Path,
) -> f64 {
    match clock {
        Some(c) if req.optimize == Measure::Time => {
            let mut route = to_route(net, graph, problem, &req.profile, path, 0);
            match c.time(net, &mut route) {
                Ok(()) => route.measures[Measure::Time],
                Err(_) => f64::INFINITY,
            }
        }
        _ => path.cost,
    }
}

/// Times routes through the crossings' schedules for one departure.
struct Clock<'a> {
    net: &'a Network,
    graph: &'a SearchGraph,
    schedules: &'a ScheduleTable,
    profile: &'a Profile,
    depart: DateTime<FixedOffset>,
    depart_s: UnixSeconds,
    /// Each crossing a search could not time (reached outside the calendar's years): the
    /// search-graph edge, the hours after departure it was reached at, and why.
    failed: RefCell<Vec<(usize, f64, OutsideCalendar)>>,
}

impl<'a> Clock<'a> {
    /// A clock for `depart`, refused when it lies outside the calendar's years.
    fn new(
        snap: RouteData<'a>,
        profile: &'a Profile,
        depart: DateTime<FixedOffset>,
    ) -> Result<Self, RouteError> {
        timed::check_depart(snap.schedules, depart).map_err(outside_calendar)?;
        Ok(Self {
            net: snap.network,
            graph: snap.search,
            schedules: snap.schedules,
            profile,
            depart,
            depart_s: depart.timestamp(),
            failed: RefCell::new(Vec::new()),
        })
    }

    fn edges(&self) -> timed::EdgeClock<'a> {
        timed::EdgeClock {
            net: self.net,
            graph: self.graph,
            schedules: self.schedules,
            profile: self.profile,
            depart_s: self.depart_s,
        }
    }

    fn step(&self, link_ix: usize, transshipment: bool) -> StepTime {
        self.edges().step(link_ix, transshipment)
    }

    /// Arrival time at edge `e`'s end, reached its start at `t` hours after departure.
    fn arrive(&self, e: usize, t: f64) -> Option<f64> {
        match self.edges().edge(e, t) {
            Ok(x) => Some(x.arrive_h),
            Err(err) => {
                self.failed.borrow_mut().push((e, t, err));
                None
            }
        }
    }

    /// The first crossing a search could not time, if any.
    fn failure(&self) -> Option<RouteError> {
        self.failed.borrow().first().map(|f| outside_calendar(f.2))
    }

    /// The first crossing a timed search could not time that might have led to an arrival
    /// earlier than `arrive_h` (hours after departure): reached at `t`, with `remaining_h(e)`
    /// a lower bound on the untimed hours from edge `e`'s end to the destination (waits only
    /// add to it). A crossing met on the way back, or so late that no route through it can
    /// beat the arrival found, does not make that arrival uncertain.
    fn failure_before(
        &self,
        arrive_h: f64,
        remaining_h: impl Fn(usize) -> f64,
    ) -> Option<RouteError> {
        self.failed
            .borrow()
            .iter()
            .find(|(e, t, _)| t + remaining_h(*e) < arrive_h - 1e-9)
            .map(|f| outside_calendar(f.2))
    }

    /// The instant `h` hours after departure, rounded to the minute (answers give times to
    /// the minute: the data's hours are not more precise than that).
    fn at(&self, h: f64) -> DateTime<FixedOffset> {
        timed::at_minute(self.depart, h)
    }

    /// Times `route`: sets its [`Timing`] and adds each wait to its crossing step's (and the
    /// route's) time.
    fn time(&self, net: &Network, route: &mut Route) -> Result<(), RouteError> {
        let steps: Vec<StepTime> = route
            .steps
            .iter()
            .map(|s| self.step(s.link_ix, s.transshipment.is_some()))
            .collect();
        let timings =
            timed::simulate(self.schedules, self.depart_s, &steps).map_err(outside_calendar)?;
        let mut border_times = Vec::new();
        let mut wait_h = 0.0;
        for ((step, st), t) in route.steps.iter_mut().zip(&steps).zip(&timings) {
            step.measures[Measure::Time] += t.wait_h;
            route.measures[Measure::Time] += t.wait_h;
            wait_h += t.wait_h;
            if net.links()[step.link_ix].crossing.is_some() {
                border_times.push(BorderTime {
                    crossing: net.links()[step.link_ix].id.0.clone(),
                    arrive: self.at(t.enter_h - t.wait_h),
                    depart: self.at(t.arrive_h),
                    wait_h: t.wait_h,
                    dwell_h: st.dwell_h,
                    travel_h: st.run_h,
                });
            }
        }
        let arrive_h = timings.last().map_or(0.0, |t| t.arrive_h);
        route.timing = Some(Timing {
            depart: self.depart,
            arrive: self.at(arrive_h),
            wait_h,
            border_times,
        });
        Ok(())
    }
}

fn outside_calendar(e: OutsideCalendar) -> RouteError {
    RouteError::OutsideCalendar {
        field: "depart",
        first_year: e.first_year,
        last_year: e.last_year,
    }
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
        corridor: None,
        timing: None,
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
    if !c.include_unverified {
        out.push((
            "include_unverified",
            Constraints {
                include_unverified: true,
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
        include_unverified: true,
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

#[cfg(test)]
mod mask_tests {
    use super::*;

    #[test]
    fn cached_masks_are_the_constraints_own_masks_and_avoid_lists_are_not_cached() {
        // (A scenario's snapshot has its own cache: `tests/scenario_overlay.rs` compares its
        // routes with a full rebuild's, naushki-closed's closed crossing among them.)
        let net = &Network::embedded().unwrap();
        let cache = MaskCache::default();
        for mode in [ModeFilter::Any, ModeFilter::Rail, ModeFilter::Road] {
            for (include_planned, include_unverified) in
                [(false, false), (true, false), (false, true), (true, true)]
            {
                for cargo in [Cargo::General, Cargo::Livestock] {
                    let c = Constraints {
                        mode,
                        include_planned,
                        include_unverified,
                        cargo,
                        ..Constraints::default()
                    };
                    let first = cache.mask(net, &c);
                    assert_eq!(&*first, &link_mask(net, &c)[..], "{c:?}");
                    let (LinkMask::Shared(a), LinkMask::Shared(b)) = (first, cache.mask(net, &c))
                    else {
                        panic!("a mask without avoid lists is shared: {c:?}");
                    };
                    assert!(std::sync::Arc::ptr_eq(&a, &b), "computed once: {c:?}");
                }
            }
        }
        assert_eq!(cache.0.lock().unwrap().len(), 24);
        let only = |include_planned, include_unverified| {
            link_mask(
                net,
                &Constraints {
                    include_planned,
                    include_unverified,
                    ..Constraints::default()
                },
            )
        };
        assert_ne!(
            only(true, false),
            only(true, true),
            "the embedded network's unverified crossings need their own flag"
        );
        let avoid = Constraints {
            avoid_countries: ["MN".to_string()].into(),
            ..Constraints::default()
        };
        let m = cache.mask(net, &avoid);
        assert!(matches!(m, LinkMask::Own(_)));
        assert_eq!(&*m, &link_mask(net, &avoid)[..]);
        assert!(m.iter().any(|ok| !ok) && m.iter().any(|ok| *ok));
    }
}
