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
//! # Defaults (estimates) and their derivation
//! All figures are WTW (fuel or electricity production included) and per **net** tonne-km,
//! with average loading and empty running folded in. They are planning estimates, not
//! measured operator data (ISO 14083 "default values" tier):
//!
//! - **Heavy truck 0.065 kg/t·km.** A 40 t articulated truck on regional trunk roads burns
//!   about 32 l/100 km of diesel; diesel's WTW factor is 3.24 kg CO2e/l (EN 16258, also used
//!   by GLEC); an average net load of 16 t including empty returns gives
//!   0.32 × 3.24 / 16 = 0.065. GLEC default intensities for long-haul trucks lie in the same
//!   60–80 g/t·km range.
//! - **Diesel rail 0.023 kg/t·km.** Heavy-haul diesel freight in North America uses about
//!   0.0055 l/t·km (AAR fuel-efficiency statistics: ~470 ton-miles per gallon); trains on the
//!   Mongolian and Kazakh single-track lines are shorter and climb more, so 0.007 l/t·km is
//!   assumed: 0.007 × 3.24 = 0.023.
//! - **Electric rail 0.025 kWh/t·km** at the pantograph, including regenerative braking and
//!   empty running (European averages used by EcoTransIT are 0.02–0.04 kWh/t·km; Russian
//!   Railways' heavy trains are at the low end).
//! - **Grid intensities, kg CO2e per kWh consumed** = generation intensity × 1.08 (8% network
//!   losses): Russia 0.44 × 1.08 ≈ 0.475, Mongolia 0.78 × 1.08 ≈ 0.84, China 0.582 × 1.08 ≈
//!   0.63, Kazakhstan 0.65 × 1.08 ≈ 0.70, elsewhere (world average) 0.48 × 1.08 ≈ 0.52.
//!   Generation intensities: Ember yearly electricity data for 2023 as published by Our World
//!   in Data (China 582 g/kWh); the Russian, Mongolian and Kazakh figures are rounded from
//!   the same series and should be checked against its latest release.
//! - **Transshipment 1.5 kg CO2e/t** handled: cranes, reach stackers and shunting at a
//!   transloading or bogie-exchange terminal; GLEC's default intensities for transshipment
//!   sites are of the order of 1–2 kg CO2e per tonne.
//!
//! Thus on the default figures an electrified Russian line emits 0.025 × 0.475 ≈ 0.012
//! kg/t·km, half of a diesel line (0.023), and road emits about three times diesel rail.

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
    /// Heavy truck, kg CO2e per tonne-km (WTW). Default 0.065.
    pub road_truck_kg_per_tkm: f64,
    /// Diesel-hauled rail, kg CO2e per tonne-km (WTW). Default 0.023.
    pub rail_diesel_kg_per_tkm: f64,
    /// Electric rail, kWh at the pantograph per tonne-km. Default 0.025.
    pub rail_electric_kwh_per_tkm: f64,
    /// Russian grid, kg CO2e per kWh consumed. Default 0.475.
    pub grid_ru_kg_per_kwh: f64,
    /// Mongolian grid, kg CO2e per kWh consumed. Default 0.84.
    pub grid_mn_kg_per_kwh: f64,
    /// Chinese grid, kg CO2e per kWh consumed. Default 0.63.
    pub grid_cn_kg_per_kwh: f64,
    /// Kazakh grid, kg CO2e per kWh consumed. Default 0.70.
    pub grid_kz_kg_per_kwh: f64,
    /// Any other grid (world average), kg CO2e per kWh consumed. Default 0.52.
    pub grid_other_kg_per_kwh: f64,
    /// Handling per transshipment, kg CO2e per tonne. Default 1.5.
    pub transshipment_kg_per_t: f64,
}

impl Default for EmissionFactors {
    fn default() -> Self {
        Self {
            road_truck_kg_per_tkm: 0.065,
            rail_diesel_kg_per_tkm: 0.023,
            rail_electric_kwh_per_tkm: 0.025,
            grid_ru_kg_per_kwh: 0.475,
            grid_mn_kg_per_kwh: 0.84,
            grid_cn_kg_per_kwh: 0.63,
            grid_kz_kg_per_kwh: 0.70,
            grid_other_kg_per_kwh: 0.52,
            transshipment_kg_per_t: 1.5,
        }
    }
}

impl EmissionFactors {
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
        // Truck: 32 l/100 km × 3.24 kg/l over 16 t.
        assert!((f.road_truck_kg_per_tkm - 0.32 * 3.24 / 16.0).abs() < 0.001);
        // Diesel rail: 0.007 l/t·km × 3.24.
        assert!((f.rail_diesel_kg_per_tkm - 0.007 * 3.24).abs() < 0.001);
        // Grids: generation intensity × 1.08.
        for (grid, generation) in [
            (Grid::Ru, 0.44),
            (Grid::Mn, 0.78),
            (Grid::Cn, 0.582),
            (Grid::Kz, 0.65),
        ] {
            assert!(
                (f.grid_kg_per_kwh(grid) - generation * 1.08).abs() < 0.01,
                "{grid:?}"
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
}
