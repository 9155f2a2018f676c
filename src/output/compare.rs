//! Baseline and scenario answers side by side (`/v1/compare/*`): one FeatureCollection whose
//! features carry `case: "baseline" | "scenario"`, and a top-level `delta` saying what changed.

use std::collections::BTreeMap;

use geojson::{FeatureCollection, JsonObject};
use serde_json::{Value, json};

use super::capacity::{assignment_collection, max_flow_collection};
use super::route::route_collection;
use crate::capacity::compare::{AssignCase, AssignDelta, CapacityCase, CapacityDelta};
use crate::cost::Measure;
use crate::network::Network;
use crate::route::RoutePlan;

/// Tags every feature of `fc` with `case` and returns them with its foreign members.
fn tagged(fc: FeatureCollection, case: &str) -> (Vec<geojson::Feature>, JsonObject) {
    let mut features = fc.features;
    for f in &mut features {
        if let Some(p) = f.properties.as_mut() {
            p.insert("case".into(), case.into());
        }
    }
    (features, fc.foreign_members.unwrap_or_default())
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The change between two best routes: per measure (scenario − baseline, and both values),
/// the crossings used by each, and those added and removed.
pub fn route_delta(base_net: &Network, base: &RoutePlan, net: &Network, plan: &RoutePlan) -> Value {
    let (b, s) = (&base.routes[0], &plan.routes[0]);
    let mut measures = JsonObject::new();
    for m in Measure::ALL {
        let (x, y) = (b.measures[*m], s.measures[*m]);
        measures.insert(
            m.property().into(),
            json!({"baseline": round3(x), "scenario": round3(y), "change": round3(y - x)}),
        );
    }
    let bc = b.crossings(base_net);
    let sc = s.crossings(net);
    let added: Vec<&str> = sc.iter().filter(|c| !bc.contains(c)).copied().collect();
    let removed: Vec<&str> = bc.iter().filter(|c| !sc.contains(c)).copied().collect();
    json!({
        "measures": measures,
        "crossings": {
            "baseline": bc,
            "scenario": sc,
            "added": added,
            "removed": removed,
        },
        "same_links": b
            .steps
            .iter()
            .map(|x| &base_net.links()[x.link_ix].id)
            .eq(s.steps.iter().map(|x| &net.links()[x.link_ix].id)),
    })
}

/// Both route answers in one FeatureCollection (baseline features first), with members
/// `scenario` (the name), `query` (the baseline's echo), `delta` ([`route_delta`]).
pub fn route_comparison(
    scenario: &str,
    base_net: &Network,
    base: &RoutePlan,
    net: &Network,
    plan: &RoutePlan,
) -> FeatureCollection {
    let (mut features, base_members) = tagged(route_collection(base_net, base), "baseline");
    let (scen_features, _) = tagged(route_collection(net, plan), "scenario");
    features.extend(scen_features);
    let mut foreign = JsonObject::new();
    foreign.insert("scenario".into(), scenario.into());
    if let Some(q) = base_members.get("query") {
        foreign.insert("query".into(), q.clone());
    }
    foreign.insert("delta".into(), route_delta(base_net, base, net, plan));
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: Some(foreign),
    }
}

/// Tags every feature of a FeatureCollection held as JSON with `case`, and adds
/// `utilization_change` from `changes` (by link id) to `flow` features of the scenario.
fn tag_value(doc: &mut Value, case: &str, changes: Option<&BTreeMap<&str, Option<f64>>>) {
    let Some(features) = doc.get_mut("features").and_then(Value::as_array_mut) else {
        return;
    };
    for f in features {
        let Some(p) = f.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        p.insert("case".into(), case.into());
        if let Some(changes) = changes {
            let link = p.get("link_id").and_then(Value::as_str);
            if let Some(c) = link.and_then(|l| changes.get(l)) {
                p.insert("utilization_change".into(), json!(c));
            }
        }
    }
}

/// One FeatureCollection of two JSON answers: baseline features first, every feature tagged
/// `case`; members `scenario`, `query` (the baseline's), `cases` (each answer's own members,
/// such as `max_flow` or `summary`, by case) and `delta`.
fn combine(scenario: &str, mut base: Value, mut scen: Value, delta: Value) -> Value {
    let take = |doc: &mut Value| -> Vec<Value> {
        doc.get_mut("features")
            .map(Value::take)
            .and_then(|f| match f {
                Value::Array(a) => Some(a),
                _ => None,
            })
            .unwrap_or_default()
    };
    let mut features = take(&mut base);
    features.extend(take(&mut scen));
    let members = |doc: Value| -> JsonObject {
        match doc {
            Value::Object(mut o) => {
                o.remove("type");
                o.remove("query");
                o
            }
            _ => JsonObject::new(),
        }
    };
    let query = base.get("query").cloned().unwrap_or(Value::Null);
    json!({
        "type": "FeatureCollection",
        "scenario": scenario,
        "query": query,
        "cases": {"baseline": members(base), "scenario": members(scen)},
        "delta": delta,
        "features": features,
    })
}

/// `/v1/compare/capacity`: both max-flow answers ([`max_flow_collection`]) in one
/// FeatureCollection with the [`CapacityDelta`].
pub fn capacity_comparison(
    scenario: &str,
    base: CapacityCase<'_>,
    scen: CapacityCase<'_>,
) -> Value {
    let delta = CapacityDelta::between(base, scen);
    let mut b = max_flow_collection(base.net, base.query, base.answer);
    let mut s = max_flow_collection(scen.net, scen.query, scen.answer);
    tag_value(&mut b, "baseline", None);
    tag_value(&mut s, "scenario", None);
    combine(scenario, b, s, json!(delta))
}

/// `/v1/compare/assign`: both assignments ([`assignment_collection`]) in one
/// FeatureCollection with the [`AssignDelta`]; the scenario's `flow` features also carry
/// `utilization_change`.
pub fn assign_comparison(scenario: &str, base: AssignCase<'_>, scen: AssignCase<'_>) -> Value {
    let delta = AssignDelta::between(base, scen);
    let changes: BTreeMap<&str, Option<f64>> = delta
        .links
        .iter()
        .map(|c| (c.link.as_str(), c.change))
        .collect();
    let mut b = assignment_collection(base.net, base.query, base.answer);
    let mut s = assignment_collection(scen.net, scen.query, scen.answer);
    tag_value(&mut b, "baseline", None);
    tag_value(&mut s, "scenario", Some(&changes));
    combine(scenario, b, s, json!(delta))
}
