//! The body of `POST /v1/assign` as sent ([`AssignRequest`], deserialised with serde by the
//! HTTP layer and the command line) and its checking against a network into an
//! [`AssignQuery`].
//!
//! The body types refuse unknown fields (`#[serde(deny_unknown_fields)]`), but a client
//! mistake must not stop at the first one: every field is read through [`Loose`], which keeps
//! a value of the wrong type as sent, so that [`AssignRequest::check`] names every bad field
//! at once (`demands[3].tonnes_per_year`, `demands[6].colour`, `close`), with the same checks
//! as `GET /v1/capacity` ([`crate::capacity::request`]).

use std::collections::BTreeMap;

use serde::de::{DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;
use utoipa::ToSchema;

use crate::cost::{Cargo, Constraints, ModeFilter};
use crate::network::{CapacityConversion, Network};

use super::super::CapacityError;
use super::super::request::{
    ConstraintInput, ConversionInput, Issue, MAX_ISSUES, Overrides, PlaceSet, build_constraints,
    check_disjoint, conversion, parse_set_capacity, resolve_places, set_capacity, shown,
};
use super::solve::with_mode;

/// Most demands in one request.
pub const MAX_DEMANDS: usize = 10_000;
/// Largest demand, t/yr.
pub const MAX_DEMAND_TPY: f64 = 1e12;
/// Most items in one list field (`avoid_links`, `from`, …): the one list limit of every
/// endpoint and the command line.
pub const MAX_LIST_ITEMS: usize = crate::fields::MAX_LIST_LEN;

/// A field as sent: the typed value when it has the documented type, else the JSON value
/// itself, kept so that the check can say what is wrong with it. Deserialising a `Loose`
/// never fails on a well-formed JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Loose<T> {
    /// A value of the documented type.
    Valid(T),
    /// Any other JSON value.
    Invalid(Value),
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Loose<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        Ok(match T::deserialize(&v) {
            Ok(t) => Loose::Valid(t),
            Err(_) => Loose::Invalid(v),
        })
    }
}

impl<T: Serialize> Serialize for Loose<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Loose::Valid(t) => t.serialize(s),
            Loose::Invalid(v) => v.serialize(s),
        }
    }
}

impl<T> From<T> for Loose<T> {
    fn from(t: T) -> Self {
        Loose::Valid(t)
    }
}

// A list of strings, as an array or one string of comma-separated items; used for places
// and for the avoid lists. (The doc comment below is the OpenAPI description of places.)
/// Places: one node id or country code, a comma list, or an array of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
#[schema(as = PlacesBody)]
pub enum StrList {
    /// `"RU"`, `"mn-tavan-tolgoi"` or `"RU,KZ"`.
    One(String),
    /// `["RU", "KZ"]`.
    Many(Vec<String>),
}

/// Capacity overrides: an object `{link_id: t/yr}`, or `link_id:t_per_year` items as a
/// [`StrList`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SetCapacity {
    /// `{"xr-naushki-sukhbaatar": 5000000}`.
    Map(BTreeMap<String, Loose<f64>>),
    /// `"xr-naushki-sukhbaatar:5000000"` or an array of such items.
    List(StrList),
}

/// One demand of `POST /v1/assign`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = DemandBody)]
pub struct DemandRequest {
    /// Origins.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = StrList, required = true)]
    pub from: Option<Loose<StrList>>,
    /// Destinations (disjoint from `from`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = StrList, required = true)]
    pub to: Option<Loose<StrList>>,
    /// Tonnes a year, > 0 and at most 1e12.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = f64, required = true)]
    pub tonnes_per_year: Option<Loose<f64>>,
    /// rail, road or any (default: the request's `mode`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub mode: Option<Loose<String>>,
    /// general, container, bulk or livestock (default: the request's `cargo`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub cargo: Option<Loose<String>>,
}

/// Body of `POST /v1/assign` (at most 1 MiB and 10,000 demands). Unknown fields are refused.
// The 1 MiB cap is the HTTP layer's (the http layer's `MAX_BODY_BYTES`); the demand
// count is this module's [`MAX_DEMANDS`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = AssignBody)]
pub struct AssignRequest {
    /// Demands, assigned in this order (earlier ones have priority).
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Vec<DemandRequest>, required = true)]
    pub demands: Option<Loose<Vec<Loose<DemandRequest>>>>,
    /// Default mode of the demands (default any).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub mode: Option<Loose<String>>,
    /// Default cargo of the demands (default general).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub cargo: Option<Loose<String>>,
    /// Also use planned links (default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<bool>)]
    pub include_planned: Option<Loose<bool>>,
    /// Also use unverified links, independently of `include_planned` (default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<bool>)]
    pub include_unverified: Option<Loose<bool>>,
    /// Country codes not to enter.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<String>>)]
    pub avoid_countries: Option<Loose<StrList>>,
    /// Crossing link ids not to use.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<String>>)]
    pub avoid_crossings: Option<Loose<StrList>>,
    /// Link ids not to use.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<String>>)]
    pub avoid_links: Option<Loose<StrList>>,
    // `close` is kept as an alias of `avoid_links` (same meaning, both accepted).
    /// Link ids treated as closed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<String>>)]
    pub close: Option<Loose<StrList>>,
    /// Capacity overrides, link id → t/yr (>= 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<BTreeMap<String, f64>>)]
    pub set_capacity: Option<Loose<SetCapacity>>,
    /// Net tonnes per train (default 3000).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<f64>)]
    pub tonnes_per_train: Option<Loose<f64>>,
    /// Net tonnes per road vehicle (default 20).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<f64>)]
    pub tonnes_per_vehicle: Option<Loose<f64>>,
    /// Operating days a year (default 365).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<f64>)]
    pub operating_days: Option<Loose<f64>>,
    /// Scenario to assign on (`GET /v1/scenarios`); default the network as it is. Taken by
    /// the caller, which picks the scenario's snapshot before checking the rest.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub scenario: Option<Loose<String>>,
    /// A demand set (`GET /v1/demand`) in place of `demands`; expanded by
    /// [`crate::capacity::demand::expand`].
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub demand: Option<Loose<String>>,
}

/// `demands: null` is present (and wrong), unlike a missing `demands`.
fn present<'de, D, T>(d: D) -> Result<Option<Loose<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    Loose::deserialize(d).map(Some)
}

/// One checked demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    /// Origins.
    pub from: PlaceSet,
    /// Destinations (disjoint from `from`).
    pub to: PlaceSet,
    /// Tonnes a year to move, > 0.
    pub tonnes_per_year: f64,
    /// Modes this demand may use (default: the request's).
    pub mode: ModeFilter,
    /// Cargo kind (default: the request's).
    pub cargo: Cargo,
}

/// A checked assignment question, what [`super::assign`] answers.
#[derive(Debug, Clone)]
pub struct AssignQuery {
    /// Demands, in priority order.
    pub demands: Vec<Demand>,
    /// Constraints shared by every demand (each demand's `mode` and `cargo` replace these).
    pub constraints: Constraints,
    /// Capacity overrides and conversion constants.
    pub overrides: Overrides,
}

impl AssignRequest {
    /// Checks a body (as deserialised, possibly not even an object) against `net`, with the
    /// conversion constants defaulting to `base`.
    ///
    /// # Errors
    /// [`CapacityError::TooManyDemands`] over [`MAX_DEMANDS`]; otherwise
    /// [`CapacityError::Invalid`] listing every problem, each named by its field
    /// (`demands[3].tonnes_per_year`, `close`, `extra`), including unknown fields, unknown
    /// places and demands whose origin and destination overlap.
    pub fn check(
        body: Loose<Self>,
        net: &Network,
        base: CapacityConversion,
    ) -> Result<AssignQuery, CapacityError> {
        let mut issues = Vec::new();
        let Some(req) = strict(body, "", &mut issues) else {
            return Err(CapacityError::Invalid(vec![Issue::new(
                "body",
                "must be a JSON object {\"demands\": [...]}",
            )]));
        };
        req.check_fields(net, base, issues)
    }

    fn check_fields(
        self,
        net: &Network,
        base: CapacityConversion,
        mut issues: Vec<Issue>,
    ) -> Result<AssignQuery, CapacityError> {
        let demands_v = match self.demands {
            Some(Loose::Valid(a)) if a.is_empty() => {
                issues.push(Issue::new("demands", "must list at least one demand"));
                Vec::new()
            }
            Some(Loose::Valid(a)) if a.len() > MAX_DEMANDS => {
                return Err(CapacityError::TooManyDemands {
                    count: a.len(),
                    max: MAX_DEMANDS,
                });
            }
            Some(Loose::Valid(a)) => a,
            Some(Loose::Invalid(_)) => {
                issues.push(Issue::new("demands", "must be an array of demands"));
                Vec::new()
            }
            None => {
                issues.push(Issue::new("demands", "required"));
                Vec::new()
            }
        };
        let input = ConstraintInput {
            mode: enumerated(
                self.mode.as_ref(),
                "mode",
                ModeFilter::parse,
                ModeFilter::VALUES,
                &mut issues,
            )
            .unwrap_or_default(),
            include_planned: boolean(
                self.include_planned.as_ref(),
                "include_planned",
                &mut issues,
            )
            .unwrap_or(false),
            include_unverified: boolean(
                self.include_unverified.as_ref(),
                "include_unverified",
                &mut issues,
            )
            .unwrap_or(false),
            cargo: enumerated(
                self.cargo.as_ref(),
                "cargo",
                Cargo::parse,
                Cargo::VALUES,
                &mut issues,
            )
            .unwrap_or_default(),
            avoid_countries: list(
                self.avoid_countries.as_ref(),
                "avoid_countries",
                &mut issues,
            ),
            avoid_crossings: list(
                self.avoid_crossings.as_ref(),
                "avoid_crossings",
                &mut issues,
            ),
            avoid_links: list(self.avoid_links.as_ref(), "avoid_links", &mut issues),
            close: list(self.close.as_ref(), "close", &mut issues),
            scenario: None,
        };
        let constraints = build_constraints(net, &input, "", &mut issues);
        let capacity_tpy = capacities(net, self.set_capacity, &mut issues);
        let conv = conversion(
            base,
            ConversionInput {
                tonnes_per_train: number(
                    self.tonnes_per_train.as_ref(),
                    "tonnes_per_train",
                    &mut issues,
                ),
                tonnes_per_vehicle: number(
                    self.tonnes_per_vehicle.as_ref(),
                    "tonnes_per_vehicle",
                    &mut issues,
                ),
                operating_days: number(self.operating_days.as_ref(), "operating_days", &mut issues),
            },
            "",
            &mut issues,
        );
        let mut per_key: Vec<((ModeFilter, Cargo), Constraints)> = Vec::new();
        let mut demands = Vec::with_capacity(demands_v.len());
        for (i, dv) in demands_v.into_iter().enumerate() {
            crate::cancel::checkpoint();
            if issues.len() > MAX_ISSUES {
                break;
            }
            if let Some(d) = check_demand(net, i, dv, &constraints, &mut per_key, &mut issues) {
                demands.push(d);
            }
        }
        if !issues.is_empty() {
            if issues.len() > MAX_ISSUES {
                let more = issues.len() - MAX_ISSUES;
                issues.truncate(MAX_ISSUES);
                issues.push(Issue::new(
                    "body",
                    format!("{more}+ further problems not listed"),
                ));
            }
            return Err(CapacityError::Invalid(issues));
        }
        Ok(AssignQuery {
            demands,
            constraints,
            overrides: Overrides {
                capacity_tpy,
                conversion: conv,
            },
        })
    }
}

/// `set_capacity` as overrides by link index.
fn capacities(
    net: &Network,
    v: Option<Loose<SetCapacity>>,
    issues: &mut Vec<Issue>,
) -> BTreeMap<usize, f64> {
    const FIELD: &str = "set_capacity";
    match v {
        None => BTreeMap::new(),
        Some(Loose::Valid(SetCapacity::Map(m))) => {
            let mut given = Vec::with_capacity(m.len());
            for (k, v) in m {
                match v {
                    Loose::Valid(x) => given.push((k, x)),
                    Loose::Invalid(_) => issues.push(Issue::new(
                        format!("{FIELD}.{}", shown(&k)),
                        "must be a number of t/yr",
                    )),
                }
            }
            let mut out = BTreeMap::new();
            for (k, x) in given {
                set_capacity(net, FIELD, &k, x, &mut out, issues);
            }
            out
        }
        Some(Loose::Valid(SetCapacity::List(l))) => {
            let items = list(Some(&Loose::Valid(l)), FIELD, issues);
            parse_set_capacity(net, FIELD, &items, issues)
        }
        Some(Loose::Invalid(v)) => {
            let items = list(Some(&Loose::Invalid(v)), FIELD, issues);
            parse_set_capacity(net, FIELD, &items, issues)
        }
    }
}

fn check_demand(
    net: &Network,
    i: usize,
    dv: Loose<DemandRequest>,
    base: &Constraints,
    per_key: &mut Vec<((ModeFilter, Cargo), Constraints)>,
    issues: &mut Vec<Issue>,
) -> Option<Demand> {
    let f = |name: &str| format!("demands[{i}].{name}");
    let Some(d) = strict(dv, &format!("demands[{i}]."), issues) else {
        issues.push(Issue::new(
            format!("demands[{i}]"),
            "must be an object {\"from\", \"to\", \"tonnes_per_year\"}",
        ));
        return None;
    };
    let before = issues.len();
    let mode = enumerated(
        d.mode.as_ref(),
        &f("mode"),
        ModeFilter::parse,
        ModeFilter::VALUES,
        issues,
    )
    .unwrap_or(base.mode);
    let cargo = enumerated(
        d.cargo.as_ref(),
        &f("cargo"),
        Cargo::parse,
        Cargo::VALUES,
        issues,
    )
    .unwrap_or(base.cargo);
    let tonnes = match d.tonnes_per_year {
        None => {
            issues.push(Issue::new(f("tonnes_per_year"), "required"));
            None
        }
        Some(Loose::Valid(x)) if x.is_finite() && x > 0.0 && x <= MAX_DEMAND_TPY => Some(x),
        Some(Loose::Valid(x)) if x.is_finite() && x > MAX_DEMAND_TPY => {
            issues.push(Issue::new(
                f("tonnes_per_year"),
                format!("{x} exceeds {MAX_DEMAND_TPY:e} t/yr"),
            ));
            None
        }
        Some(Loose::Valid(x)) => {
            issues.push(Issue::new(
                f("tonnes_per_year"),
                format!("must be a positive number of t/yr, found {x}"),
            ));
            None
        }
        Some(Loose::Invalid(_)) => {
            issues.push(Issue::new(
                f("tonnes_per_year"),
                "must be a positive number of t/yr",
            ));
            None
        }
    };
    let key = (mode, cargo);
    let c = match per_key.iter().position(|(k, _)| *k == key) {
        Some(p) => &per_key[p].1,
        None => {
            per_key.push((key, with_mode(base, mode, cargo)));
            &per_key[per_key.len() - 1].1
        }
    };
    let mut place = |name: &str, v: Option<&Loose<StrList>>| -> Option<PlaceSet> {
        let field = f(name);
        if v.is_none() {
            issues.push(Issue::new(
                field,
                "required: a node id, country code or list",
            ));
            return None;
        }
        let items = list(v, &field, issues);
        if items.is_empty() {
            if !issues.iter().any(|x| x.field == field) {
                issues.push(Issue::new(field, "must name at least one place"));
            }
            return None;
        }
        match resolve_places(net, &field, &items, c) {
            Ok(p) => Some(p),
            Err(e) => {
                issues.push(e.into_issue());
                None
            }
        }
    };
    let from = place("from", d.from.as_ref());
    let to = place("to", d.to.as_ref());
    let (from, to, tonnes) = (from?, to?, tonnes?);
    if let Err(e) = check_disjoint(net, &from, &to, &f("to")) {
        issues.push(e.into_issue());
        return None;
    }
    (issues.len() == before).then_some(Demand {
        from,
        to,
        tonnes_per_year: tonnes,
        mode,
        cargo,
    })
}

/// The typed value of a body object, or `None` when it is not an object. Unknown fields are
/// each reported (named `{prefix}{field}`, with the accepted ones) and then set aside, so
/// that the known fields are still checked.
/// The members of an object body that the request does not know, as issues (`unknown field;
/// accepted: …`); empty when the body is not an object or knows them all. Lets a caller refuse
/// a body's real mistake before asking for what the unknown member may have been meant to be.
pub fn unknown_members(body: &Loose<AssignRequest>) -> Vec<Issue> {
    let Loose::Invalid(Value::Object(obj)) = body else {
        return Vec::new();
    };
    let mut issues = Vec::new();
    let only_unknown: serde_json::Map<String, Value> = obj
        .iter()
        .filter(|(k, _)| !field_names::<AssignRequest>().contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if only_unknown.is_empty() {
        return issues;
    }
    let _ = strict::<AssignRequest>(Loose::Invalid(Value::Object(only_unknown)), "", &mut issues);
    issues.retain(|i| i.detail.starts_with("unknown field"));
    issues
}

fn strict<T: DeserializeOwned>(v: Loose<T>, prefix: &str, issues: &mut Vec<Issue>) -> Option<T> {
    let mut obj = match v {
        Loose::Valid(t) => return Some(t),
        Loose::Invalid(Value::Object(obj)) => obj,
        Loose::Invalid(_) => return None,
    };
    let accepted = field_names::<T>();
    let unknown: Vec<String> = obj
        .keys()
        .filter(|k| !accepted.contains(&k.as_str()))
        .cloned()
        .collect();
    for k in &unknown {
        issues.push(Issue::new(
            format!("{prefix}{}", shown(k)),
            format!("unknown field; accepted: {}", accepted.join(", ")),
        ));
        obj.remove(k);
    }
    match T::deserialize(Value::Object(obj)) {
        Ok(t) => Some(t),
        Err(e) => {
            // Every known field is a `Loose`, so this is not expected; name it all the same.
            let field = prefix.strip_suffix('.').unwrap_or("body");
            issues.push(Issue::new(
                if field.is_empty() { "body" } else { field },
                e.to_string(),
            ));
            None
        }
    }
}

/// The field names a serde-derived struct accepts, in declaration order: asked of the
/// derived `Deserialize` itself, so the list in messages cannot drift from the struct.
fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Probe<'a>(&'a mut &'static [&'static str]);
    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(serde::de::Error::custom("fields probed"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// A list given as an array of strings or a comma-separated string, at most
/// [`MAX_LIST_ITEMS`] non-empty items (empty when absent or refused).
fn list(v: Option<&Loose<StrList>>, field: &str, issues: &mut Vec<Issue>) -> Vec<String> {
    let items: Vec<String> = match v {
        None => return Vec::new(),
        Some(Loose::Valid(StrList::One(s))) => s.split(',').map(|x| x.trim().to_string()).collect(),
        Some(Loose::Valid(StrList::Many(a))) => a.iter().map(|s| s.trim().to_string()).collect(),
        Some(Loose::Invalid(Value::Array(_))) => {
            issues.push(Issue::new(field, "must be a list of strings"));
            return Vec::new();
        }
        Some(Loose::Invalid(_)) => {
            issues.push(Issue::new(
                field,
                "must be a string (comma list) or an array of strings",
            ));
            return Vec::new();
        }
    };
    if items.iter().any(String::is_empty) {
        issues.push(Issue::new(field, "empty item in list"));
        return Vec::new();
    }
    if items.len() > MAX_LIST_ITEMS {
        issues.push(Issue::new(field, format!("at most {MAX_LIST_ITEMS} items")));
        return Vec::new();
    }
    items
}

fn enumerated<T>(
    v: Option<&Loose<String>>,
    field: &str,
    parse: fn(&str) -> Option<T>,
    values: &[&str],
    issues: &mut Vec<Issue>,
) -> Option<T> {
    match v? {
        Loose::Valid(s) => {
            let p = parse(s);
            if p.is_none() {
                issues.push(Issue::new(
                    field,
                    format!("'{}' is not one of {}", shown(s), values.join(", ")),
                ));
            }
            p
        }
        Loose::Invalid(_) => {
            issues.push(Issue::new(
                field,
                format!("must be one of {}", values.join(", ")),
            ));
            None
        }
    }
}

fn boolean(v: Option<&Loose<bool>>, field: &str, issues: &mut Vec<Issue>) -> Option<bool> {
    match v? {
        Loose::Valid(b) => Some(*b),
        Loose::Invalid(_) => {
            issues.push(Issue::new(field, "must be true or false"));
            None
        }
    }
}

fn number(v: Option<&Loose<f64>>, field: &str, issues: &mut Vec<Issue>) -> Option<f64> {
    match v? {
        Loose::Valid(x) => Some(*x),
        Loose::Invalid(_) => {
            issues.push(Issue::new(field, "must be a number"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_come_from_the_structs() {
        assert_eq!(
            field_names::<DemandRequest>(),
            ["from", "to", "tonnes_per_year", "mode", "cargo"]
        );
        assert_eq!(field_names::<AssignRequest>()[0], "demands");
        // The shared constraint fields (`include_unverified` among them), capacity's own, and
        // `scenario` and `demand`.
        assert_eq!(field_names::<AssignRequest>().len(), 15);
    }

    #[test]
    fn a_wrong_type_is_kept_as_sent() {
        let d: DemandRequest =
            serde_json::from_str(r#"{"from": 5, "to": ["RU"], "tonnes_per_year": "lots"}"#)
                .unwrap();
        assert_eq!(d.from, Some(Loose::Invalid(Value::from(5))));
        assert_eq!(
            d.to,
            Some(Loose::Valid(StrList::Many(vec!["RU".to_string()])))
        );
        assert_eq!(d.tonnes_per_year, Some(Loose::Invalid(Value::from("lots"))));
    }

    #[test]
    fn unknown_fields_are_refused_by_the_struct_and_named_by_the_check() {
        let body = r#"{"demands": [{"from": "RU", "to": "MN", "tonnes_per_year": 1}], "extra": 1}"#;
        assert!(serde_json::from_str::<AssignRequest>(body).is_err());
        let loose: Loose<AssignRequest> = serde_json::from_str(body).unwrap();
        let net = Network::embedded().unwrap();
        match AssignRequest::check(loose, &net, CapacityConversion::default()) {
            Err(CapacityError::Invalid(issues)) => {
                assert_eq!(issues.len(), 1, "{issues:?}");
                assert_eq!(issues[0].field, "extra");
                assert!(
                    issues[0]
                        .detail
                        .starts_with("unknown field; accepted: demands, mode")
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn null_demands_differ_from_missing_ones() {
        let net = Network::embedded().unwrap();
        let check = |body: &str| {
            let loose: Loose<AssignRequest> = serde_json::from_str(body).unwrap();
            match AssignRequest::check(loose, &net, CapacityConversion::default()) {
                Err(CapacityError::Invalid(issues)) => issues[0].detail.clone(),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(check("{}"), "required");
        assert_eq!(check(r#"{"demands": null}"#), "must be an array of demands");
    }
}
