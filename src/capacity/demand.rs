//! Demand sets as data (`geodata/demand/NAME.json`): origin–destination tonnes per year by
//! commodity, each line with its `source` and the derivation of its figure, checked against the
//! network once at load. `POST /v1/assign` takes `{"demand": "NAME"}` in place of inline
//! demands, and `GET /v1/demand` lists the sets.
//!
//! ```json
//! {"name": "mongolia-trade-2023", "title": "…", "description": "…", "source": "…",
//!  "value_densities": [{"commodity": "fluorspar", "usd_per_t": 300, "estimate": true, "basis": "…"}],
//!  "demands": [{"from": "mn-choir", "to": "ru-krasnoyarsk", "commodity": "fluorspar",
//!               "cargo": "bulk", "mode": "rail", "tonnes_per_year": 300000,
//!               "usd_per_year": 90000000, "usd_per_t": 300, "estimate": true,
//!               "source": "…", "derivation": "…"}]}
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::CapacityError;
use super::assign::{AssignRequest, DemandRequest, Loose, StrList};
use super::request::Issue;
use crate::cost::{Cargo, ModeFilter};
use crate::fields::{suggest, truncate};
use crate::network::scenario::ScenarioRef;
use crate::network::source::Source;
use crate::network::{LoadError, Network, Problem};

/// Folder of demand files inside a data directory.
pub const DEMAND_DIR: &str = "demand";

/// The demand sets shipped with the embedded data (`geodata/demand/`), compiled in.
pub const EMBEDDED_DEMAND: &[(&str, &str)] = &[
    (
        "eaeu-fta-2027.json",
        include_str!("../../geodata/demand/eaeu-fta-2027.json"),
    ),
    (
        "mongolia-trade-2023.json",
        include_str!("../../geodata/demand/mongolia-trade-2023.json"),
    ),
];

/// A value density used to turn USD into tonnes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueDensity {
    /// Commodity.
    pub commodity: String,
    /// US dollars per tonne.
    pub usd_per_t: f64,
    /// Whether the figure is an estimate.
    pub estimate: bool,
    /// Where the figure comes from, or how it was derived.
    pub basis: String,
}

/// One origin–destination flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemandLine {
    /// Origin: node id or ISO2 country code (as in `POST /v1/assign`).
    pub from: String,
    /// Destination: node id or ISO2 country code.
    pub to: String,
    /// What is carried.
    pub commodity: String,
    /// Cargo kind (routing rules: livestock passes veterinary crossings only).
    #[serde(default)]
    pub cargo: Cargo,
    /// Modes allowed. Default `any`.
    #[serde(default)]
    pub mode: ModeFilter,
    /// Tonnes per year, > 0.
    pub tonnes_per_year: f64,
    /// The trade value it was converted from, US dollars per year.
    pub usd_per_year: f64,
    /// The value density used, USD per tonne.
    pub usd_per_t: f64,
    /// Whether the figure is an estimate.
    pub estimate: bool,
    /// Where the figures come from.
    pub source: String,
    /// How the tonnes were derived.
    pub derivation: String,
}

/// A checked demand set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemandSet {
    /// Slug, the file name without `.json`.
    pub name: String,
    /// One-line title.
    pub title: String,
    /// What the set supposes.
    pub description: String,
    /// Where the set as a whole comes from.
    pub source: String,
    /// The value densities used.
    #[serde(default)]
    pub value_densities: Vec<ValueDensity>,
    /// The flows, in priority order (assignment serves earlier lines first).
    pub demands: Vec<DemandLine>,
}

impl DemandSet {
    /// Total tonnes per year.
    pub fn total_tpy(&self) -> f64 {
        self.demands.iter().map(|d| d.tonnes_per_year).sum()
    }

    /// Reads and checks a demand file against `net`.
    ///
    /// # Errors
    /// Every problem found: `file` is `demand/NAME.json`, `feature` the line index, `field`
    /// the path (`demands[3].from`).
    pub fn parse(file: &str, text: &str, net: &Network) -> Result<DemandSet, Vec<Problem>> {
        let problem =
            |line: Option<usize>, id: Option<&str>, field: String, message: String| Problem {
                file: file.to_string(),
                feature: line,
                id: id.map(str::to_string),
                field,
                message,
            };
        let set: DemandSet = serde_json::from_str(text)
            .map_err(|e| vec![problem(None, None, "(file)".into(), format!("{e}"))])?;
        let mut problems = Vec::new();
        let stem = Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if set.name != stem {
            problems.push(problem(
                None,
                None,
                "name".into(),
                format!(
                    "'{}' differs from the file name '{stem}.json'",
                    truncate(&set.name, 60)
                ),
            ));
        }
        for (key, v) in [
            ("title", &set.title),
            ("description", &set.description),
            ("source", &set.source),
        ] {
            if v.trim().is_empty() {
                problems.push(problem(None, None, key.into(), "must not be empty".into()));
            }
        }
        let countries = net.countries();
        for (i, d) in set.demands.iter().enumerate() {
            for (key, place) in [("from", &d.from), ("to", &d.to)] {
                let known = net.node(place).is_some() || countries.contains(place);
                if !known {
                    let near = suggest(
                        place,
                        net.nodes()
                            .iter()
                            .map(|n| (n.id.0.as_str(), n.name.as_str())),
                    );
                    problems.push(problem(
                        Some(i),
                        Some(place),
                        format!("demands[{i}].{key}"),
                        format!(
                            "no node or country '{}'{}",
                            truncate(place, 60),
                            if near.is_empty() {
                                String::new()
                            } else {
                                format!(" (did you mean {}?)", near.join(", "))
                            }
                        ),
                    ));
                }
            }
            if d.from == d.to {
                problems.push(problem(
                    Some(i),
                    None,
                    format!("demands[{i}].to"),
                    "same as from".into(),
                ));
            }
            for (key, x) in [
                ("tonnes_per_year", d.tonnes_per_year),
                ("usd_per_year", d.usd_per_year),
                ("usd_per_t", d.usd_per_t),
            ] {
                if !(x.is_finite() && x > 0.0) {
                    problems.push(problem(
                        Some(i),
                        None,
                        format!("demands[{i}].{key}"),
                        format!("expected a finite number > 0, got {x}"),
                    ));
                }
            }
            for (key, v) in [("source", &d.source), ("derivation", &d.derivation)] {
                if v.trim().is_empty() {
                    problems.push(problem(
                        Some(i),
                        None,
                        format!("demands[{i}].{key}"),
                        "must not be empty: every figure says where it comes from".into(),
                    ));
                }
            }
        }
        if problems.is_empty() {
            Ok(set)
        } else {
            Err(problems)
        }
    }
}

impl DemandSet {
    /// The set's lines as the demands of an assignment body, in order.
    pub fn requests(&self) -> Vec<Loose<DemandRequest>> {
        self.demands
            .iter()
            .map(|d| {
                Loose::Valid(DemandRequest {
                    from: Some(Loose::Valid(StrList::One(d.from.clone()))),
                    to: Some(Loose::Valid(StrList::One(d.to.clone()))),
                    tonnes_per_year: Some(Loose::Valid(d.tonnes_per_year)),
                    mode: Some(Loose::Valid(d.mode.as_str().to_string())),
                    cargo: Some(Loose::Valid(d.cargo.as_str().to_string())),
                })
            })
            .collect()
    }
}

/// Replaces an assignment body's `demand` name by the named set's lines.
///
/// # Errors
/// [`CapacityError::Invalid`] when `demand` is not a string or comes with `demands` too;
/// [`CapacityError::UnknownPlace`] with `field: "demand"` and close names when no set has the
/// name (answered 404 like an unknown place).
pub fn expand(
    req: &mut AssignRequest,
    sets: &BTreeMap<String, DemandSet>,
) -> Result<(), CapacityError> {
    let name = match req.demand.take() {
        None => return Ok(()),
        Some(Loose::Valid(n)) => n,
        Some(Loose::Invalid(v)) => {
            return Err(CapacityError::Invalid(vec![Issue::new(
                "demand",
                format!(
                    "expected the name of a demand set, got {}",
                    truncate(&v.to_string(), 60)
                ),
            )]));
        }
    };
    if req.demands.is_some() {
        return Err(CapacityError::Invalid(vec![Issue::new(
            "demand",
            "give either demands or demand (a named set), not both",
        )]));
    }
    let set = sets.get(&name).ok_or_else(|| CapacityError::UnknownPlace {
        field: "demand".into(),
        detail: format!(
            "no demand set '{}' (GET /v1/demand lists them)",
            truncate(&name, 60)
        ),
        suggestions: suggest(&name, sets.keys().map(|k| (k.as_str(), k.as_str()))),
    })?;
    req.demands = Some(Loose::Valid(set.requests()));
    Ok(())
}

/// Takes the scenario out of an assignment body: a name, or a scenario document given inline.
///
/// # Errors
/// [`CapacityError::Invalid`] naming `scenario` when it is neither a string nor an object.
pub fn take_scenario(req: &mut AssignRequest) -> Result<Option<ScenarioRef>, CapacityError> {
    match req.scenario.take() {
        None => Ok(None),
        Some(Loose::Valid(n)) => Ok(Some(ScenarioRef::Named(n))),
        Some(Loose::Invalid(v)) if v.is_object() => Ok(Some(ScenarioRef::Inline(v))),
        Some(Loose::Invalid(v)) => Err(CapacityError::Invalid(vec![Issue::new(
            "scenario",
            format!(
                "expected the name of a scenario or a scenario object ({{\"changes\": [...]}}), got {}",
                truncate(&v.to_string(), 60)
            ),
        )])),
    }
}

/// A demand file as read.
pub type DemandDocument = crate::network::source::FolderDocument;

/// Reads the demand files of a source: the embedded ones, or every `*.json` in the data
/// directory's `demand/` folder (none without one), sorted by name.
///
/// # Errors
/// [`LoadError::Io`] naming what cannot be read.
pub fn documents(source: &Source) -> Result<Vec<DemandDocument>, LoadError> {
    crate::network::source::folder_documents(source, DEMAND_DIR, EMBEDDED_DEMAND)
}

/// Checks every demand file against `net`.
///
/// # Errors
/// [`LoadError::Invalid`] listing every problem of every file.
pub fn load(docs: &[DemandDocument], net: &Network) -> Result<Vec<DemandSet>, LoadError> {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for d in docs {
        match DemandSet::parse(&d.file, &d.text, net) {
            Ok(s) => out.push(s),
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

    #[test]
    fn embedded_sets_load_and_every_line_is_sourced() {
        let net = Network::embedded().unwrap();
        let sets = load(&documents(&Source::Embedded).unwrap(), &net).unwrap();
        assert_eq!(sets.len(), 2);
        for s in &sets {
            for d in &s.demands {
                assert!(d.estimate && !d.source.is_empty() && !d.derivation.is_empty());
                let implied = d.usd_per_year / d.usd_per_t;
                assert!(
                    (implied - d.tonnes_per_year).abs() <= 50.0,
                    "{}: {} vs {implied}",
                    s.name,
                    d.tonnes_per_year
                );
            }
        }
        let base = sets
            .iter()
            .find(|s| s.name == "mongolia-trade-2023")
            .unwrap();
        let fta = sets.iter().find(|s| s.name == "eaeu-fta-2027").unwrap();
        assert!(fta.total_tpy() > base.total_tpy());
    }

    #[test]
    fn a_bad_line_is_named() {
        let net = Network::embedded().unwrap();
        let text = r#"{"name":"t","title":"T","description":"d","source":"s","demands":[
            {"from":"mn-ulanbaatar","to":"RU","commodity":"x","tonnes_per_year":-1,"usd_per_year":1,"usd_per_t":1,"estimate":true,"source":"s","derivation":""}]}"#;
        let p = DemandSet::parse("demand/t.json", text, &net).unwrap_err();
        let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "demands[0].from",
                "demands[0].tonnes_per_year",
                "demands[0].derivation"
            ]
        );
        assert!(p[0].message.contains("mn-ulaanbaatar"), "{}", p[0].message);
    }
}
