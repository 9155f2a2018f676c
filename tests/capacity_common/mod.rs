//! A builder for tiny corridors in tests, drawn like Valhalla's gurka maps: nodes on a line of
//! longitudes, links as straight segments between them.
#![allow(dead_code)]

use std::collections::HashMap;

use corridor::Network;

/// Nodes and links being drawn.
#[derive(Default)]
pub struct Tiny {
    nodes: Vec<String>,
    links: Vec<String>,
    at: HashMap<String, (f64, f64)>,
    unit: Option<String>,
}

impl Tiny {
    pub fn new() -> Self {
        Self::default()
    }

    /// The unit of the capacities of links drawn from now on (default `t/yr`).
    pub fn unit(mut self, unit: &str) -> Self {
        self.unit = Some(unit.to_string());
        self
    }

    /// A node at (`x`, `y`) degrees.
    #[allow(clippy::too_many_arguments)]
    pub fn node(
        mut self,
        id: &str,
        country: &str,
        kind: &str,
        modes: &[&str],
        intermodal: bool,
        x: f64,
        y: f64,
    ) -> Self {
        let modes: Vec<String> = modes.iter().map(|m| format!("\"{m}\"")).collect();
        self.nodes.push(format!(
            r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{x},{y}]}},"properties":{{"id":"{id}","name":"{id}","country":"{country}","kind":"{kind}","modes":[{}],"intermodal":{intermodal},"source":"test"}}}}"#,
            modes.join(",")
        ));
        self.at.insert(id.to_string(), (x, y));
        self
    }

    /// A line (rail) or road link; `capacity` in t/yr.
    pub fn link(
        self,
        id: &str,
        from: &str,
        to: &str,
        mode: &str,
        capacity: Option<f64>,
        oneway: bool,
    ) -> Self {
        let kind = if mode == "rail" { "line" } else { "road" };
        self.any_link(id, from, to, mode, kind, capacity, oneway, "")
    }

    /// A border crossing between two border points.
    pub fn crossing(
        self,
        id: &str,
        from: &str,
        to: &str,
        mode: &str,
        countries: [&str; 2],
        capacity: Option<f64>,
    ) -> Self {
        let extra = format!(
            r#","countries":["{}","{}"],"name":"{id}","dwell_h":6,"hours":"24/7","veterinary":true"#,
            countries[0], countries[1]
        );
        self.any_link(id, from, to, mode, "crossing", capacity, false, &extra)
    }

    #[allow(clippy::too_many_arguments)]
    fn any_link(
        mut self,
        id: &str,
        from: &str,
        to: &str,
        mode: &str,
        kind: &str,
        capacity: Option<f64>,
        oneway: bool,
        extra: &str,
    ) -> Self {
        let (a, b) = (self.at[from], self.at[to]);
        let gauge = if mode == "rail" {
            r#","gauge_mm":1520"#
        } else {
            ""
        };
        let unit = self.unit.as_deref().unwrap_or("t/yr");
        let cap = capacity
            .map(|c| format!(r#","capacity":{{"value":{c},"unit":"{unit}"}}"#))
            .unwrap_or_default();
        self.links.push(format!(
            r#"{{"type":"Feature","geometry":{{"type":"LineString","coordinates":[[{},{}],[{},{}]]}},"properties":{{"id":"{id}","from":"{from}","to":"{to}","mode":"{mode}","kind":"{kind}","speed_kmh":50,"status":"open","oneway":{oneway},"source":"test"{gauge}{cap}{extra}}}}}"#,
            a.0, a.1, b.0, b.1
        ));
        self
    }

    pub fn build(&self) -> Network {
        let nodes = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            self.nodes.join(",")
        );
        let links = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            self.links.join(",")
        );
        corridor::network::load_from_strs(&nodes, &links).expect("test network is valid")
    }
}

/// Two countries joined by two rail crossings and one road crossing, with an intermodal
/// city on each side:
///
/// ```text
///   RU                       MN
///   ru-city ==rail 100== ru-bp1 ==x1 (rail 30)== mn-bp1 ==rail 100== mn-city
///      \\                                                          //
///       ==rail 100== ru-bp2 ==x2 (rail 20)== mn-bp2 ==rail 100====
///   ru-city --road-- ru-bp3 --x3 (road 5)-- mn-bp3 --road-- mn-city
///   ru-road (road only, not intermodal) --road-- ru-city
/// ```
pub fn two_countries() -> Network {
    two_countries_with(true).build()
}

/// The builder of [`two_countries`], with `ru-city` intermodal or not, to extend.
pub fn two_countries_with(intermodal: bool) -> Tiny {
    Tiny::new()
        .node(
            "ru-city",
            "RU",
            "city",
            &["rail", "road"],
            intermodal,
            100.0,
            51.0,
        )
        .node("ru-road", "RU", "city", &["road"], false, 99.5, 51.0)
        .node(
            "ru-bp1",
            "RU",
            "border_point",
            &["rail"],
            false,
            100.2,
            50.6,
        )
        .node(
            "ru-bp2",
            "RU",
            "border_point",
            &["rail"],
            false,
            100.4,
            50.6,
        )
        .node(
            "ru-bp3",
            "RU",
            "border_point",
            &["road"],
            false,
            100.6,
            50.6,
        )
        .node(
            "mn-bp1",
            "MN",
            "border_point",
            &["rail"],
            false,
            100.2,
            50.4,
        )
        .node(
            "mn-bp2",
            "MN",
            "border_point",
            &["rail"],
            false,
            100.4,
            50.4,
        )
        .node(
            "mn-bp3",
            "MN",
            "border_point",
            &["road"],
            false,
            100.6,
            50.4,
        )
        .node(
            "mn-city",
            "MN",
            "city",
            &["rail", "road"],
            true,
            100.0,
            50.0,
        )
        .link("ru-l1", "ru-city", "ru-bp1", "rail", Some(100.0), false)
        .link("ru-l2", "ru-city", "ru-bp2", "rail", Some(100.0), false)
        .link("ru-r3", "ru-city", "ru-bp3", "road", None, false)
        .link("ru-r0", "ru-road", "ru-city", "road", None, false)
        .crossing("x1", "ru-bp1", "mn-bp1", "rail", ["RU", "MN"], Some(30.0))
        .crossing("x2", "ru-bp2", "mn-bp2", "rail", ["RU", "MN"], Some(20.0))
        .crossing("x3", "ru-bp3", "mn-bp3", "road", ["RU", "MN"], Some(5.0))
        .link("mn-l1", "mn-bp1", "mn-city", "rail", Some(100.0), false)
        .link("mn-l2", "mn-bp2", "mn-city", "rail", Some(100.0), false)
        .link("mn-r3", "mn-bp3", "mn-city", "road", None, false)
}
