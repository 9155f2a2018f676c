//! Costing: what a request allows (mode, status, avoid lists, cargo) and what links and
//! transfers cost. Kept apart from search, as Valhalla's sif is from thor.

mod constraints;
mod emissions;
mod profile;
pub mod schedule;

pub use constraints::{Cargo, ConstraintInput, ConstraintIssue, Constraints, ModeFilter, Refusal};
pub use emissions::{EmissionFactors, EmissionField, Grid, Traction};
pub use profile::{Measures, Optimize, Profile, ProfileField, Transfer};
