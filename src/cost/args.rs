//! The raw arguments shared by every endpoint and the command line, and their one parser.
//!
//! A door (HTTP query string, JSON body, clap) puts raw values into a [`Fields`]; the `read`
//! functions here turn them into typed values with one set of limits, naming every bad field.
//! The clap structs ([`ConstraintArgs`], [`ProfileArgs`]) are flattened into each command's
//! arguments, and their `NAMES` are part of each endpoint's list of accepted parameters.

use super::{Cargo, ConstraintInput, Profile};
use crate::fields::{Fields, MAX_LIST_LEN, raw_args};

raw_args!(
    /// Constraint parameters, as given: which links and nodes a request may use.
    ConstraintArgs {
        /// ISO2 codes of countries not to enter, comma-separated.
        avoid_countries,
        /// Crossing link ids not to use, comma-separated.
        avoid_crossings,
        /// Link ids not to use, comma-separated.
        avoid_links,
        /// Also use planned and under-construction links: `true` or `false` (on the command line
        /// a bare `--include-planned` means true).
        #[arg(num_args = 0..=1, default_missing_value = "true", require_equals = true)]
        include_planned,
        /// Also use `unverified` links (listed by a source, not confirmed operating, e.g.
        /// crossings inferred by `corridor import osm`), independently of `include_planned`:
        /// `true` or `false` (on the command line a bare `--include-unverified` means true).
        #[arg(num_args = 0..=1, default_missing_value = "true", require_equals = true)]
        include_unverified,
        /// Kind of cargo (default `general`; `livestock` passes veterinary crossings only).
        #[arg(value_parser = crate::fields::spelling_parser::<super::Cargo>())]
        cargo,
        /// Scenario to answer on (a name from `GET /v1/scenarios`, e.g. `naushki-closed`):
        /// the network as the scenario changes it. Default: the network as it is.
        scenario,
    }
);

raw_args!(
    /// Costing profile overrides, as given (see [`Profile::FIELDS`] for ranges and defaults).
    ProfileArgs {
        /// Multiplier on border dwell times, 0–10 (default 1).
        dwell_scale,
        /// Hours per transshipment, 0–720 (default 24).
        transshipment_h,
        /// USD per tonne per transshipment, 0–1000 (default 15).
        transshipment_usd_per_t,
        /// Rail haulage, USD per tonne-km, 0–10 (default 0.04).
        rail_usd_per_tkm,
        /// Road haulage, USD per tonne-km, 0–10 (default 0.10).
        road_usd_per_tkm,
        /// Fee per border crossing, USD per tonne, 0–1000 (default 8).
        border_usd_per_t,
        /// Heavy truck, kg CO2e per tonne-km, 0–1 (default 0.125, from GLEC v3.0's WTT figure).
        road_truck_kg_per_tkm,
        /// Diesel rail, kg CO2e per tonne-km, 0–1 (default 0.023).
        rail_diesel_kg_per_tkm,
        /// Electric rail, kWh per tonne-km, 0–1 (default 0.025).
        rail_electric_kwh_per_tkm,
        /// Russian grid, kg CO2e per kWh, 0–2 (default 0.482, Ember 2024).
        grid_ru_kg_per_kwh,
        /// Mongolian grid, kg CO2e per kWh, 0–2 (default 0.876, Ember 2024).
        grid_mn_kg_per_kwh,
        /// Chinese grid, kg CO2e per kWh, 0–2 (default 0.600, Ember 2024).
        grid_cn_kg_per_kwh,
        /// Kazakh grid, kg CO2e per kWh, 0–2 (default 0.866, Ember 2024).
        grid_kz_kg_per_kwh,
        /// Any other grid, kg CO2e per kWh, 0–2 (default 0.509, world, Ember 2024).
        grid_other_kg_per_kwh,
        /// Handling per transshipment, kg CO2e per tonne, 0–100 (default 1.5).
        transshipment_kg_per_t,
    }
);

/// Most items in one avoid list (every endpoint and the command line).
pub const MAX_AVOID: usize = MAX_LIST_LEN;

impl ConstraintArgs {
    /// `close`: a deprecated alias of `avoid_links` (link ids treated as closed), still
    /// accepted by the endpoints that took it before `avoid_links` existed (capacity). Add
    /// it to an endpoint's accepted names to accept it; [`ConstraintArgs::read`] reads it.
    pub const CLOSE_ALIAS: &'static str = "close";

    /// Reads the constraint parameters from `f` (mode is the endpoint's own and stays at its
    /// default here). Mistakes are recorded in `f`.
    pub fn read(f: &mut Fields) -> ConstraintInput {
        ConstraintInput {
            avoid_countries: f.list("avoid_countries", MAX_AVOID).unwrap_or_default(),
            avoid_crossings: f.list("avoid_crossings", MAX_AVOID).unwrap_or_default(),
            avoid_links: f.list("avoid_links", MAX_AVOID).unwrap_or_default(),
            close: f.list(Self::CLOSE_ALIAS, MAX_AVOID).unwrap_or_default(),
            include_planned: f.boolean("include_planned").unwrap_or(false),
            include_unverified: f.boolean("include_unverified").unwrap_or(false),
            cargo: f.choice::<Cargo>("cargo").unwrap_or_default(),
            scenario: f.str("scenario"),
            ..ConstraintInput::default()
        }
    }
}

impl ProfileArgs {
    /// Reads the profile overrides from `f` over the defaults. Mistakes are recorded in `f`.
    pub fn read(f: &mut Fields) -> Profile {
        let mut profile = Profile::default();
        for field in Profile::FIELDS {
            if let Some(x) = f.number(field.name, field.min..=field.max) {
                (field.set)(&mut profile, x);
            }
        }
        profile
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_are_the_profile_fields() {
        let names: Vec<&str> = Profile::FIELDS.iter().map(|f| f.name).collect();
        assert_eq!(ProfileArgs::NAMES, names.as_slice());
    }

    #[test]
    fn one_parser_for_every_door() {
        let args = ConstraintArgs {
            avoid_links: Some("a,b".into()),
            include_planned: Some("true".into()),
            include_unverified: Some("false".into()),
            cargo: Some("bulk".into()),
            ..Default::default()
        };
        let mut f = Fields::from_pairs(args.pairs());
        let c = ConstraintArgs::read(&mut f);
        f.finish().unwrap();
        assert_eq!(c.avoid_links, vec!["a", "b"]);
        assert!(c.include_planned);
        assert!(!c.include_unverified);
        assert_eq!(c.cargo, Cargo::Bulk);
        let mut f = Fields::from_pairs([("include_unverified", "true")]);
        let c = ConstraintArgs::read(&mut f);
        f.finish().unwrap();
        assert!(c.include_unverified && !c.include_planned);
        let mut f = Fields::from_pairs([("cargo", "boat"), ("dwell_scale", "99")]);
        let _ = ConstraintArgs::read(&mut f);
        let _ = ProfileArgs::read(&mut f);
        assert_eq!(f.finish().unwrap_err().len(), 2);
    }
}
