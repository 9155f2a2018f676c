//! A route request, typed ([`RouteRequest`]), and its resolution against a network: places
//! to nodes (id, name, unambiguous prefix, or `lon,lat` snapped through the R-tree), avoid
//! lists checked against the data, and the [`Constraints`] built. HTTP and the command line
//! both build a `RouteRequest` through [`RouteRequest::read`] and call [`super::plan`],
//! which calls [`resolve`] here.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::alternatives::{
    DEFAULT_MAX_SHARING, DEFAULT_MAX_STRETCH, Limits, MAX_SHARING_RANGE, MAX_STRETCH_RANGE,
};
use super::{RouteData, RouteError};
use crate::cost::{
    Cargo, ConstraintArgs, ConstraintInput, Constraints, Measure, ModeFilter, Profile, ProfileArgs,
};
use crate::fields::{ECHO_CHARS, FieldError, Fields, concat_names, raw_args, truncate};
pub use crate::fields::{MAX_SUGGESTIONS, SUGGESTION_SIMILARITY, suggest};
use crate::index::places::{self, PlaceMatch, Resolution};
use crate::network::Network;

/// Description of `from` (HTTP and command line).
pub const FROM_DOC: &str = "Origin: a node id (`ru-ulan-ude`), a place name (case-insensitive, exact or unambiguous prefix: `Ulan-Ude`, `ulan`), or `lon,lat` snapped to the nearest node serving `mode`.";
/// Description of `to`.
pub const TO_DOC: &str = "Destination, as `from`.";

/// Most vias in one request.
pub const MAX_VIAS: usize = 10;
/// Most alternatives (extra routes) in one request.
pub const MAX_ALTERNATIVES: usize = 5;
/// Farthest a `lon,lat` may be from the node it snaps to, km.
pub const MAX_SNAP_KM: f64 = 500.0;

/// How a place was given.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PlaceQuery {
    /// A node id or a place name (case-insensitive, exact or unambiguous prefix).
    Text(String),
    /// A position, snapped to the nearest node serving the requested mode.
    Coord {
        /// Longitude, degrees.
        lon: f64,
        /// Latitude, degrees.
        lat: f64,
    },
}

impl PlaceQuery {
    /// Parses one place: `lon,lat` when it has a comma, else an id or name.
    ///
    /// # Example
    /// ```
    /// use corridor::route::PlaceQuery;
    /// assert_eq!(PlaceQuery::parse("106.9,47.9"), Ok(PlaceQuery::Coord { lon: 106.9, lat: 47.9 }));
    /// assert_eq!(PlaceQuery::parse("Ulan-Ude"), Ok(PlaceQuery::Text("Ulan-Ude".into())));
    /// assert!(PlaceQuery::parse("NaN,47").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.contains(',') {
            let (lon, lat) = crate::fields::parse_lon_lat(s)?;
            return Ok(PlaceQuery::Coord { lon, lat });
        }
        if s.is_empty() {
            return Err("must not be empty".into());
        }
        if s.parse::<f64>().is_ok() {
            return Err(format!(
                "'{s}' is a lone number: give a node id, a place name or lon,lat"
            ));
        }
        Ok(PlaceQuery::Text(s.to_string()))
    }

    /// Parses a comma list of places in which a `lon,lat` pair takes two items: two numbers
    /// in a row are one position (ids and names are never numbers).
    ///
    /// # Example
    /// ```
    /// use corridor::route::PlaceQuery;
    /// let v = PlaceQuery::parse_list("mn-ulaanbaatar,111.9,43.7,cn-erenhot").unwrap();
    /// assert_eq!(v.len(), 3);
    /// assert_eq!(v[1], PlaceQuery::Coord { lon: 111.9, lat: 43.7 });
    /// ```
    pub fn parse_list(s: &str) -> Result<Vec<Self>, String> {
        let items: Vec<&str> = s.split(',').map(str::trim).collect();
        if items.iter().any(|x| x.is_empty()) {
            return Err("empty item in comma list".into());
        }
        let number = |x: &str| x.parse::<f64>().is_ok();
        let mut out = Vec::new();
        let mut i = 0;
        while i < items.len() {
            if number(items[i]) {
                match items.get(i + 1) {
                    Some(next) if number(next) => {
                        out.push(Self::parse(&format!("{},{}", items[i], next))?);
                        i += 2;
                    }
                    _ => {
                        return Err(format!(
                            "'{}' is a lone number: positions are lon,lat pairs",
                            items[i]
                        ));
                    }
                }
            } else {
                out.push(Self::parse(items[i])?);
                i += 1;
            }
        }
        Ok(out)
    }
}

raw_args!(
    /// The options of a route request of its own, as given (raw strings). With
    /// [`ConstraintArgs`] and [`ProfileArgs`] they make every parameter of `/v1/route` and of
    /// `corridor route`; [`RouteRequest::read`] checks them all.
    RouteOptions {
        /// Up to 10 places visited in order, comma-separated (a `lon,lat` pair takes two
        /// items).
        via,
        /// Modes allowed (default `any`: multimodal, changing mode only at intermodal nodes).
        #[arg(value_parser = crate::fields::spelling_parser::<crate::cost::ModeFilter>())]
        mode,
        /// Measure minimised (default `time`).
        #[arg(value_parser = crate::fields::spelling_parser::<crate::cost::Measure>())]
        optimize,
        /// Extra routes, 0–5 (default 0): Yen's loopless k-shortest paths that pass
        /// `max_sharing` and `max_stretch`.
        alternatives,
        /// How alternatives differ: `route` (default; sharing and stretch limits) or
        /// `corridor` (the best route per ordered list of transit countries).
        #[arg(value_parser = crate::fields::spelling_parser::<AlternativesBy>())]
        alternatives_by,
        /// Largest fraction of an alternative's length on any one better route, 0–1
        /// (default 0.75).
        max_sharing,
        /// Largest ratio of an alternative's optimised measure to the best route's, 1–10
        /// (default 1.5).
        max_stretch,
        /// Departure, RFC 3339 with offset (e.g. `2027-07-10T08:00+06:00`): makes the search
        /// time-dependent (crossings pass only while open; cargo waits).
        depart,
    }
);

crate::fields::str_enum!(
    /// How alternative routes are chosen.
    #[derive(Default)]
    AlternativesBy {
        /// Loopless k-shortest routes that pass the sharing and stretch limits.
        #[default]
        Route = "route",
        /// The best route of each distinct transit corridor (ordered transit countries).
        Corridor = "corridor",
    }
);

/// Parses a departure instant: RFC 3339 with an offset; seconds may be left out
/// (`2027-07-10T08:00+06:00`).
///
/// # Errors
/// A message saying what is expected.
pub fn parse_depart(s: &str) -> Result<DateTime<FixedOffset>, String> {
    let s = s.trim();
    // A `+` of the offset left unencoded in a query string arrives decoded as a space
    // (`2027-07-10T08:00 06:00`): a space can only be that, so it is read as the `+`.
    let plus;
    let s = match s.rsplit_once(' ') {
        Some((head, off))
            if head.len() >= 16
                && off.len() >= 2
                && off.bytes().all(|b| b.is_ascii_digit() || b == b':') =>
        {
            plus = format!("{head}+{off}");
            plus.as_str()
        }
        _ => s,
    };
    let with_seconds;
    let text = if s.len() > 16
        && s.as_bytes()[13] == b':'
        && matches!(s.as_bytes()[16], b'+' | b'-' | b'Z' | b'z')
    {
        with_seconds = format!("{}:00{}", &s[..16], &s[16..]);
        with_seconds.as_str()
    } else {
        s
    };
    DateTime::parse_from_rfc3339(text).map_err(|e| {
        format!(
            "'{}' is not an RFC 3339 date-time with offset, e.g. 2027-07-10T08:00+06:00 ({e})",
            truncate(s, ECHO_CHARS)
        )
    })
}

const PARAMETER_COUNT: usize =
    2 + RouteOptions::NAMES.len() + ConstraintArgs::NAMES.len() + ProfileArgs::NAMES.len();
const PARAMETER_ARRAY: [&str; PARAMETER_COUNT] = concat_names(&[
    &["from", "to"],
    RouteOptions::NAMES,
    ConstraintArgs::NAMES,
    ProfileArgs::NAMES,
]);

/// A route request, as typed values. Build it with [`RouteRequest::new`] and set fields, or
/// read it from raw parameters with [`RouteRequest::read`] (HTTP and the command line both
/// do).
#[derive(Debug, Clone, PartialEq)]
pub struct RouteRequest {
    /// Origin.
    pub from: PlaceQuery,
    /// Destination.
    pub to: PlaceQuery,
    /// Places visited in order between them (at most [`MAX_VIAS`]).
    pub via: Vec<PlaceQuery>,
    /// Modes allowed. Default `any`.
    pub mode: ModeFilter,
    /// Measure minimised. Default `time`.
    pub optimize: Measure,
    /// Extra routes wanted, 0..=[`MAX_ALTERNATIVES`]. Default 0.
    pub alternatives: usize,
    /// ISO2 codes of countries not to enter (upper case).
    pub avoid_countries: Vec<String>,
    /// Crossing link ids not to use.
    pub avoid_crossings: Vec<String>,
    /// Link ids not to use.
    pub avoid_links: Vec<String>,
    /// Also use planned and under-construction links. Default false.
    pub include_planned: bool,
    /// Also use unverified links (independently of `include_planned`). Default false.
    pub include_unverified: bool,
    /// Cargo kind. Default `general`.
    pub cargo: Cargo,
    /// Costing figures. Default [`Profile::default`].
    pub profile: Profile,
    /// How alternatives are chosen. Default `route`.
    pub alternatives_by: AlternativesBy,
    /// Sharing and stretch limits on alternatives. Default 0.75 and 1.5.
    pub limits: Limits,
    /// Departure instant; `None` for a timeless answer.
    pub depart: Option<DateTime<FixedOffset>>,
    /// Scenario the request is asked of; the caller picks the scenario's snapshot before
    /// planning (`Snapshot::scenario`). Default `None`: the network as it is.
    pub scenario: Option<String>,
}

impl RouteRequest {
    /// A request from `from` to `to` with every option at its default.
    pub fn new(from: PlaceQuery, to: PlaceQuery) -> Self {
        Self {
            from,
            to,
            via: Vec::new(),
            mode: ModeFilter::default(),
            optimize: Measure::default(),
            alternatives: 0,
            avoid_countries: Vec::new(),
            avoid_crossings: Vec::new(),
            avoid_links: Vec::new(),
            include_planned: false,
            include_unverified: false,
            cargo: Cargo::default(),
            profile: Profile::default(),
            alternatives_by: AlternativesBy::default(),
            limits: Limits::default(),
            depart: None,
            scenario: None,
        }
    }
}

impl RouteRequest {
    /// Every parameter a route request accepts, derived from the argument types.
    pub const PARAMETERS: &'static [&'static str] = &PARAMETER_ARRAY;

    /// Reads a request from raw parameters, recording every mistake in `f` (the one parser
    /// of HTTP query strings and the command line). `None` when `from` or `to` is unusable
    /// (the mistake is recorded).
    pub fn read(f: &mut Fields) -> Option<Self> {
        let place = |f: &mut Fields, key: &str| {
            let v = f.required(key)?;
            match PlaceQuery::parse(&v) {
                Ok(q) => Some(q),
                Err(e) => {
                    f.error(key, e);
                    None
                }
            }
        };
        let from = place(f, "from");
        let to = place(f, "to");
        let via = match f.str("via").map(|s| PlaceQuery::parse_list(&s)) {
            None => Vec::new(),
            Some(Ok(v)) if v.len() <= MAX_VIAS => v,
            Some(Ok(v)) => {
                f.error("via", format!("{} places; at most {MAX_VIAS}", v.len()));
                Vec::new()
            }
            Some(Err(e)) => {
                f.error("via", e);
                Vec::new()
            }
        };
        let mode = f.choice::<ModeFilter>("mode").unwrap_or_default();
        let optimize = f.choice::<Measure>("optimize").unwrap_or_default();
        let alternatives = f
            .integer("alternatives", 0..=MAX_ALTERNATIVES as u64)
            .unwrap_or(0) as usize;
        let alternatives_by = f
            .choice::<AlternativesBy>("alternatives_by")
            .unwrap_or_default();
        let limits = Limits {
            max_sharing: f
                .number("max_sharing", MAX_SHARING_RANGE.0..=MAX_SHARING_RANGE.1)
                .unwrap_or(DEFAULT_MAX_SHARING),
            max_stretch: f
                .number("max_stretch", MAX_STRETCH_RANGE.0..=MAX_STRETCH_RANGE.1)
                .unwrap_or(DEFAULT_MAX_STRETCH),
        };
        let depart = f.str("depart").and_then(|s| match parse_depart(&s) {
            Ok(d) => Some(d),
            Err(e) => {
                f.error("depart", e);
                None
            }
        });
        let constraints = ConstraintArgs::read(f);
        let profile = ProfileArgs::read(f);
        Some(RouteRequest {
            from: from?,
            to: to?,
            via,
            mode,
            optimize,
            alternatives,
            avoid_countries: constraints.avoid_countries,
            avoid_crossings: constraints.avoid_crossings,
            avoid_links: constraints.avoid_links,
            include_planned: constraints.include_planned,
            include_unverified: constraints.include_unverified,
            cargo: constraints.cargo,
            profile,
            alternatives_by,
            limits,
            depart,
            scenario: constraints.scenario,
        })
    }
}

/// A place resolved to a node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Waypoint {
    /// The parameter it came from: `from`, `via` or `to`.
    pub field: &'static str,
    /// As given.
    pub input: PlaceQuery,
    /// Index of the node in [`Network::nodes`].
    #[serde(skip)]
    pub node_ix: usize,
    /// Distance from the given position to the node, km, when given as `lon,lat`.
    pub snap_km: Option<f64>,
    /// How a name was matched (which name of the node, how, with what confidence), when
    /// given as text.
    #[serde(skip)]
    pub matched: Option<PlaceMatch>,
}

impl Waypoint {
    /// Whether the name was interpreted (folded, an alternative name, a prefix) rather than
    /// written as the node's id or one of its names exactly: answers then say what it was
    /// taken to mean.
    pub fn interpreted(&self) -> Option<&PlaceMatch> {
        self.matched.as_ref().filter(|m| m.confidence < 1.0)
    }
}

/// A request resolved against a network: nodes found, lists checked, constraints built.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// Origin, vias and destination, in order (consecutive repeats merged).
    pub waypoints: Vec<Waypoint>,
    /// The filters of the request.
    pub constraints: Constraints,
}

fn problem(field: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(field, message)
}

/// Resolves places, checks avoid lists against the data and builds the constraints.
///
/// # Errors
/// [`RouteError::Invalid`] naming each bad field (unknown link ids, malformed country codes,
/// ambiguous names, a route with no extent), [`RouteError::UnknownPlace`] for a place that
/// matches nothing (with suggestions), [`RouteError::NoRoute`] when a waypoint cannot be
/// used under the constraints (too far from any suitable node, in an avoided country, or
/// not serving the mode).
pub fn resolve<'a>(
    data: impl Into<RouteData<'a>>,
    req: &RouteRequest,
) -> Result<Resolved, RouteError> {
    let snap: RouteData<'a> = data.into();
    let net = snap.network;
    let mut problems = Vec::new();
    if req.via.len() > MAX_VIAS {
        problems.push(problem("via", format!("at most {MAX_VIAS} vias")));
    }
    if req.alternatives > MAX_ALTERNATIVES {
        problems.push(problem(
            "alternatives",
            format!("at most {MAX_ALTERNATIVES}"),
        ));
    }
    let input = ConstraintInput {
        mode: req.mode,
        include_planned: req.include_planned,
        include_unverified: req.include_unverified,
        cargo: req.cargo,
        avoid_countries: req.avoid_countries.clone(),
        avoid_crossings: req.avoid_crossings.clone(),
        avoid_links: req.avoid_links.clone(),
        close: Vec::new(),
        scenario: req.scenario.clone(),
    };
    let constraints = match Constraints::resolve(net, &input, "") {
        Ok(c) if problems.is_empty() => c,
        Ok(_) => return Err(RouteError::Invalid(problems)),
        Err(issues) => {
            problems.extend(issues.into_iter().map(|i| problem(&i.field, i.detail)));
            return Err(RouteError::Invalid(problems));
        }
    };

    let places = std::iter::once(("from", &req.from))
        .chain(req.via.iter().map(|v| ("via", v)))
        .chain(std::iter::once(("to", &req.to)));
    let mut waypoints: Vec<Waypoint> = Vec::new();
    let mut unknown: Vec<UnknownPlace> = Vec::new();
    let mut vias = 0;
    for (field, place) in places {
        // Vias are named by position when there are several (`via[1]`).
        let at = if field == "via" {
            vias += 1;
            if req.via.len() > 1 {
                format!("via[{}]", vias - 1)
            } else {
                "via".to_string()
            }
        } else {
            field.to_string()
        };
        match resolve_place(snap, &constraints, field, place) {
            Ok(wp) => {
                if waypoints.last().map(|w| w.node_ix) != Some(wp.node_ix) {
                    waypoints.push(wp);
                }
            }
            Err(RouteError::UnknownPlace {
                query, suggestions, ..
            }) => unknown.push(UnknownPlace {
                field: at,
                detail: format!("no place matches '{query}'"),
                query,
                suggestions,
            }),
            Err(RouteError::Places(list)) => {
                unknown.extend(list.into_iter().map(|p| UnknownPlace {
                    field: at.clone(),
                    ..p
                }))
            }
            Err(other) => return Err(other),
        }
    }
    // Every place that names no single node, listed at once; one unknown place alone keeps
    // its single-place answer.
    match unknown.len() {
        0 => {}
        1 if unknown[0].detail.starts_with("no place matches") => {
            let u = unknown.remove(0);
            return Err(RouteError::UnknownPlace {
                field: u.field,
                query: u.query,
                suggestions: u.suggestions,
            });
        }
        _ => return Err(RouteError::Places(unknown)),
    }
    if waypoints.len() < 2 {
        let id = &net.nodes()[waypoints.first().map_or(0, |w| w.node_ix)].id;
        return Err(RouteError::Invalid(vec![problem(
            "to",
            format!("the route would start and end at '{id}' with nowhere else to go"),
        )]));
    }
    for w in &waypoints {
        let node = &net.nodes()[w.node_ix];
        if !constraints.allows_node(node) {
            return Err(RouteError::NoRoute {
                detail: format!(
                    "{} '{}' ({}) is in {}, which avoid_countries excludes",
                    w.field, node.id, node.name, node.country
                ),
                field: Some("avoid_countries"),
            });
        }
        if !node.modes.iter().any(|m| constraints.mode.allows(*m)) {
            return Err(RouteError::NoRoute {
                detail: format!(
                    "{} '{}' ({}) is not served by {} (it serves {})",
                    w.field,
                    node.id,
                    node.name,
                    constraints.mode.as_str(),
                    node.modes
                        .iter()
                        .map(|m| m.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                field: Some("mode"),
            });
        }
    }
    Ok(Resolved {
        waypoints,
        constraints,
    })
}

/// Whether a node can start or end a route of the constraints' mode: it serves such a mode
/// and has at least one such link that the request's status filter allows (so a position
/// never snaps onto an isolated or unbuilt node).
fn suitable(net: &Network, c: &Constraints, ix: usize) -> bool {
    let node = &net.nodes()[ix];
    node.modes.iter().any(|m| c.mode.allows(*m))
        && net.incident(ix).iter().any(|&li| {
            let l = &net.links()[li];
            c.mode.allows(l.mode) && c.allows_status(l.status)
        })
}

fn served_by(mode: ModeFilter) -> &'static str {
    match mode {
        ModeFilter::Any => "",
        ModeFilter::Rail => " served by rail",
        ModeFilter::Road => " served by road",
    }
}

/// Resolves one place of `field` to a node under `c` (ids, names, prefixes; `lon,lat`
/// snapped to a node suitable for the mode within [`MAX_SNAP_KM`]). Shared by routes,
/// matrices and reach.
pub(crate) fn resolve_place(
    snap: RouteData<'_>,
    c: &Constraints,
    field: &'static str,
    place: &PlaceQuery,
) -> Result<Waypoint, RouteError> {
    let net = snap.network;
    match place {
        PlaceQuery::Coord { lon, lat } => {
            let near = snap.index.nearest_nodes(net, *lon, *lat, 1, |n| {
                net.node_ix(&n.id.0).is_some_and(|ix| suitable(net, c, ix))
            });
            match near.first() {
                Some(n) if n.distance_km <= MAX_SNAP_KM => Ok(Waypoint {
                    field,
                    input: place.clone(),
                    node_ix: n.node_ix,
                    snap_km: Some(n.distance_km),
                    matched: None,
                }),
                Some(n) => Err(RouteError::NoRoute {
                    detail: format!(
                        "{field} {lon},{lat} is {:.0} km from the nearest suitable node{} ('{}'); at most {MAX_SNAP_KM} km",
                        n.distance_km,
                        served_by(c.mode),
                        net.nodes()[n.node_ix].id
                    ),
                    field: Some(field),
                }),
                None => Err(RouteError::NoRoute {
                    detail: format!("{field}: no node{} to snap to", served_by(c.mode)),
                    field: Some(field),
                }),
            }
        }
        PlaceQuery::Text(q) => {
            let found = find_node(snap, c, field, q)?;
            Ok(Waypoint {
                field,
                input: place.clone(),
                node_ix: found.node_ix,
                snap_km: None,
                matched: Some(found),
            })
        }
    }
}

/// A place that names no single node: unknown, or ambiguous.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnknownPlace {
    /// The parameter and position, e.g. `destinations[2]`.
    pub field: String,
    /// As given (shortened).
    pub query: String,
    /// What is wrong: no place matches, or which places it could be (id, name, country,
    /// kind of each).
    pub detail: String,
    /// Close node ids (unknown), or every candidate's id (ambiguous).
    pub suggestions: Vec<String>,
}

/// Finds a node through the snapshot's place resolver ([`crate::index::places`]): id, name,
/// local or alternative name after folding (case, diacritics, hyphens, spaces, apostrophes),
/// or a prefix of one; among several, those serving the requested mode are kept, and a town
/// wins over its own stations and terminals. Never a guess between two places.
///
/// # Errors
/// [`RouteError::UnknownPlace`] (with the closest names) when nothing matches;
/// [`RouteError::Places`] with one item listing every candidate when the name is ambiguous.
fn find_node(
    snap: RouteData<'_>,
    c: &Constraints,
    field: &str,
    q: &str,
) -> Result<PlaceMatch, RouteError> {
    let net = snap.network;
    let serving = |ix: usize| net.nodes()[ix].modes.iter().any(|m| c.mode.allows(*m));
    match snap.index.places().resolve(net, q, serving) {
        Resolution::Found(m) => Ok(m),
        Resolution::Ambiguous(found) => {
            Err(RouteError::Places(vec![ambiguous(net, field, q, &found)]))
        }
        Resolution::Unknown(near) => {
            let mut suggestions: Vec<String> = near
                .iter()
                .map(|m| net.nodes()[m.node_ix].id.0.clone())
                .take(MAX_SUGGESTIONS)
                .collect();
            if suggestions.is_empty() {
                suggestions = suggest(
                    q,
                    net.nodes()
                        .iter()
                        .map(|n| (n.id.0.as_str(), n.name.as_str())),
                );
            }
            Err(RouteError::UnknownPlace {
                field: field.to_string(),
                query: truncate(q, ECHO_CHARS),
                suggestions,
            })
        }
    }
}

/// The problem of an ambiguous name of `field`, listing every candidate.
pub(crate) fn ambiguous(net: &Network, field: &str, q: &str, found: &[PlaceMatch]) -> UnknownPlace {
    let q = truncate(q, ECHO_CHARS);
    UnknownPlace {
        field: field.to_string(),
        detail: format!(
            "'{q}' is ambiguous: it could be {}; give a node id",
            places::describe(net, found)
        ),
        query: q,
        suggestions: found
            .iter()
            .map(|m| net.nodes()[m.node_ix].id.0.clone())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::load_from_strs;
    use crate::route::many::test_data::Snapshot;

    fn snap() -> Snapshot {
        let node = |id: &str, name: &str, x: f64, kind: &str, modes: &str| {
            format!(
                r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{x},0]}},"properties":{{"id":"{id}","name":"{name}","country":"AA","kind":"{kind}","modes":{modes},"intermodal":false,"source":"t"}}}}"#
            )
        };
        let nodes = [
            node("aa-ostrov", "Ostrov", 0.0, "city", r#"["road"]"#),
            node(
                "aa-ostrov-yard",
                "Ostrov yard",
                0.1,
                "terminal",
                r#"["rail","road"]"#,
            ),
            node("aa-port", "Portovo", 1.0, "port", r#"["rail","road"]"#),
            node("aa-pole", "Pole", 2.0, "station", r#"["rail"]"#),
        ];
        let link = |id: &str, a: &str, b: &str, xa: f64, xb: f64, mode: &str| {
            let extra = if mode == "rail" {
                r#""kind":"line","gauge_mm":1520"#
            } else {
                r#""kind":"road""#
            };
            format!(
                r#"{{"type":"Feature","geometry":{{"type":"LineString","coordinates":[[{xa},0],[{xb},0]]}},"properties":{{"id":"{id}","from":"{a}","to":"{b}","mode":"{mode}",{extra},"speed_kmh":50,"status":"open","source":"t"}}}}"#
            )
        };
        let links = [
            link("r1", "aa-ostrov", "aa-port", 0.0, 1.0, "road"),
            link("r2", "aa-ostrov-yard", "aa-port", 0.1, 1.0, "road"),
            link("l1", "aa-port", "aa-pole", 1.0, 2.0, "rail"),
        ];
        let fc = |f: &[String]| {
            format!(
                r#"{{"type":"FeatureCollection","features":[{}]}}"#,
                f.join(",")
            )
        };
        Snapshot::build(load_from_strs(&fc(&nodes), &fc(&links)).unwrap())
    }

    fn find(snap: &Snapshot, q: &str, mode: ModeFilter) -> Result<String, RouteError> {
        let c = Constraints {
            mode,
            ..Default::default()
        };
        find_node(snap.into(), &c, "from", q).map(|m| snap.network.nodes()[m.node_ix].id.0.clone())
    }

    #[test]
    fn ids_names_and_prefixes() {
        let s = snap();
        assert_eq!(find(&s, "aa-port", ModeFilter::Any).unwrap(), "aa-port");
        assert_eq!(find(&s, "PORTOVO", ModeFilter::Any).unwrap(), "aa-port");
        assert_eq!(find(&s, "port", ModeFilter::Any).unwrap(), "aa-port");
        assert_eq!(find(&s, "pol", ModeFilter::Any).unwrap(), "aa-pole");
    }

    #[test]
    fn an_ambiguous_prefix_prefers_the_mode_then_the_city() {
        let s = snap();
        // "ostrov" is the exact name of the city: no ambiguity.
        assert_eq!(find(&s, "ostrov", ModeFilter::Any).unwrap(), "aa-ostrov");
        // "ostr" is a prefix of both; the city wins, unless only the yard serves the mode.
        assert_eq!(find(&s, "ostr", ModeFilter::Any).unwrap(), "aa-ostrov");
        assert_eq!(
            find(&s, "ostr", ModeFilter::Rail).unwrap(),
            "aa-ostrov-yard"
        );
        // "p" matches Portovo and Pole, neither a city: both are listed, none is guessed.
        match find(&s, "p", ModeFilter::Rail) {
            Err(RouteError::Places(list)) => {
                assert_eq!(list.len(), 1);
                // Best first: "p" is more of "Pole" than of "Portovo".
                assert_eq!(list[0].suggestions, vec!["aa-pole", "aa-port"]);
                assert!(list[0].detail.contains("'aa-pole' (Pole, AA, station)"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_unknown_place_gets_close_suggestions() {
        let s = snap();
        match find(&s, "Portovoo", ModeFilter::Any) {
            Err(RouteError::UnknownPlace { suggestions, .. }) => {
                assert_eq!(suggestions.first().map(String::as_str), Some("aa-port"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn positions_snap_to_a_node_serving_the_mode() {
        let s = snap();
        let mut req = RouteRequest::new(
            PlaceQuery::Coord { lon: 0.0, lat: 0.0 },
            PlaceQuery::Text("aa-pole".into()),
        );
        req.mode = ModeFilter::Rail;
        let r = resolve(&s, &req).unwrap();
        // The road-only city at (0, 0) is skipped; the port is the nearest rail node with a
        // rail link (the yard serves rail but has only a road link).
        assert_eq!(s.network.nodes()[r.waypoints[0].node_ix].id.0, "aa-port");
        assert!(r.waypoints[0].snap_km.unwrap() > 100.0);
    }

    #[test]
    fn lists_with_positions() {
        assert!(PlaceQuery::parse_list("a,,b").is_err());
        assert!(PlaceQuery::parse_list("a,10").is_err());
        assert_eq!(
            PlaceQuery::parse_list("10,20,30,40").unwrap(),
            vec![
                PlaceQuery::Coord {
                    lon: 10.0,
                    lat: 20.0
                },
                PlaceQuery::Coord {
                    lon: 30.0,
                    lat: 40.0
                }
            ]
        );
    }
}
