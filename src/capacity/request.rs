//! What a capacity question asks, and its checking against a network.
//!
//! [`CapacityRequest`] is `GET /v1/capacity`'s request model as typed raw values: the query
//! string (read by the http layer's capacity handler) and the command line (`corridor capacity`, whose
//! clap flags are these fields) both build one and call [`CapacityRequest::check`], so the two
//! doors agree on what every parameter means and how it is refused. The checks used by both
//! capacity endpoints live here too: places (node ids, country codes), the shared
//! [`Constraints`], capacity overrides and conversion constants; `POST /v1/assign`'s body
//! ([`super::assign::AssignRequest`]) is checked with the same functions.

use std::collections::{BTreeMap, HashSet};

pub use crate::cost::ConstraintInput;
use crate::cost::Constraints;
use crate::fields::{PARAMETER_SIMILARITY, SUGGESTION_SIMILARITY, closest, suggest_with, truncate};
use crate::index::places::{self, PlaceIndex, Resolution};
use crate::network::{CapacityConversion, Network};

use super::CapacityError;
use super::maxflow::CapacityQuery;

/// Largest capacity accepted in an override, t/yr (a thousand times the busiest line on
/// Earth): keeps every sum of capacities finite.
pub const MAX_CAPACITY_TPY: f64 = 1e12;
/// Accepted range of `tonnes_per_train`, t.
pub const TONNES_PER_TRAIN_RANGE: (f64, f64) = (1.0, 20_000.0);
/// Accepted range of `tonnes_per_vehicle`, t.
pub const TONNES_PER_VEHICLE_RANGE: (f64, f64) = (0.1, 100.0);
/// Accepted range of `operating_days`, days a year.
pub const OPERATING_DAYS_RANGE: (f64, f64) = (1.0, 366.0);
/// Most issues reported at once; the rest are counted.
pub const MAX_ISSUES: usize = 50;

/// One wrong input, named by its field (`close`, `demands[3].tonnes_per_year`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Issue {
    /// The parameter or body field.
    pub field: String,
    /// What is wrong with it.
    pub detail: String,
}

impl Issue {
    /// An issue about `field`.
    pub fn new(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            detail: detail.into(),
        }
    }
}

/// Scenario overrides of capacities and the conversion constants.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    /// Capacity per link index, t/yr, replacing the data's (0 allowed: the link carries
    /// nothing).
    pub capacity_tpy: BTreeMap<usize, f64>,
    /// Constants turning trains and vehicles a day into tonnes a year.
    pub conversion: CapacityConversion,
}

/// Unchecked conversion overrides, as the query string, a body or the command line give
/// them (the command line flattens these into its flags).
#[derive(Debug, Clone, Copy, Default, PartialEq, clap::Args)]
pub struct ConversionInput {
    /// Net tonnes per train (default 3000).
    #[arg(long)]
    pub tonnes_per_train: Option<f64>,
    /// Net tonnes per road vehicle (default 20).
    #[arg(long)]
    pub tonnes_per_vehicle: Option<f64>,
    /// Operating days a year (default 365).
    #[arg(long)]
    pub operating_days: Option<f64>,
}

/// A resolved set of places: what was asked for and the nodes it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceSet {
    /// The items as asked (country codes upper-cased), in order.
    pub labels: Vec<String>,
    /// Node indices, deduplicated, in order of first appearance.
    pub nodes: Vec<usize>,
}

/// The raw inputs of a max-flow question (`GET /v1/capacity`, `corridor capacity`), before
/// they are checked against a network. `Default` asks nothing: no places, default
/// constraints and conversion, no overrides.
#[derive(Debug, Clone, Default)]
pub struct CapacityRequest {
    /// Sources: node ids or country codes (any case), at least one.
    pub from: Vec<String>,
    /// Sinks, as `from`; must not overlap it.
    pub to: Vec<String>,
    /// Mode, status, cargo and avoid lists, shared with routing.
    pub constraints: ConstraintInput,
    /// Capacity overrides, `link_id:tonnes_per_year` items.
    pub set_capacity: Vec<String>,
    /// Conversion constants overriding the data's.
    pub conversion: ConversionInput,
    /// Whether the flow may pass through third countries.
    pub transit: super::maxflow::Transit,
}

impl CapacityRequest {
    /// Checks the request against `net` (conversion defaults from `base`) into the question
    /// [`super::max_flow`] answers. Fields are named as the query string names them (`from`,
    /// `set_capacity`); the command line renames them with [`CapacityError::map_fields`].
    ///
    /// # Errors
    /// [`CapacityError::Invalid`] listing every malformed constraint, override or conversion
    /// constant; then, once those are clean, [`CapacityError::UnknownPlace`],
    /// [`CapacityError::NoPlaces`] or [`CapacityError::SameSourceSink`] for the places.
    pub fn check(
        &self,
        net: &Network,
        base: CapacityConversion,
    ) -> Result<CapacityQuery, CapacityError> {
        let mut issues = Vec::new();
        let constraints = build_constraints(net, &self.constraints, "", &mut issues);
        let capacity_tpy = parse_set_capacity(net, "set_capacity", &self.set_capacity, &mut issues);
        let conversion = conversion(base, self.conversion, "", &mut issues);
        if !issues.is_empty() {
            return Err(CapacityError::Invalid(issues));
        }
        let from = resolve_places(net, "from", &self.from, &constraints)?;
        let to = resolve_places(net, "to", &self.to, &constraints)?;
        check_disjoint(net, &from, &to, "to")?;
        Ok(CapacityQuery {
            from,
            to,
            constraints,
            overrides: Overrides {
                capacity_tpy,
                conversion,
            },
            transit: self.transit,
        })
    }
}

/// Checks the link ids and country codes of `input` against `net` and builds the
/// [`Constraints`] routing and capacity share. Problems are appended to `issues`, each naming
/// its field; unknown ids are dropped from the result.
pub fn build_constraints(
    net: &Network,
    input: &ConstraintInput,
    field_prefix: &str,
    issues: &mut Vec<Issue>,
) -> Constraints {
    match Constraints::resolve(net, input, field_prefix) {
        Ok(c) => c,
        Err(found) => {
            issues.extend(found.into_iter().map(|i| Issue::new(i.field, i.detail)));
            Constraints::default()
        }
    }
}

/// Parses `link_id:value` items (t/yr) into capacity overrides.
pub fn parse_set_capacity(
    net: &Network,
    field: &str,
    items: &[String],
    issues: &mut Vec<Issue>,
) -> BTreeMap<usize, f64> {
    let mut out = BTreeMap::new();
    for item in items {
        let Some((id, value)) = item.rsplit_once(':') else {
            issues.push(Issue::new(
                field,
                format!(
                    "'{}' is not link_id:tonnes_per_year, e.g. xr-naushki-sukhbaatar:5000000",
                    shown(item)
                ),
            ));
            continue;
        };
        let value = value.trim();
        match value.parse::<f64>() {
            Ok(v) => set_capacity(net, field, id, v, &mut out, issues),
            Err(_) => {
                // An unknown link is named before a bad number, as for any item.
                let id = id.trim();
                if net.link_ix(id).is_none() {
                    issues.push(unknown_link(net, field, id));
                } else {
                    issues.push(Issue::new(
                        field,
                        format!("{id}: '{}' is not a number", shown(value)),
                    ));
                }
            }
        }
    }
    out
}

/// Adds one capacity override, `id` → `value_tpy`, to `out`, or records why it is refused
/// (unknown link, capacity out of range, link given twice).
pub fn set_capacity(
    net: &Network,
    field: &str,
    id: &str,
    value_tpy: f64,
    out: &mut BTreeMap<usize, f64>,
    issues: &mut Vec<Issue>,
) {
    let id = id.trim();
    let Some(ix) = net.link_ix(id) else {
        issues.push(unknown_link(net, field, id));
        return;
    };
    if let Some(detail) = check_capacity(value_tpy) {
        issues.push(Issue::new(field, format!("{id}: {detail}")));
    } else if out.insert(ix, value_tpy).is_some() {
        issues.push(Issue::new(field, format!("{id}: given more than once")));
    }
}

/// Why a capacity override is refused, if it is.
pub fn check_capacity(v: f64) -> Option<String> {
    if !v.is_finite() {
        Some("capacity must be a finite number of t/yr".into())
    } else if v < 0.0 {
        Some(format!("capacity {v} is negative"))
    } else if v > MAX_CAPACITY_TPY {
        Some(format!("capacity {v} exceeds {MAX_CAPACITY_TPY:e} t/yr"))
    } else {
        None
    }
}

/// The conversion constants: `base` with the overrides of `input`, each checked against its
/// range.
pub fn conversion(
    base: CapacityConversion,
    input: ConversionInput,
    field_prefix: &str,
    issues: &mut Vec<Issue>,
) -> CapacityConversion {
    let mut conv = base;
    let mut take = |name: &str, v: Option<f64>, (lo, hi): (f64, f64), slot: &mut f64| {
        if let Some(v) = v {
            if v.is_finite() && (lo..=hi).contains(&v) {
                *slot = v;
            } else {
                issues.push(Issue::new(
                    format!("{field_prefix}{name}"),
                    format!("{v} is out of range [{lo}, {hi}]"),
                ));
            }
        }
    };
    take(
        "tonnes_per_train",
        input.tonnes_per_train,
        TONNES_PER_TRAIN_RANGE,
        &mut conv.tonnes_per_train,
    );
    take(
        "tonnes_per_vehicle",
        input.tonnes_per_vehicle,
        TONNES_PER_VEHICLE_RANGE,
        &mut conv.tonnes_per_vehicle,
    );
    take(
        "operating_days",
        input.operating_days,
        OPERATING_DAYS_RANGE,
        &mut conv.operating_days_per_year,
    );
    conv
}

/// Whether a node can be a source or sink under `c`: not in an avoided country and serving a
/// mode the request allows.
pub fn eligible(net: &Network, node_ix: usize, c: &Constraints) -> bool {
    let n = &net.nodes()[node_ix];
    c.allows_node(n) && n.modes.iter().any(|&m| c.mode.allows(m))
}

/// Resolves node ids, country codes (any case) and place names (through the place resolver,
/// [`crate::index::places`]: folded names, local and alternative names, prefixes; a name is
/// labelled by the id it resolves to) to the eligible nodes they stand for.
///
/// # Errors
/// [`CapacityError::UnknownPlace`] when an item names neither a node nor a country of the
/// network, or is an ambiguous name (every candidate listed); [`CapacityError::NoPlaces`] when an item stands for no eligible node (a road-only
/// node under `mode=rail`, a country without rail, an avoided country) or the list is empty.
pub fn resolve_places(
    net: &Network,
    field: &str,
    items: &[String],
    c: &Constraints,
) -> Result<PlaceSet, CapacityError> {
    if items.is_empty() {
        return Err(CapacityError::NoPlaces {
            field: field.into(),
            detail: "no place given".into(),
        });
    }
    let countries = net.countries();
    let mut labels = Vec::with_capacity(items.len());
    let mut nodes = Vec::new();
    let mut seen = HashSet::new();
    let mut unknown = Vec::new();
    let mut ambiguous = Vec::new();
    // The name index is built only when an item is neither an id nor a country code (a
    // request of ids and codes does no extra work); see `crate::index::places`.
    let mut names: Option<PlaceIndex> = None;
    for item in items {
        let item = item.trim();
        let up = item.to_ascii_uppercase();
        let by_name =
            if net.node_ix(item).is_none() && !(item.len() == 2 && countries.contains(&up)) {
                let index = names.get_or_insert_with(|| PlaceIndex::build(net));
                match index.resolve(net, item, |ix| eligible(net, ix, c)) {
                    Resolution::Found(m) => Some(net.nodes()[m.node_ix].id.0.as_str()),
                    Resolution::Ambiguous(found) => {
                        ambiguous.push((item.to_string(), found));
                        continue;
                    }
                    Resolution::Unknown(_) => {
                        unknown.push(item.to_string());
                        continue;
                    }
                }
            } else {
                None
            };
        let item = by_name.unwrap_or(item);
        if let Some(ix) = net.node_ix(item) {
            if !eligible(net, ix, c) {
                let n = &net.nodes()[ix];
                let why = if c.allows_node(n) {
                    format!("serves no {} link", c.mode.as_str())
                } else {
                    format!("is in an avoided country ({})", n.country)
                };
                return Err(CapacityError::NoPlaces {
                    field: field.into(),
                    detail: format!("node '{item}' {why}"),
                });
            }
            labels.push(item.to_string());
            if seen.insert(ix) {
                nodes.push(ix);
            }
            continue;
        }
        if item.len() == 2 && countries.contains(&up) {
            let mut any = false;
            for (ix, n) in net.nodes().iter().enumerate() {
                if n.country == up && eligible(net, ix, c) {
                    any = true;
                    if seen.insert(ix) {
                        nodes.push(ix);
                    }
                }
            }
            if !any {
                let detail = if c.avoid_countries.contains(&up) {
                    format!("country {up} is avoided (avoid_countries)")
                } else {
                    format!("country {up} has no node serving {}", c.mode.as_str())
                };
                return Err(CapacityError::NoPlaces {
                    field: field.into(),
                    detail,
                });
            }
            labels.push(up);
            continue;
        }
        unknown.push(item.to_string());
    }
    if let Some((q, found)) = ambiguous.first() {
        let q = shown(q);
        return Err(CapacityError::UnknownPlace {
            field: field.into(),
            detail: format!(
                "'{q}' is ambiguous: it could be {}; give a node id",
                places::describe(net, found)
            ),
            suggestions: found
                .iter()
                .map(|m| net.nodes()[m.node_ix].id.0.clone())
                .collect(),
        });
    }
    if let Some(first) = unknown.first() {
        let names = unknown
            .iter()
            .map(|u| format!("'{}'", shown(u)))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(CapacityError::UnknownPlace {
            field: field.into(),
            detail: format!("{names}: no node id or country code of the network"),
            suggestions: suggest_places(net, first),
        });
    }
    Ok(PlaceSet { labels, nodes })
}

/// Refuses overlapping source and sink sets, naming `to_field`.
pub fn check_disjoint(
    net: &Network,
    from: &PlaceSet,
    to: &PlaceSet,
    to_field: &str,
) -> Result<(), CapacityError> {
    let sources: HashSet<usize> = from.nodes.iter().copied().collect();
    let both: Vec<&str> = to
        .nodes
        .iter()
        .filter(|ix| sources.contains(ix))
        .map(|&ix| net.nodes()[ix].id.0.as_str())
        .take(5)
        .collect();
    if both.is_empty() {
        Ok(())
    } else {
        Err(CapacityError::SameSourceSink {
            field: to_field.into(),
            detail: format!(
                "source and sink overlap: {} would be both (from and to must differ)",
                both.join(", ")
            ),
        })
    }
}

/// Up to five node ids or country codes close to `name` ([`crate::fields::suggest_with`]).
pub fn suggest_places(net: &Network, name: &str) -> Vec<String> {
    let ids: Vec<String> = net
        .nodes()
        .iter()
        .map(|n| n.id.0.clone())
        .chain(net.countries().iter().cloned())
        .collect();
    suggest_with(
        name,
        ids.iter().map(|id| (id.as_str(), id.as_str())),
        SUGGESTION_SIMILARITY,
        true,
    )
}

fn unknown_link(net: &Network, field: &str, id: &str) -> Issue {
    let ids: Vec<&str> = net.links().iter().map(|l| l.id.0.as_str()).collect();
    let hint = closest(id, &ids, PARAMETER_SIMILARITY)
        .map(|l| format!(" (did you mean '{l}'?)"))
        .unwrap_or_default();
    Issue::new(field, format!("'{}' names no link{hint}", shown(id)))
}

/// Characters of client input echoed in capacity messages.
pub const SHOWN_CHARS: usize = 60;

/// At most [`SHOWN_CHARS`] characters of client input, for messages.
pub fn shown(s: &str) -> String {
    truncate(s, SHOWN_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net() -> Network {
        crate::network::Network::embedded().unwrap()
    }

    #[test]
    fn country_codes_are_case_insensitive() {
        let net = net();
        let p = resolve_places(&net, "from", &["ru".into()], &Constraints::default()).unwrap();
        assert_eq!(p.labels, vec!["RU"]);
        assert!(!p.nodes.is_empty());
    }

    #[test]
    fn unknown_place_is_suggested() {
        let net = net();
        let err = resolve_places(
            &net,
            "from",
            &["ru-naushky".into()],
            &Constraints::default(),
        )
        .unwrap_err();
        match err {
            CapacityError::UnknownPlace { suggestions, .. } => {
                assert_eq!(suggestions.first().map(String::as_str), Some("ru-naushki"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn request_names_every_bad_input_before_resolving_places() {
        let net = net();
        let bad = CapacityRequest {
            from: vec!["nowhere".into()],
            to: vec!["CN".into()],
            set_capacity: vec!["nope:5".into()],
            conversion: ConversionInput {
                operating_days: Some(0.0),
                ..Default::default()
            },
            ..Default::default()
        };
        match bad.check(&net, CapacityConversion::default()) {
            Err(CapacityError::Invalid(issues)) => {
                let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
                assert_eq!(fields, ["set_capacity", "operating_days"]);
            }
            other => panic!("{other:?}"),
        }
        let unknown = CapacityRequest {
            set_capacity: Vec::new(),
            conversion: ConversionInput::default(),
            ..bad
        };
        assert!(matches!(
            unknown.check(&net, CapacityConversion::default()),
            Err(CapacityError::UnknownPlace { ref field, .. }) if field == "from"
        ));
        let q = CapacityRequest {
            from: vec!["RU".into()],
            to: vec!["CN".into()],
            ..Default::default()
        }
        .check(&net, CapacityConversion::default())
        .unwrap();
        assert_eq!(q.from.labels, ["RU"]);
        assert!(!q.to.nodes.is_empty());
    }

    #[test]
    fn set_capacity_refuses_negative_and_unknown() {
        let net = net();
        let mut issues = Vec::new();
        let out = parse_set_capacity(
            &net,
            "set_capacity",
            &[
                "xr-naushki-sukhbaatar:-1".into(),
                "nope:5".into(),
                "xr-naushki-sukhbaatar".into(),
            ],
            &mut issues,
        );
        assert!(out.is_empty());
        assert_eq!(issues.len(), 3);
        assert!(issues.iter().all(|i| i.field == "set_capacity"));
    }
}
