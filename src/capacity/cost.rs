//! A simple per-link cost for the min-cost assignment, in USD per tonne.
//!
//! This is a placeholder owned by the capacity module: it should be unified with the route
//! costing profile (`src/cost/profile.rs`) once that lands, so that routes and assignments
//! price a link the same way. Until then the figures are round, documented estimates.

use crate::network::{Link, LinkKind, Mode};

/// Rail haulage, USD per tonne-km (typical broad-gauge freight tariff, an estimate).
pub const RAIL_USD_PER_TKM: f64 = 0.03;
/// Road haulage, USD per tonne-km (a loaded semi-trailer, an estimate).
pub const ROAD_USD_PER_TKM: f64 = 0.08;
/// Border formalities per tonne at a crossing, USD, plus [`DWELL_USD_PER_T_H`] per hour of
/// typical dwell.
pub const CROSSING_USD_PER_T: f64 = 3.0;
/// Cost of a tonne waiting one hour at a border, USD.
pub const DWELL_USD_PER_T_H: f64 = 0.05;
/// Rail↔road transhipment at an intermodal node, USD per tonne.
pub const TRANSFER_USD_PER_T: f64 = 5.0;

/// Cost of carrying one tonne over `link`, USD.
///
/// # Example
/// ```
/// use corridor::capacity::cost::{link_usd_per_t, RAIL_USD_PER_TKM};
/// let net = corridor::Network::embedded().unwrap();
/// let link = &net.links()[0];
/// assert!(link_usd_per_t(link) >= link.length_km * RAIL_USD_PER_TKM);
/// ```
pub fn link_usd_per_t(link: &Link) -> f64 {
    let rate = match link.mode {
        Mode::Rail => RAIL_USD_PER_TKM,
        Mode::Road => ROAD_USD_PER_TKM,
    };
    let mut cost = link.length_km * rate;
    if link.kind == LinkKind::Crossing {
        cost += CROSSING_USD_PER_T;
        if let Some(c) = &link.crossing {
            cost += c.dwell_h * DWELL_USD_PER_T_H;
        }
    }
    cost
}
