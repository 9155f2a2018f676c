//! What a scenario changes in a capacity answer: the typed `delta` of `/v1/compare/capacity`
//! and `/v1/compare/assign` (and of `corridor compare capacity|assign`).
//!
//! The two answers come from two networks (the baseline and the scenario's), whose link
//! indices may differ when a scenario adds links, so links are matched by id.

use std::collections::BTreeMap;

use serde::Serialize;

use super::assign::{AssignQuery, Assignment};
use super::graph::link_capacities;
use super::maxflow::{CapacityQuery, CapacityResult};
use crate::network::Network;

/// One side of a comparison: a question, its answer and the network it was answered on.
#[derive(Debug)]
pub struct Answered<'a, Q, A> {
    /// The network (the baseline's or the scenario's).
    pub net: &'a Network,
    /// The checked question.
    pub query: &'a Q,
    /// Its answer.
    pub answer: &'a A,
}

impl<'a, Q, A> Answered<'a, Q, A> {
    /// `answer` to `query` on `net`.
    pub fn new(net: &'a Network, query: &'a Q, answer: &'a A) -> Self {
        Self { net, query, answer }
    }
}

impl<Q, A> Clone for Answered<'_, Q, A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Q, A> Copy for Answered<'_, Q, A> {}

/// A max-flow question answered on one network.
pub type CapacityCase<'a> = Answered<'a, CapacityQuery, CapacityResult>;
/// An assignment answered on one network.
pub type AssignCase<'a> = Answered<'a, AssignQuery, Assignment>;

/// The utilisation levels whose crossing an assignment comparison reports: 80% (congested)
/// and 100% (saturated).
pub const THRESHOLDS: [f64; 2] = [0.8, 1.0];

/// Tolerance on utilisation when deciding a threshold was crossed (flows are rounded to
/// 0.001 t/yr; a link exactly at capacity is at 1.0 within this).
const UTIL_EPS: f64 = 1e-6;

fn round3(x: f64) -> f64 {
    (x * 1e3).round() / 1e3
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// One figure before and after, with the change (`None` where the figure is unbounded or
/// undefined in either case).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figure {
    /// On the network as it is.
    pub baseline: Option<f64>,
    /// On the scenario's network.
    pub scenario: Option<f64>,
    /// `scenario − baseline`.
    pub change: Option<f64>,
}

impl Figure {
    /// Both values, rounded to 0.001, and their change.
    pub fn tonnes(baseline: Option<f64>, scenario: Option<f64>) -> Self {
        let (b, s) = (baseline.map(round3), scenario.map(round3));
        Self {
            baseline: b,
            scenario: s,
            change: b.zip(s).map(|(b, s)| round3(s - b)),
        }
    }
}

/// A link in both minimum cuts whose capacity differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CutChange {
    /// Link id.
    pub link: String,
    /// Its capacity in the baseline cut, t/yr.
    pub baseline_tpy: f64,
    /// Its capacity in the scenario's cut, t/yr.
    pub scenario_tpy: f64,
}

/// The minimum cuts before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CutDelta {
    /// Link ids of the baseline cut.
    pub baseline: Vec<String>,
    /// Link ids of the scenario's cut.
    pub scenario: Vec<String>,
    /// In the scenario's cut only.
    pub added: Vec<String>,
    /// In the baseline cut only.
    pub removed: Vec<String>,
    /// In both, with a different capacity.
    pub changed: Vec<CutChange>,
}

/// What a scenario changes in a max-flow answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapacityDelta {
    /// Unit of every figure: t/yr.
    pub unit: &'static str,
    /// The maximum flow before and after (`None`: unbounded).
    pub max_flow: Figure,
    /// The bottleneck before and after.
    pub cut: CutDelta,
}

impl CapacityDelta {
    /// The delta between a baseline answer and a scenario answer.
    pub fn between(base_case: CapacityCase<'_>, scen_case: CapacityCase<'_>) -> Self {
        let (base_net, base) = (base_case.net, base_case.answer);
        let (net, scen) = (scen_case.net, scen_case.answer);
        let cut_of = |n: &Network, r: &CapacityResult| -> BTreeMap<String, f64> {
            r.cut
                .iter()
                .map(|c| (n.links()[c.link_ix].id.0.clone(), c.capacity_tpy))
                .collect()
        };
        let (b, s) = (cut_of(base_net, base), cut_of(net, scen));
        let ids = |r: &CapacityResult, n: &Network| -> Vec<String> {
            r.cut
                .iter()
                .map(|c| n.links()[c.link_ix].id.0.clone())
                .collect()
        };
        Self {
            unit: "t/yr",
            max_flow: Figure::tonnes(base.max_flow_tpy(), scen.max_flow_tpy()),
            cut: CutDelta {
                baseline: ids(base, base_net),
                scenario: ids(scen, net),
                added: s.keys().filter(|k| !b.contains_key(*k)).cloned().collect(),
                removed: b.keys().filter(|k| !s.contains_key(*k)).cloned().collect(),
                changed: b
                    .iter()
                    .filter_map(|(k, &x)| {
                        let y = *s.get(k)?;
                        (round3(x) != round3(y)).then(|| CutChange {
                            link: k.clone(),
                            baseline_tpy: round3(x),
                            scenario_tpy: round3(y),
                        })
                    })
                    .collect(),
            },
        }
    }
}

/// One link's load before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkChange {
    /// Link id.
    pub link: String,
    /// Tonnes a year on the link, both directions, before.
    pub baseline_tpy: f64,
    /// … and after.
    pub scenario_tpy: f64,
    /// Share of capacity used before (`None`: no capacity, or no such link).
    pub baseline_utilization: Option<f64>,
    /// … and after.
    pub scenario_utilization: Option<f64>,
    /// `scenario_utilization − baseline_utilization` where both are known.
    pub change: Option<f64>,
}

/// Links whose utilisation crossed one level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThresholdCrossings {
    /// The level, a share of capacity (0.8, 1.0).
    pub threshold: f64,
    /// Below it before, at or above it after.
    pub rose_above: Vec<String>,
    /// At or above it before, below it after.
    pub fell_below: Vec<String>,
}

/// One demand's served tonnes before and after, listed when they differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DemandChange {
    /// Index of the demand in the request.
    pub index: usize,
    /// Served t/yr before, after, and the change.
    pub served_tpy: Figure,
}

/// What a scenario changes in an assignment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssignDelta {
    /// Unit of every tonnage: t/yr.
    pub unit: &'static str,
    /// Demanded tonnes (equal unless the scenario changes which places are usable).
    pub demanded_tpy: Figure,
    /// Served tonnes.
    pub served_tpy: Figure,
    /// Unserved tonnes.
    pub unserved_tpy: Figure,
    /// Every link loaded in either case whose load or utilisation changed: largest
    /// utilisation change first, then links without a capacity by the change in tonnes.
    pub links: Vec<LinkChange>,
    /// Links crossing [`THRESHOLDS`], in that order.
    pub thresholds: Vec<ThresholdCrossings>,
    /// Demands whose served tonnes changed.
    pub demands: Vec<DemandChange>,
}

/// One case's loads by link id: (tonnes, utilisation).
fn loads(case: AssignCase<'_>) -> BTreeMap<String, (f64, Option<f64>)> {
    let (net, a) = (case.net, case.answer);
    let caps = link_capacities(net, &case.query.overrides);
    let mut m: BTreeMap<String, (f64, Option<f64>)> = net
        .links()
        .iter()
        .zip(&caps)
        .filter_map(|(l, c)| {
            c.filter(|&c| c > 0.0)
                .map(|_| (l.id.0.clone(), (0.0, Some(0.0))))
        })
        .collect();
    for l in &a.links {
        m.insert(
            net.links()[l.link_ix].id.0.clone(),
            (l.flow_tpy(), l.utilization()),
        );
    }
    m
}

impl AssignDelta {
    /// The delta between a baseline assignment and a scenario assignment of the same
    /// demands.
    pub fn between(base_case: AssignCase<'_>, scen_case: AssignCase<'_>) -> Self {
        let (base, scen) = (base_case.answer, scen_case.answer);
        let (b, s) = (loads(base_case), loads(scen_case));
        let mut ids: Vec<&String> = b.keys().chain(s.keys()).collect();
        ids.sort();
        ids.dedup();
        let mut links = Vec::new();
        let mut thresholds: Vec<ThresholdCrossings> = THRESHOLDS
            .iter()
            .map(|&t| ThresholdCrossings {
                threshold: t,
                rose_above: Vec::new(),
                fell_below: Vec::new(),
            })
            .collect();
        for id in ids {
            let (bt, bu) = b.get(id).copied().unwrap_or((0.0, None));
            let (st, su) = s.get(id).copied().unwrap_or((0.0, None));
            for t in &mut thresholds {
                let over = |u: Option<f64>| u.is_some_and(|u| u >= t.threshold - UTIL_EPS);
                match (over(bu), over(su)) {
                    (false, true) => t.rose_above.push(id.clone()),
                    (true, false) => t.fell_below.push(id.clone()),
                    _ => {}
                }
            }
            let (bu, su) = (bu.map(round6), su.map(round6));
            if round3(bt) == round3(st) && bu == su {
                continue;
            }
            links.push(LinkChange {
                link: id.clone(),
                baseline_tpy: round3(bt),
                scenario_tpy: round3(st),
                baseline_utilization: bu,
                scenario_utilization: su,
                change: bu.zip(su).map(|(b, s)| round6(s - b)),
            });
        }
        // Largest utilisation change first; links without a capacity after them, by the
        // change in tonnes.
        links.sort_by(|x, y| {
            let util = |c: &LinkChange| c.change.map_or(-1.0, f64::abs);
            let tonnes = |c: &LinkChange| (c.scenario_tpy - c.baseline_tpy).abs();
            util(y)
                .total_cmp(&util(x))
                .then_with(|| tonnes(y).total_cmp(&tonnes(x)))
                .then_with(|| x.link.cmp(&y.link))
        });
        let demands = base
            .demands
            .iter()
            .zip(&scen.demands)
            .enumerate()
            .filter_map(|(index, (x, y))| {
                let f = Figure::tonnes(Some(x.served_tpy), Some(y.served_tpy));
                (f.change != Some(0.0)).then_some(DemandChange {
                    index,
                    served_tpy: f,
                })
            })
            .collect();
        Self {
            unit: "t/yr",
            demanded_tpy: Figure::tonnes(Some(base.demanded_tpy()), Some(scen.demanded_tpy())),
            served_tpy: Figure::tonnes(Some(base.served_tpy()), Some(scen.served_tpy())),
            unserved_tpy: Figure::tonnes(Some(base.unserved_tpy()), Some(scen.unserved_tpy())),
            links,
            thresholds,
            demands,
        }
    }
}
