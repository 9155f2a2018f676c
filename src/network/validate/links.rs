//! The reader of `links.geojson`: each feature on its own (fields, the rules between its own
//! fields, its geometry and length), before the cross-checks against nodes.

use geo::{Haversine, Length};
use serde_json::{Map, Value};

use super::reader::{Feat, Report, Streamed, coord};
use super::{LINKS_FILE, Problem};
use crate::network::model::*;

/// A link as read, before the cross-checks; `ix` is its feature index.
pub(super) struct RawLink {
    pub ix: usize,
    pub link: Link,
}

/// Reads every feature of the links file, reporting problems into `problems`.
pub(super) fn read_links(text: &str, problems: &mut Vec<Problem>) -> Vec<RawLink> {
    let mut report = Report::new(LINKS_FILE, problems);
    let mut out = Vec::new();
    report.stream_features(text, &mut |report, item| match item {
        Streamed::Reset => out.clear(),
        Streamed::Feature(ix, f) => {
            let Some(mut feat) = Feat::envelope(ix, f, report) else {
                return;
            };
            if let Some(link) = read_link(&mut feat, None, None) {
                out.push(RawLink { ix, link });
            }
        }
    });
    out
}

/// Reads link `ix` again from changed `properties` with the same reader as the file, keeping
/// its already checked `geometry` (a scenario's edit cannot change it).
pub(super) fn reread_link(
    ix: usize,
    properties: Map<String, Value>,
    text: Option<Properties>,
    geometry: &Line,
    problems: &mut Vec<Problem>,
) -> Option<Link> {
    let mut report = Report::new(LINKS_FILE, problems);
    let mut feat = Feat::of_properties(ix, properties, &mut report);
    read_link(&mut feat, Some(geometry.clone()), text)
}

/// Reads a link of a prepared file: its properties `text` (as a validated network wrote
/// them) and its geometry; the properties are kept as that text, not written again.
pub(super) fn read_prepared_link(
    file: &std::sync::Arc<crate::network::filebytes::FileBytes>,
    ix: usize,
    text: &str,
    geometry: Line,
    problems: &mut Vec<Problem>,
) -> Option<Link> {
    let properties = super::parse_props(LINKS_FILE, ix, text, problems)?;
    let mut report = Report::new(LINKS_FILE, problems);
    let mut feat = Feat::of_properties(ix, properties, &mut report);
    read_link(
        &mut feat,
        Some(geometry),
        Some(Properties::in_file(file, text)),
    )
}

/// One link, when every required part of it reads; its geometry is `geometry` when given
/// (already read), else read from the feature.
fn read_link(
    feat: &mut Feat<'_, '_>,
    geometry: Option<Line>,
    text: Option<Properties>,
) -> Option<Link> {
    let id = feat.str_req("id");
    let from = feat.str_req("from");
    let to = feat.str_req("to");
    let mode = feat.enum_req::<Mode>("mode");
    let kind = feat.enum_req::<LinkKind>("kind");
    let status = feat.enum_req::<Status>("status");
    let source = feat.str_req("source");
    let speed_kmh = feat.positive_req("speed_kmh");
    let length_given = feat.positive_opt("length_km");
    check_audit_fields(feat, length_given.is_some());
    let oneway = feat.bool_opt("oneway").unwrap_or(false);
    let electrified = feat.bool_opt("electrified").unwrap_or(false);
    if electrified && mode == Some(Mode::Road) {
        feat.problem("electrified", "only rail links are electrified");
    }
    let gauge_mm = feat.gauge("gauge_mm");
    let road_class = feat.enum_opt::<RoadClass>("road_class");
    check_mode_fields(feat, mode, kind, gauge_mm, road_class);
    let capacity = read_capacity(feat, "capacity");
    let (capacity_basis, capacity_directed, capacity_note) = read_capacity_extras(feat);
    let crossing = match kind {
        Some(LinkKind::Crossing) => read_crossing(feat),
        _ => None,
    };
    let geometry = match geometry {
        Some(g) => Some(g),
        None => read_line(feat),
    };
    let crossing_ok = kind != Some(LinkKind::Crossing) || crossing.is_some();
    let gauge_ok = mode != Some(Mode::Rail) || gauge_mm.is_some();
    if !(crossing_ok && gauge_ok) {
        return None;
    }
    let (id, from, to, mode, kind, status, source, speed_kmh, geometry) = (
        id?, from?, to?, mode?, kind?, status?, source?, speed_kmh?, geometry?,
    );
    let length_km = length(feat, length_given, &geometry)?;
    let name = match feat.value("name") {
        Some(Value::String(s)) => Some(s.as_str().into()),
        _ => None,
    };
    Some(Link {
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
        capacity_basis,
        capacity_directed,
        capacity_note,
        status,
        oneway,
        electrified,
        country: CountryCode::default(),
        crossing: crossing.map(Box::new),
        geometry,
        name,
        source: source.into(),
        properties: match text {
            Some(t) => t,
            None => Properties::from_map(&feat.props),
        },
    })
}

/// The audit fields (issue 23), all optional here (`tests/data_audit.rs` requires them on the
/// shipped data): `as_of` a date `YYYY-MM-DD` (or `YYYY-MM`), `throughput_tpy` with
/// `throughput_year`, a `closure_rule` name (resolved against `calendar/holidays.json` with the
/// schedule), and the source strings `length_source` (only with `length_km`),
/// `capacity_source`, `gauge_source`.
fn check_audit_fields(feat: &mut Feat<'_, '_>, has_length: bool) {
    if let Some(d) = feat.str_opt("as_of") {
        let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok();
        if !(day(&d) || day(&format!("{d}-01"))) {
            let msg = format!("must be a date YYYY-MM-DD (or YYYY-MM), found '{d}'");
            feat.problem("as_of", msg);
        }
    }
    feat.positive_opt("throughput_tpy");
    if let Some(v) = feat.value("throughput_year")
        && !v.as_i64().is_some_and(|y| (1950..=2100).contains(&y))
    {
        let msg = format!("must be a year (integer 1950–2100), found {v}");
        feat.problem("throughput_year", msg);
    }
    let given = |f: &Feat<'_, '_>, k: &str| f.value(k).is_some();
    if given(feat, "throughput_tpy") && !given(feat, "throughput_year") {
        feat.problem(
            "throughput_year",
            "required with throughput_tpy: the year it counts",
        );
    }
    if given(feat, "throughput_year") && !given(feat, "throughput_tpy") {
        feat.problem("throughput_tpy", "required with throughput_year");
    }
    if let Some(rule) = feat.str_opt("closure_rule")
        && rule.trim().is_empty()
    {
        feat.problem("closure_rule", "must name a rule of calendar/holidays.json");
    }
    for field in ["length_source", "capacity_source", "gauge_source"] {
        check_source_field(feat, field);
    }
    if given(feat, "length_source") && !has_length {
        feat.problem(
            "length_km",
            "required with length_source: the length it sources",
        );
    }
}

/// A source string (`length_source`, `capacity_source`, `gauge_source`): not empty.
fn check_source_field(feat: &mut Feat<'_, '_>, field: &str) {
    if let Some(s) = feat.str_opt(field)
        && s.trim().is_empty()
    {
        feat.problem(
            field,
            "must not be empty: a reference, or 'estimate: …' saying how",
        );
    }
}

/// The properties only the capacity readers read ([`read_capacity`],
/// [`read_capacity_extras`], and the `capacity_source` check): no other rule of the link
/// reader looks at them, so an edit of these alone is read by [`reread_capacity`]. Keep in
/// step with those readers (`tests/scenario_overlay.rs` compares the result with a full read).
pub(crate) const CAPACITY_FIELDS: &[&str] = &[
    "capacity",
    "capacity_basis",
    "capacity_note",
    "capacity_forward",
    "capacity_backward",
    "capacity_source",
];

/// Link `old` after an edit of [`CAPACITY_FIELDS`] only: `fields` holds its `id` and its new
/// capacity fields, `text` its new properties. The capacity fields are read by the same
/// readers, in the same order, as [`read_link`] reads them (so the same problems, the same
/// way), and the rest of the link is kept: no other field changed.
pub(super) fn reread_capacity(
    ix: usize,
    fields: Map<String, Value>,
    text: Properties,
    old: &Link,
    problems: &mut Vec<Problem>,
) -> Link {
    let mut report = Report::new(LINKS_FILE, problems);
    let mut feat = Feat::of_properties(ix, fields, &mut report);
    check_source_field(&mut feat, "capacity_source");
    let capacity = read_capacity(&mut feat, "capacity");
    let (capacity_basis, capacity_directed, capacity_note) = read_capacity_extras(&mut feat);
    Link {
        capacity,
        capacity_basis,
        capacity_directed,
        capacity_note,
        properties: text,
        ..old.clone()
    }
}

/// The rules between mode, kind, gauge and road class.
fn check_mode_fields(
    feat: &mut Feat<'_, '_>,
    mode: Option<Mode>,
    kind: Option<LinkKind>,
    gauge_mm: Option<u32>,
    road_class: Option<RoadClass>,
) {
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
}

/// A capacity object (`capacity`, `capacity_forward`, `capacity_backward`): optional
/// `{"value": positive, "unit": CapacityUnit}`; problems name the field, e.g.
/// `capacity_forward.unit`.
fn read_capacity(feat: &mut Feat<'_, '_>, field: &str) -> Option<Capacity> {
    let m = match feat.value(field)? {
        Value::Object(m) => m.clone(),
        _ => {
            feat.problem(field, "must be an object {\"value\": …, \"unit\": …}");
            return None;
        }
    };
    let value = capacity_value(feat, field, &m);
    let unit_field = format!("{field}.unit");
    let unit = match m.get("unit").and_then(Value::as_str) {
        Some(u) => feat.parse_enum::<CapacityUnit>(&unit_field, u),
        None => {
            let msg = "required: one of t/yr, trains/day, vehicles/day";
            feat.problem(&unit_field, msg);
            None
        }
    };
    Some(Capacity {
        value: value?,
        unit: unit?,
    })
}

fn capacity_value(feat: &mut Feat<'_, '_>, field: &str, m: &Map<String, Value>) -> Option<f64> {
    let value_field = format!("{field}.value");
    match m.get("value") {
        Some(v @ Value::Number(_)) => match super::reader::positive(v) {
            Ok(x) => Some(x),
            Err(msg) => {
                feat.problem(&value_field, msg);
                None
            }
        },
        _ => {
            feat.problem(&value_field, "required: a positive number");
            None
        }
    }
}

/// `capacity_basis` (enum), `capacity_forward` / `capacity_backward` (both or neither, only
/// with `capacity` and a `capacity_note` saying why the directions differ) and
/// `capacity_note`.
fn read_capacity_extras(
    feat: &mut Feat<'_, '_>,
) -> (
    Option<CapacityBasis>,
    Option<DirectedCapacity>,
    Option<Box<str>>,
) {
    let basis = feat.enum_opt::<CapacityBasis>("capacity_basis");
    let note = feat.str_opt("capacity_note").map(String::into_boxed_str);
    let forward = read_capacity(feat, "capacity_forward");
    let backward = read_capacity(feat, "capacity_backward");
    let given = |f: &Feat<'_, '_>, k: &str| f.value(k).is_some();
    let (has_fwd, has_bwd) = (
        given(feat, "capacity_forward"),
        given(feat, "capacity_backward"),
    );
    if has_fwd != has_bwd {
        let missing = if has_fwd {
            "capacity_backward"
        } else {
            "capacity_forward"
        };
        let msg = "required with capacity_forward/capacity_backward: the two go together";
        feat.problem(missing, msg);
    }
    let has_capacity = given(feat, "capacity");
    if (has_fwd || has_bwd) && !has_capacity {
        let msg = "required with capacity_forward/capacity_backward (the larger direction)";
        feat.problem("capacity", msg);
    }
    if (has_fwd || has_bwd) && note.is_none() {
        let msg = "required with capacity_forward/capacity_backward: say why the directions differ";
        feat.problem("capacity_note", msg);
    }
    if basis.is_some() && !has_capacity {
        feat.problem("capacity", "required with capacity_basis");
    }
    let directed = forward
        .zip(backward)
        .map(|(forward, backward)| DirectedCapacity { forward, backward });
    (basis, directed, note)
}

/// The border attributes of a link of kind `crossing`.
fn read_crossing(feat: &mut Feat<'_, '_>) -> Option<CrossingInfo> {
    let name = feat.str_req("name");
    let dwell_h = read_dwell(feat);
    let hours = feat.str_req("hours");
    let veterinary = feat.bool_req("veterinary");
    let countries = read_countries(feat);
    Some(CrossingInfo {
        countries: countries?,
        name: name?,
        dwell_h: dwell_h?,
        hours: hours?,
        veterinary: veterinary?,
    })
}

/// `dwell_h`: required for crossings, hours, may be 0.
fn read_dwell(feat: &mut Feat<'_, '_>) -> Option<f64> {
    match feat.value("dwell_h") {
        Some(Value::Number(n)) if n.as_f64().is_some_and(|x| x >= 0.0 && x.is_finite()) => {
            n.as_f64()
        }
        None => {
            feat.problem("dwell_h", "required for crossings (hours, may be 0)");
            None
        }
        Some(v) => {
            let msg = format!("must be a non-negative number of hours, found {v}");
            feat.problem("dwell_h", msg);
            None
        }
    }
}

/// `countries`: two different ISO codes, in `from` → `to` order.
fn read_countries(feat: &mut Feat<'_, '_>) -> Option<[String; 2]> {
    let a = match feat.value("countries") {
        Some(Value::Array(a)) if a.len() == 2 => a.clone(),
        None => {
            feat.problem("countries", "required for crossings: [a, b]");
            return None;
        }
        Some(_) => {
            feat.problem("countries", "must be an array of two ISO codes");
            return None;
        }
    };
    let mut code = |v: &Value| v.as_str().and_then(|s| feat.country_code("countries", s));
    let (x, y) = (code(&a[0]), code(&a[1]));
    let (x, y) = (x?, y?);
    if x == y {
        let msg = format!("a crossing joins two different countries, found [{x}, {y}]");
        feat.problem("countries", msg);
        return None;
    }
    Some([x, y])
}

/// The LineString geometry: at least two positions, each in range.
fn read_line(feat: &mut Feat<'_, '_>) -> Option<Line> {
    feat.geometry_type("LineString")?;
    let positions = match feat.geom.get("coordinates") {
        Some(Value::Array(a)) if a.len() >= 2 => a.iter().map(coord).collect::<Vec<_>>(),
        _ => {
            feat.problem("geometry", "a LineString needs at least two positions");
            return None;
        }
    };
    let mut cs = Vec::new();
    for (i, c) in positions.into_iter().enumerate() {
        match c {
            Ok(c) => cs.push(c),
            Err(e) => {
                let msg = format!("position {i}: {e}");
                feat.problem("geometry", msg);
                return None;
            }
        }
    }
    Some(Line::new(cs))
}

/// The data's `length_km`, else the geodesic length of the geometry (recorded in the
/// properties, rounded to 0.1 km, so that output shows it).
fn length(feat: &mut Feat<'_, '_>, given: Option<f64>, geometry: &Line) -> Option<f64> {
    if given.is_some() {
        return given;
    }
    let geodesic_km = geometry.to_line_string().length::<Haversine>() / 1000.0;
    if geodesic_km > 0.0 {
        let rounded = (geodesic_km * 10.0).round() / 10.0;
        feat.props.insert("length_km".into(), Value::from(rounded));
        return Some(geodesic_km);
    }
    let msg = "the geometry has zero length and no length_km is given";
    feat.problem("length_km", msg);
    None
}
