//! Scenarios as GeoJSON: the list of scenarios, and one scenario's touched features before and
//! after (`GET /v1/scenarios`, `GET /v1/scenarios/{name}`).

use geojson::{Feature, FeatureCollection, JsonObject};
use serde_json::{Value, json};

use super::{link_feature, node_feature};
use crate::network::scenario::Scenario;
use crate::network::{CapacityConversion, Network};

/// One line of the scenario list: name, title, description, source, and how many changes
/// (and how many of them are estimates).
pub fn scenario_summary(s: &Scenario) -> Value {
    json!({
        "name": s.name,
        "title": s.title,
        "description": s.description,
        "source": s.source,
        "changes": s.changes.len(),
        "estimates": s.changes.iter().filter(|c| c.estimate).count(),
    })
}

/// The list of scenarios, in name order.
pub fn scenario_list<'a>(scenarios: impl Iterator<Item = &'a Scenario>) -> Value {
    json!({ "scenarios": scenarios.map(scenario_summary).collect::<Vec<_>>() })
}

fn tagged(mut f: Feature, case: &str) -> Feature {
    if let Some(p) = f.properties.as_mut() {
        p.insert("case".into(), case.into());
    }
    f
}

/// A scenario as GeoJSON: for every link and node it touches, the feature as it is
/// (`case: "baseline"`, absent for an addition) and as the scenario makes it
/// (`case: "scenario"`), in change order. Foreign members: the scenario's `name`, `title`,
/// `description`, `source` and `changes` (each with its target, fields set, `source`,
/// `estimate` and `note`).
pub fn scenario_collection(
    s: &Scenario,
    baseline: &Network,
    changed: &Network,
    conv: &CapacityConversion,
) -> FeatureCollection {
    let mut features = Vec::new();
    for c in &s.changes {
        let id = c.target.id();
        if c.target.is_link() {
            let before = baseline.link(id).map(|l| link_feature(l, conv));
            let after = changed.link(id).map(|l| link_feature(l, conv));
            features.extend(before.map(|f| tagged(f, "baseline")));
            features.extend(after.map(|f| tagged(f, "scenario")));
        } else {
            let before = baseline.node(id).map(node_feature);
            let after = changed.node(id).map(node_feature);
            features.extend(before.map(|f| tagged(f, "baseline")));
            features.extend(after.map(|f| tagged(f, "scenario")));
        }
    }
    let mut foreign = JsonObject::new();
    foreign.insert("name".into(), s.name.clone().into());
    foreign.insert("title".into(), s.title.clone().into());
    foreign.insert("description".into(), s.description.clone().into());
    foreign.insert("source".into(), s.source.clone().into());
    foreign.insert(
        "changes".into(),
        serde_json::to_value(&s.changes).unwrap_or(Value::Null),
    );
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: Some(foreign),
    }
}
