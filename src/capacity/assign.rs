//! "Where does it go, and what saturates?": assigning a list of demands (origin, destination,
//! tonnes a year) over the network within link capacities.
//!
//! # Method
//! Demands are assigned one after another, in the order given (earlier demands have
//! priority). Each is a min-cost flow by successive shortest paths on what earlier demands
//! left: cheapest path first ([`super::cost::link_usd_per_t`]), then the next cheapest as
//! links fill, rerouting the demand's own earlier tonnes when that is cheaper overall; what no
//! path can carry is reported as unserved. A link's capacity bounds the tonnes it carries in
//! both directions together. The result depends on the order of the demands, as any
//! incremental assignment does; it is not a system optimum over all demands at once.

use serde_json::{Map, Value};

use crate::cost::{Cargo, Constraints, ModeFilter};
use crate::network::{CapacityConversion, Network};

use super::CapacityError;
use super::cost::{link_usd_per_t, transfer_usd_per_t};
use super::flow::{EPS_REL, decompose};
use super::graph::{CostGraph, cost_graph, link_capacities, usable_states};
use super::maxflow::Step;
use super::spec::{
    ConstraintInput, ConversionInput, Issue, MAX_ISSUES, Overrides, PlaceSet, build_constraints,
    check_disjoint, conversion, parse_set_capacity, resolve_places, shown,
};

/// Most demands in one request.
pub const MAX_DEMANDS: usize = 10_000;
/// Largest request body, bytes (1 MiB).
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// Largest demand, t/yr.
pub const MAX_DEMAND_TPY: f64 = 1e12;
/// A link counts as saturated when it carries at least this share of its capacity.
pub const SATURATION: f64 = 1.0 - 1e-6;

/// Fields accepted at the top of a request body.
pub const TOP_FIELDS: &[&str] = &[
    "demands",
    "mode",
    "cargo",
    "include_planned",
    "avoid_countries",
    "avoid_crossings",
    "avoid_links",
    "close",
    "set_capacity",
    "tonnes_per_train",
    "tonnes_per_vehicle",
    "operating_days",
];
/// Fields accepted in a demand.
pub const DEMAND_FIELDS: &[&str] = &["from", "to", "tonnes_per_year", "mode", "cargo"];

/// One checked demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    /// Origins.
    pub from: PlaceSet,
    /// Destinations (disjoint from `from`).
    pub to: PlaceSet,
    /// Tonnes a year to move, > 0.
    pub tonnes_per_year: f64,
    /// Modes this demand may use (default: the request's).
    pub mode: ModeFilter,
    /// Cargo kind (default: the request's).
    pub cargo: Cargo,
}

/// A checked assignment request.
#[derive(Debug, Clone)]
pub struct AssignRequest {
    /// Demands, in priority order.
    pub demands: Vec<Demand>,
    /// Constraints shared by every demand (each demand's `mode` and `cargo` replace these).
    pub constraints: Constraints,
    /// Capacity overrides and conversion constants.
    pub overrides: Overrides,
}

/// Load on one link.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkLoad {
    /// Index into [`Network::links`].
    pub link_ix: usize,
    /// Tonnes a year carried `from → to` as the link is drawn.
    pub forward_tpy: f64,
    /// Tonnes a year carried `to → from`.
    pub backward_tpy: f64,
    /// Capacity, t/yr; `None` when unconstrained.
    pub capacity_tpy: Option<f64>,
    /// How many demands use the link.
    pub demand_count: usize,
}

impl LinkLoad {
    /// Total tonnes a year, both directions.
    pub fn flow_tpy(&self) -> f64 {
        self.forward_tpy + self.backward_tpy
    }

    /// Share of the capacity used, `None` when unconstrained or of zero capacity.
    pub fn utilization(&self) -> Option<f64> {
        self.capacity_tpy
            .filter(|&c| c > 0.0)
            .map(|c| self.flow_tpy() / c)
    }

    /// Whether the link is full.
    pub fn saturated(&self) -> bool {
        self.utilization().is_some_and(|u| u >= SATURATION)
    }
}

/// One route a demand takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Links and mode changes in order.
    pub steps: Vec<Step>,
    /// Tonnes a year on this route.
    pub tonnes_per_year: f64,
    /// Cost of a tonne on this route, USD ([`super::cost`]).
    pub cost_usd_per_t: f64,
}

/// What became of one demand.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandResult {
    /// Tonnes a year asked for.
    pub tonnes_per_year: f64,
    /// Tonnes a year carried.
    pub served_tpy: f64,
    /// Routes taken, largest first.
    pub routes: Vec<Route>,
}

impl DemandResult {
    /// Tonnes a year that found no capacity.
    pub fn unserved_tpy(&self) -> f64 {
        (self.tonnes_per_year - self.served_tpy).max(0.0)
    }
}

/// The result of [`assign`].
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// Links carrying flow, by link index.
    pub links: Vec<LinkLoad>,
    /// Tonnes a year changing mode at each intermodal node used (node index, t/yr).
    pub transfers: Vec<(usize, f64)>,
    /// Per demand, in request order.
    pub demands: Vec<DemandResult>,
}

impl Assignment {
    /// Tonnes a year asked for, all demands.
    pub fn demanded_tpy(&self) -> f64 {
        self.demands.iter().map(|d| d.tonnes_per_year).sum()
    }
    /// Tonnes a year carried, all demands.
    pub fn served_tpy(&self) -> f64 {
        self.demands.iter().map(|d| d.served_tpy).sum()
    }
    /// Tonnes a year not carried, all demands.
    pub fn unserved_tpy(&self) -> f64 {
        self.demands.iter().map(DemandResult::unserved_tpy).sum()
    }
}

/// Assigns the demands of `req` over `net`, one after another (see the module docs).
///
/// # Complexity
/// Per demand, O(E) to reset capacities plus one Bellman–Ford per augmenting path; 100
/// demands on the corridor network take a few milliseconds.
pub fn assign(net: &Network, req: &AssignRequest) -> Assignment {
    let caps = link_capacities(net, &req.overrides);
    let mut used = vec![0.0f64; caps.len()];
    let mut loads: Vec<LinkLoad> = (0..caps.len())
        .map(|i| LinkLoad {
            link_ix: i,
            forward_tpy: 0.0,
            backward_tpy: 0.0,
            capacity_tpy: caps[i],
            demand_count: 0,
        })
        .collect();
    let mut transfers = vec![0.0f64; net.nodes().len()];
    let mut graphs: Vec<((ModeFilter, Cargo), Constraints, CostGraph)> = Vec::new();
    let mut remaining = caps.clone();
    let mut results = Vec::with_capacity(req.demands.len());
    for d in &req.demands {
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
        for (r, (cap, u)) in remaining.iter_mut().zip(caps.iter().zip(&used)) {
            *r = cap.map(|cap| (cap - u).max(0.0));
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
            used[i] += f.abs();
            let l = &mut loads[i];
            if f > 0.0 {
                l.forward_tpy += f;
            } else {
                l.backward_tpy -= f;
            }
            l.demand_count += 1;
        });
        for &(n, up, down) in &cg.transfer_arcs {
            let f = cg.graph.flow(up as usize) - cg.graph.flow(down as usize);
            if f.abs() > eps {
                transfers[n] += f.abs();
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
        transfers: transfers
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
    for &(n, up, down) in &cg.transfer_arcs {
        let f = cg.graph.flow(up as usize) - cg.graph.flow(down as usize);
        if f.abs() <= eps {
            continue;
        }
        let (rail, road) = (cg.graph.tail(up as usize), cg.graph.head(up as usize));
        let (u, v) = if f > 0.0 { (rail, road) } else { (road, rail) };
        let step = Step::Transfer {
            node_ix: n,
            rail_to_road: f > 0.0,
        };
        fg.add(u, v, f.abs(), Some(step), transfer_usd_per_t());
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

fn with_mode(base: &Constraints, mode: ModeFilter, cargo: Cargo) -> Constraints {
    Constraints {
        mode,
        cargo,
        ..base.clone()
    }
}

/// Checks a request body (already parsed as JSON) against `net`.
///
/// # Errors
/// [`CapacityError::TooManyDemands`] over [`MAX_DEMANDS`]; otherwise
/// [`CapacityError::Invalid`] listing every problem, each named by its field
/// (`demands[3].tonnes_per_year`, `close`), including unknown places and demands whose
/// origin and destination overlap.
pub fn parse_request(
    net: &Network,
    base: CapacityConversion,
    body: &Value,
) -> Result<AssignRequest, CapacityError> {
    let mut issues = Vec::new();
    let Some(obj) = body.as_object() else {
        return Err(CapacityError::Invalid(vec![Issue::new(
            "body",
            "must be a JSON object {\"demands\": [...]}",
        )]));
    };
    unknown_fields(obj, TOP_FIELDS, "", &mut issues);
    let demands_v = match obj.get("demands") {
        Some(Value::Array(a)) if a.is_empty() => {
            issues.push(Issue::new("demands", "must list at least one demand"));
            &[][..]
        }
        Some(Value::Array(a)) if a.len() > MAX_DEMANDS => {
            return Err(CapacityError::TooManyDemands {
                count: a.len(),
                max: MAX_DEMANDS,
            });
        }
        Some(Value::Array(a)) => &a[..],
        Some(_) => {
            issues.push(Issue::new("demands", "must be an array of demands"));
            &[][..]
        }
        None => {
            issues.push(Issue::new("demands", "required"));
            &[][..]
        }
    };
    let input = ConstraintInput {
        scenario: None,
        mode: enumerated(
            obj.get("mode"),
            "mode",
            ModeFilter::parse,
            ModeFilter::VALUES,
            &mut issues,
        )
        .unwrap_or_default(),
        include_planned: boolean(obj.get("include_planned"), "include_planned", &mut issues)
            .unwrap_or(false),
        cargo: enumerated(
            obj.get("cargo"),
            "cargo",
            Cargo::parse,
            Cargo::VALUES,
            &mut issues,
        )
        .unwrap_or_default(),
        avoid_countries: list(obj.get("avoid_countries"), "avoid_countries", &mut issues),
        avoid_crossings: list(obj.get("avoid_crossings"), "avoid_crossings", &mut issues),
        avoid_links: list(obj.get("avoid_links"), "avoid_links", &mut issues),
        close: list(obj.get("close"), "close", &mut issues),
    };
    let constraints = build_constraints(net, &input, "", &mut issues);
    let capacity_tpy = match obj.get("set_capacity") {
        None | Some(Value::Null) => Default::default(),
        Some(Value::Object(m)) => {
            let mut items = Vec::new();
            for (k, v) in m {
                match v.as_f64() {
                    Some(x) => items.push(format!("{k}:{x}")),
                    None => issues.push(Issue::new(
                        format!("set_capacity.{}", shown(k)),
                        "must be a number of t/yr",
                    )),
                }
            }
            parse_set_capacity(net, "set_capacity", &items, &mut issues)
        }
        Some(v) => {
            let items = list(Some(v), "set_capacity", &mut issues);
            parse_set_capacity(net, "set_capacity", &items, &mut issues)
        }
    };
    let conv = conversion(
        base,
        ConversionInput {
            tonnes_per_train: number(obj.get("tonnes_per_train"), "tonnes_per_train", &mut issues),
            tonnes_per_vehicle: number(
                obj.get("tonnes_per_vehicle"),
                "tonnes_per_vehicle",
                &mut issues,
            ),
            operating_days: number(obj.get("operating_days"), "operating_days", &mut issues),
        },
        "",
        &mut issues,
    );
    let mut per_key: Vec<((ModeFilter, Cargo), Constraints)> = Vec::new();
    let mut demands = Vec::with_capacity(demands_v.len());
    for (i, dv) in demands_v.iter().enumerate() {
        if issues.len() > MAX_ISSUES {
            break;
        }
        if let Some(d) = parse_demand(net, i, dv, &constraints, &mut per_key, &mut issues) {
            demands.push(d);
        }
    }
    if !issues.is_empty() {
        if issues.len() > MAX_ISSUES {
            let more = issues.len() - MAX_ISSUES;
            issues.truncate(MAX_ISSUES);
            issues.push(Issue::new(
                "body",
                format!("{more}+ further problems not listed"),
            ));
        }
        return Err(CapacityError::Invalid(issues));
    }
    Ok(AssignRequest {
        demands,
        constraints,
        overrides: Overrides {
            capacity_tpy,
            conversion: conv,
        },
    })
}

fn parse_demand(
    net: &Network,
    i: usize,
    dv: &Value,
    base: &Constraints,
    per_key: &mut Vec<((ModeFilter, Cargo), Constraints)>,
    issues: &mut Vec<Issue>,
) -> Option<Demand> {
    let f = |name: &str| format!("demands[{i}].{name}");
    let Some(obj) = dv.as_object() else {
        issues.push(Issue::new(
            format!("demands[{i}]"),
            "must be an object {\"from\", \"to\", \"tonnes_per_year\"}",
        ));
        return None;
    };
    unknown_fields(obj, DEMAND_FIELDS, &format!("demands[{i}]."), issues);
    let before = issues.len();
    let mode = enumerated(
        obj.get("mode"),
        &f("mode"),
        ModeFilter::parse,
        ModeFilter::VALUES,
        issues,
    )
    .unwrap_or(base.mode);
    let cargo = enumerated(
        obj.get("cargo"),
        &f("cargo"),
        Cargo::parse,
        Cargo::VALUES,
        issues,
    )
    .unwrap_or(base.cargo);
    let tonnes = match obj.get("tonnes_per_year") {
        None | Some(Value::Null) => {
            issues.push(Issue::new(f("tonnes_per_year"), "required"));
            None
        }
        Some(v) => match v.as_f64() {
            Some(x) if x.is_finite() && x > 0.0 && x <= MAX_DEMAND_TPY => Some(x),
            Some(x) if x.is_finite() && x > MAX_DEMAND_TPY => {
                issues.push(Issue::new(
                    f("tonnes_per_year"),
                    format!("{x} exceeds {MAX_DEMAND_TPY:e} t/yr"),
                ));
                None
            }
            Some(x) => {
                issues.push(Issue::new(
                    f("tonnes_per_year"),
                    format!("must be a positive number of t/yr, found {x}"),
                ));
                None
            }
            None => {
                issues.push(Issue::new(
                    f("tonnes_per_year"),
                    "must be a positive number of t/yr",
                ));
                None
            }
        },
    };
    let key = (mode, cargo);
    let c = match per_key.iter().position(|(k, _)| *k == key) {
        Some(p) => &per_key[p].1,
        None => {
            per_key.push((key, with_mode(base, mode, cargo)));
            &per_key[per_key.len() - 1].1
        }
    };
    let mut place = |name: &str| -> Option<PlaceSet> {
        let field = f(name);
        let items = match obj.get(name) {
            None | Some(Value::Null) => {
                issues.push(Issue::new(
                    field,
                    "required: a node id, country code or list",
                ));
                return None;
            }
            v => list(v, &field, issues),
        };
        if items.is_empty() {
            if !issues.iter().any(|x| x.field == field) {
                issues.push(Issue::new(field, "must name at least one place"));
            }
            return None;
        }
        match resolve_places(net, &field, &items, c) {
            Ok(p) => Some(p),
            Err(e) => {
                issues.push(e.into_issue());
                None
            }
        }
    };
    let from = place("from");
    let to = place("to");
    let (from, to, tonnes) = (from?, to?, tonnes?);
    if let Err(e) = check_disjoint(net, &from, &to, &f("to")) {
        issues.push(e.into_issue());
        return None;
    }
    (issues.len() == before).then_some(Demand {
        from,
        to,
        tonnes_per_year: tonnes,
        mode,
        cargo,
    })
}

fn unknown_fields(
    obj: &Map<String, Value>,
    allowed: &[&str],
    prefix: &str,
    issues: &mut Vec<Issue>,
) {
    for k in obj.keys() {
        if !allowed.contains(&k.as_str()) {
            issues.push(Issue::new(
                format!("{prefix}{}", shown(k)),
                format!("unknown field; accepted: {}", allowed.join(", ")),
            ));
        }
    }
}

/// A list given as an array of strings or a comma-separated string.
fn list(v: Option<&Value>, field: &str, issues: &mut Vec<Issue>) -> Vec<String> {
    let items: Vec<String> = match v {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::String(s)) => s.split(',').map(|x| x.trim().to_string()).collect(),
        Some(Value::Array(a)) => {
            let mut out = Vec::with_capacity(a.len());
            for x in a {
                match x.as_str() {
                    Some(s) => out.push(s.trim().to_string()),
                    None => {
                        issues.push(Issue::new(field, "must be a list of strings"));
                        return Vec::new();
                    }
                }
            }
            out
        }
        Some(_) => {
            issues.push(Issue::new(
                field,
                "must be a string (comma list) or an array of strings",
            ));
            return Vec::new();
        }
    };
    if items.iter().any(String::is_empty) {
        issues.push(Issue::new(field, "empty item in list"));
        return Vec::new();
    }
    if items.len() > 200 {
        issues.push(Issue::new(field, "at most 200 items"));
        return Vec::new();
    }
    items
}

fn enumerated<T>(
    v: Option<&Value>,
    field: &str,
    parse: fn(&str) -> Option<T>,
    values: &[&str],
    issues: &mut Vec<Issue>,
) -> Option<T> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            let p = parse(s);
            if p.is_none() {
                issues.push(Issue::new(
                    field,
                    format!("'{}' is not one of {}", shown(s), values.join(", ")),
                ));
            }
            p
        }
        Some(_) => {
            issues.push(Issue::new(
                field,
                format!("must be one of {}", values.join(", ")),
            ));
            None
        }
    }
}

fn boolean(v: Option<&Value>, field: &str, issues: &mut Vec<Issue>) -> Option<bool> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            issues.push(Issue::new(field, "must be true or false"));
            None
        }
    }
}

fn number(v: Option<&Value>, field: &str, issues: &mut Vec<Issue>) -> Option<f64> {
    match v {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_f64() {
            Some(x) => Some(x),
            None => {
                issues.push(Issue::new(field, "must be a number"));
                None
            }
        },
    }
}
