//! What an assignment pays to move a tonne: the per-link and per-transshipment price the
//! min-cost assignment minimises, in USD per tonne, taken from the routing profile
//! (`crate::cost::Profile::default()`), so that routes and assignments price a link the same
//! way: haulage by mode × length, plus the border fee at a crossing; a rail↔road
//! transshipment costs the profile's transshipment fee.
//!
//! The assignment graph has no gauge state, so breaks of gauge are not priced here (routing
//! prices them); time does not enter the assignment's cost.

use crate::cost::{Measure, Profile};
use crate::network::Link;

/// Cost of carrying one tonne over `link`, USD, with the default profile.
///
/// # Example
/// ```
/// use corridor::capacity::pricing::link_usd_per_t;
/// use corridor::cost::Profile;
/// let net = corridor::Network::embedded().unwrap();
/// let link = &net.links()[0];
/// let p = Profile::default();
/// assert!(link_usd_per_t(link) >= link.length_km * p.rate_usd_per_tkm(link.mode));
/// ```
pub fn link_usd_per_t(link: &Link) -> f64 {
    Profile::default().link_measure(link, Measure::Cost)
}

/// Cost of one rail↔road transshipment, USD per tonne, with the default profile.
pub fn transshipment_usd_per_t() -> f64 {
    Profile::default().transshipment_usd_per_t
}
