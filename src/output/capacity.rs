//! GeoJSON of capacity answers: the max-flow FeatureCollection of `GET /v1/capacity` and the
//! link loads of `POST /v1/assign`, each with top-level members (`max_flow`, `summary`,
//! `query`) beside `features` (RFC 7946 §6.1 foreign members).
//!
//! Link geometries are oriented in the direction of flow (a map can draw arrows from them);
//! `direction` says whether that is the way the link is drawn in `/v1/network` (`forward`)
//! or against it (`backward`). Tonnes are rounded to 0.001 t/yr, shares to 6 decimals.
//!
//! A rail↔road transshipment is spelled `transfer` in these answers (Feature `kind`
//! [`TRANSSHIPMENT_KIND`], `transfer_at` in steps, `transfers` in routes,
//! `cost_model.transfer_usd_per_t`): the published API keeps its names; the code says
//! transshipment throughout.

use geojson::{Feature, Geometry, JsonObject, Value as GeomValue, feature::Id};
use serde_json::{Value, json};

use crate::capacity::assign::{AssignQuery, Assignment, Demand, DemandResult};
use crate::capacity::maxflow::{
    CapacityQuery, CapacityResult, MaxFlowValue, Step, TRANSIT_ASSUMPTION,
};
use crate::capacity::request::{Overrides, PlaceSet};
use crate::cost::{Constraints, Profile};
use crate::network::{Link, Network};

use super::{node_geometry, round6};

/// The unit of every flow and capacity here.
pub const UNIT: &str = "t/yr";
/// The Feature `kind` of a transshipment point (the API's name for it).
pub const TRANSSHIPMENT_KIND: &str = "transfer";

fn round3(x: f64) -> f64 {
    (x * 1e3).round() / 1e3
}

/// A link's geometry, reversed when `forward` is false.
fn oriented_geometry(link: &Link, forward: bool) -> Geometry {
    let mut coords: Vec<Vec<f64>> = link
        .geometry
        .coords()
        .map(|c| vec![round6(c.x), round6(c.y)])
        .collect();
    if !forward {
        coords.reverse();
    }
    Geometry::new(GeomValue::LineString(coords))
}

fn feature_with_id(id: String, geometry: Geometry, properties: JsonObject) -> Feature {
    Feature {
        bbox: None,
        geometry: Some(geometry),
        id: Some(Id::String(id)),
        properties: Some(properties),
        foreign_members: None,
    }
}

/// Properties naming a link and its direction of flow.
fn link_props(link: &Link, kind: &str, forward: bool) -> JsonObject {
    let (a, b) = if forward {
        (&link.from, &link.to)
    } else {
        (&link.to, &link.from)
    };
    let mut p = JsonObject::new();
    p.insert("kind".into(), kind.into());
    p.insert("link_id".into(), link.id.0.clone().into());
    p.insert("name".into(), link.display_name().into());
    p.insert("mode".into(), link.mode.as_str().into());
    p.insert("link_kind".into(), link.kind.as_str().into());
    p.insert(
        "direction".into(),
        if forward { "forward" } else { "backward" }.into(),
    );
    p.insert("flow_from".into(), a.0.clone().into());
    p.insert("flow_to".into(), b.0.clone().into());
    if let Some(c) = &link.crossing {
        p.insert("countries".into(), json!(c.countries));
    }
    if let Some(b) = link.capacity_basis {
        p.insert("capacity_basis".into(), b.as_str().into());
    }
    p
}

fn utilization(flow: f64, cap: Option<f64>) -> Value {
    match cap {
        Some(c) if c > 0.0 => Value::from(round6(flow / c)),
        _ => Value::Null,
    }
}

fn places_json(net: &Network, p: &PlaceSet) -> Value {
    json!({
        "places": p.labels,
        "nodes": p.nodes.len(),
        "node_ids": p.nodes.iter().take(50).map(|&i| net.nodes()[i].id.0.clone()).collect::<Vec<_>>(),
    })
}

fn sorted<'a>(s: impl IntoIterator<Item = &'a String>) -> Vec<&'a String> {
    let mut v: Vec<&String> = s.into_iter().collect();
    v.sort();
    v
}

/// The constraints and overrides as echoed in `query`.
pub fn constraints_json(net: &Network, c: &Constraints, o: &Overrides) -> JsonObject {
    let mut q = JsonObject::new();
    q.insert("mode".into(), c.mode.as_str().into());
    q.insert("include_planned".into(), c.include_planned.into());
    q.insert("include_unverified".into(), c.include_unverified.into());
    q.insert("cargo".into(), c.cargo.as_str().into());
    q.insert("avoid_countries".into(), json!(sorted(&c.avoid_countries)));
    q.insert("avoid_crossings".into(), json!(sorted(&c.avoid_crossings)));
    q.insert("avoid_links".into(), json!(sorted(&c.avoid_links)));
    q.insert("close".into(), json!(sorted(&c.close)));
    let set: serde_json::Map<String, Value> = o
        .capacity_tpy
        .iter()
        .map(|(&i, &v)| (net.links()[i].id.0.clone(), Value::from(v)))
        .collect();
    q.insert("set_capacity".into(), Value::Object(set));
    q.insert(
        "conversion".into(),
        json!({
            "tonnes_per_train": o.conversion.tonnes_per_train,
            "tonnes_per_vehicle": o.conversion.tonnes_per_vehicle,
            "operating_days": o.conversion.operating_days_per_year,
        }),
    );
    q
}

fn step_json(net: &Network, s: &Step) -> Value {
    match *s {
        Step::Link { link_ix, forward } => json!({
            "link_id": net.links()[link_ix].id.0,
            "direction": if forward { "forward" } else { "backward" },
        }),
        Step::Transshipment {
            node_ix,
            rail_to_road,
        } => json!({
            "transfer_at": net.nodes()[node_ix].id.0,
            "direction": if rail_to_road { "rail_to_road" } else { "road_to_rail" },
        }),
    }
}

fn transshipment_feature(net: &Network, node_ix: usize, flow: f64, dir: Option<bool>) -> Feature {
    let n = &net.nodes()[node_ix];
    let mut p = JsonObject::new();
    p.insert("kind".into(), TRANSSHIPMENT_KIND.into());
    p.insert("node_id".into(), n.id.0.clone().into());
    p.insert("name".into(), n.name.clone().into());
    p.insert("flow_tpy".into(), round3(flow).into());
    if let Some(r2r) = dir {
        p.insert(
            "direction".into(),
            if r2r { "rail_to_road" } else { "road_to_rail" }.into(),
        );
    }
    feature_with_id(
        format!("{TRANSSHIPMENT_KIND}/{}", n.id),
        node_geometry(n),
        p,
    )
}

/// The FeatureCollection answering `GET /v1/capacity`.
///
/// Members: `max_flow {value, unit, unbounded}`, `cut {capacity_tpy, links}`,
/// `unconstrained {links_usable, links_with_flow}`, `query`, and Features of `kind` `flow`
/// (every link carrying flow), `cut` (the minimum cut), `transfer` (mode changes) or, when
/// unbounded, `unbounded_path`.
pub fn max_flow_collection(net: &Network, q: &CapacityQuery, r: &CapacityResult) -> Value {
    let mut features = Vec::new();
    let max_flow = match &r.value {
        MaxFlowValue::Bounded(v) => json!({"value": round3(*v), "unit": UNIT, "unbounded": false}),
        MaxFlowValue::Unbounded { path } => {
            for (seq, s) in path.iter().enumerate() {
                if let Step::Link { link_ix, forward } = *s {
                    let l = &net.links()[link_ix];
                    let mut p = link_props(l, "unbounded_path", forward);
                    p.insert("seq".into(), seq.into());
                    p.insert("capacity_tpy".into(), Value::Null);
                    features.push(feature_with_id(
                        format!("unbounded_path/{}", l.id),
                        oriented_geometry(l, forward),
                        p,
                    ));
                }
            }
            json!({
                "value": Value::Null,
                "unit": UNIT,
                "unbounded": true,
                "detail": "a path of links without capacity data joins a source to a sink, so the data does not bound the flow; the unbounded_path features show it (give those links a capacity with set_capacity, or close them)",
                "path": path.iter().map(|s| step_json(net, s)).collect::<Vec<_>>(),
            })
        }
    };
    let cut_ids: Vec<&str> = r
        .cut
        .iter()
        .map(|c| net.links()[c.link_ix].id.0.as_str())
        .collect();
    for f in &r.flows {
        let l = &net.links()[f.link_ix];
        let mut p = link_props(l, "flow", f.forward);
        p.insert("flow_tpy".into(), round3(f.flow_tpy).into());
        p.insert(
            "capacity_tpy".into(),
            f.capacity_tpy.map(round3).map_or(Value::Null, Value::from),
        );
        p.insert(
            "utilization".into(),
            utilization(f.flow_tpy, f.capacity_tpy),
        );
        p.insert("unconstrained".into(), f.capacity_tpy.is_none().into());
        p.insert("in_cut".into(), cut_ids.contains(&l.id.0.as_str()).into());
        features.push(feature_with_id(
            format!("flow/{}", l.id),
            oriented_geometry(l, f.forward),
            p,
        ));
    }
    for c in &r.cut {
        let l = &net.links()[c.link_ix];
        let mut p = link_props(l, "cut", c.forward);
        p.insert("capacity_tpy".into(), round3(c.capacity_tpy).into());
        p.insert("flow_tpy".into(), round3(c.capacity_tpy).into());
        p.insert("utilization".into(), 1.0.into());
        features.push(feature_with_id(
            format!("cut/{}", l.id),
            oriented_geometry(l, c.forward),
            p,
        ));
    }
    for t in &r.transshipments {
        features.push(transshipment_feature(
            net,
            t.node_ix,
            t.flow_tpy,
            Some(t.rail_to_road),
        ));
    }
    let cut_total: f64 = r.cut.iter().map(|c| c.capacity_tpy).sum();
    let mut query = JsonObject::new();
    query.insert("from".into(), places_json(net, &q.from));
    query.insert("to".into(), places_json(net, &q.to));
    query.extend(constraints_json(net, &q.constraints, &q.overrides));
    query.insert("transit".into(), q.transit.as_str().into());
    json!({
        "type": "FeatureCollection",
        "max_flow": max_flow,
        "cut": {
            "capacity_tpy": if r.max_flow_tpy().is_some() { Value::from(round3(cut_total)) } else { Value::Null },
            "links": cut_ids,
        },
        "unconstrained": {
            "links_usable": r.unconstrained_usable,
            "links_with_flow": r.unconstrained_with_flow,
            "detail": "links without capacity data are unconstrained; links_with_flow of them carry flow in this answer, which holds only if they are ample",
        },
        "transit": transit_json(net, q, r),
        "query": Value::Object(query),
        "features": features,
    })
}

/// Where the flow goes: by corridor and by crossing, with transit through third countries
/// flagged, the flow without them, and the assumption.
fn transit_json(net: &Network, q: &CapacityQuery, r: &CapacityResult) -> Value {
    let through = r.transit_flow_tpy();
    let corridors: Vec<Value> = r
        .corridors
        .iter()
        .map(|c| {
            json!({
                "corridor": c.corridor,
                "flow_tpy": round3(c.flow_tpy),
                "transit_countries": c.transit,
            })
        })
        .collect();
    let crossings: Vec<Value> = r
        .crossings
        .iter()
        .map(|c| {
            let l = &net.links()[c.link_ix];
            json!({
                "link_id": l.id.0,
                "name": l.display_name(),
                "countries": c.countries,
                "flow_tpy": round3(c.flow_tpy),
                "transit": c.transit,
            })
        })
        .collect();
    json!({
        "mode": q.transit.as_str(),
        "end_countries": r.end_countries,
        "direct_tpy": r.direct_tpy.map(round3),
        "through_third_countries_tpy": r.max_flow_tpy().map(|_| round3(through)),
        "assumption": TRANSIT_ASSUMPTION,
        "detail": "by_corridor is one decomposition of the maximum flow into paths; another maximum flow of the same value may split differently. direct_tpy is the maximum flow using only the end countries' links",
        "by_corridor": corridors,
        "by_crossing": crossings,
    })
}

fn demand_json(net: &Network, i: usize, d: &Demand, r: &DemandResult) -> Value {
    let routes: Vec<Value> = r
        .routes
        .iter()
        .map(|route| {
            let links: Vec<&str> = route
                .steps
                .iter()
                .filter_map(|s| match *s {
                    Step::Link { link_ix, .. } => Some(net.links()[link_ix].id.0.as_str()),
                    Step::Transshipment { .. } => None,
                })
                .collect();
            let transshipments: Vec<&str> = route
                .steps
                .iter()
                .filter_map(|s| match *s {
                    Step::Transshipment { node_ix, .. } => Some(net.nodes()[node_ix].id.0.as_str()),
                    Step::Link { .. } => None,
                })
                .collect();
            json!({
                "tonnes_per_year": round3(route.tonnes_per_year),
                "cost_usd_per_t": (route.cost_usd_per_t * 100.0).round() / 100.0,
                "links": links,
                "transfers": transshipments,
            })
        })
        .collect();
    json!({
        "index": i,
        "from": d.from.labels,
        "to": d.to.labels,
        "mode": d.mode.as_str(),
        "cargo": d.cargo.as_str(),
        "tonnes_per_year": round3(d.tonnes_per_year),
        "served_tpy": round3(r.served_tpy),
        "unserved_tpy": round3(r.unserved_tpy()),
        "routes": routes,
    })
}

/// The FeatureCollection answering `POST /v1/assign`.
///
/// Members: `summary {demanded_tpy, served_tpy, unserved_tpy, demands, unserved_demands,
/// saturated_links}`, `demands` (per demand: served and unserved tonnes, routes as link ids),
/// `cost_model`, `query`, and Features of `kind` `flow` (per loaded link: `flow_tpy`,
/// `forward_tpy`, `backward_tpy`, `capacity_tpy`, `utilization`, `saturated`) and `transfer`.
pub fn assignment_collection(net: &Network, req: &AssignQuery, a: &Assignment) -> Value {
    let profile = Profile::default();
    let mut features = Vec::new();
    let mut saturated = Vec::new();
    for l in &a.links {
        let link = &net.links()[l.link_ix];
        let forward = l.forward_tpy >= l.backward_tpy;
        let mut p = link_props(link, "flow", forward);
        if l.forward_tpy > 0.0 && l.backward_tpy > 0.0 {
            p.insert("direction".into(), "both".into());
        }
        p.insert("flow_tpy".into(), round3(l.flow_tpy()).into());
        p.insert("forward_tpy".into(), round3(l.forward_tpy).into());
        p.insert("backward_tpy".into(), round3(l.backward_tpy).into());
        p.insert(
            "capacity_tpy".into(),
            l.capacity_tpy.map(round3).map_or(Value::Null, Value::from),
        );
        p.insert(
            "utilization".into(),
            utilization(l.flow_tpy(), l.capacity_tpy),
        );
        p.insert("saturated".into(), l.saturated().into());
        p.insert("demand_count".into(), l.demand_count.into());
        if l.saturated() {
            saturated.push(link.id.0.clone());
        }
        features.push(feature_with_id(
            format!("flow/{}", link.id),
            oriented_geometry(link, forward),
            p,
        ));
    }
    for &(n, f) in &a.transshipments {
        features.push(transshipment_feature(net, n, f, None));
    }
    let demands: Vec<Value> = req
        .demands
        .iter()
        .zip(&a.demands)
        .enumerate()
        .map(|(i, (d, r))| demand_json(net, i, d, r))
        .collect();
    let unserved_demands = a.demands.iter().filter(|d| d.unserved_tpy() > 0.0).count();
    json!({
        "type": "FeatureCollection",
        "summary": {
            "unit": UNIT,
            "demanded_tpy": round3(a.demanded_tpy()),
            "served_tpy": round3(a.served_tpy()),
            "unserved_tpy": round3(a.unserved_tpy()),
            "demands": a.demands.len(),
            "unserved_demands": unserved_demands,
            "saturated_links": saturated,
        },
        "demands": demands,
        "cost_model": {
            "profile": format!("default routing profile ({})", crate::cost::Profile::DOC_REF),
            "rail_usd_per_tkm": profile.rail_usd_per_tkm,
            "road_usd_per_tkm": profile.road_usd_per_tkm,
            "border_usd_per_t": profile.border_usd_per_t,
            "transfer_usd_per_t": profile.transshipment_usd_per_t,
        },
        "query": Value::Object(constraints_json(net, &req.constraints, &req.overrides)),
        "features": features,
    })
}
