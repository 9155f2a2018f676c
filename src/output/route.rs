//! A route plan as GeoJSON (RFC 7946): one LineString Feature per route (best first), a Point
//! Feature per waypoint given as `lon,lat` showing where it snapped, and a top-level `query`
//! member echoing the normalised request.

use geojson::{Feature, FeatureCollection, Geometry, JsonObject, Value as GeomValue};
use serde_json::{Value, json};

use super::{feature, node_geometry, round6};
use crate::cost::Measures;
use crate::network::Network;
use crate::route::{PlaceQuery, Route, RoutePlan};

/// Rounds a measure to 2 decimals for output.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Adds one property per [`crate::cost::Measure`] (rounded) to a JSON object.
fn insert_measures(obj: &mut Value, measures: &Measures) {
    if let Value::Object(map) = obj {
        for (m, v) in measures.iter() {
            map.insert(m.property().into(), round2(v).into());
        }
    }
}

/// The route's geometry: its links' geometries in travel order (a link traversed `to` →
/// `from` is reversed), rounded to 6 decimals, without repeated vertices at the joints.
pub fn route_geometry(net: &Network, route: &Route) -> Geometry {
    let mut coords: Vec<Vec<f64>> = Vec::new();
    for step in &route.steps {
        let line: Vec<geo::Coord<f64>> = net.links()[step.link_ix].geometry.coords().collect();
        let mut push = |c: &geo::Coord<f64>| {
            let p = vec![round6(c.x), round6(c.y)];
            if coords.last() != Some(&p) {
                coords.push(p);
            }
        };
        if step.forward {
            line.iter().for_each(&mut push);
        } else {
            line.iter().rev().for_each(&mut push);
        }
    }
    if coords.len() == 1 {
        // A LineString needs two positions; a route always has length, but stay valid.
        coords.push(coords[0].clone());
    }
    Geometry::new(GeomValue::LineString(coords))
}

/// One route as a Feature (`kind: "route"`).
pub fn route_feature(net: &Network, route: &Route) -> Feature {
    let nodes: Vec<&str> = route
        .node_ixs()
        .into_iter()
        .map(|i| net.nodes()[i].id.0.as_str())
        .collect();
    let links: Vec<&str> = route
        .steps
        .iter()
        .map(|s| net.links()[s.link_ix].id.0.as_str())
        .collect();
    let transshipments: Vec<Value> = route
        .transshipments(net)
        .into_iter()
        .map(|t| json!({"node": t.node, "reason": t.kind.reason()}))
        .collect();
    let legs: Vec<Value> = route
        .legs(net)
        .into_iter()
        .map(|l| {
            let mut leg = json!({
                "mode": l.mode,
                "country": l.country,
                "gauge_mm": l.gauge_mm,
                "crossing": l.crossing,
                "from": l.from,
                "to": l.to,
            });
            insert_measures(&mut leg, &l.measures);
            leg
        })
        .collect();
    let mut p = JsonObject::new();
    p.insert("kind".into(), "route".into());
    p.insert("rank".into(), route.rank.into());
    for (m, v) in route.measures.iter() {
        p.insert(m.property().into(), round2(v).into());
    }
    p.insert("nodes".into(), json!(nodes));
    p.insert("links".into(), json!(links));
    p.insert("crossings".into(), json!(route.crossings(net)));
    p.insert("countries".into(), json!(route.countries(net)));
    p.insert("transshipments".into(), Value::Array(transshipments));
    p.insert("legs".into(), Value::Array(legs));
    if let Some(c) = &route.corridor {
        p.insert("corridor".into(), c.clone().into());
    }
    if let Some(t) = &route.timing {
        p.insert("depart".into(), t.depart.to_rfc3339().into());
        p.insert("arrive".into(), t.arrive.to_rfc3339().into());
        p.insert("wait_h".into(), round2(t.wait_h).into());
        let borders: Vec<Value> = t
            .border_times
            .iter()
            .map(|b| {
                json!({
                    "crossing": b.crossing,
                    "arrive": b.arrive.to_rfc3339(),
                    "depart": b.depart.to_rfc3339(),
                    "wait_h": round2(b.wait_h),
                    "dwell_h": round2(b.dwell_h),
                })
            })
            .collect();
        p.insert("border_times".into(), Value::Array(borders));
    }
    feature(route_geometry(net, route), p)
}

/// The whole plan: routes best first, then snap points, with the `query` foreign member.
pub fn route_collection(net: &Network, plan: &RoutePlan) -> FeatureCollection {
    let mut features: Vec<Feature> = plan.routes.iter().map(|r| route_feature(net, r)).collect();
    for w in &plan.waypoints {
        let (PlaceQuery::Coord { lon, lat }, Some(snap_km)) = (&w.input, w.snap_km) else {
            continue;
        };
        let node = &net.nodes()[w.node_ix];
        let mut p = JsonObject::new();
        p.insert("kind".into(), "snap".into());
        p.insert("field".into(), w.field.into());
        p.insert("input".into(), json!([lon, lat]));
        p.insert("node".into(), node.id.0.clone().into());
        p.insert("snap_km".into(), round2(snap_km).into());
        features.push(feature(node_geometry(node), p));
    }
    let mut foreign = JsonObject::new();
    foreign.insert(
        "query".into(),
        serde_json::to_value(&plan.query).unwrap_or(Value::Null),
    );
    foreign.insert("alternatives_found".into(), plan.alternatives_found.into());
    // Names taken to mean a node other than by its id or a name written exactly (folded,
    // an alternative name, a prefix): the answer says what it assumed.
    let interpreted: Vec<Value> = plan
        .waypoints
        .iter()
        .filter_map(|w| {
            w.interpreted().map(|m| {
                json!({
                    "field": w.field,
                    "input": w.input,
                    "node": net.nodes()[w.node_ix].id.0,
                    "matched": m.matched,
                    "match": m.kind,
                    "confidence": round2(m.confidence),
                })
            })
        })
        .collect();
    if !interpreted.is_empty() {
        foreign.insert("places_interpreted".into(), Value::Array(interpreted));
    }
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: Some(foreign),
    }
}
