//! One builder for small drawn networks, as Valhalla's gurka maps: nodes at coordinates, links
//! as straight segments (or through extra vertices) between them. Each call draws one feature;
//! the modifiers after it (`.intermodal()`, `.capacity(..)`, `.set(..)`…) change that feature.
//!
//! ```ignore
//! let net = Draw::new()
//!     .node("a", "MN", "city", &["rail"], [0.0, 0.0]).intermodal()
//!     .node("b", "CN", "border_point", &["rail"], [1.0, 0.0])
//!     .rail("ab", "a", "b").gauge(1435).capacity(10.0, "trains/day")
//!     .network();
//! ```
//!
//! Defaults: a node is named after its id, not intermodal, `source: "test"`; a link is
//! `status: "open"`, `speed_kmh: 50`, `source: "test"`, rail links `gauge_mm: 1520`, with no
//! `oneway` and no `length_km` (the loader derives it) unless set; a crossing also gets
//! `name` (its id), `countries`, `dwell_h: 6`, `hours: "24/7"`, `veterinary: true`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Map, Value, json};

/// The feature the modifiers apply to.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Last {
    None,
    Node,
    Link,
}

/// A network being drawn.
#[derive(Debug, Clone)]
pub struct Draw {
    nodes: Vec<Value>,
    links: Vec<Value>,
    at: HashMap<String, [f64; 2]>,
    last: Last,
}

impl Default for Draw {
    fn default() -> Self {
        Self::new()
    }
}

impl Draw {
    /// An empty drawing.
    pub fn new() -> Self {
        Self {
            nodes: Vec::new(),
            links: Vec::new(),
            at: HashMap::new(),
            last: Last::None,
        }
    }

    /// A node `id` in `country`, of `kind`, serving `modes`, at `[lon, lat]`.
    pub fn node(
        mut self,
        id: &str,
        country: &str,
        kind: &str,
        modes: &[&str],
        at: [f64; 2],
    ) -> Self {
        self.nodes.push(json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [at[0], at[1]]},
            "properties": {
                "id": id, "name": id, "country": country, "kind": kind, "modes": modes,
                "intermodal": false, "source": "test"
            }
        }));
        self.at.insert(id.to_string(), at);
        self.last = Last::Node;
        self
    }

    /// A rail line `from` → `to` (gauge 1520 unless changed).
    pub fn rail(self, id: &str, from: &str, to: &str) -> Self {
        self.link(id, from, to, "rail", "line")
    }

    /// A road `from` → `to`.
    pub fn road(self, id: &str, from: &str, to: &str) -> Self {
        self.link(id, from, to, "road", "road")
    }

    /// A border crossing of `mode` between two border points, `countries` in travel order.
    pub fn crossing(
        self,
        id: &str,
        from: &str,
        to: &str,
        mode: &str,
        countries: [&str; 2],
    ) -> Self {
        self.link(id, from, to, mode, "crossing")
            .set("countries", json!(countries))
            .set("name", json!(id))
            .set("dwell_h", json!(6))
            .set("hours", json!("24/7"))
            .set("veterinary", json!(true))
    }

    /// A link of any `mode` and `kind`.
    pub fn link(mut self, id: &str, from: &str, to: &str, mode: &str, kind: &str) -> Self {
        let a = *self
            .at
            .get(from)
            .unwrap_or_else(|| panic!("draw node {from} before link {id}"));
        let b = *self
            .at
            .get(to)
            .unwrap_or_else(|| panic!("draw node {to} before link {id}"));
        let mut props = json!({
            "id": id, "from": from, "to": to, "mode": mode, "kind": kind,
            "speed_kmh": 50, "status": "open", "source": "test"
        });
        if mode == "rail" {
            props["gauge_mm"] = json!(1520);
        }
        self.links.push(json!({
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [a, b]},
            "properties": props
        }));
        self.last = Last::Link;
        self
    }

    fn last_props(&mut self) -> &mut Map<String, Value> {
        let f = match self.last {
            Last::Node => self.nodes.last_mut(),
            Last::Link => self.links.last_mut(),
            Last::None => None,
        }
        .expect("a modifier needs a feature drawn before it");
        f["properties"].as_object_mut().expect("properties")
    }

    /// Sets property `key` of the last feature (any value, also invalid ones for validation
    /// tests).
    pub fn set(mut self, key: &str, value: Value) -> Self {
        self.last_props().insert(key.to_string(), value);
        self
    }

    /// Removes property `key` of the last feature.
    pub fn unset(mut self, key: &str) -> Self {
        self.last_props().remove(key);
        self
    }

    /// The last node is intermodal.
    pub fn intermodal(self) -> Self {
        self.set("intermodal", json!(true))
    }

    /// The last feature's `name`.
    pub fn name(self, name: &str) -> Self {
        self.set("name", json!(name))
    }

    /// The last link's gauge in mm.
    pub fn gauge(self, mm: u32) -> Self {
        self.set("gauge_mm", json!(mm))
    }

    /// The last link's speed in km/h.
    pub fn speed(self, kmh: f64) -> Self {
        self.set("speed_kmh", json!(kmh))
    }

    /// The last link's length in km (instead of the loader's geodesic length).
    pub fn length(self, km: f64) -> Self {
        self.set("length_km", json!(km))
    }

    /// The last link's published capacity, e.g. `(100.0, "t/yr")`, `(10.0, "trains/day")`.
    pub fn capacity(self, value: f64, unit: &str) -> Self {
        self.set("capacity", json!({"value": value, "unit": unit}))
    }

    /// The last link is one-way (`true`) or explicitly two-way (`false`).
    pub fn oneway(self, oneway: bool) -> Self {
        self.set("oneway", json!(oneway))
    }

    /// The last link's status (`open`, `planned`, `under_construction`, `closed`, …).
    pub fn status(self, status: &str) -> Self {
        self.set("status", json!(status))
    }

    /// The last crossing's border dwell in hours.
    pub fn dwell(self, hours: f64) -> Self {
        self.set("dwell_h", json!(hours))
    }

    /// Whether the last crossing has veterinary control.
    pub fn veterinary(self, yes: bool) -> Self {
        self.set("veterinary", json!(yes))
    }

    /// The last link passes through these vertices between its end nodes.
    pub fn through(mut self, vertices: &[[f64; 2]]) -> Self {
        assert_eq!(self.last, Last::Link, "through() applies to a link");
        let f = self.links.last_mut().unwrap();
        let coords = f["geometry"]["coordinates"].as_array_mut().unwrap();
        let end = coords.pop().unwrap();
        coords.extend(vertices.iter().map(|v| json!(v)));
        coords.push(end);
        self
    }

    /// Number of nodes and links drawn.
    pub fn counts(&self) -> (usize, usize) {
        (self.nodes.len(), self.links.len())
    }

    /// `nodes.geojson`: a FeatureCollection of the nodes.
    pub fn nodes_geojson(&self) -> String {
        json!({"type": "FeatureCollection", "features": self.nodes}).to_string()
    }

    /// `links.geojson`: a FeatureCollection of the links.
    pub fn links_geojson(&self) -> String {
        json!({"type": "FeatureCollection", "features": self.links}).to_string()
    }

    /// The drawing loaded through the validating loader (panics with every problem if it
    /// does not validate).
    pub fn network(&self) -> corridor::Network {
        corridor::network::load_from_strs(&self.nodes_geojson(), &self.links_geojson())
            .unwrap_or_else(|e| panic!("drawn network does not validate: {e}"))
    }

    /// Writes `nodes.geojson` and `links.geojson` into `dir` (created if needed).
    pub fn write_dir(&self, dir: &Path) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("nodes.geojson"), self.nodes_geojson()).unwrap();
        std::fs::write(dir.join("links.geojson"), self.links_geojson()).unwrap();
    }
}

/// Two countries joined by two rail crossings and one road crossing, with an intermodal
/// city on each side (capacities in t/yr; links two-way):
///
/// ```text
///   RU                       MN
///   ru-city ==rail 100== ru-bp1 ==x1 (rail 30)== mn-bp1 ==rail 100== mn-city
///      \\                                                          //
///       ==rail 100== ru-bp2 ==x2 (rail 20)== mn-bp2 ==rail 100====
///   ru-city --road-- ru-bp3 --x3 (road 5)-- mn-bp3 --road-- mn-city
///   ru-road (road only, not intermodal) --road-- ru-city
/// ```
pub fn two_countries() -> corridor::Network {
    two_countries_with(true).network()
}

/// The drawing of [`two_countries`], with `ru-city` intermodal or not, to extend.
pub fn two_countries_with(intermodal: bool) -> Draw {
    let rr = &["rail", "road"][..];
    let d = Draw::new().node("ru-city", "RU", "city", rr, [100.0, 51.0]);
    let d = if intermodal { d.intermodal() } else { d };
    d.node("ru-road", "RU", "city", &["road"], [99.5, 51.0])
        .node("ru-bp1", "RU", "border_point", &["rail"], [100.2, 50.6])
        .node("ru-bp2", "RU", "border_point", &["rail"], [100.4, 50.6])
        .node("ru-bp3", "RU", "border_point", &["road"], [100.6, 50.6])
        .node("mn-bp1", "MN", "border_point", &["rail"], [100.2, 50.4])
        .node("mn-bp2", "MN", "border_point", &["rail"], [100.4, 50.4])
        .node("mn-bp3", "MN", "border_point", &["road"], [100.6, 50.4])
        .node("mn-city", "MN", "city", rr, [100.0, 50.0])
        .intermodal()
        .rail("ru-l1", "ru-city", "ru-bp1")
        .capacity(100.0, "t/yr")
        .oneway(false)
        .rail("ru-l2", "ru-city", "ru-bp2")
        .capacity(100.0, "t/yr")
        .oneway(false)
        .road("ru-r3", "ru-city", "ru-bp3")
        .oneway(false)
        .road("ru-r0", "ru-road", "ru-city")
        .oneway(false)
        .crossing("x1", "ru-bp1", "mn-bp1", "rail", ["RU", "MN"])
        .capacity(30.0, "t/yr")
        .oneway(false)
        .crossing("x2", "ru-bp2", "mn-bp2", "rail", ["RU", "MN"])
        .capacity(20.0, "t/yr")
        .oneway(false)
        .crossing("x3", "ru-bp3", "mn-bp3", "road", ["RU", "MN"])
        .capacity(5.0, "t/yr")
        .oneway(false)
        .rail("mn-l1", "mn-bp1", "mn-city")
        .capacity(100.0, "t/yr")
        .oneway(false)
        .rail("mn-l2", "mn-bp2", "mn-city")
        .capacity(100.0, "t/yr")
        .oneway(false)
        .road("mn-r3", "mn-bp3", "mn-city")
        .oneway(false)
}
