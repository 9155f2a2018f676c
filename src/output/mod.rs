//! GeoJSON output (RFC 7946): turns typed results into FeatureCollections. No HTTP here.

pub mod capacity;
pub mod compare;
pub mod layers;
pub mod matrix;
pub mod reach;
pub mod route;
pub mod scenario;
pub mod thinning;
pub mod tiles;

use geojson::{Feature, FeatureCollection, Geometry, JsonObject, Value as GeomValue};
use serde_json::Value;

use crate::network::{CapacityConversion, Link, Network, Node};

/// Rounds a coordinate to 6 decimals (~0.1 m): enough for any map, smaller output.
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The Point geometry of a node.
pub fn node_geometry(node: &Node) -> Geometry {
    Geometry::new(GeomValue::Point(vec![
        round6(node.point.x()),
        round6(node.point.y()),
    ]))
}

/// The LineString geometry of a link, as stored (oriented `from` → `to`).
pub fn link_geometry(link: &Link) -> Geometry {
    Geometry::new(GeomValue::LineString(
        link.geometry
            .coords()
            .map(|c| vec![round6(c.x), round6(c.y)])
            .collect(),
    ))
}

/// A Feature with the given geometry and properties, and the `id` member set from the
/// properties' `id` when there is one.
pub fn feature(geometry: Geometry, properties: JsonObject) -> Feature {
    let id = properties
        .get("id")
        .and_then(Value::as_str)
        .map(|s| geojson::feature::Id::String(s.to_string()));
    Feature {
        bbox: None,
        geometry: Some(geometry),
        id,
        properties: Some(properties),
        foreign_members: None,
    }
}

/// A node as a Feature with all its properties plus `layer: "node"`.
pub fn node_feature(node: &Node) -> Feature {
    feature(node_geometry(node), node_properties(node))
}

/// The properties of [`node_feature`] (without its geometry).
pub fn node_properties(node: &Node) -> JsonObject {
    let mut p = node.properties.to_map();
    p.insert("layer".into(), "node".into());
    p
}

/// A link as a Feature with all its properties plus `layer: "link"`, the derived
/// `length_km`, and `capacity_tpy` when it has a capacity.
pub fn link_feature(link: &Link, conv: &CapacityConversion) -> Feature {
    feature(link_geometry(link), link_properties(link, conv))
}

/// The properties of [`link_feature`] (without its geometry).
pub fn link_properties(link: &Link, conv: &CapacityConversion) -> JsonObject {
    let mut p = link.properties.to_map();
    p.insert("layer".into(), "link".into());
    if let Some(t) = link.capacity_tpy(conv) {
        p.insert("capacity_tpy".into(), Value::from(t.round()));
    }
    p
}

/// Writes [`network_collection`] to `w` one feature at a time: the same bytes as
/// serialising the collection whole, without ever holding it (or its serialisation).
///
/// # Errors
/// What `w` or serde_json returns.
pub fn write_network_collection(
    net: &Network,
    conv: &CapacityConversion,
    w: &mut dyn std::io::Write,
) -> serde_json::Result<()> {
    w.write_all(br#"{"type":"FeatureCollection","features":["#)
        .map_err(serde_json::Error::io)?;
    let nodes = net.nodes().iter().map(node_feature);
    let links = net.links().iter().map(|l| link_feature(l, conv));
    for (i, f) in nodes.chain(links).enumerate() {
        if i > 0 {
            w.write_all(b",").map_err(serde_json::Error::io)?;
        }
        serde_json::to_writer(&mut *w, &f)?;
    }
    w.write_all(b"]}").map_err(serde_json::Error::io)
}

/// The whole network as one FeatureCollection: nodes first, then links.
pub fn network_collection(net: &Network, conv: &CapacityConversion) -> FeatureCollection {
    let features = net
        .nodes()
        .iter()
        .map(node_feature)
        .chain(net.links().iter().map(|l| link_feature(l, conv)))
        .collect();
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
}
