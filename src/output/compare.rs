//! Baseline and scenario answers side by side (`/v1/compare/*`): one FeatureCollection whose
//! features carry `case: "baseline" | "scenario"`, and a top-level `delta` saying what changed.

use geojson::{FeatureCollection, JsonObject};
use serde_json::{Value, json};

use super::route::route_collection;
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
