//! Random drawn networks for property tests: nodes on a grid in a few countries, links
//! between drawn pairs (a link between two countries is a crossing), loaded through the
//! validating loader. One generator; each test says what its networks look like with a
//! [`GenSpec`] (how many countries and nodes, link lengths and speeds, how often a link is
//! planned, oneway, bent…).
//!
//! ```ignore
//! const NETS: GenSpec = GenSpec { countries: &["AA", "BB"], ..GenSpec::DEFAULT };
//! proptest! { fn p(g in gen_net(NETS)) { let net = g.build(); … } }
//! ```
#![allow(dead_code)]

use std::ops::{Range, RangeInclusive};

use corridor::network::{Network, load_from_strs};
use proptest::prelude::*;
use serde_json::{Value, json};

/// What the drawn networks look like.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GenSpec {
    /// Country codes nodes are drawn from.
    pub countries: &'static [&'static str],
    /// How many nodes.
    pub nodes: (usize, usize),
    /// Links: between `n` and `2n + extra_links` for `n` nodes.
    pub extra_links: usize,
    /// Node `i` sits at `origin + (i % columns, i / columns) * step` (lon, lat).
    pub origin: (f64, f64),
    /// Grid columns.
    pub columns: usize,
    /// Grid spacing, degrees (lon, lat).
    pub step: (f64, f64),
    /// Link lengths, km, drawn in this range and rounded to `length_decimals` decimals.
    pub length_km: (f64, f64),
    /// Decimals kept of drawn lengths.
    pub length_decimals: i32,
    /// Link speeds, km/h, drawn in this range and rounded to whole km/h.
    pub speed_kmh: (f64, f64),
    /// Chance a link is planned (else open).
    pub planned: f64,
    /// Chance a link is oneway.
    pub oneway: f64,
    /// Crossing dwell, hours, drawn in this range and rounded to whole hours.
    pub dwell_h: (f64, f64),
    /// Chance a crossing has veterinary control.
    pub veterinary: f64,
    /// Chance a link bends through a vertex off the straight line.
    pub bent: f64,
}

impl GenSpec {
    fn nodes(&self) -> RangeInclusive<usize> {
        self.nodes.0..=self.nodes.1
    }

    fn range(r: (f64, f64)) -> Range<f64> {
        r.0..r.1
    }

    /// Where node `i` is drawn.
    pub fn pos(&self, i: usize) -> (f64, f64) {
        (
            self.origin.0 + (i % self.columns) as f64 * self.step.0,
            self.origin.1 + (i / self.columns) as f64 * self.step.1,
        )
    }
}

/// A drawn node.
#[derive(Debug, Clone, PartialEq)]
pub struct GenNode {
    /// Index into [`GenSpec::countries`].
    pub country: usize,
    /// Rail↔road transfer possible.
    pub intermodal: bool,
}

/// A drawn link.
#[derive(Debug, Clone, PartialEq)]
pub struct GenLink {
    /// From node index.
    pub a: usize,
    /// To node index (never `a`).
    pub b: usize,
    /// Rail (else road).
    pub rail: bool,
    /// 1520 mm (else 1435 mm), rail only.
    pub wide_gauge: bool,
    /// Length, km.
    pub length_km: f64,
    /// Speed, km/h.
    pub speed_kmh: f64,
    /// Planned (else open).
    pub planned: bool,
    /// Usable only from `a` to `b`.
    pub oneway: bool,
    /// Dwell at the border, hours (crossings only).
    pub dwell_h: f64,
    /// Veterinary control (crossings only).
    pub veterinary: bool,
    /// Passes through a vertex off the straight line.
    pub bent: bool,
}

/// A drawn network.
#[derive(Debug, Clone, PartialEq)]
pub struct GenNet {
    /// What it was drawn from (places and country codes).
    pub spec: GenSpec,
    /// Nodes `n0`, `n1`, …
    pub nodes: Vec<GenNode>,
    /// Links `l0`, `l1`, …
    pub links: Vec<GenLink>,
}

/// Draws networks as `spec` says.
pub fn gen_net(spec: GenSpec) -> impl Strategy<Value = GenNet> {
    spec.nodes().prop_flat_map(move |n| {
        let nodes = prop::collection::vec(
            (0..spec.countries.len(), any::<bool>()).prop_map(|(country, intermodal)| GenNode {
                country,
                intermodal,
            }),
            n,
        );
        let links = prop::collection::vec(
            (
                (0..n, 1..n, any::<bool>(), any::<bool>()),
                (
                    GenSpec::range(spec.length_km),
                    GenSpec::range(spec.speed_kmh),
                    prop::bool::weighted(spec.planned),
                    prop::bool::weighted(spec.oneway),
                ),
                (
                    GenSpec::range(spec.dwell_h),
                    prop::bool::weighted(spec.veterinary),
                    prop::bool::weighted(spec.bent),
                ),
            )
                .prop_map(
                    move |(
                        (a, k, rail, wide_gauge),
                        (len, speed, planned, oneway),
                        (dwell, veterinary, bent),
                    )| GenLink {
                        a,
                        b: (a + k) % n,
                        rail,
                        wide_gauge,
                        length_km: {
                            let scale = 10f64.powi(spec.length_decimals);
                            (len * scale).round() / scale
                        },
                        speed_kmh: speed.round(),
                        planned,
                        oneway,
                        dwell_h: dwell.round(),
                        veterinary,
                        bent,
                    },
                ),
            n..=2 * n + spec.extra_links,
        );
        (nodes, links).prop_map(move |(nodes, links)| GenNet { spec, nodes, links })
    })
}

impl GenNet {
    /// Country code of node `i`.
    pub fn country(&self, i: usize) -> &'static str {
        self.spec.countries[self.nodes[i].country]
    }

    /// The nodes as a GeoJSON FeatureCollection (each node serves the modes of its links,
    /// `road` when it has none).
    pub fn nodes_geojson(&self) -> String {
        let features: Vec<Value> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let mut modes: Vec<&str> = ["rail", "road"]
                    .into_iter()
                    .filter(|m| {
                        self.links
                            .iter()
                            .any(|l| (l.a == i || l.b == i) && l.rail == (*m == "rail"))
                    })
                    .collect();
                if modes.is_empty() {
                    modes.push("road");
                }
                let (x, y) = self.spec.pos(i);
                json!({"type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [x, y]},
                    "properties": {"id": format!("n{i}"), "name": format!("Node {i}"),
                        "country": self.country(i), "kind": "border_point", "modes": modes,
                        "intermodal": node.intermodal, "source": "test"}})
            })
            .collect();
        json!({"type": "FeatureCollection", "features": features}).to_string()
    }

    /// The links as a GeoJSON FeatureCollection.
    pub fn links_geojson(&self) -> String {
        let features: Vec<Value> = self
            .links
            .iter()
            .enumerate()
            .map(|(j, l)| {
                let (ca, cb) = (self.country(l.a), self.country(l.b));
                let crossing = ca != cb;
                let mut p = json!({"id": format!("l{j}"), "from": format!("n{}", l.a),
                    "to": format!("n{}", l.b), "mode": if l.rail { "rail" } else { "road" },
                    "kind": if crossing { "crossing" } else if l.rail { "line" } else { "road" },
                    "length_km": l.length_km, "speed_kmh": l.speed_kmh,
                    "status": if l.planned { "planned" } else { "open" }, "oneway": l.oneway,
                    "source": "test"});
                if l.rail {
                    p["gauge_mm"] = (if l.wide_gauge { 1520 } else { 1435 }).into();
                }
                if crossing {
                    p["countries"] = json!([ca, cb]);
                    p["name"] = format!("X{j}").into();
                    p["dwell_h"] = l.dwell_h.into();
                    p["hours"] = "24/7".into();
                    p["veterinary"] = l.veterinary.into();
                }
                let (a, b) = (self.spec.pos(l.a), self.spec.pos(l.b));
                let coords = if l.bent {
                    json!([
                        [a.0, a.1],
                        [(a.0 + b.0) / 2.0 + 0.1, (a.1 + b.1) / 2.0 - 0.15],
                        [b.0, b.1]
                    ])
                } else {
                    json!([[a.0, a.1], [b.0, b.1]])
                };
                json!({"type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": coords}, "properties": p})
            })
            .collect();
        json!({"type": "FeatureCollection", "features": features}).to_string()
    }

    /// Loads the drawing through the validating loader; panics when it does not validate
    /// (a generator bug).
    pub fn build(&self) -> Network {
        load_from_strs(&self.nodes_geojson(), &self.links_geojson())
            .expect("generated network validates")
    }
}
