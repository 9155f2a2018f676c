//! Reachability as GeoJSON (RFC 7946): one FeatureCollection of
//! - `kind: "contour"` Polygons, one per budget, largest first (so a map drawing in order
//!   puts the smaller budgets on top), with `budget`, `hull` (how it was made) and `nodes`;
//! - `kind: "reach_link"` LineStrings, the reached part of each link per budget, cut along
//!   the geometry where the budget runs out (`cut: true`, `from_fraction`/`to_fraction` of
//!   the link from its `from` node);
//! - `kind: "reach_node"` Points with `value` (best measure from or to the origin) and
//!   `contour` (the smallest budget that holds it);
//!
//! plus a top-level `query` member echoing the normalised request.

use geojson::{Feature, FeatureCollection, Geometry, JsonObject, Value as GeomValue};
use serde_json::{Value, json};

use super::matrix::round2;
use super::{feature, node_geometry, round6};
use crate::network::Network;
use crate::route::reach::{Reach, line_piece};

fn ring(coords: &[geo::Coord<f64>]) -> Vec<Vec<f64>> {
    coords
        .iter()
        .map(|c| vec![round6(c.x), round6(c.y)])
        .collect()
}

/// The reach as a FeatureCollection (see the module docs).
pub fn reach_collection(net: &Network, reach: &Reach, query: Value) -> FeatureCollection {
    let unit_key = reach.measure.property();
    let mut features: Vec<Feature> = Vec::new();
    for c in reach.contours.iter().rev() {
        let mut p = JsonObject::new();
        p.insert("kind".into(), "contour".into());
        p.insert("measure".into(), reach.measure.as_str().into());
        p.insert("budget".into(), c.budget.into());
        p.insert(unit_key.into(), c.budget.into());
        p.insert("hull".into(), json!(c.hull));
        p.insert("nodes".into(), c.nodes.into());
        let geometry = Geometry::new(GeomValue::Polygon(vec![ring(&c.polygon.exterior().0)]));
        features.push(feature(geometry, p));
    }
    for piece in &reach.links {
        let link = &net.links()[piece.link_ix];
        let line = if piece.cut {
            line_piece(
                &link.geometry.to_line_string(),
                piece.from_fraction,
                piece.to_fraction,
            )
        } else {
            link.geometry.to_line_string()
        };
        let mut coords = ring(&line.0);
        coords.dedup();
        if coords.len() < 2 {
            coords.push(coords.first().cloned().unwrap_or_else(|| vec![0.0, 0.0]));
        }
        let mut p = JsonObject::new();
        p.insert("kind".into(), "reach_link".into());
        p.insert("link".into(), link.id.0.clone().into());
        p.insert("mode".into(), link.mode.as_str().into());
        p.insert(
            "contour".into(),
            reach.contours[piece.contour].budget.into(),
        );
        p.insert("cut".into(), piece.cut.into());
        p.insert("from_fraction".into(), round6(piece.from_fraction).into());
        p.insert("to_fraction".into(), round6(piece.to_fraction).into());
        features.push(feature(Geometry::new(GeomValue::LineString(coords)), p));
    }
    for n in &reach.nodes {
        let node = &net.nodes()[n.node_ix];
        let mut p = JsonObject::new();
        p.insert("kind".into(), "reach_node".into());
        p.insert("node".into(), node.id.0.clone().into());
        p.insert("name".into(), node.name.clone().into());
        p.insert("value".into(), round2(n.value).into());
        p.insert("contour".into(), reach.contours[n.contour].budget.into());
        features.push(feature(node_geometry(node), p));
    }
    let mut foreign = JsonObject::new();
    foreign.insert("query".into(), query);
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: Some(foreign),
    }
}
