//! The costing profile: what a kilometre, a border crossing and a transshipment cost in
//! kilometres, hours and US dollars per tonne. Every default figure lives here, in one place,
//! and every one can be overridden per request.
//!
//! # The model
//! For one traversal of a link, after arriving at its start node by `arrival`:
//!
//! | measure            | formula                                                                  |
//! |--------------------|--------------------------------------------------------------------------|
//! | `distance_km`      | `length_km`                                                              |
//! | `time_h`           | `length_km / speed_kmh` + `dwell_h × dwell_scale` (crossings) + `transshipment_h` (if a transshipment) |
//! | `cost_usd_per_t`   | `length_km × rate(mode)` + `border_usd_per_t` (crossings) + `transshipment_usd_per_t` (if a transshipment) |
//! | `co2e_kg_per_t`    | `length_km × factor(mode, electrified, grid of the link's country)` + `transshipment_kg_per_t` (if a transshipment); see [`super::EmissionFactors`] |
//!
//! A *transshipment* happens at a node where the gauge changes between two rail links (a
//! break of gauge, e.g. 1520 mm → 1435 mm) or where the mode changes between rail and road
//! (only at `intermodal` nodes). The search carries the arriving mode and gauge in its state,
//! so these costs are part of the optimisation, not added afterwards.
//!
//! # Defaults (estimates)
//! The figures are order-of-magnitude estimates for planning, not tariffs:
//! - rail 0.04 USD/t·km: published long-haul rail freight rates on the 1520 mm network and in
//!   China lie around 0.03–0.05 USD/t·km;
//! - road 0.10 USD/t·km: full-truckload rates in the region lie around 0.08–0.12 USD/t·km;
//! - 8 USD/t per border crossing (customs, brokerage, inspection; typically 5–10 USD/t);
//! - 24 h and 15 USD/t per transshipment (bogie exchange or transloading at a break of gauge
//!   typically takes about a day; a rail↔road transfer is costed the same);
//! - `dwell_scale` 1: the border dwell of each crossing is the data's `dwell_h`.

use serde::Serialize;

use super::{EmissionFactors, Grid, Measure, Measures, Traction};
use crate::network::{Link, Mode};

/// Why a route changes vehicle at a node (a transshipment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum TransshipmentKind {
    /// Break of gauge between two rail links.
    Gauge {
        /// Gauge arrived on, mm.
        from_mm: u32,
        /// Gauge departed on, mm.
        to_mm: u32,
    },
    /// Change between rail and road at an intermodal node.
    Mode {
        /// Mode arrived by.
        from: Mode,
        /// Mode departed by.
        to: Mode,
    },
}

impl TransshipmentKind {
    /// Human-readable reason, e.g. `gauge 1520→1435` or `rail→road`.
    pub fn reason(&self) -> String {
        match self {
            TransshipmentKind::Gauge { from_mm, to_mm } => format!("gauge {from_mm}→{to_mm}"),
            TransshipmentKind::Mode { from, to } => format!("{from}→{to}"),
        }
    }
}

/// Costing figures. `Default` gives the documented estimates; each field can be overridden
/// per request under the same name.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Profile {
    /// Multiplier on every crossing's `dwell_h`. Default 1.
    pub dwell_scale: f64,
    /// Hours per transshipment (break of gauge or rail↔road change). Default 24.
    pub transshipment_h: f64,
    /// US dollars per tonne per transshipment. Default 15.
    pub transshipment_usd_per_t: f64,
    /// Rail haulage, US dollars per tonne-kilometre. Default 0.04.
    pub rail_usd_per_tkm: f64,
    /// Road haulage, US dollars per tonne-kilometre. Default 0.10.
    pub road_usd_per_tkm: f64,
    /// Fee per border crossing, US dollars per tonne. Default 8.
    pub border_usd_per_t: f64,
    /// Emission factors (CO2e), each overridable under its own name.
    #[serde(flatten)]
    pub emissions: EmissionFactors,
}

impl Default for Profile {
    fn default() -> Self {
        Self {
            dwell_scale: 1.0,
            transshipment_h: 24.0,
            transshipment_usd_per_t: 15.0,
            rail_usd_per_tkm: 0.04,
            road_usd_per_tkm: 0.10,
            border_usd_per_t: 8.0,
            emissions: EmissionFactors::default(),
        }
    }
}

/// A profile field that can be overridden per request: its parameter name and accepted range.
#[derive(Debug, Clone, Copy)]
pub struct ProfileField {
    /// Parameter name (same as the field).
    pub name: &'static str,
    /// Smallest accepted value.
    pub min: f64,
    /// Largest accepted value.
    pub max: f64,
    /// Writes the value into a profile.
    pub set: fn(&mut Profile, f64),
    /// Reads the value from a profile.
    pub get: fn(&Profile) -> f64,
}

impl Profile {
    /// Where the profile's model and default figures are documented, for answers that cite
    /// them (a stable documentation reference, never a source path).
    pub const DOC_REF: &'static str = "README#costing-profile";

    /// The overridable fields, with their accepted ranges (all bounds inclusive).
    pub const FIELDS: [ProfileField; 15] = [
        ProfileField {
            name: "dwell_scale",
            min: 0.0,
            max: 10.0,
            set: |p, x| p.dwell_scale = x,
            get: |p| p.dwell_scale,
        },
        ProfileField {
            name: "transshipment_h",
            min: 0.0,
            max: 720.0,
            set: |p, x| p.transshipment_h = x,
            get: |p| p.transshipment_h,
        },
        ProfileField {
            name: "transshipment_usd_per_t",
            min: 0.0,
            max: 1000.0,
            set: |p, x| p.transshipment_usd_per_t = x,
            get: |p| p.transshipment_usd_per_t,
        },
        ProfileField {
            name: "rail_usd_per_tkm",
            min: 0.0,
            max: 10.0,
            set: |p, x| p.rail_usd_per_tkm = x,
            get: |p| p.rail_usd_per_tkm,
        },
        ProfileField {
            name: "road_usd_per_tkm",
            min: 0.0,
            max: 10.0,
            set: |p, x| p.road_usd_per_tkm = x,
            get: |p| p.road_usd_per_tkm,
        },
        ProfileField {
            name: "border_usd_per_t",
            min: 0.0,
            max: 1000.0,
            set: |p, x| p.border_usd_per_t = x,
            get: |p| p.border_usd_per_t,
        },
        ProfileField {
            name: "road_truck_kg_per_tkm",
            min: 0.0,
            max: 1.0,
            set: |p, x| p.emissions.road_truck_kg_per_tkm = x,
            get: |p| p.emissions.road_truck_kg_per_tkm,
        },
        ProfileField {
            name: "rail_diesel_kg_per_tkm",
            min: 0.0,
            max: 1.0,
            set: |p, x| p.emissions.rail_diesel_kg_per_tkm = x,
            get: |p| p.emissions.rail_diesel_kg_per_tkm,
        },
        ProfileField {
            name: "rail_electric_kwh_per_tkm",
            min: 0.0,
            max: 1.0,
            set: |p, x| p.emissions.rail_electric_kwh_per_tkm = x,
            get: |p| p.emissions.rail_electric_kwh_per_tkm,
        },
        ProfileField {
            name: "grid_ru_kg_per_kwh",
            min: 0.0,
            max: 2.0,
            set: |p, x| p.emissions.grid_ru_kg_per_kwh = x,
            get: |p| p.emissions.grid_ru_kg_per_kwh,
        },
        ProfileField {
            name: "grid_mn_kg_per_kwh",
            min: 0.0,
            max: 2.0,
            set: |p, x| p.emissions.grid_mn_kg_per_kwh = x,
            get: |p| p.emissions.grid_mn_kg_per_kwh,
        },
        ProfileField {
            name: "grid_cn_kg_per_kwh",
            min: 0.0,
            max: 2.0,
            set: |p, x| p.emissions.grid_cn_kg_per_kwh = x,
            get: |p| p.emissions.grid_cn_kg_per_kwh,
        },
        ProfileField {
            name: "grid_kz_kg_per_kwh",
            min: 0.0,
            max: 2.0,
            set: |p, x| p.emissions.grid_kz_kg_per_kwh = x,
            get: |p| p.emissions.grid_kz_kg_per_kwh,
        },
        ProfileField {
            name: "grid_other_kg_per_kwh",
            min: 0.0,
            max: 2.0,
            set: |p, x| p.emissions.grid_other_kg_per_kwh = x,
            get: |p| p.emissions.grid_other_kg_per_kwh,
        },
        ProfileField {
            name: "transshipment_kg_per_t",
            min: 0.0,
            max: 100.0,
            set: |p, x| p.emissions.transshipment_kg_per_t = x,
            get: |p| p.emissions.transshipment_kg_per_t,
        },
    ];

    /// Haulage rate of `mode`, USD per tonne-km.
    pub fn rate_usd_per_tkm(&self, mode: Mode) -> f64 {
        match mode {
            Mode::Rail => self.rail_usd_per_tkm,
            Mode::Road => self.road_usd_per_tkm,
        }
    }

    /// One measure of traversing `link` (either direction), without any transshipment: the
    /// per-link formula of each [`Measure`].
    pub fn link_measure(&self, link: &Link, measure: Measure) -> f64 {
        let crossing = link.crossing.as_ref();
        match measure {
            Measure::Distance => link.length_km,
            Measure::Time => {
                let mut h = link.length_km / link.speed_kmh;
                if let Some(c) = crossing {
                    h += c.dwell_h * self.dwell_scale;
                }
                h
            }
            Measure::Cost => {
                let mut usd = link.length_km * self.rate_usd_per_tkm(link.mode);
                if crossing.is_some() {
                    usd += self.border_usd_per_t;
                }
                usd
            }
            Measure::Co2 => self.emissions.link_kg_per_t(
                link.mode,
                Traction::from_electrified(link.electrified),
                Grid::of_country(link.country.as_str()),
                link.length_km,
            ),
        }
    }

    /// One measure of one transshipment.
    pub fn transshipment_measure(&self, measure: Measure) -> f64 {
        match measure {
            Measure::Distance => 0.0,
            Measure::Time => self.transshipment_h,
            Measure::Cost => self.transshipment_usd_per_t,
            Measure::Co2 => self.emissions.transshipment_kg_per_t,
        }
    }

    /// The measures of traversing `link` (either direction), without any transshipment.
    pub fn link_measures(&self, link: &Link) -> Measures {
        Measures::from_fn(|m| self.link_measure(link, m))
    }

    /// The measures of one transshipment.
    pub fn transshipment_measures(&self) -> Measures {
        Measures::from_fn(|m| self.transshipment_measure(m))
    }

    /// The measures of traversing `link` after an optional transshipment at its start.
    pub fn step_measures(&self, link: &Link, transshipment: Option<TransshipmentKind>) -> Measures {
        let mut m = self.link_measures(link);
        if transshipment.is_some() {
            m += self.transshipment_measures();
        }
        m
    }

    /// Whether changing this profile to `other` changes the weights of `optimize`.
    pub fn same_weights(&self, other: &Profile, measure: Measure) -> bool {
        match measure {
            Measure::Distance => true,
            Measure::Time => {
                self.dwell_scale == other.dwell_scale
                    && self.transshipment_h == other.transshipment_h
            }
            Measure::Cost => {
                self.transshipment_usd_per_t == other.transshipment_usd_per_t
                    && self.rail_usd_per_tkm == other.rail_usd_per_tkm
                    && self.road_usd_per_tkm == other.road_usd_per_tkm
                    && self.border_usd_per_t == other.border_usd_per_t
            }
            Measure::Co2 => self.emissions == other.emissions,
        }
    }
}

impl Profile {
    /// Whether every edge weight of `measure` under this profile is at least its weight under
    /// `other` (every figure the measure reads is at least `other`'s; CO2e only when the
    /// emission factors are the same). Lower bounds computed with `other`'s weights (the
    /// route search's landmarks) then stay lower bounds.
    pub fn weights_at_least(&self, other: &Profile, measure: Measure) -> bool {
        match measure {
            Measure::Distance => true,
            Measure::Time => {
                self.dwell_scale >= other.dwell_scale
                    && self.transshipment_h >= other.transshipment_h
            }
            Measure::Cost => {
                self.transshipment_usd_per_t >= other.transshipment_usd_per_t
                    && self.rail_usd_per_tkm >= other.rail_usd_per_tkm
                    && self.road_usd_per_tkm >= other.road_usd_per_tkm
                    && self.border_usd_per_t >= other.border_usd_per_t
            }
            Measure::Co2 => self.emissions == other.emissions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_cover_every_default_within_range() {
        let p = Profile::default();
        let json = serde_json::to_value(p).unwrap();
        for f in Profile::FIELDS {
            let v = json[f.name].as_f64().unwrap();
            assert!(f.min <= v && v <= f.max, "{}", f.name);
            let mut q = p;
            (f.set)(&mut q, f.max);
            assert_eq!(
                serde_json::to_value(q).unwrap()[f.name].as_f64(),
                Some(f.max)
            );
        }
        assert_eq!(json.as_object().unwrap().len(), Profile::FIELDS.len());
    }

    #[test]
    fn transshipment_reasons() {
        let g = TransshipmentKind::Gauge {
            from_mm: 1520,
            to_mm: 1435,
        };
        assert_eq!(g.reason(), "gauge 1520→1435");
        let m = TransshipmentKind::Mode {
            from: Mode::Rail,
            to: Mode::Road,
        };
        assert_eq!(m.reason(), "rail→road");
    }
}
