//! GeoJSON for the map layers: nearest nodes, features in a box, border crossings, and the
//! flat, fixed-schema features of the OGC API – Features collections.
//!
//! GIS clients (GDAL, hence QGIS) infer a layer's fields from the first page of items, so an
//! OGC collection's features all carry the same properties: nested objects are flattened one
//! level (`capacity.value` → `capacity_value`) and every property any feature of the
//! collection has is present on all of them, `null` when unset ([`LayerSchema`]).

use std::collections::BTreeMap;

use geojson::{Feature, FeatureCollection, JsonObject};
use serde_json::{Value, json};

pub use crate::index::Layer;
use crate::index::{NearNode, layer_items};
use crate::network::{CapacityConversion, Link, Network};

use super::{link_feature, node_feature};

/// A layer's human title (OGC collection `title`).
pub fn title(layer: Layer) -> &'static str {
    match layer {
        Layer::Nodes => "Nodes",
        Layer::Links => "Links",
        Layer::Crossings => "Border crossings",
    }
}

/// A layer's one-line description (OGC collection `description`).
pub fn description(layer: Layer) -> &'static str {
    match layer {
        Layer::Nodes => {
            "Cities, stations, border checkpoints, terminals, ports and junctions (Points)."
        }
        Layer::Links => "Rail lines, roads and border crossings (LineStrings).",
        Layer::Crossings => {
            "Border-crossing links with countries, dwell time, opening hours, veterinary control and capacity (LineStrings)."
        }
    }
}

/// The GeoJSON geometry type of a layer's features.
pub fn geometry_type(layer: Layer) -> &'static str {
    match layer {
        Layer::Nodes => "Point",
        Layer::Links | Layer::Crossings => "LineString",
    }
}

/// A border-crossing link as a Feature: every property of the link (as [`link_feature`]),
/// `layer: "crossing"`, and the names and countries of both ends.
pub fn crossing_feature(net: &Network, link: &Link, conv: &CapacityConversion) -> Feature {
    super::feature(
        super::link_geometry(link),
        crossing_properties(net, link, conv),
    )
}

/// The properties of [`crossing_feature`] (without its geometry).
fn crossing_properties(net: &Network, link: &Link, conv: &CapacityConversion) -> JsonObject {
    let mut p = super::link_properties(link, conv);
    p.insert("layer".into(), "crossing".into());
    let from = &net.nodes()[link.from_ix];
    let to = &net.nodes()[link.to_ix];
    p.insert("from_name".into(), from.name.clone().into());
    p.insert("to_name".into(), to.name.clone().into());
    if let Some(c) = &link.crossing {
        p.insert("countries".into(), json!(c.countries));
    }
    p
}

/// The properties of [`layer_feature`] (without its geometry: what a schema reads).
fn layer_properties(
    layer: Layer,
    net: &Network,
    ix: usize,
    conv: &CapacityConversion,
) -> JsonObject {
    match layer {
        Layer::Nodes => super::node_properties(&net.nodes()[ix]),
        Layer::Links => super::link_properties(&net.links()[ix], conv),
        Layer::Crossings => crossing_properties(net, &net.links()[ix], conv),
    }
}

/// The `k` nearest nodes as a FeatureCollection, nearest first, each with `rank` (1-based)
/// and `distance_km` (geodesic, rounded to metres).
pub fn nearest_collection(net: &Network, found: &[NearNode]) -> FeatureCollection {
    let features = found
        .iter()
        .enumerate()
        .map(|(rank, n)| {
            let mut f = node_feature(&net.nodes()[n.node_ix]);
            if let Some(p) = f.properties.as_mut() {
                p.insert("rank".into(), (rank + 1).into());
                p.insert(
                    "distance_km".into(),
                    json!((n.distance_km * 1000.0).round() / 1000.0),
                );
            }
            f
        })
        .collect();
    collection(features)
}

/// The answer of a place search (`/v1/places`): the matched nodes, best first, each with
/// `rank` (1-based), `matched` (the name that matched, as the data writes it), `matched_name`
/// (which name: `id`, `name`, `name_local`, `alt_name`), `match` (`id`, `exact`, `prefix`,
/// `fuzzy`) and `confidence` (0–1, two decimals).
pub fn places_collection(net: &Network, found: &[crate::index::PlaceMatch]) -> FeatureCollection {
    let features = found
        .iter()
        .enumerate()
        .map(|(rank, m)| {
            let mut f = node_feature(&net.nodes()[m.node_ix]);
            if let Some(p) = f.properties.as_mut() {
                p.insert("rank".into(), (rank + 1).into());
                p.insert("matched".into(), m.matched.clone().into());
                p.insert("matched_name".into(), json!(m.source));
                p.insert("match".into(), json!(m.kind));
                p.insert(
                    "confidence".into(),
                    json!((m.confidence * 100.0).round() / 100.0),
                );
            }
            f
        })
        .collect();
    collection(features)
}

/// A FeatureCollection of the given features.
pub fn collection(features: Vec<Feature>) -> FeatureCollection {
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
}

/// The feature of one item of a layer, as the `/v1` endpoints serve it (properties as in the
/// data plus derived ones; not flattened).
pub fn layer_feature(layer: Layer, net: &Network, ix: usize, conv: &CapacityConversion) -> Feature {
    match layer {
        Layer::Nodes => node_feature(&net.nodes()[ix]),
        Layer::Links => link_feature(&net.links()[ix], conv),
        Layer::Crossings => crossing_feature(net, &net.links()[ix], conv),
    }
}

/// Flattens nested objects one level: `{"capacity": {"value": 1, "unit": "t/yr"}}` becomes
/// `{"capacity_value": 1, "capacity_unit": "t/yr"}`. Arrays are kept (GDAL reads arrays of
/// strings as StringList fields).
pub fn flatten(props: &JsonObject) -> JsonObject {
    let mut out = JsonObject::new();
    for (k, v) in props {
        match v {
            Value::Object(inner) => {
                for (ik, iv) in inner {
                    out.insert(format!("{k}_{ik}"), iv.clone());
                }
            }
            other => {
                out.insert(k.clone(), other.clone());
            }
        }
    }
    out
}

/// The fixed set of properties of an OGC collection and the JSON types seen for each.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerSchema {
    /// The layer.
    pub layer: Layer,
    /// Property name → JSON Schema type names seen (`string`, `integer`, `number`, `boolean`,
    /// `array`), sorted.
    pub properties: BTreeMap<String, Vec<&'static str>>,
}

fn json_schema_type(v: &Value) -> Option<&'static str> {
    match v {
        Value::Null => None,
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        Value::String(_) => Some("string"),
        Value::Array(_) => Some("array"),
        Value::Object(_) => Some("object"),
    }
}

impl LayerSchema {
    /// The schema of `layer`: the union of the flattened properties of all its features
    /// (read on every core: at 10^6 nodes this reads every feature's properties).
    pub fn of(layer: Layer, net: &Network, conv: &CapacityConversion) -> Self {
        use rayon::prelude::*;
        type Seen = BTreeMap<String, Vec<&'static str>>;
        fn merge(mut a: Seen, b: Seen) -> Seen {
            for (k, ts) in b {
                let types = a.entry(k).or_default();
                for t in ts {
                    if !types.contains(&t) {
                        types.push(t);
                    }
                }
            }
            a
        }
        let items = layer_items(layer, net);
        let mut properties = items
            .par_chunks(4096)
            .map(|chunk| {
                let mut seen = Seen::new();
                for &ix in chunk {
                    for (k, v) in flatten(&layer_properties(layer, net, ix, conv)) {
                        let types = seen.entry(k).or_default();
                        if let Some(t) = json_schema_type(&v)
                            && !types.contains(&t)
                        {
                            types.push(t);
                        }
                    }
                }
                seen
            })
            .reduce(Seen::new, merge);
        for types in properties.values_mut() {
            // An integer column that also holds fractions is a number column.
            if types.contains(&"number") {
                types.retain(|t| *t != "integer");
            }
            types.sort_unstable();
        }
        Self { layer, properties }
    }

    /// The name of the prepared file's section holding the three collections' schemas
    /// (written by `corridor prepare`, so that a server does not read every feature for
    /// them; the version changes with the rules of [`LayerSchema::of`]).
    pub const SECTION: &'static str = "ogc.schema.v1";

    /// The schemas of every layer as the bytes of [`LayerSchema::SECTION`] (JSON: layer →
    /// property → types).
    pub fn to_bytes(schemas: &[LayerSchema]) -> Vec<u8> {
        let doc: serde_json::Map<String, Value> = schemas
            .iter()
            .map(|s| (s.layer.as_str().to_string(), json!(s.properties)))
            .collect();
        serde_json::to_vec(&doc).unwrap_or_default()
    }

    /// The schema of `layer` from [`LayerSchema::to_bytes`]'s bytes; `None` when they do not
    /// hold it or hold a type this build does not know (the caller computes it then).
    pub fn from_bytes(layer: Layer, bytes: &[u8]) -> Option<Self> {
        let doc: BTreeMap<String, BTreeMap<String, Vec<String>>> =
            serde_json::from_slice(bytes).ok()?;
        let mut properties = BTreeMap::new();
        for (k, ts) in doc.get(layer.as_str())? {
            let types = ts
                .iter()
                .map(|t| {
                    ["boolean", "integer", "number", "string", "array", "object"]
                        .into_iter()
                        .find(|known| known == t)
                })
                .collect::<Option<Vec<&'static str>>>()?;
            properties.insert(k.clone(), types);
        }
        Some(Self { layer, properties })
    }

    /// The OGC feature of item `ix`: flattened, with every property of the schema present
    /// (`null` when unset).
    pub fn feature(&self, net: &Network, ix: usize, conv: &CapacityConversion) -> Feature {
        let mut f = layer_feature(self.layer, net, ix, conv);
        let flat = flatten(f.properties.as_ref().unwrap_or(&JsonObject::new()));
        let mut props = JsonObject::new();
        for (k, types) in &self.properties {
            let v = match flat.get(k) {
                // A number column is written with a fraction (`12.0`) even for whole values,
                // so a client typing fields from the first page reads it as real, not integer.
                Some(Value::Number(n)) if types.contains(&"number") => {
                    n.as_f64().map_or(Value::Null, |x| json!(x))
                }
                Some(v) => v.clone(),
                None => Value::Null,
            };
            props.insert(k.clone(), v);
        }
        f.properties = Some(props);
        f
    }

    /// The JSON Schema (2020-12) of the collection's features, as OGC API – Features
    /// Part 5 publishes it (`describedby`): `id` carries `x-ogc-role: id`, the geometry its
    /// `format`.
    pub fn json_schema(&self, id_url: &str) -> Value {
        let mut props = serde_json::Map::new();
        props.insert(
            "geometry".into(),
            json!({
                "format": format!("geometry-{}", geometry_type(self.layer).to_lowercase()),
                "x-ogc-role": "primary-geometry",
            }),
        );
        for (k, types) in &self.properties {
            let mut ty: Vec<Value> = types.iter().map(|t| json!(t)).collect();
            if ty.is_empty() {
                ty.push(json!("string"));
            }
            ty.push(json!("null"));
            let mut p = json!({ "type": ty });
            if types == &["array"] {
                p["items"] = json!({ "type": "string" });
            }
            if k == "id" {
                p = json!({ "type": "string", "x-ogc-role": "id" });
            }
            props.insert(k.clone(), p);
        }
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": id_url,
            "type": "object",
            "title": title(self.layer),
            "description": description(self.layer),
            "properties": props,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flatten_one_level() {
        let p: JsonObject = serde_json::from_value(json!({
            "id": "x", "capacity": {"value": 1, "unit": "t/yr"}, "countries": ["RU", "MN"]
        }))
        .unwrap();
        let f = flatten(&p);
        assert_eq!(f["capacity_value"], 1);
        assert_eq!(f["capacity_unit"], "t/yr");
        assert_eq!(f["countries"], json!(["RU", "MN"]));
        assert!(!f.contains_key("capacity"));
    }

    #[test]
    fn every_feature_carries_every_property() {
        let net = Network::embedded().unwrap();
        let conv = CapacityConversion::default();
        for &layer in Layer::ALL {
            let schema = LayerSchema::of(layer, &net, &conv);
            for ix in layer_items(layer, &net) {
                let f = schema.feature(&net, ix, &conv);
                let keys: Vec<&String> = f.properties.as_ref().unwrap().keys().collect();
                let want: Vec<&String> = schema.properties.keys().collect();
                assert_eq!(keys, want, "{layer:?} item {ix}");
            }
        }
    }

    #[test]
    fn layer_spellings_round_trip() {
        for &l in Layer::ALL {
            assert_eq!(Layer::parse(l.as_str()), Some(l));
        }
        assert_eq!(Layer::parse("node"), None);
    }
}
