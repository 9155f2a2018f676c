//! The reader of `nodes.geojson`: each feature on its own, before any cross-check.

use std::collections::HashSet;

use geo::Point;
use serde_json::Value;

use super::reader::{Feat, Report, Streamed, coord};
use super::{NODES_FILE, Problem};
use crate::network::model::{Mode, Node, NodeId, NodeKind, Properties};

/// Nodes read from the file: those valid on their own, and the ids of those that are not
/// (so that links naming them are not reported a second time as naming no node).
pub(super) struct NodesRead {
    pub nodes: Vec<Node>,
    pub invalid: HashSet<String>,
}

/// Reads every feature of the nodes file, reporting problems into `problems`.
pub(super) fn read_nodes(text: &str, problems: &mut Vec<Problem>) -> NodesRead {
    let mut report = Report::new(NODES_FILE, problems);
    let mut read = NodesRead {
        nodes: Vec::new(),
        invalid: HashSet::new(),
    };
    report.stream_features(text, &mut |report, item| match item {
        Streamed::Reset => {
            read.nodes.clear();
            read.invalid.clear();
        }
        Streamed::Feature(ix, f) => {
            let Some(mut feat) = Feat::envelope(ix, f, report) else {
                return;
            };
            match read_node(&mut feat, None) {
                Ok(node) => read.nodes.push(node),
                Err(Some(id)) => {
                    read.invalid.insert(id);
                }
                Err(None) => {}
            }
        }
    });
    read
}

/// Reads node `ix` again from changed `properties` with the same reader as the file, keeping
/// its already checked position (a scenario's edit cannot move it).
pub(super) fn reread_node(
    ix: usize,
    properties: serde_json::Map<String, Value>,
    point: Point<f64>,
    problems: &mut Vec<Problem>,
) -> Option<Node> {
    let mut report = Report::new(NODES_FILE, problems);
    let mut feat = Feat::of_properties(ix, properties, &mut report);
    read_node(&mut feat, Some(point)).ok()
}

/// One node, or the id it has (if readable) when it has a problem; its position is `point`
/// when given (already read), else read from the feature.
fn read_node(feat: &mut Feat<'_, '_>, point: Option<Point<f64>>) -> Result<Node, Option<String>> {
    let before = feat.problem_count();
    let id = feat.str_req("id");
    let name = feat.str_req("name");
    let name_local = feat.str_opt("name_local");
    let alt_names = read_alt_names(feat);
    let country = feat
        .str_req("country")
        .and_then(|c| feat.country_code("country", &c));
    let kind = feat.enum_req::<NodeKind>("kind");
    let modes = read_modes(feat);
    let intermodal = feat.bool_req("intermodal");
    let gauge_mm = feat.gauge("gauge_mm");
    let source = feat.str_req("source");
    let point = match point {
        Some(p) => Some(p),
        None => read_point(feat),
    };
    if feat.problem_count() != before || modes.is_empty() {
        return Err(id);
    }
    match (id, name, country, kind, intermodal, source, point) {
        (
            Some(id),
            Some(name),
            Some(country),
            Some(kind),
            Some(intermodal),
            Some(source),
            Some(point),
        ) => Ok(Node {
            id: NodeId(id),
            name,
            name_local,
            alt_names,
            country,
            kind,
            modes,
            intermodal,
            gauge_mm,
            point,
            source,
            properties: Properties::from_map(&feat.props),
        }),
        (id, ..) => Err(id),
    }
}

/// `modes`: a non-empty array of distinct modes.
fn read_modes(feat: &mut Feat<'_, '_>) -> Vec<Mode> {
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

/// `alt_names`: optional array of distinct, non-empty strings (other scripts, historical
/// names, transliteration variants).
fn read_alt_names(feat: &mut Feat<'_, '_>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    match feat.props.get("alt_names").cloned() {
        None | Some(Value::Null) => {}
        Some(Value::Array(a)) => {
            for (i, v) in a.iter().enumerate() {
                match v.as_str().map(str::trim) {
                    Some("") => feat.problem(&format!("alt_names[{i}]"), "must not be empty"),
                    Some(n) if names.iter().any(|x| x == n) => {
                        feat.problem(&format!("alt_names[{i}]"), format!("'{n}' listed twice"))
                    }
                    Some(n) => names.push(n.to_string()),
                    None => feat.problem(
                        &format!("alt_names[{i}]"),
                        format!("must be a string, not {v}"),
                    ),
                }
            }
        }
        Some(_) => feat.problem(
            "alt_names",
            "must be an array of strings such as [\"Улан-Удэ\", \"Verkhneudinsk\"]",
        ),
    }
    names
}

/// The Point geometry.
fn read_point(feat: &mut Feat<'_, '_>) -> Option<Point<f64>> {
    feat.geometry_type("Point")?;
    match feat.geom.get("coordinates").map(coord) {
        Some(Ok(c)) => Some(Point::from(c)),
        Some(Err(e)) => {
            feat.problem("geometry", e);
            None
        }
        None => {
            feat.problem("geometry", "a Point needs coordinates");
            None
        }
    }
}
