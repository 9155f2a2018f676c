//! Loading and validation of the GeoJSON data into a [`Network`].
//!
//! Like Valhalla's mjolnir, this is where data is checked, once: every problem is gathered
//! (file, feature index, id, field) rather than stopping at the first, so that an editor can
//! fix a whole file in one pass. A [`Network`] exists only if the data had no problem.

use std::collections::{HashMap, HashSet};
use std::fmt;

use geo::{Coord, Distance, Haversine, Length, LineString, Point};
use serde::Serialize;
use serde_json::{Map, Value};

use super::Network;
use super::model::*;

/// Largest distance, in km, between a link's end vertex and its node.
pub const ENDPOINT_TOLERANCE_KM: f64 = 1.0;

/// Name of the nodes file inside a data directory.
pub const NODES_FILE: &str = "nodes.geojson";
/// Name of the links file inside a data directory.
pub const LINKS_FILE: &str = "links.geojson";

/// One thing wrong with the data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// File name, e.g. `links.geojson`.
    pub file: String,
    /// Zero-based index of the feature in the file's `features`, if the problem is in one.
    pub feature: Option<usize>,
    /// The feature's `id`, if it has a readable one.
    pub id: Option<String>,
    /// The field at fault, e.g. `gauge_mm` or `geometry`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(i) = self.feature {
            write!(f, " feature #{i}")?;
        }
        if let Some(id) = &self.id {
            write!(f, " (id {id})")?;
        }
        write!(f, " field `{}`: {}", self.field, self.message)
    }
}

/// Why data could not become a network.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The data was read but has problems; all of them are listed.
    #[error("{} problem(s) in the network data:\n{}", .0.len(), .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
}

impl LoadError {
    /// The problems, when the data was invalid.
    pub fn problems(&self) -> &[Problem] {
        match self {
            LoadError::Invalid(p) => p,
            LoadError::Io { .. } => &[],
        }
    }
}

struct Ctx<'a> {
    file: &'a str,
    problems: &'a mut Vec<Problem>,
}

impl Ctx<'_> {
    fn push(&mut self, feature: Option<usize>, id: Option<&str>, field: &str, msg: String) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            feature,
            id: id.map(str::to_string),
            field: field.to_string(),
            message: msg,
        });
    }
}

/// One feature being read: its position, id and properties, reporting into a shared list.
struct Feat<'c, 'a> {
    ix: usize,
    id: Option<String>,
    props: Map<String, Value>,
    ctx: &'c mut Ctx<'a>,
}

impl Feat<'_, '_> {
    fn problem(&mut self, field: &str, msg: impl Into<String>) {
        self.ctx
            .push(Some(self.ix), self.id.as_deref(), field, msg.into());
    }

    fn str_opt(&mut self, field: &str) -> Option<String> {
        match self.props.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                let msg = format!("expected a string, found {}", json_type(other));
                self.problem(field, msg);
                None
            }
        }
    }

    fn str_req(&mut self, field: &str) -> Option<String> {
        match self.str_opt(field) {
            Some(s) if s.trim().is_empty() => {
                self.problem(field, "must not be empty");
                None
            }
            Some(s) => Some(s),
            None => {
                if !self.props.contains_key(field) || self.props[field].is_null() {
                    self.problem(field, "required");
                }
                None
            }
        }
    }

    fn bool_opt(&mut self, field: &str) -> Option<bool> {
        match self.props.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                let msg = format!("expected true or false, found {}", json_type(other));
                self.problem(field, msg);
                None
            }
        }
    }

    fn bool_req(&mut self, field: &str) -> Option<bool> {
        let v = self.bool_opt(field);
        if v.is_none() && self.props.get(field).is_none_or(Value::is_null) {
            self.problem(field, "required");
        }
        v
    }

    /// A strictly positive finite number.
    fn positive_opt(&mut self, field: &str) -> Option<f64> {
        match self.props.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => match n.as_f64() {
                Some(x) if x.is_finite() && x > 0.0 => Some(x),
                _ => {
                    self.problem(field, format!("must be a positive number, found {n}"));
                    None
                }
            },
            Some(other) => {
                let msg = format!("expected a number, found {}", json_type(other));
                self.problem(field, msg);
                None
            }
        }
    }

    fn positive_req(&mut self, field: &str) -> Option<f64> {
        let v = self.positive_opt(field);
        if v.is_none() && self.props.get(field).is_none_or(Value::is_null) {
            self.problem(field, "required");
        }
        v
    }

    fn enum_req<T: Copy>(
        &mut self,
        field: &str,
        parse: fn(&str) -> Option<T>,
        values: &[&str],
    ) -> Option<T> {
        let s = self.str_req(field)?;
        let v = parse(&s);
        if v.is_none() {
            self.problem(
                field,
                format!(
                    "unknown value '{s}' (expected one of {})",
                    values.join(", ")
                ),
            );
        }
        v
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads a FeatureCollection's features, reporting a file-level problem when it is not one.
fn features(text: &str, ctx: &mut Ctx<'_>) -> Vec<Value> {
    let root: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            ctx.push(None, None, "(file)", format!("not valid JSON: {e}"));
            return Vec::new();
        }
    };
    if root.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        ctx.push(
            None,
            None,
            "type",
            "the file must be a GeoJSON FeatureCollection".into(),
        );
        return Vec::new();
    }
    match root.get("features") {
        Some(Value::Array(a)) => a.clone(),
        _ => {
            ctx.push(
                None,
                None,
                "features",
                "must be an array of Features".into(),
            );
            Vec::new()
        }
    }
}

fn coord(v: &Value) -> Result<Coord<f64>, String> {
    let a = v
        .as_array()
        .ok_or("a position must be an array [lon, lat]")?;
    if a.len() < 2 || a.len() > 3 {
        return Err(format!("a position has 2 or 3 numbers, found {}", a.len()));
    }
    let lon = a[0].as_f64().ok_or("longitude is not a number")?;
    let lat = a[1].as_f64().ok_or("latitude is not a number")?;
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        return Err(format!("longitude {lon} out of range [-180, 180]"));
    }
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        return Err(format!("latitude {lat} out of range [-90, 90]"));
    }
    Ok(Coord { x: lon, y: lat })
}

/// Splits a feature into (id, properties, geometry) and checks the envelope.
fn envelope(
    ix: usize,
    f: &Value,
    ctx: &mut Ctx<'_>,
) -> Option<(Option<String>, Map<String, Value>, Value)> {
    if f.get("type").and_then(Value::as_str) != Some("Feature") {
        ctx.push(Some(ix), None, "type", "must be a Feature".into());
        return None;
    }
    let props = match f.get("properties") {
        Some(Value::Object(m)) => m.clone(),
        _ => {
            ctx.push(Some(ix), None, "properties", "must be an object".into());
            return None;
        }
    };
    let id = props.get("id").and_then(Value::as_str).map(str::to_string);
    let geom = f.get("geometry").cloned().unwrap_or(Value::Null);
    Some((id, props, geom))
}

fn parse_modes(feat: &mut Feat<'_, '_>) -> Vec<Mode> {
    let mut modes = Vec::new();
    match feat.props.get("modes").cloned() {
        Some(Value::Array(a)) if !a.is_empty() => {
            for v in a {
                match v.as_str().and_then(Mode::parse) {
                    Some(m) if !modes.contains(&m) => modes.push(m),
                    Some(m) => feat.problem("modes", format!("'{m}' listed twice")),
                    None => feat.problem(
                        "modes",
                        format!("unknown value {v} (expected a subset of rail, road)"),
                    ),
                }
            }
        }
        Some(Value::Array(_)) => feat.problem("modes", "must list at least one mode"),
        None | Some(Value::Null) => feat.problem("modes", "required"),
        Some(_) => feat.problem("modes", "must be an array such as [\"rail\", \"road\"]"),
    }
    modes
}

fn country_code(feat: &mut Feat<'_, '_>, field: &str, s: &str) -> Option<String> {
    if s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()) {
        Some(s.to_string())
    } else {
        feat.problem(
            field,
            format!("'{s}' is not an ISO 3166-1 alpha-2 code (two upper-case letters)"),
        );
        None
    }
}

fn gauge(feat: &mut Feat<'_, '_>, field: &str) -> Option<u32> {
    let x = feat.positive_opt(field)?;
    if x.fract() != 0.0 || x > 5000.0 {
        feat.problem(
            field,
            format!("must be a whole number of millimetres, found {x}"),
        );
        return None;
    }
    Some(x as u32)
}

/// Reads the nodes that are valid on their own, and the ids of those that are not (so that
/// links naming them are not reported a second time as naming no node).
fn read_nodes(text: &str, problems: &mut Vec<Problem>) -> (Vec<Node>, HashSet<String>) {
    let mut ctx = Ctx {
        file: NODES_FILE,
        problems,
    };
    let mut out = Vec::new();
    let mut invalid = HashSet::new();
    for (ix, f) in features(text, &mut ctx).iter().enumerate() {
        let Some((id, props, geom)) = envelope(ix, f, &mut ctx) else {
            continue;
        };
        let mut feat = Feat {
            ix,
            id,
            props,
            ctx: &mut ctx,
        };
        let before = feat.ctx.problems.len();
        let id = feat.str_req("id");
        let name = feat.str_req("name");
        let name_local = feat.str_opt("name_local");
        let country = feat
            .str_req("country")
            .and_then(|c| country_code(&mut feat, "country", &c));
        let kind = feat.enum_req("kind", NodeKind::parse, NodeKind::VALUES);
        let modes = parse_modes(&mut feat);
        let intermodal = feat.bool_req("intermodal");
        let gauge_mm = gauge(&mut feat, "gauge_mm");
        let source = feat.str_req("source");
        let point = match geom.get("type").and_then(Value::as_str) {
            Some("Point") => match geom.get("coordinates").map(coord) {
                Some(Ok(c)) => Some(Point::from(c)),
                Some(Err(e)) => {
                    feat.problem("geometry", e);
                    None
                }
                None => {
                    feat.problem("geometry", "a Point needs coordinates");
                    None
                }
            },
            Some(t) => {
                feat.problem("geometry", format!("must be a Point, found {t}"));
                None
            }
            None => {
                feat.problem("geometry", "required: a Point");
                None
            }
        };
        let clean = feat.ctx.problems.len() == before && !modes.is_empty();
        if let (
            true,
            Some(id),
            Some(name),
            Some(country),
            Some(kind),
            Some(intermodal),
            Some(source),
            Some(point),
        ) = (
            clean,
            id.clone(),
            name,
            country,
            kind,
            intermodal,
            source,
            point,
        ) {
            out.push(Node {
                id: NodeId(id),
                name,
                name_local,
                country,
                kind,
                modes,
                intermodal,
                gauge_mm,
                point,
                source,
                properties: feat.props,
            });
        } else if let Some(id) = id {
            invalid.insert(id);
        }
    }
    (out, invalid)
}

/// A link as read, before cross-checks against nodes.
struct RawLink {
    ix: usize,
    link: Link,
}

fn read_links(text: &str, problems: &mut Vec<Problem>) -> Vec<RawLink> {
    let mut ctx = Ctx {
        file: LINKS_FILE,
        problems,
    };
    let mut out = Vec::new();
    for (ix, f) in features(text, &mut ctx).iter().enumerate() {
        let Some((id, props, geom)) = envelope(ix, f, &mut ctx) else {
            continue;
        };
        let mut feat = Feat {
            ix,
            id,
            props,
            ctx: &mut ctx,
        };
        let id = feat.str_req("id");
        let from = feat.str_req("from");
        let to = feat.str_req("to");
        let mode = feat.enum_req("mode", Mode::parse, Mode::VALUES);
        let kind = feat.enum_req("kind", LinkKind::parse, LinkKind::VALUES);
        let status = feat.enum_req("status", Status::parse, Status::VALUES);
        let source = feat.str_req("source");
        let speed_kmh = feat.positive_req("speed_kmh");
        let length_given = feat.positive_opt("length_km");
        let oneway = feat.bool_opt("oneway").unwrap_or(false);
        let electrified = feat.bool_opt("electrified").unwrap_or(false);
        if electrified && mode == Some(Mode::Road) {
            feat.problem("electrified", "only rail links are electrified");
        }
        let gauge_mm = gauge(&mut feat, "gauge_mm");
        let road_class = feat.str_opt("road_class").and_then(|s| {
            let v = RoadClass::parse(&s);
            if v.is_none() {
                feat.problem(
                    "road_class",
                    format!(
                        "unknown value '{s}' (expected one of {})",
                        RoadClass::VALUES.join(", ")
                    ),
                );
            }
            v
        });
        match (mode, gauge_mm) {
            (Some(Mode::Rail), None) if !feat.props.contains_key("gauge_mm") => {
                feat.problem("gauge_mm", "required for rail links")
            }
            (Some(Mode::Road), Some(_)) => feat.problem("gauge_mm", "only rail links have a gauge"),
            _ => {}
        }
        if mode == Some(Mode::Rail) && road_class.is_some() {
            feat.problem("road_class", "only road links have a road class");
        }
        match (kind, mode) {
            (Some(LinkKind::Line), Some(Mode::Road)) => feat.problem(
                "kind",
                "a road link has kind 'road' (or 'crossing'), not 'line'",
            ),
            (Some(LinkKind::Road), Some(Mode::Rail)) => feat.problem(
                "kind",
                "a rail link has kind 'line' (or 'crossing'), not 'road'",
            ),
            _ => {}
        }
        let capacity = match feat.props.get("capacity").cloned() {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => {
                let value = match m.get("value") {
                    Some(Value::Number(n)) => match n.as_f64() {
                        Some(x) if x.is_finite() && x > 0.0 => Some(x),
                        _ => {
                            feat.problem(
                                "capacity.value",
                                format!("must be a positive number, found {n}"),
                            );
                            None
                        }
                    },
                    _ => {
                        feat.problem("capacity.value", "required: a positive number");
                        None
                    }
                };
                let unit = match m.get("unit").and_then(Value::as_str) {
                    Some(u) => {
                        let p = CapacityUnit::parse(u);
                        if p.is_none() {
                            feat.problem(
                                "capacity.unit",
                                format!(
                                    "unknown value '{u}' (expected one of {})",
                                    CapacityUnit::VALUES.join(", ")
                                ),
                            );
                        }
                        p
                    }
                    None => {
                        feat.problem(
                            "capacity.unit",
                            "required: one of t/yr, trains/day, vehicles/day",
                        );
                        None
                    }
                };
                value
                    .zip(unit)
                    .map(|(value, unit)| Capacity { value, unit })
            }
            Some(_) => {
                feat.problem("capacity", "must be an object {\"value\": …, \"unit\": …}");
                None
            }
        };
        let crossing = if kind == Some(LinkKind::Crossing) {
            let name = feat.str_req("name");
            let dwell_h = match feat.props.get("dwell_h") {
                Some(Value::Number(n)) if n.as_f64().is_some_and(|x| x >= 0.0 && x.is_finite()) => {
                    n.as_f64()
                }
                None | Some(Value::Null) => {
                    feat.problem("dwell_h", "required for crossings (hours, may be 0)");
                    None
                }
                Some(v) => {
                    let msg = format!("must be a non-negative number of hours, found {v}");
                    feat.problem("dwell_h", msg);
                    None
                }
            };
            let hours = feat.str_req("hours");
            let veterinary = feat.bool_req("veterinary");
            let countries = match feat.props.get("countries").cloned() {
                Some(Value::Array(a)) if a.len() == 2 => {
                    let a0 = a[0]
                        .as_str()
                        .and_then(|s| country_code(&mut feat, "countries", s));
                    let a1 = a[1]
                        .as_str()
                        .and_then(|s| country_code(&mut feat, "countries", s));
                    match (a0, a1) {
                        (Some(x), Some(y)) if x == y => {
                            feat.problem(
                                "countries",
                                format!(
                                    "a crossing joins two different countries, found [{x}, {y}]"
                                ),
                            );
                            None
                        }
                        (Some(x), Some(y)) => Some([x, y]),
                        _ => None,
                    }
                }
                None | Some(Value::Null) => {
                    feat.problem("countries", "required for crossings: [a, b]");
                    None
                }
                Some(_) => {
                    feat.problem("countries", "must be an array of two ISO codes");
                    None
                }
            };
            match (countries, name, dwell_h, hours, veterinary) {
                (Some(countries), Some(name), Some(dwell_h), Some(hours), Some(veterinary)) => {
                    Some(CrossingInfo {
                        countries,
                        name,
                        dwell_h,
                        hours,
                        veterinary,
                    })
                }
                _ => None,
            }
        } else {
            None
        };
        let geometry = match geom.get("type").and_then(Value::as_str) {
            Some("LineString") => match geom.get("coordinates") {
                Some(Value::Array(a)) if a.len() >= 2 => {
                    let mut cs = Vec::with_capacity(a.len());
                    let mut bad = None;
                    for (i, v) in a.iter().enumerate() {
                        match coord(v) {
                            Ok(c) => cs.push(c),
                            Err(e) => {
                                bad = Some(format!("position {i}: {e}"));
                                break;
                            }
                        }
                    }
                    match bad {
                        Some(e) => {
                            feat.problem("geometry", e);
                            None
                        }
                        None => Some(LineString::new(cs)),
                    }
                }
                _ => {
                    feat.problem("geometry", "a LineString needs at least two positions");
                    None
                }
            },
            Some(t) => {
                feat.problem("geometry", format!("must be a LineString, found {t}"));
                None
            }
            None => {
                feat.problem("geometry", "required: a LineString");
                None
            }
        };
        let crossing_ok = kind != Some(LinkKind::Crossing) || crossing.is_some();
        let gauge_ok = mode != Some(Mode::Rail) || gauge_mm.is_some();
        if let (
            Some(id),
            Some(from),
            Some(to),
            Some(mode),
            Some(kind),
            Some(status),
            Some(source),
            Some(speed_kmh),
            Some(geometry),
            true,
            true,
        ) = (
            id,
            from,
            to,
            mode,
            kind,
            status,
            source,
            speed_kmh,
            geometry,
            crossing_ok,
            gauge_ok,
        ) {
            let geodesic_km = geometry.length::<Haversine>() / 1000.0;
            let length_km = match length_given {
                Some(l) => l,
                None if geodesic_km > 0.0 => {
                    feat.props.insert(
                        "length_km".into(),
                        Value::from((geodesic_km * 10.0).round() / 10.0),
                    );
                    geodesic_km
                }
                None => {
                    feat.problem(
                        "length_km",
                        "the geometry has zero length and no length_km is given",
                    );
                    continue;
                }
            };
            out.push(RawLink {
                ix,
                link: Link {
                    id: LinkId(id),
                    from: NodeId(from),
                    to: NodeId(to),
                    from_ix: usize::MAX,
                    to_ix: usize::MAX,
                    mode,
                    kind,
                    gauge_mm,
                    road_class,
                    length_km,
                    speed_kmh,
                    capacity,
                    status,
                    oneway,
                    electrified,
                    country: String::new(),
                    crossing,
                    geometry,
                    source,
                    properties: feat.props,
                },
            });
        }
    }
    out
}

/// Reads and validates the two files' contents into a [`Network`].
///
/// # Returns
/// The network, or [`LoadError::Invalid`] listing every problem found.
pub fn load_from_strs(nodes_text: &str, links_text: &str) -> Result<Network, LoadError> {
    let mut problems = Vec::new();
    let (nodes, invalid_nodes) = read_nodes(nodes_text, &mut problems);
    let raw_links = read_links(links_text, &mut problems);

    let mut node_index: HashMap<String, usize> = HashMap::new();
    let mut dups: HashMap<String, usize> = HashMap::new();
    for (i, n) in nodes.iter().enumerate() {
        if node_index.contains_key(&n.id.0) {
            let nth = dups.entry(n.id.0.clone()).or_insert(0);
            *nth += 1;
            problems.push(Problem {
                file: NODES_FILE.into(),
                feature: feature_ix_of_node(nodes_text, &n.id.0, *nth),
                id: Some(n.id.0.clone()),
                field: "id".into(),
                message: "duplicate id".into(),
            });
        } else {
            node_index.insert(n.id.0.clone(), i);
        }
    }

    let mut links = Vec::with_capacity(raw_links.len());
    let mut link_index: HashMap<String, usize> = HashMap::new();
    let mut seen_ids: HashSet<String> = nodes.iter().map(|n| n.id.0.clone()).collect();
    for RawLink { ix, mut link } in raw_links {
        let mut p = |field: &str, message: String| {
            problems.push(Problem {
                file: LINKS_FILE.into(),
                feature: Some(ix),
                id: Some(link.id.0.clone()),
                field: field.into(),
                message,
            })
        };
        let mut ok = true;
        if link_index.contains_key(&link.id.0) {
            p("id", "duplicate id".into());
            ok = false;
        } else if seen_ids.contains(&link.id.0) {
            p("id", "duplicate id (a node has the same id)".into());
            ok = false;
        }
        seen_ids.insert(link.id.0.clone());
        let from = node_index.get(&link.from.0).copied();
        let to = node_index.get(&link.to.0).copied();
        // A node that exists but is itself invalid has been reported already.
        if from.is_none() {
            if !invalid_nodes.contains(&link.from.0) {
                p("from", format!("names no node: '{}'", link.from));
            }
            ok = false;
        }
        if to.is_none() {
            if !invalid_nodes.contains(&link.to.0) {
                p("to", format!("names no node: '{}'", link.to));
            }
            ok = false;
        }
        if from.is_some() && from == to {
            p("to", "a link must join two different nodes".into());
            ok = false;
        }
        if let (Some(fi), Some(ti)) = (from, to) {
            let (a, b) = (&nodes[fi], &nodes[ti]);
            let first = Point::from(link.geometry.0[0]);
            let last = Point::from(*link.geometry.0.last().unwrap_or(&link.geometry.0[0]));
            let d0 = Haversine::distance(first, a.point) / 1000.0;
            let d1 = Haversine::distance(last, b.point) / 1000.0;
            if d0 > ENDPOINT_TOLERANCE_KM {
                p(
                    "geometry",
                    format!(
                        "starts {d0:.1} km from its from-node '{}' (at most {ENDPOINT_TOLERANCE_KM} km)",
                        a.id
                    ),
                );
                ok = false;
            }
            if d1 > ENDPOINT_TOLERANCE_KM {
                p(
                    "geometry",
                    format!(
                        "ends {d1:.1} km from its to-node '{}' (at most {ENDPOINT_TOLERANCE_KM} km)",
                        b.id
                    ),
                );
                ok = false;
            }
            for n in [a, b] {
                if !n.serves(link.mode) {
                    p(
                        "mode",
                        format!(
                            "{} link touches node '{}', which does not serve {}",
                            link.mode, n.id, link.mode
                        ),
                    );
                    ok = false;
                }
            }
            if let Some(g) = link.gauge_mm {
                for n in [a, b] {
                    if let Some(ng) = n.gauge_mm.filter(|ng| *ng != g) {
                        p(
                            "gauge_mm",
                            format!(
                                "{g} mm differs from node '{}', which declares {ng} mm",
                                n.id
                            ),
                        );
                        ok = false;
                    }
                }
            }
            match (&link.kind, &link.crossing) {
                (LinkKind::Crossing, Some(c)) => {
                    if c.countries[0] != a.country || c.countries[1] != b.country {
                        p(
                            "countries",
                            format!(
                                "[{}, {}] differs from its nodes' countries [{}, {}]",
                                c.countries[0], c.countries[1], a.country, b.country
                            ),
                        );
                        ok = false;
                    }
                    for n in [a, b] {
                        if n.kind != NodeKind::BorderPoint {
                            p(
                                "kind",
                                format!(
                                    "a crossing joins two border_point nodes; '{}' is a {}",
                                    n.id, n.kind
                                ),
                            );
                            ok = false;
                        }
                    }
                }
                _ => {
                    if a.country != b.country {
                        p(
                            "kind",
                            format!(
                                "joins {} ('{}') and {} ('{}'): a link between two countries must be a crossing",
                                a.country, a.id, b.country, b.id
                            ),
                        );
                        ok = false;
                    }
                }
            }
            link.from_ix = fi;
            link.to_ix = ti;
            link.country = a.country.clone();
        }
        if ok {
            link_index.insert(link.id.0.clone(), links.len());
            links.push(link);
        }
    }

    // Nodes first, then links, each in feature order.
    problems.sort_by_key(|p| (p.file != NODES_FILE, p.feature));
    if problems.is_empty() {
        Ok(Network::from_parts(nodes, links, node_index, link_index))
    } else {
        Err(LoadError::Invalid(problems))
    }
}

/// The index of the `nth` (1-based after the first) feature with this id, for duplicate
/// reports; a best effort, used only when reporting.
fn feature_ix_of_node(text: &str, id: &str, nth: usize) -> Option<usize> {
    let root: Value = serde_json::from_str(text).ok()?;
    root.get("features")?
        .as_array()?
        .iter()
        .enumerate()
        .filter(|(_, f)| f.pointer("/properties/id").and_then(Value::as_str) == Some(id))
        .nth(nth)
        .map(|(i, _)| i)
}
