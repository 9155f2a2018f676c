//! Costing: what a request allows (mode, status, avoid lists, cargo) and what links and
//! transfers cost. Kept apart from search, as Valhalla's sif is from thor.

mod constraints;
mod profile;

pub use constraints::{Cargo, ConstraintInput, ConstraintIssue, Constraints, ModeFilter, Refusal};
pub use profile::{Measures, Optimize, Profile, ProfileField, Transfer};
