//! Costing: what a request allows (mode, status, avoid lists, cargo) and what links and
//! transshipments cost, in every [`Measure`]. Kept apart from search, as Valhalla's sif is
//! from thor.

mod args;
mod constraints;
mod emissions;
mod measure;
mod profile;
pub mod schedule;

pub use args::{ConstraintArgs, MAX_AVOID, ProfileArgs};
pub use constraints::{Cargo, ConstraintInput, ConstraintIssue, Constraints, ModeFilter, Refusal};
pub use emissions::{EmissionFactors, FactorSource, Grid, Traction};
pub use measure::{MEASURE_COUNT, Measure, Measures, Optimize};
pub use profile::{Profile, ProfileField, TransshipmentKind};
