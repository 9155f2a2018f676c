//! Greenhouse-gas emissions of moving one tonne of cargo: well-to-wheel (WTW) CO2-equivalent
//! factors per mode and traction, in the style of ISO 14083 / the GLEC Framework.
//!
//! # The model
//! For one traversal of a link of length `L` km (per tonne of cargo):
//!
//! | link                         | kg CO2e per tonne                                             |
//! |------------------------------|---------------------------------------------------------------|
//! | road                         | `L × road_truck_kg_per_tkm`                                   |
//! | rail, diesel traction        | `L × rail_diesel_kg_per_tkm`                                  |
//! | rail, electric traction      | `L × rail_electric_kwh_per_tkm × grid_<country>_kg_per_kwh`  |
//! | each transshipment           | `+ transshipment_kg_per_t`                                    |
//!
//! The grid of the link's `from` country is used (a crossing link is a few kilometres).
//! Waiting at borders (idling trucks, shunting) is not counted.
//!
//! # Defaults, their sources and their scope
//! Every figure is **well-to-wheel** (WTW: fuel or electricity production included, as ISO
//! 14083:2023 and the GLEC Framework v3.0 require for reporting) and per **net** tonne-km,
//! with average loading and empty running folded in. [`EmissionFactors::SOURCES`] holds one
//! record per default (value, unit, WTW, basis, year, source) and a unit test keeps it equal
//! to [`EmissionFactors::default`]. Only the grid intensities come from a published series.
//! Of the GLEC Framework v3.0 / ISO 14083 default tables, which this repository does not
//! hold, one figure was found republished: the truck's **well-to-tank** intensity (below);
//! the truck figure is derived from it. No GLEC/ISO 14083 default for rail (diesel or
//! electric) or for handling was found, so those stay estimates with the derivation given
//! here:
//!
//! - **Heavy truck 0.125 kg/t·km** (estimate anchored on a GLEC default). GLEC Framework v3.0
//!   (2023), Table 8 "Europe and South America road emission intensity values", gives an
//!   articulated truck of 34–40 t, average/mixed load, diesel, a **well-to-tank** intensity of
//!   0.022 kg CO2e/t·km (as republished by Climatiq,
//!   climatiq.io/data/emission-factor/84c850ff-05ce-466c-a77d-525c447d4d16). Its well-to-wheel figure was not found; with
//!   diesel's well-to-tank share of well-to-wheel from EN 16258:2012, Annex A (0.57 of
//!   3.24 kg CO2e/l, 17.6 %), the WTW intensity is 0.022 / 0.176 = 0.125. If GLEC v3.0's own
//!   diesel factors put a larger share upstream, the figure is lower (0.10 at a 22 % share).
//!   The earlier estimate, 0.065 (32 l/100 km × 3.24 kg CO2e/l / 16 t average net load), was
//!   half of this: it implies a WTT intensity of 0.011, half of GLEC's 0.022, i.e. GLEC's
//!   default assumes about twice the fuel per net tonne-km (lower loads, more empty running).
//! - **Diesel rail 0.023 kg/t·km** (estimate). Heavy-haul diesel freight in North America
//!   uses about 0.0055 l/t·km (Association of American Railroads: about 470 ton-miles per
//!   gallon); trains on the Mongolian and Kazakh single-track lines are shorter and climb
//!   more, so 0.007 l/t·km is assumed: 0.007 × 3.24 = 0.023.
//! - **Electric rail 0.025 kWh/t·km** at the pantograph (estimate), including regenerative
//!   braking and empty running; heavy 1520 mm trains are assumed at the efficient end of
//!   European electric freight.
//! - **Grid intensities, kg CO2e per kWh consumed** = generation intensity × 1.08 (8 %
//!   transmission and distribution losses, an estimate). Generation intensities are Ember's
//!   life-cycle figures for **2024** (Ember, *Yearly Electricity Data*, release of January
//!   2026, as republished by Our World in Data in `owid/energy-data`, column
//!   `carbon_intensity_elec`, g CO2e/kWh): Russia 445.98, Mongolia 810.66, China 555.40,
//!   Kazakhstan 802.04, world 471.08. Life-cycle generation figures include fuel extraction
//!   and transport, so with losses they are the WTW factor of electricity at the pantograph:
//!   Russia 0.482, Mongolia 0.876, China 0.600, Kazakhstan 0.866, elsewhere (world) 0.509.
//! - **Transshipment 1.5 kg CO2e/t** handled (estimate, order of magnitude): cranes, reach
//!   stackers and shunting at a transloading or bogie-exchange terminal.
//!
//! Thus on the default figures an electrified Russian line emits 0.025 × 0.482 ≈ 0.012
//! kg/t·km, half of a diesel line (0.023), and road emits about five times diesel rail. On
//! the Mongolian and Kazakh grids (coal) electric traction saves only about 5–6 % against
//! diesel.

use serde::Serialize;

use crate::network::Mode;

/// How a rail link is worked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Traction {
    /// Electric locomotives (the link's `electrified` is true).
    Electric,
    /// Diesel locomotives.
    Diesel,
}

impl Traction {
    /// Traction from the data's `electrified` flag.
    pub fn from_electrified(electrified: bool) -> Self {
        if electrified {
            Traction::Electric
        } else {
            Traction::Diesel
        }
    }
}

/// Whose electricity grid powers an electrified link: one byte per link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Grid {
    /// Russia.
    Ru,
    /// Mongolia.
    Mn,
    /// China.
    Cn,
    /// Kazakhstan.
    Kz,
    /// Any other country (world-average intensity).
    Other,
}

impl Grid {
    /// The grid of an ISO 3166-1 alpha-2 country code.
    pub fn of_country(iso2: &str) -> Self {
        match iso2 {
            "RU" => Grid::Ru,
            "MN" => Grid::Mn,
            "CN" => Grid::Cn,
            "KZ" => Grid::Kz,
            _ => Grid::Other,
        }
    }
}

/// Emission factors. `Default` gives the documented estimates; each field can be overridden
/// per request under the same name, like the other costing figures (they are part of
/// [`super::Profile`], ranges in [`super::Profile::FIELDS`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EmissionFactors {
    /// Heavy truck, kg CO2e per tonne-km (WTW). Default 0.125 (from GLEC v3.0's WTT figure).
    pub road_truck_kg_per_tkm: f64,
    /// Diesel-hauled rail, kg CO2e per tonne-km (WTW). Default 0.023.
    pub rail_diesel_kg_per_tkm: f64,
    /// Electric rail, kWh at the pantograph per tonne-km. Default 0.025.
    pub rail_electric_kwh_per_tkm: f64,
    /// Russian grid, kg CO2e per kWh consumed. Default 0.482 (Ember 2024).
    pub grid_ru_kg_per_kwh: f64,
    /// Mongolian grid, kg CO2e per kWh consumed. Default 0.876 (Ember 2024).
    pub grid_mn_kg_per_kwh: f64,
    /// Chinese grid, kg CO2e per kWh consumed. Default 0.600 (Ember 2024).
    pub grid_cn_kg_per_kwh: f64,
    /// Kazakh grid, kg CO2e per kWh consumed. Default 0.866 (Ember 2024).
    pub grid_kz_kg_per_kwh: f64,
    /// Any other grid (world average), kg CO2e per kWh consumed. Default 0.509 (Ember 2024).
    pub grid_other_kg_per_kwh: f64,
    /// Handling per transshipment, kg CO2e per tonne. Default 1.5.
    pub transshipment_kg_per_t: f64,
}

impl Default for EmissionFactors {
    fn default() -> Self {
        Self {
            road_truck_kg_per_tkm: 0.125,
            rail_diesel_kg_per_tkm: 0.023,
            rail_electric_kwh_per_tkm: 0.025,
            grid_ru_kg_per_kwh: 0.482,
            grid_mn_kg_per_kwh: 0.876,
            grid_cn_kg_per_kwh: 0.600,
            grid_kz_kg_per_kwh: 0.866,
            grid_other_kg_per_kwh: 0.509,
            transshipment_kg_per_t: 1.5,
        }
    }
}

/// Where one default emission figure comes from: a record of [`EmissionFactors::SOURCES`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FactorSource {
    /// The [`EmissionFactors`] field (and request parameter) it is the default of.
    pub field: &'static str,
    /// The default value, in `unit`.
    pub value: f64,
    /// Unit of `value`.
    pub unit: &'static str,
    /// Whether the figure is well-to-wheel (fuel or electricity production included).
    pub well_to_wheel: bool,
    /// `"published"` (taken from the named series) or `"estimate"` (derived as `source` says).
    pub basis: &'static str,
    /// The year the figure describes, where the source is a yearly series.
    pub year: Option<u16>,
    /// The publication, or the derivation of an estimate.
    pub source: &'static str,
}

/// Ember's life-cycle generation intensity, and what this crate adds to it.
const EMBER_2024: &str = "Ember, Yearly Electricity Data (release of January 2026), life-cycle \
     generation intensity for 2024 as republished by Our World in Data (owid/energy-data, \
     owid-energy-data.csv, column carbon_intensity_elec); × 1.08 for transmission and \
     distribution losses (estimate)";

impl EmissionFactors {
    /// One source record per default figure, in field order. Every figure is well-to-wheel;
    /// the grid intensities are published (Ember, year 2024) with an estimated loss factor,
    /// the rest are estimates whose derivation is given (module documentation).
    pub const SOURCES: [FactorSource; 9] = [
        FactorSource {
            field: "road_truck_kg_per_tkm",
            value: 0.125,
            unit: "kg CO2e/t·km",
            well_to_wheel: true,
            basis: "estimate",
            year: Some(2023),
            source: "estimate from a published default: GLEC Framework v3.0 (2023), Table 8 \
                     (Europe and South America road emission intensity values), articulated \
                     truck 34-40 t, average/mixed load, diesel: well-to-tank 0.022 kg CO2e/t·km \
                     (as republished by Climatiq, \
                     climatiq.io/data/emission-factor/84c850ff-05ce-466c-a77d-525c447d4d16); divided by diesel's well-to-tank \
                     share of well-to-wheel, 0.57 of 3.24 kg CO2e/l (EN 16258:2012, Annex A)",
        },
        FactorSource {
            field: "rail_diesel_kg_per_tkm",
            value: 0.023,
            unit: "kg CO2e/t·km",
            well_to_wheel: true,
            basis: "estimate",
            year: None,
            source: "estimate: 0.007 l/t·km (above the ~0.0055 l/t·km of North American heavy \
                     haul, Association of American Railroads ~470 ton-miles per gallon, for \
                     shorter, climbing trains) × 3.24 kg CO2e/l diesel WTW (EN 16258:2012)",
        },
        FactorSource {
            field: "rail_electric_kwh_per_tkm",
            value: 0.025,
            unit: "kWh/t·km",
            well_to_wheel: true,
            basis: "estimate",
            year: None,
            source: "estimate: energy at the pantograph per net t·km including regenerative \
                     braking and empty running; its CO2e comes from the grid intensity (WTW)",
        },
        FactorSource {
            field: "grid_ru_kg_per_kwh",
            value: 0.482,
            unit: "kg CO2e/kWh",
            well_to_wheel: true,
            basis: "published",
            year: Some(2024),
            source: EMBER_2024,
        },
        FactorSource {
            field: "grid_mn_kg_per_kwh",
            value: 0.876,
            unit: "kg CO2e/kWh",
            well_to_wheel: true,
            basis: "published",
            year: Some(2024),
            source: EMBER_2024,
        },
        FactorSource {
            field: "grid_cn_kg_per_kwh",
            value: 0.600,
            unit: "kg CO2e/kWh",
            well_to_wheel: true,
            basis: "published",
            year: Some(2024),
            source: EMBER_2024,
        },
        FactorSource {
            field: "grid_kz_kg_per_kwh",
            value: 0.866,
            unit: "kg CO2e/kWh",
            well_to_wheel: true,
            basis: "published",
            year: Some(2024),
            source: EMBER_2024,
        },
        FactorSource {
            field: "grid_other_kg_per_kwh",
            value: 0.509,
            unit: "kg CO2e/kWh",
            well_to_wheel: true,
            basis: "published",
            year: Some(2024),
            source: EMBER_2024,
        },
        FactorSource {
            field: "transshipment_kg_per_t",
            value: 1.5,
            unit: "kg CO2e/t",
            well_to_wheel: true,
            basis: "estimate",
            year: None,
            source: "estimate (order of magnitude): cranes, reach stackers and shunting at a \
                     transloading or bogie-exchange terminal, per tonne handled",
        },
    ];

    /// Ember's 2024 life-cycle generation intensities, g CO2e/kWh, that the grid defaults
    /// are derived from (× 1.08): Russia, Mongolia, China, Kazakhstan, world.
    pub const EMBER_2024_G_PER_KWH: [(Grid, f64); 5] = [
        (Grid::Ru, 445.98),
        (Grid::Mn, 810.66),
        (Grid::Cn, 555.40),
        (Grid::Kz, 802.04),
        (Grid::Other, 471.08),
    ];

    /// The default figures by field name, in [`Self::SOURCES`] order.
    pub fn by_field(&self) -> [(&'static str, f64); 9] {
        [
            ("road_truck_kg_per_tkm", self.road_truck_kg_per_tkm),
            ("rail_diesel_kg_per_tkm", self.rail_diesel_kg_per_tkm),
            ("rail_electric_kwh_per_tkm", self.rail_electric_kwh_per_tkm),
            ("grid_ru_kg_per_kwh", self.grid_ru_kg_per_kwh),
            ("grid_mn_kg_per_kwh", self.grid_mn_kg_per_kwh),
            ("grid_cn_kg_per_kwh", self.grid_cn_kg_per_kwh),
            ("grid_kz_kg_per_kwh", self.grid_kz_kg_per_kwh),
            ("grid_other_kg_per_kwh", self.grid_other_kg_per_kwh),
            ("transshipment_kg_per_t", self.transshipment_kg_per_t),
        ]
    }

    /// Grid intensity, kg CO2e per kWh consumed.
    pub fn grid_kg_per_kwh(&self, grid: Grid) -> f64 {
        match grid {
            Grid::Ru => self.grid_ru_kg_per_kwh,
            Grid::Mn => self.grid_mn_kg_per_kwh,
            Grid::Cn => self.grid_cn_kg_per_kwh,
            Grid::Kz => self.grid_kz_kg_per_kwh,
            Grid::Other => self.grid_other_kg_per_kwh,
        }
    }

    /// kg CO2e per tonne-km of a link of `mode` (traction and grid matter for rail only).
    pub fn kg_per_tkm(&self, mode: Mode, traction: Traction, grid: Grid) -> f64 {
        match (mode, traction) {
            (Mode::Road, _) => self.road_truck_kg_per_tkm,
            (Mode::Rail, Traction::Diesel) => self.rail_diesel_kg_per_tkm,
            (Mode::Rail, Traction::Electric) => {
                self.rail_electric_kwh_per_tkm * self.grid_kg_per_kwh(grid)
            }
        }
    }

    /// kg CO2e per tonne of cargo for one traversal of `length_km`.
    ///
    /// # Example
    /// ```
    /// use corridor::cost::{EmissionFactors, Grid, Traction};
    /// use corridor::network::Mode;
    /// let f = EmissionFactors::default();
    /// let electric = f.link_kg_per_t(Mode::Rail, Traction::Electric, Grid::Ru, 1000.0);
    /// let diesel = f.link_kg_per_t(Mode::Rail, Traction::Diesel, Grid::Ru, 1000.0);
    /// assert!(electric < diesel);
    /// ```
    pub fn link_kg_per_t(&self, mode: Mode, traction: Traction, grid: Grid, length_km: f64) -> f64 {
        length_km * self.kg_per_tkm(mode, traction, grid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn electric_rail_beats_diesel_rail_beats_road_on_every_grid() {
        let f = EmissionFactors::default();
        for g in [Grid::Ru, Grid::Mn, Grid::Cn, Grid::Kz, Grid::Other] {
            let e = f.kg_per_tkm(Mode::Rail, Traction::Electric, g);
            let d = f.kg_per_tkm(Mode::Rail, Traction::Diesel, g);
            let r = f.kg_per_tkm(Mode::Road, Traction::Diesel, g);
            assert!(e < d && d < r, "{g:?}: {e} {d} {r}");
        }
    }

    #[test]
    fn documented_derivations_hold() {
        let f = EmissionFactors::default();
        // Truck: GLEC v3.0 Table 8's well-to-tank 0.022 kg/t·km over diesel's WTT share of
        // WTW (EN 16258: 0.57 of 3.24 kg CO2e/l).
        assert!((f.road_truck_kg_per_tkm - 0.022 / (0.57 / 3.24)).abs() < 0.001);
        // Diesel rail: 0.007 l/t·km × 3.24.
        assert!((f.rail_diesel_kg_per_tkm - 0.007 * 3.24).abs() < 0.001);
        // Grids: Ember's 2024 generation intensity × 1.08, to the third decimal.
        for (grid, g_per_kwh) in EmissionFactors::EMBER_2024_G_PER_KWH {
            let consumed = g_per_kwh / 1000.0 * 1.08;
            assert!(
                (f.grid_kg_per_kwh(grid) - consumed).abs() < 0.0005,
                "{grid:?}: {} against {consumed}",
                f.grid_kg_per_kwh(grid)
            );
        }
        // Russian electric is about half of diesel.
        let ratio =
            f.kg_per_tkm(Mode::Rail, Traction::Electric, Grid::Ru) / f.rail_diesel_kg_per_tkm;
        assert!((0.4..0.6).contains(&ratio), "{ratio}");
    }

    #[test]
    fn link_emissions_scale_with_length_and_grid() {
        let f = EmissionFactors::default();
        let one = f.link_kg_per_t(Mode::Rail, Traction::Electric, Grid::Kz, 100.0);
        assert!(
            (f.link_kg_per_t(Mode::Rail, Traction::Electric, Grid::Kz, 300.0) - 3.0 * one).abs()
                < 1e-12
        );
        assert!(one > f.link_kg_per_t(Mode::Rail, Traction::Electric, Grid::Ru, 100.0));
        assert_eq!(Grid::of_country("KZ"), Grid::Kz);
        assert_eq!(Grid::of_country("DE"), Grid::Other);
        assert_eq!(Traction::from_electrified(true), Traction::Electric);
    }

    #[test]
    fn every_default_has_one_well_to_wheel_source_record() {
        let f = EmissionFactors::default();
        let fields = f.by_field();
        assert_eq!(fields.len(), EmissionFactors::SOURCES.len());
        for ((name, value), src) in fields.iter().zip(EmissionFactors::SOURCES.iter()) {
            assert_eq!(*name, src.field);
            assert_eq!(
                *value, src.value,
                "{name}: default and source record differ"
            );
            assert!(src.well_to_wheel, "{name}");
            assert!(
                matches!(src.basis, "published" | "estimate"),
                "{name}: {}",
                src.basis
            );
            assert!(!src.source.is_empty(), "{name}");
            // An estimate says so in its source; a published figure names its year.
            match src.basis {
                "estimate" => assert!(src.source.starts_with("estimate"), "{name}"),
                _ => assert!(src.year.is_some(), "{name}"),
            }
        }
        // The record names are exactly the costing profile's emission fields.
        for src in EmissionFactors::SOURCES {
            assert!(
                crate::cost::Profile::FIELDS
                    .iter()
                    .any(|p| p.name == src.field),
                "{}",
                src.field
            );
        }
    }
}
