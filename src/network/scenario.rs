//! Scenarios: named what-ifs as data (`geodata/scenarios/NAME.json`), checked like the network
//! and applied as an overlay on it.
//!
//! A scenario is a list of changes, each with its own `source` and an `estimate` flag:
//!
//! ```json
//! {"name": "naushki-closed", "title": "…", "description": "…", "source": "…",
//!  "changes": [
//!    {"link": "xr-naushki-sukhbaatar", "set": {"status": "closed"},
//!     "source": "hypothetical what-if", "estimate": false},
//!    {"node": "mn-sukhbaatar", "set": {"intermodal": true}, "source": "…", "estimate": true},
//!    {"add_link": {"type": "Feature", "geometry": {…}, "properties": {…}},
//!     "source": "…", "estimate": true}
//!  ]}
//! ```
//!
//! A change edits one link or node (`link` / `node` plus `set`, the fields in
//! [`LINK_FIELDS`] / [`NODE_FIELDS`]) or adds a planned one (`add_link` / `add_node`, a GeoJSON
//! Feature exactly as in `links.geojson` / `nodes.geojson`).
//!
//! # Validation
//! [`Scenario::parse`] (a file) and [`Scenario::parse_inline`] (a request body) check the
//! document against the network (unknown id, unknown field, bad value, duplicate change, …) and
//! list every problem as a [`Problem`] whose `file` is `scenarios/NAME.json` (or the name the
//! caller gives an inline scenario), `feature` the change index, `id` the link or node and
//! `field` the path in the document (`changes[2].set.dwell_h`). [`Scenario::apply`] then checks
//! the changed network as the network's own validator checks the files, so a scenario can never
//! produce a network the data files could not; its problems are reported against the change
//! that caused them.
//!
//! # Overlay
//! [`Scenario::apply`] does not rebuild the network: each edited link or node is read again by
//! the files' own reader from its changed properties (its geometry or position kept) and
//! cross-checked against the nodes (and the links touching an edited node), and the changed
//! network shares everything else with the one it changes (see `Network`). The snapshot's
//! `overlay` then shares the spatial index, the search graph when no field it reads changed, and
//! every compiled crossing schedule whose spec did not change. Named scenarios are overlaid once
//! at load; an inline one can be overlaid per request. A scenario that adds a link or node takes
//! the reference path, [`Scenario::apply_full`] (the whole network written out and validated
//! again), which tests compare with the typed path.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::source::Source;
use super::{
    CAPACITY_FIELDS, CapacityUnit, Edits, LINKS_FILE, LinkKind, LoadError, Network, Problem, Status,
};
use crate::fields::{suggest, truncate};

/// Folder of scenario files inside a data directory.
pub const SCENARIOS_DIR: &str = "scenarios";

/// The scenarios shipped with the embedded data (`geodata/scenarios/`), compiled in.
pub const EMBEDDED_SCENARIOS: &[(&str, &str)] = &[
    (
        "gashuunsukhait-rail-open.json",
        include_str!("../../geodata/scenarios/gashuunsukhait-rail-open.json"),
    ),
    (
        "kani-kurgan-checkpoint.json",
        include_str!("../../geodata/scenarios/kani-kurgan-checkpoint.json"),
    ),
    (
        "naushki-closed.json",
        include_str!("../../geodata/scenarios/naushki-closed.json"),
    ),
    (
        "primorye-checkpoints-rebuilt.json",
        include_str!("../../geodata/scenarios/primorye-checkpoints-rebuilt.json"),
    ),
    (
        "rosgranstroy-priority.json",
        include_str!("../../geodata/scenarios/rosgranstroy-priority.json"),
    ),
    (
        "tashanta-reconstructed.json",
        include_str!("../../geodata/scenarios/tashanta-reconstructed.json"),
    ),
];

/// A field a change may set, with the check of its value.
#[derive(Debug, Clone, Copy)]
pub struct SettableField {
    /// Property name, as in the data files.
    pub name: &'static str,
    /// Only on border crossings (links of kind `crossing`).
    pub crossing_only: bool,
    /// Checks a value; `Err` says what is wrong.
    pub check: fn(&Value) -> Result<(), String>,
    /// One line for documentation.
    pub doc: &'static str,
}

fn check_status(v: &Value) -> Result<(), String> {
    match v.as_str() {
        Some(s) if Status::parse(s).is_some() => Ok(()),
        _ => Err(format!(
            "expected one of {}, got {}",
            Status::VALUES.join(", "),
            shown(v)
        )),
    }
}

fn check_capacity(v: &Value) -> Result<(), String> {
    if v.is_null() {
        return Ok(());
    }
    let Some(o) = v.as_object() else {
        return Err(format!(
            "expected {{\"value\": …, \"unit\": …}} or null, got {}",
            shown(v)
        ));
    };
    if let Some(k) = o.keys().find(|k| !matches!(k.as_str(), "value" | "unit")) {
        return Err(format!(
            "unknown member '{}' (expected value, unit)",
            truncate(k, 40)
        ));
    }
    match o.get("value").and_then(Value::as_f64) {
        Some(x) if x.is_finite() && x > 0.0 => {}
        _ => return Err("capacity.value must be a finite number > 0".into()),
    }
    match o.get("unit").and_then(Value::as_str) {
        Some(u) if CapacityUnit::parse(u).is_some() => Ok(()),
        _ => Err(format!(
            "capacity.unit must be one of {}",
            CapacityUnit::VALUES.join(", ")
        )),
    }
}

fn check_text(v: &Value) -> Result<(), String> {
    match v.as_str() {
        Some(s) if !s.trim().is_empty() => Ok(()),
        _ => Err(format!("expected a non-empty string, got {}", shown(v))),
    }
}

fn check_bool(v: &Value) -> Result<(), String> {
    if v.is_boolean() {
        Ok(())
    } else {
        Err(format!("expected true or false, got {}", shown(v)))
    }
}

fn check_positive(v: &Value) -> Result<(), String> {
    match v.as_f64() {
        Some(x) if x.is_finite() && x > 0.0 => Ok(()),
        _ => Err(format!("expected a finite number > 0, got {}", shown(v))),
    }
}

fn check_non_negative(v: &Value) -> Result<(), String> {
    match v.as_f64() {
        Some(x) if x.is_finite() && x >= 0.0 => Ok(()),
        _ => Err(format!("expected a finite number ≥ 0, got {}", shown(v))),
    }
}

/// The link fields a change may set.
pub const LINK_FIELDS: &[SettableField] = &[
    SettableField {
        name: "status",
        crossing_only: false,
        check: check_status,
        doc: "open, seasonal, planned, under_construction, closed or unverified",
    },
    SettableField {
        name: "capacity",
        crossing_only: false,
        check: check_capacity,
        doc: "{value > 0, unit: t/yr | trains/day | vehicles/day}, or null for none published",
    },
    SettableField {
        name: "capacity_basis",
        crossing_only: false,
        check: check_text,
        doc: "what the capacity figure is (design, throughput, estimate)",
    },
    SettableField {
        name: "capacity_note",
        crossing_only: false,
        check: check_text,
        doc: "how the capacity figure was found or derived",
    },
    SettableField {
        name: "speed_kmh",
        crossing_only: false,
        check: check_positive,
        doc: "commercial freight speed, km/h (> 0)",
    },
    SettableField {
        name: "oneway",
        crossing_only: false,
        check: check_bool,
        doc: "usable only from `from` to `to`",
    },
    SettableField {
        name: "dwell_h",
        crossing_only: true,
        check: check_non_negative,
        doc: "typical time at the border, hours (≥ 0)",
    },
    SettableField {
        name: "hours",
        crossing_only: true,
        check: check_text,
        doc: "opening hours as free text",
    },
    SettableField {
        name: "opening_hours",
        crossing_only: true,
        check: check_text,
        doc: "opening hours in OSM syntax (checked by the network validator when it knows them)",
    },
    SettableField {
        name: "veterinary",
        crossing_only: true,
        check: check_bool,
        doc: "veterinary/phytosanitary control available",
    },
];

/// The node fields a change may set.
pub const NODE_FIELDS: &[SettableField] = &[SettableField {
    name: "intermodal",
    crossing_only: false,
    check: check_bool,
    doc: "rail↔road transfer possible here",
}];

/// The name of an inline scenario that gives none.
pub const INLINE_NAME: &str = "inline";

/// Where a scenario document comes from: a file (every member required, `name` = the file's
/// stem) or a request (inline: only `changes` required).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    File,
    Inline,
}

/// Members a change may have besides its target.
const CHANGE_MEMBERS: &[&str] = &[
    "link", "node", "add_link", "add_node", "set", "source", "estimate", "note",
];
/// Members of a scenario file.
const SCENARIO_MEMBERS: &[&str] = &["name", "title", "description", "source", "changes"];

/// What one change is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Target {
    /// Edits the link with this id.
    Link(String),
    /// Edits the node with this id.
    Node(String),
    /// Adds a link with this id.
    AddLink(String),
    /// Adds a node with this id.
    AddNode(String),
}

impl Target {
    /// The id of the link or node changed or added.
    pub fn id(&self) -> &str {
        match self {
            Target::Link(s) | Target::Node(s) | Target::AddLink(s) | Target::AddNode(s) => s,
        }
    }

    /// Whether the change is about a link (edited or added).
    pub fn is_link(&self) -> bool {
        matches!(self, Target::Link(_) | Target::AddLink(_))
    }
}

/// One change of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// What it changes.
    pub target: Target,
    /// The fields set (edits only), each checked.
    pub set: Map<String, Value>,
    /// The added Feature (additions only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feature: Option<Value>,
    /// Where the change's figures come from.
    pub source: String,
    /// Whether the figures are an estimate (the derivation is in `note`).
    pub estimate: bool,
    /// Derivation or remark.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A checked scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    /// Slug, the file name without `.json`.
    pub name: String,
    /// One-line title.
    pub title: String,
    /// What it supposes and why.
    pub description: String,
    /// Where the scenario as a whole comes from.
    pub source: String,
    /// The changes, in file order.
    pub changes: Vec<Change>,
}

/// A scenario name that names no scenario.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no scenario '{name}'{}", did_you_mean(.suggestions))]
pub struct UnknownScenario {
    /// As given (truncated).
    pub name: String,
    /// Close scenario names.
    pub suggestions: Vec<String>,
}

impl UnknownScenario {
    /// The error for `name` among `known` names, with close names as suggestions.
    pub fn new<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> Self {
        Self {
            name: truncate(name, 64),
            suggestions: suggest(name, known.map(|n| (n, n))),
        }
    }
}

/// Which scenario a request asks for: a loaded one by name, or one given inline (a scenario
/// document as JSON, read with [`Scenario::parse_inline`]).
#[derive(Debug, Clone, PartialEq)]
pub enum ScenarioRef {
    /// A scenario loaded with the network (`GET /v1/scenarios`).
    Named(String),
    /// A scenario document given in the request.
    Inline(Value),
}

/// Why a request's scenario cannot be answered on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioError {
    /// No loaded scenario has the name.
    #[error(transparent)]
    Unknown(#[from] UnknownScenario),
    /// An inline scenario with problems, every one listed (`file` is the request member,
    /// `field` the path inside the document).
    #[error("the inline scenario has {} problem(s)", .0.len())]
    Invalid(Vec<Problem>),
}

fn did_you_mean(near: &[String]) -> String {
    if near.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", near.join(", "))
    }
}

fn shown(v: &Value) -> String {
    truncate(&v.to_string(), 60)
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Collects problems of one file.
struct Report<'a> {
    file: &'a str,
    problems: Vec<Problem>,
}

impl Report<'_> {
    fn push(&mut self, change: Option<usize>, id: Option<&str>, field: String, message: String) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            feature: change,
            id: id.map(str::to_string),
            field,
            message,
        });
    }
}

impl Scenario {
    /// Reads and checks a scenario file against `net`.
    ///
    /// # Arguments
    /// - `file`: the name reported in problems, `scenarios/NAME.json`; `NAME` must equal the
    ///   file's `name`;
    /// - `text`: the file's contents;
    /// - `net`: the network the scenario changes.
    ///
    /// # Errors
    /// Every problem found (see the module docs).
    pub fn parse(file: &str, text: &str, net: &Network) -> Result<Scenario, Vec<Problem>> {
        match serde_json::from_str::<Value>(text) {
            Ok(doc) => Self::parse_value(file, &doc, net, Origin::File),
            Err(e) => Err(vec![Problem {
                file: file.to_string(),
                feature: None,
                id: None,
                field: "(file)".into(),
                message: format!("not valid JSON: {e}"),
            }]),
        }
    }

    /// Reads and checks a scenario given inline (in a request body) against `net`: the same
    /// document as a scenario file, with the same checks of every change, except that
    /// `name` is optional (default [`INLINE_NAME`]; when given, a slug) and `title`,
    /// `description` and `source` are optional (each change still needs its own `source`).
    /// `changes` is required. Apply it with `Snapshot::overlay`.
    ///
    /// # Arguments
    /// - `file`: what problems call the document (e.g. `scenario`, the request member);
    /// - `doc`: the scenario object;
    /// - `net`: the network it changes.
    ///
    /// # Errors
    /// Every problem found, as [`Scenario::parse`]; `field` is the path inside `doc`
    /// (`changes[2].set.dwell_h`).
    pub fn parse_inline(file: &str, doc: &Value, net: &Network) -> Result<Scenario, Vec<Problem>> {
        Self::parse_value(file, doc, net, Origin::Inline)
    }

    fn parse_value(
        file: &str,
        doc: &Value,
        net: &Network,
        origin: Origin,
    ) -> Result<Scenario, Vec<Problem>> {
        let mut r = Report {
            file,
            problems: Vec::new(),
        };
        let Some(obj) = doc.as_object() else {
            let field = match origin {
                Origin::File => "(file)",
                Origin::Inline => "(scenario)",
            };
            r.push(None, None, field.into(), "expected a JSON object".into());
            return Err(r.problems);
        };
        for k in obj
            .keys()
            .filter(|k| !SCENARIO_MEMBERS.contains(&k.as_str()))
        {
            r.push(
                None,
                None,
                truncate(k, 60),
                format!("unknown member (expected {})", SCENARIO_MEMBERS.join(", ")),
            );
        }
        let text_member = |r: &mut Report<'_>, key: &str, default: Option<&str>| -> String {
            match (obj.get(key), default) {
                (None, Some(d)) => d.to_string(),
                (Some(Value::String(s)), _) if !s.trim().is_empty() => s.clone(),
                (Some(Value::String(_)), _) => {
                    r.push(None, None, key.into(), "must not be empty".into());
                    String::new()
                }
                (Some(_), Some(_)) => {
                    r.push(None, None, key.into(), "expected a string".into());
                    String::new()
                }
                (_, None) => {
                    r.push(None, None, key.into(), "required (a string)".into());
                    String::new()
                }
            }
        };
        let inline = origin == Origin::Inline;
        let optional = |d: &'static str| inline.then_some(d);
        let name = text_member(&mut r, "name", optional(INLINE_NAME));
        let title = text_member(&mut r, "title", optional("Inline scenario"));
        let description = text_member(&mut r, "description", optional("Given in the request."));
        let source = text_member(
            &mut r,
            "source",
            optional("the request (each change has its own source)"),
        );
        let stem = Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if !name.is_empty() {
            if !is_slug(&name) {
                r.push(
                    None,
                    None,
                    "name".into(),
                    "must be a slug: lower-case letters, digits and '-', at most 64".into(),
                );
            } else if !inline && name != stem {
                r.push(
                    None,
                    None,
                    "name".into(),
                    format!("'{name}' differs from the file name '{stem}.json'"),
                );
            }
        }
        let mut changes = Vec::new();
        match obj.get("changes") {
            Some(Value::Array(items)) => {
                let mut seen: HashMap<(bool, String), usize> = HashMap::new();
                for (i, item) in items.iter().enumerate() {
                    crate::cancel::checkpoint();
                    if let Some(c) = parse_change(&mut r, i, item, net, &mut seen) {
                        changes.push(c);
                    }
                }
            }
            Some(_) => r.push(
                None,
                None,
                "changes".into(),
                "expected an array of changes".into(),
            ),
            None => r.push(None, None, "changes".into(), "required (an array)".into()),
        }
        if r.problems.is_empty() {
            Ok(Scenario {
                name,
                title,
                description,
                source,
                changes,
            })
        } else {
            Err(r.problems)
        }
    }

    /// The network with this scenario's changes, checked as the network's own validator would
    /// check the changed files: a scenario can never produce a network the data files could
    /// not. Touched features carry a `scenario` property (name, source, estimate, note).
    ///
    /// Edits (`link` / `node` + `set`) take the typed path: each edited feature is read again
    /// by the files' reader from its changed properties and cross-checked with what it
    /// touches; the rest of the network is shared, not copied. A scenario that adds a link or
    /// node takes the full path ([`Scenario::apply_full`]).
    ///
    /// # Errors
    /// The validator's problems, each reported against the change that caused it (file
    /// `file`, `feature` = change index, `field` = `changes[i].FIELD`).
    ///
    /// # Complexity
    /// Edits only: O(links) pointer copies plus O(size of the edited features). With
    /// additions: O(network), as [`Scenario::apply_full`].
    pub fn apply(&self, file: &str, net: &Network) -> Result<Network, Vec<Problem>> {
        if self.adds() {
            return self.apply_full(file, net);
        }
        let mut edits = Edits::default();
        for c in &self.changes {
            match &c.target {
                Target::Link(id) => {
                    if let Some(ix) = net.link_ix(id) {
                        let link = &net.links()[ix];
                        let fields = self.changed_fields(c);
                        let capacity_only =
                            c.set.keys().all(|k| CAPACITY_FIELDS.contains(&k.as_str()));
                        if capacity_only {
                            // Only capacity fields change: only they are read again. The new
                            // text is the old one with the changed fields spliced in, and the
                            // fields read again are taken from the same pass over it.
                            let mut read: Vec<&str> = CAPACITY_FIELDS.to_vec();
                            read.push("id");
                            let (text, mut props) = link.properties.patched_select(&fields, &read);
                            set_fields(&mut props, c.set.clone());
                            edits.capacity.push((ix, props, text));
                        } else {
                            // Spliced too, unless the edit touches `length_km` (a derived
                            // length is written rounded, so only the reader knows what the
                            // text should say).
                            let text = (!c.set.contains_key("length_km"))
                                .then(|| link.properties.patched(&fields));
                            let mut props = link_properties(link);
                            set_fields(&mut props, fields);
                            edits.links.push((ix, props, text));
                        }
                    }
                }
                Target::Node(id) => {
                    if let Some(ix) = net.node_ix(id) {
                        let mut props = net.nodes()[ix].properties.to_map();
                        self.stamp(c, &mut props);
                        edits.nodes.push((ix, props));
                    }
                }
                Target::AddLink(_) | Target::AddNode(_) => {}
            }
        }
        super::revalidate(net, edits).map_err(|e| self.blame(file, e.problems()))
    }

    /// Whether the scenario adds a link or a node (and so changes the topology or geometry).
    pub fn adds(&self) -> bool {
        self.changes
            .iter()
            .any(|c| matches!(c.target, Target::AddLink(_) | Target::AddNode(_)))
    }

    /// Sets the change's fields in `props` (`null` removes one) and stamps it with the
    /// scenario.
    fn stamp(&self, c: &Change, props: &mut Map<String, Value>) {
        set_fields(props, self.changed_fields(c));
    }

    /// The fields change `c` writes into a feature's properties: its `set` (`null` for a
    /// removal) and the `scenario` stamp (name, source, estimate, note).
    fn changed_fields(&self, c: &Change) -> Map<String, Value> {
        let mut fields = c.set.clone();
        fields.insert(
            "scenario".into(),
            json!({
                "name": self.name,
                "source": c.source,
                "estimate": c.estimate,
                "note": c.note,
            }),
        );
        fields
    }

    /// The network with this scenario's changes, by the reference path: the whole network is
    /// written out as GeoJSON with the changes made and validated again by the files'
    /// validator. [`Scenario::apply`] takes it for additions; tests check that both paths
    /// give the same network.
    ///
    /// # Errors
    /// As [`Scenario::apply`].
    ///
    /// # Complexity
    /// O(network), milliseconds.
    pub fn apply_full(&self, file: &str, net: &Network) -> Result<Network, Vec<Problem>> {
        let mut nodes: Vec<Value> = net.nodes().iter().map(node_feature).collect();
        let mut links: Vec<Value> = net.links().iter().map(|l| link_feature(l)).collect();
        for c in &self.changes {
            let feature = match &c.target {
                Target::Link(id) => net.link_ix(id).map(|ix| &mut links[ix]),
                Target::Node(id) => net.node_ix(id).map(|ix| &mut nodes[ix]),
                Target::AddLink(_) => {
                    links.extend(c.feature.clone());
                    links.last_mut()
                }
                Target::AddNode(_) => {
                    nodes.extend(c.feature.clone());
                    nodes.last_mut()
                }
            };
            if let Some(props) = feature
                .and_then(|f| f.get_mut("properties"))
                .and_then(Value::as_object_mut)
            {
                self.stamp(c, props);
            }
        }
        let fc = |features: Vec<Value>| {
            json!({"type": "FeatureCollection", "features": features}).to_string()
        };
        super::load_from_strs(&fc(nodes), &fc(links)).map_err(|e| self.blame(file, e.problems()))
    }

    /// Problems of the changed network (files `nodes.geojson` / `links.geojson`) reported
    /// against the change that caused each: file `file`, `feature` the change index and
    /// `field` `changes[i].FIELD` (a problem of a feature no change names keeps its field).
    pub fn blame(&self, file: &str, problems: &[Problem]) -> Vec<Problem> {
        let origin: HashMap<(bool, &str), usize> = self
            .changes
            .iter()
            .enumerate()
            .map(|(i, c)| ((c.target.is_link(), c.target.id()), i))
            .collect();
        problems
            .iter()
            .map(|p| {
                let is_link = p.file == LINKS_FILE;
                let change =
                    p.id.as_deref()
                        .and_then(|id| origin.get(&(is_link, id)).copied());
                // The path in the scenario document the user wrote: an edit's fields are under
                // `set`, an addition's under `add_link.properties` (its geometry beside them).
                let field = match change {
                    Some(i) => {
                        let member = match &self.changes[i].target {
                            Target::Link(_) | Target::Node(_) => "set",
                            Target::AddLink(_) if p.field == "geometry" => "add_link",
                            Target::AddNode(_) if p.field == "geometry" => "add_node",
                            Target::AddLink(_) => "add_link.properties",
                            Target::AddNode(_) => "add_node.properties",
                        };
                        if p.field.starts_with('(') {
                            format!("changes[{i}]")
                        } else {
                            format!("changes[{i}].{member}.{}", p.field)
                        }
                    }
                    None => p.field.clone(),
                };
                // In the user's terms (the link or node), not the data files' feature numbers.
                let what = if is_link { "link" } else { "node" };
                let message = match &p.id {
                    Some(id) => format!(
                        "with this change the {what} '{id}' is invalid: {}",
                        p.message
                    ),
                    None => format!("with this scenario the network is invalid: {}", p.message),
                };
                Problem {
                    file: file.to_string(),
                    feature: change,
                    id: p.id.clone(),
                    field,
                    message,
                }
            })
            .collect()
    }

    /// Ids of the links the scenario edits or adds, in change order.
    pub fn link_ids(&self) -> impl Iterator<Item = &str> {
        self.changes
            .iter()
            .filter(|c| c.target.is_link())
            .map(|c| c.target.id())
    }

    /// Ids of the nodes the scenario edits or adds, in change order.
    pub fn node_ids(&self) -> impl Iterator<Item = &str> {
        self.changes
            .iter()
            .filter(|c| !c.target.is_link())
            .map(|c| c.target.id())
    }
}

fn parse_change(
    r: &mut Report<'_>,
    i: usize,
    item: &Value,
    net: &Network,
    seen: &mut HashMap<(bool, String), usize>,
) -> Option<Change> {
    let at = |field: &str| format!("changes[{i}].{field}");
    let Some(o) = item.as_object() else {
        r.push(
            Some(i),
            None,
            format!("changes[{i}]"),
            "expected an object".into(),
        );
        return None;
    };
    let before = r.problems.len();
    for k in o.keys().filter(|k| !CHANGE_MEMBERS.contains(&k.as_str())) {
        r.push(
            Some(i),
            None,
            at(&truncate(k, 40)),
            format!("unknown member (expected {})", CHANGE_MEMBERS.join(", ")),
        );
    }
    let targets: Vec<&str> = ["link", "node", "add_link", "add_node"]
        .into_iter()
        .filter(|k| o.contains_key(*k))
        .collect();
    if targets.len() != 1 {
        r.push(
            Some(i),
            None,
            format!("changes[{i}]"),
            "exactly one of link, node, add_link, add_node is required".into(),
        );
        return None;
    }
    // The id the change names, when it names one, for the problems of its other members.
    let named = match targets[0] {
        k @ ("link" | "node") => o[k].as_str(),
        k => o[k].pointer("/properties/id").and_then(Value::as_str),
    };
    let source = match o.get("source").and_then(Value::as_str) {
        Some(s) if !s.trim().is_empty() => s.to_string(),
        _ => {
            r.push(
                Some(i),
                named,
                at("source"),
                "required: where the change's figures come from".into(),
            );
            String::new()
        }
    };
    let estimate = match o.get("estimate") {
        Some(Value::Bool(b)) => *b,
        Some(v) => {
            r.push(
                Some(i),
                named,
                at("estimate"),
                format!("expected true or false, got {}", shown(v)),
            );
            false
        }
        None => {
            r.push(
                Some(i),
                named,
                at("estimate"),
                "required: true when the figures are an estimate".into(),
            );
            false
        }
    };
    let note = match o.get("note") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(v) => {
            r.push(
                Some(i),
                named,
                at("note"),
                format!("expected a string, got {}", shown(v)),
            );
            None
        }
    };
    if estimate && note.as_deref().is_none_or(|n| n.trim().is_empty()) {
        r.push(
            Some(i),
            None,
            at("note"),
            "an estimate says how it was derived: a non-empty note is required".into(),
        );
    }
    let (target, set, feature) = match targets[0] {
        kind @ ("link" | "node") => {
            let is_link = kind == "link";
            let Some(id) = o.get(kind).and_then(Value::as_str) else {
                r.push(Some(i), None, at(kind), "expected an id (a string)".into());
                return None;
            };
            let kind_ok = if is_link {
                net.link(id).map(|l| l.kind == LinkKind::Crossing)
            } else {
                net.node(id).map(|_| false)
            };
            let Some(is_crossing) = kind_ok else {
                let near = if is_link {
                    suggest(
                        id,
                        net.links()
                            .iter()
                            .map(|l| (l.id.0.as_str(), l.display_name())),
                    )
                } else {
                    suggest(
                        id,
                        net.nodes()
                            .iter()
                            .map(|n| (n.id.0.as_str(), n.name.as_str())),
                    )
                };
                let hint = if near.is_empty() {
                    String::new()
                } else {
                    format!(" (did you mean {}?)", near.join(", "))
                };
                r.push(
                    Some(i),
                    Some(id),
                    at(kind),
                    format!("no {kind} '{}' in the network{hint}", truncate(id, 60)),
                );
                return None;
            };
            let allowed = if is_link { LINK_FIELDS } else { NODE_FIELDS };
            let mut set = Map::new();
            match o.get("set") {
                Some(Value::Object(fields)) if !fields.is_empty() => {
                    for (k, v) in fields {
                        let field = at(&format!("set.{}", truncate(k, 40)));
                        match allowed.iter().find(|f| f.name == k) {
                            None => {
                                let names: Vec<&str> = allowed.iter().map(|f| f.name).collect();
                                r.push(
                                    Some(i),
                                    Some(id),
                                    field,
                                    format!(
                                        "unknown field for a {kind} (settable: {})",
                                        names.join(", ")
                                    ),
                                );
                            }
                            Some(f) if f.crossing_only && !is_crossing => r.push(
                                Some(i),
                                Some(id),
                                field,
                                "only border crossings (links of kind crossing) have this field"
                                    .into(),
                            ),
                            Some(f) => match (f.check)(v) {
                                Ok(()) => {
                                    set.insert(k.clone(), v.clone());
                                }
                                Err(m) => r.push(Some(i), Some(id), field, m),
                            },
                        }
                    }
                }
                _ => r.push(
                    Some(i),
                    Some(id),
                    at("set"),
                    "required: an object of the fields to set".into(),
                ),
            }
            let target = if is_link {
                Target::Link(id.to_string())
            } else {
                Target::Node(id.to_string())
            };
            (target, set, None)
        }
        kind => {
            let is_link = kind == "add_link";
            let f = &o[kind];
            if o.contains_key("set") {
                r.push(
                    Some(i),
                    None,
                    at("set"),
                    "an addition gives its fields in the Feature's properties, not in set".into(),
                );
            }
            let id = f
                .get("properties")
                .and_then(|p| p.get("id"))
                .and_then(Value::as_str);
            let Some(id) = id else {
                r.push(
                    Some(i),
                    None,
                    at(&format!("{kind}.properties.id")),
                    "expected a GeoJSON Feature with an id in its properties".into(),
                );
                return None;
            };
            let exists = if is_link {
                net.link(id).is_some()
            } else {
                net.node(id).is_some()
            };
            if exists {
                r.push(
                    Some(i),
                    Some(id),
                    at(&format!("{kind}.properties.id")),
                    format!(
                        "the network already has a {} '{id}' (edit it with \"{}\")",
                        if is_link { "link" } else { "node" },
                        if is_link { "link" } else { "node" }
                    ),
                );
            }
            let target = if is_link {
                Target::AddLink(id.to_string())
            } else {
                Target::AddNode(id.to_string())
            };
            (target, Map::new(), Some(f.clone()))
        }
    };
    let key = (target.is_link(), target.id().to_string());
    if let Some(first) = seen.get(&key) {
        r.push(
            Some(i),
            Some(target.id()),
            format!("changes[{i}]"),
            format!(
                "duplicate change: changes[{first}] already changes {} '{}'",
                if target.is_link() { "link" } else { "node" },
                target.id()
            ),
        );
    } else {
        seen.insert(key, i);
    }
    (r.problems.len() == before).then_some(Change {
        target,
        set,
        feature,
        source,
        estimate,
        note,
    })
}

fn node_feature(n: &super::Node) -> Value {
    json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [n.point.x(), n.point.y()]},
        "properties": n.properties.to_map(),
    })
}

/// A link's properties as its feature in the file has them.
/// Sets `fields` in `props`; a `null` removes the field.
fn set_fields(props: &mut Map<String, Value>, fields: Map<String, Value>) {
    for (k, v) in fields {
        if v.is_null() {
            props.remove(&k);
        } else {
            props.insert(k, v);
        }
    }
}

fn link_properties(l: &super::Link) -> Map<String, Value> {
    let mut props = l.properties.to_map();
    // A length the loader derived from the geometry is recorded rounded: leave it out so that
    // it is derived again, exactly, rather than read back rounded.
    if props.get("length_km").and_then(Value::as_f64) != Some(l.length_km) {
        props.remove("length_km");
    }
    props
}

fn link_feature(l: &super::Link) -> Value {
    let coords: Vec<[f64; 2]> = l.geometry.coords().map(|c| [c.x, c.y]).collect();
    json!({
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": link_properties(l),
    })
}

/// A scenario file as read: its name in problems (`scenarios/NAME.json`) and its text.
pub type ScenarioDocument = super::source::FolderDocument;

/// Reads the scenario files of a source: the embedded ones, or every `*.json` in the data
/// directory's `scenarios/` folder (none when it has no such folder), sorted by name.
///
/// # Errors
/// [`LoadError::Io`] naming a file or folder that cannot be read.
pub fn documents(source: &Source) -> Result<Vec<ScenarioDocument>, LoadError> {
    super::source::folder_documents(source, SCENARIOS_DIR, EMBEDDED_SCENARIOS)
}

/// Checks and applies every scenario file of `docs` to `net`.
///
/// # Returns
/// Each scenario with its changed network, in file order.
///
/// # Errors
/// [`LoadError::Invalid`] listing every problem of every file: one invalid scenario refuses
/// them all, as one invalid feature refuses the network.
pub fn load(
    docs: &[ScenarioDocument],
    net: &Network,
) -> Result<Vec<(Scenario, Network)>, LoadError> {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for d in docs {
        match Scenario::parse(&d.file, &d.text, net) {
            Ok(s) => match s.apply(&d.file, net) {
                Ok(n) => out.push((s, n)),
                Err(p) => problems.extend(p),
            },
            Err(p) => problems.extend(p),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(LoadError::Invalid(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::Properties;

    fn net() -> Network {
        Network::embedded().expect("embedded network")
    }

    fn problems(text: &str) -> Vec<Problem> {
        Scenario::parse("scenarios/t.json", text, &net()).unwrap_err()
    }

    fn file(changes: &str) -> String {
        format!(
            r#"{{"name":"t","title":"T","description":"d","source":"s","changes":[{changes}]}}"#
        )
    }

    /// The spliced text of an edited link is what writing the changed map would give, for
    /// every link of the network and edits that add, replace and remove fields (first, last
    /// and middle keys, escapes and non-ASCII text among them).
    #[test]
    fn patched_properties_are_the_changed_map_written() {
        let n = net();
        let edits: Vec<Map<String, Value>> = vec![
            json!({"capacity": {"value": 7, "unit": "trains/day"}, "scenario": {"name": "t"}}),
            json!({"status": "closed", "notes": null, "aaa": "first \"quoted\" \u{e9}"}),
            json!({"zzz": [1, 2.5, "Наушки"], "id": null, "source": "replaced"}),
            json!({"opening_hours": null, "timezone": "Asia/Ulaanbaatar"}),
            json!({}),
        ]
        .into_iter()
        .map(|v| v.as_object().cloned().expect("an object"))
        .collect();
        for link in n.links() {
            for changes in &edits {
                let mut map = link.properties.to_map();
                for (k, v) in changes {
                    if v.is_null() {
                        map.remove(k);
                    } else {
                        map.insert(k.clone(), v.clone());
                    }
                }
                let want = Properties::from_map(&map);
                let got = link.properties.patched(changes);
                assert_eq!(got.as_json(), want.as_json(), "link {}", link.id.0);
                // In one pass with a selection: the same text, and what `select` reads.
                let keys = ["capacity", "id", "timezone", "not-a-field"];
                let (text, picked) = link.properties.patched_select(changes, &keys);
                assert_eq!(text.as_json(), want.as_json(), "link {}", link.id.0);
                assert_eq!(picked, link.properties.select(&keys), "link {}", link.id.0);
            }
            let picked = link.properties.select(&["timezone", "id", "not-a-field"]);
            let mut want = Map::new();
            for k in ["id", "timezone"] {
                if let Some(v) = link.properties.get(k) {
                    want.insert(k.into(), v);
                }
            }
            assert_eq!(picked, want, "link {}", link.id.0);
        }
    }

    #[test]
    fn every_embedded_scenario_loads() {
        let docs = documents(&Source::Embedded).unwrap();
        let n = net();
        let loaded = load(&docs, &n).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(loaded.len(), EMBEDDED_SCENARIOS.len());
    }

    #[test]
    fn embedded_list_matches_the_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/scenarios");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".json"))
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = EMBEDDED_SCENARIOS
            .iter()
            .map(|(f, _)| f.to_string())
            .collect();
        assert_eq!(on_disk, embedded);
    }

    #[test]
    fn an_empty_scenario_gives_the_same_network() {
        let n = net();
        let s = Scenario::parse("scenarios/t.json", &file(""), &n).unwrap();
        let m = s.apply("scenarios/t.json", &n).unwrap();
        assert_eq!(m.links().len(), n.links().len());
        for (a, b) in n.links().iter().zip(m.links()) {
            assert_eq!(a.id, b.id);
            assert_eq!(a.properties, b.properties);
            assert_eq!(a.geometry, b.geometry);
            assert_eq!(a.length_km, b.length_km);
        }
        for (a, b) in n.nodes().iter().zip(m.nodes()) {
            assert_eq!(a.properties, b.properties);
            assert_eq!(a.point, b.point);
        }
    }

    #[test]
    fn a_set_field_reaches_the_model() {
        let n = net();
        let s = Scenario::parse(
            "scenarios/t.json",
            &file(
                r#"{"link":"xr-naushki-sukhbaatar","set":{"status":"closed","dwell_h":30},"source":"x","estimate":false}"#,
            ),
            &n,
        )
        .unwrap();
        let m = s.apply("scenarios/t.json", &n).unwrap();
        let l = m.link("xr-naushki-sukhbaatar").unwrap();
        assert_eq!(l.status, Status::Closed);
        assert_eq!(l.crossing.as_ref().unwrap().dwell_h, 30.0);
        assert_eq!(l.properties.get("scenario").unwrap()["name"], "t");
    }

    #[test]
    fn unknown_id_is_named_with_suggestions() {
        let p = problems(&file(
            r#"{"link":"xr-naushki-sukhbatar","set":{"status":"closed"},"source":"x","estimate":false}"#,
        ));
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].file, "scenarios/t.json");
        assert_eq!(p[0].feature, Some(0));
        assert_eq!(p[0].id.as_deref(), Some("xr-naushki-sukhbatar"));
        assert_eq!(p[0].field, "changes[0].link");
        assert!(
            p[0].message.contains("xr-naushki-sukhbaatar"),
            "{}",
            p[0].message
        );
    }

    #[test]
    fn a_duplicate_change_is_named() {
        let p = problems(&file(
            r#"{"link":"xr-naushki-sukhbaatar","set":{"status":"closed"},"source":"x","estimate":false},
               {"link":"xr-naushki-sukhbaatar","set":{"dwell_h":12},"source":"x","estimate":false}"#,
        ));
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].feature, Some(1));
        assert_eq!(p[0].field, "changes[1]");
        assert_eq!(
            p[0].message,
            "duplicate change: changes[0] already changes link 'xr-naushki-sukhbaatar'"
        );
    }

    #[test]
    fn a_bad_value_is_named() {
        let p = problems(&file(
            r#"{"link":"xr-naushki-sukhbaatar","set":{"capacity":{"value":0,"unit":"t/yr"},"status":"shut"},"source":"x","estimate":false}"#,
        ));
        let got: Vec<(&str, &str)> = p
            .iter()
            .map(|p| (p.field.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "changes[0].set.capacity",
                    "capacity.value must be a finite number > 0"
                ),
                (
                    "changes[0].set.status",
                    "expected one of open, seasonal, planned, under_construction, closed, unverified, got \"shut\""
                ),
            ]
        );
    }

    #[test]
    fn an_added_link_is_validated_by_the_network_validator() {
        let n = net();
        let text = file(
            r#"{"add_link":{"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]},
                 "properties":{"id":"rail-new","from":"ru-naushki","to":"no-such-node","mode":"rail","kind":"line",
                 "gauge_mm":1520,"speed_kmh":50,"status":"planned","source":"s"}},"source":"x","estimate":false}"#,
        );
        let s = Scenario::parse("scenarios/t.json", &text, &n).unwrap();
        let p = s.apply("scenarios/t.json", &n).unwrap_err();
        assert!(!p.is_empty());
        assert!(
            p.iter()
                .all(|p| p.feature == Some(0) && p.id.as_deref() == Some("rail-new")),
            "{p:#?}"
        );
        assert!(
            p.iter()
                .any(|p| p.field == "changes[0].add_link.properties.to"),
            "{p:#?}"
        );
    }

    #[test]
    fn every_problem_is_listed() {
        let p = problems(&file(
            r#"{"link":"xr-naushki-sukhbaatar","set":{"colour":"red","dwell_h":-1},"source":"x","estimate":false},
               {"node":"ru-naushki","set":{"intermodal":"yes"},"source":"","estimate":true},
               {"link":"rail-tavan-tolgoi-gashuunsukhait","set":{"dwell_h":3},"source":"x","estimate":false}"#,
        ));
        let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "changes[0].set.colour",
                "changes[0].set.dwell_h",
                "changes[1].source",
                "changes[1].note",
                "changes[1].set.intermodal",
                "changes[2].set.dwell_h",
            ],
            "{p:#?}"
        );
    }
}
