//! Per-link cost for the min-cost assignment, in USD per tonne, taken from the routing
//! profile (`crate::cost::Profile::default()`), so that routes and assignments price a link
//! the same way: haulage by mode × length, plus the border fee at a crossing; a rail↔road
//! transfer costs the profile's transshipment fee.
//!
//! The assignment graph has no gauge state, so breaks of gauge are not priced here (routing
//! prices them); time does not enter the assignment's cost.

use crate::cost::{Measure, Profile};
use crate::network::Link;

/// Cost of carrying one tonne over `link`, USD, with the default profile.
///
/// # Example
/// ```
/// use corridor::capacity::cost::link_usd_per_t;
/// use corridor::cost::Profile;
/// let net = corridor::Network::embedded().unwrap();
/// let link = &net.links()[0];
/// let p = Profile::default();
/// assert!(link_usd_per_t(link) >= link.length_km * p.rate_usd_per_tkm(link.mode));
/// ```
pub fn link_usd_per_t(link: &Link) -> f64 {
    Profile::default().link_measure(link, Measure::Cost)
}

/// Cost of one rail↔road transfer, USD per tonne, with the default profile.
pub fn transfer_usd_per_t() -> f64 {
    Profile::default().transshipment_usd_per_t
}
